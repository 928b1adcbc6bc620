// Package tui is nixplore's explorer: a full-screen tree of a NixOS
// evaluation with a preview of the selected node, a fuzzy filter and a
// build panel. It sits above nixeval and never runs Nix in Update: every
// request is a tea.Cmd with its own context, cancelled on reselect,
// refresh and quit. The panes are the packages under components/; what
// they all share is in shared/.
package tui

import (
	"context"
	"io"
	"time"

	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/nixeval/diag"
	"github.com/nixplore/nixplore/tui/components/buildpanel"
	"github.com/nixplore/nixplore/tui/components/comparepanel"
	"github.com/nixplore/nixplore/tui/components/edits"
	"github.com/nixplore/nixplore/tui/components/evallog"
	"github.com/nixplore/nixplore/tui/components/explain"
	"github.com/nixplore/nixplore/tui/components/filter"
	"github.com/nixplore/nixplore/tui/components/footer"
	"github.com/nixplore/nixplore/tui/components/header"
	"github.com/nixplore/nixplore/tui/components/preview"
	"github.com/nixplore/nixplore/tui/components/trace"
	"github.com/nixplore/nixplore/tui/components/tree"
	"github.com/nixplore/nixplore/tui/components/warnings"
	"github.com/nixplore/nixplore/tui/shared"
)

// Config is what the explorer is started with (shared.Config: every
// component reads it).
type Config = shared.Config

// WatchConfig is what the explorer watches to follow edits.
type WatchConfig = shared.WatchConfig

// Evaluator is what the explorer asks about the target; *nixeval.Evaluator
// implements it.
type Evaluator = shared.Evaluator

// state is where the explorer as a whole stands.
type state int

const (
	stateLoading state = iota // the start node is being listed
	stateReady                // the tree is shown
	stateFailed               // the evaluation failed as a whole
)

// Smallest terminal the explorer draws its panes in; below it says so.
const (
	minWidth  = 60
	minHeight = 15
)

func (s state) String() string {
	return [...]string{"loading", "ready", "failed"}[s]
}

// Model is the explorer's root model. It holds what the panes share
// (shared.Common) and routes messages to them: a key to the component that
// has focus (keys.go), a component's own message to it, and every Cmd a
// component returns is batched. Each pane is a component package under
// components/ with its own Update and view: header, tree, preview,
// filter, explain, warnings, trace, evallog, buildpanel, comparepanel.
// The root still asks for listings, kinds and descriptions (commands.go,
// kinds.go, selection.go) and lays the panes out (view.go). Every state
// change happens in Update: View only reads.
type Model struct {
	c       *shared.Common
	state   state
	tree    *tree.Tree
	pane    tree.Pane
	preview preview.Pane
	filter  filter.Model
	build   buildpanel.Panel
	compare comparepanel.Panel
	header  header.Model
	footer  footer.Model
	edits   edits.Model
	spinner spinner.Model
	// jumpTo is a path typed into the filter that is being loaded to be
	// jumped to (jump.go); any key ends the walk.
	jumpTo attr.Path

	infoID uint64 // the Info request in flight, 0 when none
	// showAbsent adds the catalogue's outputs this configuration does not
	// have to config.system.build (key a).
	showAbsent bool
	explain    explain.Panel
	warnings   warnings.Panel
	trace      trace.Panel // t on an error: Nix's --show-trace (trace.go)
	fatal      error       // stateFailed: why
	cancels    map[uint64]context.CancelFunc
	descs      map[string]*descEntry // descriptions already fetched, by path key
	quitting   bool
	// askQuit: q was pressed while a build runs; the next key answers
	// (y or q quits and cancels the build, any other keeps it).
	askQuit bool

	lastClickRow  int
	lastClickTime time.Time

	// kinds are the background kind requests in flight, by id.
	kinds map[uint64]*kindsReq
	// early holds keys typed before the start listing arrived; they are
	// replayed, in order, once the names are there (/images⏎ typed at
	// once works).
	early []tea.KeyMsg
	// working is what each foreground request in flight evaluates, for the
	// footer: what and since when.
	working map[uint64]workItem
	// building is what requests in flight build for evaluation, by id.
	building map[uint64]evalBuilding
	// cancelledBuilds are the builds for evaluation esc stopped, by name:
	// a request that meets one again is cancelled too, until r or R.
	cancelledBuilds map[string]bool
	// lastEvalBuild is the latest build during evaluation a request
	// waited for: L shows its log.
	lastEvalBuild *diag.EvalBuild
	evalLog       evallog.Panel
	// waiters wait for the builds of requests just started (takeWaiters).
	waiters []tea.Cmd
}

// workItem is a request in flight as the footer names it.
type workItem struct {
	what  string
	since time.Time
}

// descEntry is a finished (or cached) description.
type descEntry struct {
	desc   *nixeval.Description
	err    error
	cached bool
}

// New returns the explorer for cfg.
func New(cfg Config) Model {
	if cfg.Start == nil {
		cfg.Start = attr.DefaultPath
	}
	if cfg.Clipboard == nil {
		cfg.Clipboard = io.Discard
	}
	c := shared.New(cfg)
	sp := spinner.New(spinner.WithSpinner(spinner.Line))
	c.Spin = sp.View()
	m := Model{
		c:               c,
		tree:            tree.New(cfg.Start),
		spinner:         sp,
		cancels:         map[uint64]context.CancelFunc{},
		descs:           map[string]*descEntry{},
		kinds:           map[uint64]*kindsReq{},
		working:         map[uint64]workItem{},
		building:        map[uint64]evalBuilding{},
		cancelledBuilds: map[string]bool{},
	}
	m.header = header.New(c)
	m.footer = footer.New(c)
	m.pane = tree.NewPane(c, m.tree)
	m.preview = preview.New(c)
	m.filter = filter.New(c)
	m.build = buildpanel.New(c)
	m.compare = comparepanel.New(c)
	m.explain = explain.New(c)
	m.warnings = warnings.New(c)
	m.trace = trace.New(c)
	m.evalLog = evallog.New(c)
	m.edits = edits.New(c)
	m.layout()
	m.syncKeys()
	return m
}

// Wait blocks until every Cmd the explorer started has returned (their Nix
// processes are then gone), or until d passes. It reports whether all
// ended.
func (m Model) Wait(d time.Duration) bool {
	deadline := time.Now().Add(d)
	for m.c.Inflight.Load() > 0 {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(10 * time.Millisecond)
	}
	return true
}

// State is the explorer's state, for tests and logs.
func (m Model) State() string { return m.state.String() }

// Init starts the explorer: the start node's listing (through startMsg,
// since the request is state Update keeps) and the notices from below.
func (m Model) Init() tea.Cmd {
	return tea.Batch(func() tea.Msg { return startMsg{} }, m.c.WaitNotice())
}

// Close cancels every request and build still running (a program ended
// by a signal never saw `q`); Wait then sees their processes end.
func (m Model) Close() {
	m.c.End()
	m.cancelAll()
	m.build.Cancel()
	m.trace.Cancel()
	m.evalLog.Cancel()
	m.compare.Cancel()
	m.edits.Close()
}
