// Package tui is nixplore's explorer: a full-screen tree of a NixOS
// evaluation with a preview of the selected node, a fuzzy filter and a
// build panel. It sits above nixeval and never runs Nix in Update: every
// request is a tea.Cmd with its own context, cancelled on reselect,
// refresh and quit.
package tui

import (
	"context"
	"io"
	"log"
	"sync/atomic"
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/nixeval/build"
)

// Evaluator is what the explorer asks about the target; *nixeval.Evaluator
// implements it.
type Evaluator interface {
	List(ctx context.Context, paths ...attr.Path) ([]nixeval.Listing, error)
	// Names lists a set's children with every kind KindPending (one
	// builtins.attrNames); Kinds fills in kinds afterwards.
	Names(ctx context.Context, path attr.Path) (*nixeval.Listing, error)
	Kinds(ctx context.Context, children []nixeval.Child) error
	// Remember stores a listing completed kind by kind in the disk cache.
	Remember(ctx context.Context, l nixeval.Listing, since time.Time)
	Describe(ctx context.Context, path attr.Path) (*nixeval.Description, error)
	Info(ctx context.Context) (*nixeval.Info, error)
	PeekList(path attr.Path) (*nixeval.Listing, bool)
	PeekDescribe(path attr.Path) (*nixeval.Description, bool)
}

// Config is what the explorer is started with.
type Config struct {
	Target *nixeval.Target
	Eval   Evaluator
	Tools  nixeval.Tools
	Start  attr.Path // the node the tree opens on (nixeval.DefaultPath)
	// Clipboard receives OSC 52 sequences for y and c: the terminal.
	Clipboard io.Writer
	// Log receives debug lines; nil discards them. Never the terminal.
	Log *log.Logger
	// PreviewDelay lets the cursor settle before a preview is requested,
	// so holding a key does not start a Nix process per line.
	PreviewDelay time.Duration
	// Workers is how many requests the evaluator answers at once; the
	// explorer keeps as many background kind requests in flight (0: 1).
	Workers int
	// Memory, when set, reports each evaluator's resident memory (bytes),
	// shown in the header.
	Memory func() []int64
	// Notices, when set, carries messages from below for the footer (an
	// evaluator replaced for its memory).
	Notices <-chan string
	// Restart, when set, ends the warm evaluators (R): they evaluate
	// everything again, so edits to a flake (copied to the store, never
	// seen changing) show.
	Restart func()
	// Recheck, when set, checks a local flake again on R, before the
	// evaluators restart, as nixplore does at start: whether its work tree
	// is dirty (the header), the lock file written as nix build would
	// (notes, for the footer); an error fails the reload as it fails the
	// start.
	Recheck func() (dirty bool, notes []string, err error)
	// Fallen, when set, says why the warm evaluators answer through
	// one-shot Nix processes (nil while they do not); the header says so.
	Fallen func() error
	// Platform, when set, answers the header's platform check in place of
	// build.CheckPlatform with Tools and the target's --builders (golden
	// views pin it: the real answer depends on the machine).
	Platform func(ctx context.Context, system string) *build.PlatformCheck
}

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

// common is shared by the root and its panes.
type common struct {
	width, height int
	styles        Styles
	keys          KeyMap
	cfg           Config
	log           *log.Logger
	// inflight counts running Cmds so the caller can wait, after the
	// program ends, for every Nix process to be gone.
	inflight *atomic.Int64
	seq      uint64 // the last request id handed out
	spinning bool   // a spinner tick is scheduled
	spin     string // the spinner's frame, set in Update, drawn by every pane
	// warned counts, by path key, the warnings Nix printed evaluating
	// that path (warnings.go); the tree marks those nodes.
	warned map[string]int
	// life ends when the explorer quits (end): work that belongs to no
	// request (writing a listing to the disk cache) stops with it.
	life context.Context
	end  context.CancelFunc
}

// next returns a fresh request id.
func (c *common) next() uint64 { c.seq++; return c.seq }

// Model is the explorer's root model. It holds what the panes share and
// routes messages to them; each pane is a child model with its own Update
// and View (treepane.go, preview.go, filter.go, explain.go, build.go).
// Every state change happens in Update: View only reads.
type Model struct {
	c       *common
	state   state
	tree    *tree
	pane    treePane
	preview previewPane
	filter  filterModel
	build   buildPanel
	compare comparePanel
	help    help.Model
	spinner spinner.Model

	info *nixeval.Info
	// platform: whether this machine or a builder builds info's platform.
	platform *build.PlatformCheck
	infoErr  string
	infoID   uint64 // the Info request in flight, 0 when none
	// infoCancelled: esc stopped Info with the start listing; r asks again.
	infoCancelled bool
	// showAbsent adds the catalogue's outputs this configuration does not
	// have to config.system.build (key a).
	showAbsent bool
	explain    explainPanel
	warnings   warningsPanel
	trace      tracePanel // t on an error: Nix's --show-trace (trace.go)
	fatal      error      // stateFailed: why
	status     string     // one-line message: what was copied, what failed
	cancels    map[uint64]context.CancelFunc
	descs      map[string]*descEntry // descriptions already fetched, by path key
	quitting   bool
	// askQuit: q was pressed while a build runs; the next key answers
	// (y or q quits and cancels the build, any other keeps it).
	askQuit bool
	// dirty: the flake's work tree has uncommitted changes (the header):
	// Target.Dirty at start, Recheck's answer after R.
	dirty bool

	lastClickRow  int
	lastClickTime time.Time

	// kinds are the background kind requests in flight, by id.
	kinds map[uint64]*kindsReq
	// early holds keys typed before the start listing arrived; they are
	// replayed, in order, once the names are there (/images⏎ typed at
	// once works).
	early []tea.KeyMsg
	// memory is each evaluator's resident memory and fallen why they
	// answer through one-shot Nix, as read after the last request.
	memory []int64
	fallen error
	// warmBack is when the evaluators came back from one-shot Nix to a
	// warm repl (zero: not lately); the header says so for warmBackShown.
	warmBack time.Time
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
	lastEvalBuild *nixeval.EvalBuild
	evalLog       evalLogPanel
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
	lg := cfg.Log
	if lg == nil {
		lg = log.New(io.Discard, "", 0)
	}
	c := &common{width: 80, height: 24, styles: DefaultStyles(), keys: DefaultKeyMap(), cfg: cfg, log: lg, inflight: &atomic.Int64{}}
	c.life, c.end = context.WithCancel(context.Background())
	sp := spinner.New(spinner.WithSpinner(spinner.Line))
	h := help.New()
	h.ShortSeparator = " · "
	c.spin = sp.View()
	m := Model{
		c:               c,
		tree:            newTree(cfg.Start),
		help:            h,
		spinner:         sp,
		cancels:         map[uint64]context.CancelFunc{},
		descs:           map[string]*descEntry{},
		kinds:           map[uint64]*kindsReq{},
		dirty:           cfg.Target != nil && cfg.Target.Dirty,
		working:         map[uint64]workItem{},
		building:        map[uint64]evalBuilding{},
		cancelledBuilds: map[string]bool{},
	}
	m.pane = newTreePane(c, m.tree)
	m.preview = newPreview(c)
	m.filter = newFilter(c)
	m.build = buildPanel{c: c, pg: newPager()}
	m.compare = newCompare(c)
	m.explain = newExplain(c)
	m.warnings = newWarnings(c)
	m.trace = newTrace(c)
	m.evalLog = newEvalLog(c)
	m.layout()
	m.syncKeys()
	return m
}

// Wait blocks until every Cmd the explorer started has returned (their Nix
// processes are then gone), or until d passes. It reports whether all
// ended.
func (m Model) Wait(d time.Duration) bool {
	deadline := time.Now().Add(d)
	for m.c.inflight.Load() > 0 {
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
	return tea.Batch(func() tea.Msg { return startMsg{} }, m.c.waitNotice())
}

// Close cancels every request and build still running (a program ended
// by a signal never saw `q`); Wait then sees their processes end.
func (m Model) Close() {
	m.c.end()
	m.cancelAll()
	m.build.cancel()
	m.trace.cancel()
	m.evalLog.cancel()
	m.compare.cancel()
}
