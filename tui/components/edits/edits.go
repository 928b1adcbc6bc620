// Package edits is the explorer following your edits: it watches the
// files the evaluation read and the configuration's directories
// (nixeval/watch), and after a save evaluates again what is on screen, no
// more, marking each row the edit changed, added or removed against the
// evaluation before it; the footer says so ("your edit to
// configuration.nix changed 3 outputs") and a changed row's preview says
// why (nixeval/drvdiff). A save that does not evaluate (a half-edited
// file) shows its error and keeps the last good tree and marks.
package edits

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/nixeval/changes"
	"github.com/nixplore/nixplore/nixeval/diag"
	"github.com/nixplore/nixplore/nixeval/drvdiff"
	"github.com/nixplore/nixplore/nixeval/watch"
	"github.com/nixplore/nixplore/tui/shared"
)

// Mark is what an edit did to a row.
type Mark string

const (
	Changed Mark = "changed"
	Added   Mark = "added"
)

// Source is what the component asks of the evaluation.
type Source interface {
	Names(ctx context.Context, path attr.Path) (*nixeval.Listing, error)
	Values(ctx context.Context, paths []attr.Path) ([]nixeval.Value, error)
}

// Model follows edits. Its zero value (no Watch configured) does nothing.
type Model struct {
	c   *shared.Common
	cfg *shared.WatchConfig
	w   *watch.Watcher
	// base is what the evaluation before the latest edit said of each
	// row the user has seen, by path key; Marks what the edit did.
	base  map[string]nixeval.Value
	Marks map[string]Mark
	// before holds, for a changed derivation, its .drv before the edit
	// (for the why).
	before map[string]string
	after  map[string]string
	// baseID is the baseline request in flight; editID the evaluation
	// after an edit; cancel stops it.
	baseID, editID uint64
	cancel         context.CancelFunc
	// Err is the error of the latest save that did not evaluate.
	Err string
	// AgainstHead: the marks are against git HEAD (D), not the previous
	// evaluation; edits keep Marks, the last edit's, for D back.
	AgainstHead bool
	headMarks   map[string]Mark
	headID      uint64
	status      string
}

// New returns the component; it watches only once Start is called with a
// configuration to watch.
func New(c *shared.Common) Model {
	return Model{c: c, base: map[string]nixeval.Value{}, Marks: map[string]Mark{}, before: map[string]string{}, after: map[string]string{}}
}

// ChangedMsg is a burst of saves.
type ChangedMsg struct{ Files []string }

// valuesMsg answers a baseline or post-edit evaluation of rows.
type valuesMsg struct {
	id     uint64
	edit   bool // after an edit (else the baseline)
	paths  []attr.Path
	values []nixeval.Value
	names  []string // the start node's names after the edit
	files  []string
	err    error
}

// Msg is the component's own messages, for the root to route.
type Msg interface{ isEditsMsg() }

func (ChangedMsg) isEditsMsg() {}
func (valuesMsg) isEditsMsg()  {}
func (headMsg) isEditsMsg()    {}

// headMsg answers what the rows are now and at git HEAD.
type headMsg struct {
	id        uint64
	paths     []attr.Path
	now, head []nixeval.Value
	label     string
	err       error
}

// CanUseHead says whether D applies: the configuration is in git.
func (m Model) CanUseHead() bool { return m.cfg != nil && m.cfg.Head != nil }

// Status is what the footer says after D.
func (m Model) Status() string { return m.status }

// Shown is the marks on screen: against HEAD after D, else the last edit's.
func (m Model) Shown() map[string]Mark {
	if m.AgainstHead {
		return m.headMarks
	}
	return m.Marks
}

// ToggleHead switches the marks between the previous evaluation and git
// HEAD; to HEAD it asks, in one Cmd, what the rows on screen are now and
// at HEAD.
func (m Model) ToggleHead(rows []attr.Path) (Model, tea.Cmd) {
	if !m.CanUseHead() {
		return m, nil
	}
	m.AgainstHead = !m.AgainstHead
	if !m.AgainstHead {
		m.headID = 0
		m.status = "marks: what your latest edit changed"
		return m, nil
	}
	m.headMarks = map[string]Mark{}
	m.headID = m.c.Next()
	m.status = "comparing the rows on screen with git HEAD…"
	id, src, head := m.headID, m.c.Cfg.Eval.(Source), m.cfg.Head
	ctx := m.c.Life
	return m, m.c.Run(func() tea.Msg {
		now, err := src.Values(ctx, rows)
		if err != nil {
			return headMsg{id: id, err: err}
		}
		then, label, err := head(ctx, rows)
		return headMsg{id: id, paths: rows, now: now, head: then, label: label, err: err}
	})
}

func (m Model) onHead(msg headMsg) Model {
	if msg.id != m.headID || !m.AgainstHead {
		return m
	}
	m.headID = 0
	if msg.err != nil {
		m.status = "could not compare with git HEAD: " + diag.FirstLine(nixeval.ErrorText(msg.err))
		return m
	}
	n := 0
	for i, p := range msg.paths {
		if i < len(msg.head) && i < len(msg.now) && differs(msg.head[i], msg.now[i]) {
			m.headMarks[p.Key()] = Changed
			m.before[p.Key()], m.after[p.Key()] = msg.head[i].DrvPath, msg.now[i].DrvPath
			n++
		}
	}
	verb := "differ"
	if n == 1 {
		verb = "differs"
	}
	m.status = fmt.Sprintf("against %s: %d output%s on screen %s", msg.label, n, plural(n), verb)
	return m
}

// Start watches what cfg names and returns the Cmd that waits for the
// first save; without a configuration it does nothing.
func (m Model) Start() (Model, tea.Cmd) {
	m.cfg = m.c.Cfg.Watch
	if m.cfg == nil {
		return m, nil
	}
	w, err := watch.New(m.cfg.Quiet)
	if err != nil {
		m.c.Log.Printf("watch: %v", err)
		return m, nil
	}
	m.w = w
	w.Ignore(m.cfg.Ignore...)
	// The watches (a system call per directory) are set in the Cmd, never
	// in Update; the Watcher is safe to use from it.
	set := m.setWatches()
	wait := m.wait()
	return m, func() tea.Msg { set(); return wait() }
}

// Close stops watching and the evaluation in flight.
func (m *Model) Close() {
	if m.cancel != nil {
		m.cancel()
	}
	if m.w != nil {
		_ = m.w.Close()
	}
}

// setWatches returns the function, for a Cmd, that watches what the
// evaluation reads now (an edit may import new files).
func (m Model) setWatches() func() {
	w, watched, lg := m.w, m.cfg.Watched, m.c.Log
	return func() {
		files, dirs := watched()
		if err := w.Set(files, dirs); err != nil {
			lg.Printf("watch: %v", err)
		}
	}
}

func (m Model) wait() tea.Cmd {
	w := m.w
	return func() tea.Msg {
		c, ok := <-w.Changes()
		if !ok {
			return nil
		}
		return ChangedMsg{Files: c.Files}
	}
}

// Baseline asks, in the background, what the rows on screen are now, for
// those not asked yet: the evaluation an edit is compared with. At most
// one request is in flight.
func (m Model) Baseline(rows []attr.Path) (Model, tea.Cmd) {
	if m.w == nil || m.baseID != 0 || m.editID != 0 {
		return m, nil
	}
	var want []attr.Path
	for _, p := range rows {
		if _, ok := m.base[p.Key()]; !ok {
			want = append(want, p)
		}
	}
	if len(want) == 0 {
		return m, nil
	}
	m.baseID = m.c.Next()
	id, src, setWatches := m.baseID, m.c.Cfg.Eval.(Source), m.setWatches()
	ctx := nixeval.InBackground(m.c.Life)
	return m, m.c.Run(func() tea.Msg {
		// Once the rows are evaluated, what they read is known: watched.
		defer setWatches()
		vs, err := src.Values(ctx, want)
		return valuesMsg{id: id, paths: want, values: vs, err: err}
	})
}

// Update handles the component's messages. rows are the paths on screen;
// root is the start node's path and names its children now.
func (m Model) Update(msg Msg, rows []attr.Path, root attr.Path) (Model, tea.Cmd) {
	switch msg := msg.(type) {
	case ChangedMsg:
		return m.onChanged(msg, rows, root)
	case valuesMsg:
		return m.onValues(msg), nil
	case headMsg:
		return m.onHead(msg), nil
	}
	return m, nil
}

func (m Model) onChanged(msg ChangedMsg, rows []attr.Path, root attr.Path) (Model, tea.Cmd) {
	// A newer save cancels the evaluation of the one before.
	if m.cancel != nil {
		m.cancel()
	}
	m.baseID = 0
	var ctx context.Context
	ctx, m.cancel = context.WithCancel(m.c.Life)
	m.editID = m.c.Next()
	id, src, restart, setWatches := m.editID, m.c.Cfg.Eval.(Source), m.cfg.Restart, m.setWatches()
	files := msg.Files
	cmd := m.c.Run(func() tea.Msg {
		defer setWatches() // what the edited evaluation read (new imports too)
		// A flake is read from its copy in the store: the evaluators
		// start afresh to see the edit (a classic file is seen changed).
		if restart != nil {
			restart()
		}
		l, err := src.Names(ctx, root)
		if err != nil {
			return valuesMsg{id: id, edit: true, files: files, err: err}
		}
		var names []string
		for _, c := range l.Children {
			names = append(names, c.Name)
		}
		vs, err := src.Values(ctx, rows)
		return valuesMsg{id: id, edit: true, paths: rows, values: vs, names: names, files: files, err: err}
	})
	return m, tea.Batch(cmd, m.wait())
}

func (m Model) onValues(msg valuesMsg) Model {
	switch {
	case !msg.edit && msg.id == m.baseID:
		m.baseID = 0
		if msg.err == nil {
			for i, p := range msg.paths {
				m.base[p.Key()] = msg.values[i]
			}
			m.c.Log.Printf("edits: baseline of %d rows", len(msg.paths))
		}
		return m
	case !msg.edit || msg.id != m.editID:
		return m
	}
	m.editID = 0
	if msg.err != nil {
		if shared.IsCancel(msg.err) {
			return m
		}
		// A half-edited save: its error, the last good tree and marks.
		m.Err = fmt.Sprintf("your edit to %s does not evaluate: %s", filesText(msg.files), diag.FirstLine(nixeval.ErrorText(msg.err)))
		return m
	}
	m.Err = ""
	m.Marks = map[string]Mark{}
	m.before, m.after = map[string]string{}, map[string]string{}
	for i, p := range msg.paths {
		k, v := p.Key(), msg.values[i]
		old, seen := m.base[k]
		m.base[k] = v
		if !seen {
			continue
		}
		if differs(old, v) {
			m.Marks[k] = Changed
			m.before[k], m.after[k] = old.DrvPath, v.DrvPath
		}
	}
	return m
}

// Removed and Added compare the start node's names before and after: the
// root applies them to the tree.
func Diff(oldNames, newNames []string) (added, removed []string) {
	o, n := map[string]bool{}, map[string]bool{}
	for _, s := range oldNames {
		o[s] = true
	}
	for _, s := range newNames {
		n[s] = true
		if !o[s] {
			added = append(added, s)
		}
	}
	for _, s := range oldNames {
		if !n[s] {
			removed = append(removed, s)
		}
	}
	return added, removed
}

func differs(a, b nixeval.Value) bool {
	return a.Kind != b.Kind || a.DrvPath != b.DrvPath || a.ValueHash != b.ValueHash || (a.Error == "") != (b.Error == "")
}

// Failed says whether msg is a save that does not evaluate (Model.Err
// says why).
func Failed(msg Msg) bool {
	v, ok := msg.(valuesMsg)
	return ok && v.edit && v.err != nil && !shared.IsCancel(v.err)
}

// Names is the start node's names an edit's evaluation answered, and its
// files; ok is false for other messages.
func Names(msg Msg) (names, files []string, ok bool) {
	v, isValues := msg.(valuesMsg)
	if !isValues || !v.edit || v.err != nil {
		return nil, nil, false
	}
	return v.names, v.files, true
}

// Summary is the footer's line after an edit: which file, how many
// outputs changed, which were added or removed.
func Summary(files []string, changed int, added, removed []string) string {
	var parts []string
	if changed > 0 {
		parts = append(parts, fmt.Sprintf("changed %d output%s", changed, plural(changed)))
	}
	if len(added) > 0 {
		parts = append(parts, "added "+strings.Join(added, ", "))
	}
	if len(removed) > 0 {
		parts = append(parts, "removed "+strings.Join(removed, ", "))
	}
	if len(parts) == 0 {
		return "your edit to " + filesText(files) + " changed none of the outputs on screen"
	}
	return "your edit to " + filesText(files) + " " + strings.Join(parts, "; ")
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func filesText(files []string) string {
	var names []string
	for _, f := range files {
		names = append(names, filepath.Base(f))
	}
	sort.Strings(names)
	if len(names) > 2 {
		names = append(names[:2], fmt.Sprintf("%d more", len(names)-2))
	}
	if len(names) == 0 {
		return "the configuration"
	}
	return strings.Join(names, ", ")
}

// Seen says whether the row at p is in the evaluation an edit is
// compared with.
func (m Model) Seen(p attr.Path) bool {
	_, ok := m.base[p.Key()]
	return ok
}

// Why explains a changed row: the chains down to what differs. It reads
// .drv files, so it runs in a Cmd.
func (m Model) Why(key string) (before, after string, ok bool) {
	before, after = m.before[key], m.after[key]
	return before, after, before != "" && after != ""
}

// WhyMsg is why a changed row changed, for the preview.
type WhyMsg struct {
	Key   string
	Lines []string
}

// WhyCmd reads why the row at key changed (its .drv before and after the
// edit): the .drv files are read in the Cmd, never in Update.
func (m Model) WhyCmd(key string) tea.Cmd {
	before, after, ok := m.Why(key)
	if !ok {
		return func() tea.Msg { return WhyMsg{Key: key, Lines: []string{"its value changed with your latest edit"}} }
	}
	return m.c.Run(func() tea.Msg {
		why, err := drvdiff.Explain(drvdiff.ReadFile, before, after, 3)
		if err != nil {
			return WhyMsg{Key: key, Lines: []string{"changed with your latest edit (why: " + err.Error() + ")"}}
		}
		return WhyMsg{Key: key, Lines: append([]string{"changed with your latest edit:"}, changes.LeafLines(why)...)}
	})
}
