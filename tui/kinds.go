package tui

import (
	"fmt"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/tui/components/tree"
	"github.com/nixplore/nixplore/tui/shared"
)

// Names come first: a listing gives the children's names at once, every
// kind pending, and the kinds follow in the background, for the rows on
// screen and the selected one first. A child's kind can be a whole
// evaluation of the configuration (an images.* variant, vm), so rows
// scrolled away or folded are not evaluated until they are seen again, and
// their requests in flight are cancelled. Background requests go through
// nixeval.InBackground: the evaluators interrupt them for a request the
// user waits for (a listing just opened, the selected node's preview).

// kindsReq is one kind request in flight: the nodes it evaluates.
type kindsReq struct {
	keys       []string
	foreground bool // → on a pending node: the user waits for it
}

// kindsMsg is the answer to a kind request.
type kindsMsg struct {
	id       uint64
	keys     []string
	children []nixeval.Child
	err      error
}

// kindBatch is how many rows one background request evaluates: one at a
// time where a child may be a whole evaluation, so answers stream and a
// foreground request interrupts little work.
const kindBatch = 4

// scheduleKinds starts background kind requests for the pending rows the
// user can see, the selected one first, keeping BackgroundSlots()
// (Workers-1, at least one) in flight, and cancels the ones whose rows
// are no longer on screen. It is called after
// every message (Update), so scrolling, folding and new listings all count.
func (m *Model) scheduleKinds() tea.Cmd {
	if m.state != stateReady || len(m.tree.Visible) == 0 {
		return nil
	}
	onScreen := map[string]bool{}
	from, to := m.pane.Offset, min(len(m.tree.Visible), m.pane.Offset+m.pane.Height)
	for _, n := range m.tree.Visible[from:to] {
		onScreen[n.Key] = true
	}
	if m.filter.Active {
		// The filter's highlighted match is what the user looks at.
		if n := m.focused(); n != nil {
			onScreen[n.Key] = true
		}
	}
	// Cancel background requests none of whose rows are on screen.
	background := 0
	for id, r := range m.kinds {
		if r.foreground {
			continue
		}
		seen := false
		for _, k := range r.keys {
			if onScreen[k] {
				seen = true
				break
			}
		}
		if !seen {
			m.dropKinds(id, r)
			continue
		}
		background++
	}
	free := m.c.BackgroundSlots() - background
	if free <= 0 {
		return nil
	}
	var cmds []tea.Cmd
	pick := func(batch []*tree.Node) {
		if len(batch) > 0 && free > 0 {
			cmds = append(cmds, m.startKinds(batch, false))
			free--
		}
	}
	if n := m.focused(); n != nil && m.wantsKind(n) {
		pick([]*tree.Node{n})
	}
	var batch []*tree.Node
	for _, n := range m.tree.Visible[from:to] {
		if free <= 0 {
			break
		}
		if !m.wantsKind(n) {
			continue
		}
		batch = append(batch, n)
		// A child that is a whole evaluation goes alone.
		if len(batch) == kindBatch || nixeval.EvaluationCost(m.c.Cfg.Target, n.Path) != "" {
			pick(batch)
			batch = nil
		}
	}
	pick(batch)
	return tea.Batch(cmds...)
}

// wantsKind reports whether n's kind is still to be asked for.
func (m *Model) wantsKind(n *tree.Node) bool {
	return (n.Kind == nixeval.KindPending || n.Recheck) && n.KindReq == 0 && n.Absent == nil && n.Parent != nil && !n.Cancelled
}

// startKinds asks for the kinds of nodes, in the background unless the
// user waits for them (→ on a pending node).
func (m *Model) startKinds(nodes []*tree.Node, foreground bool) tea.Cmd {
	id := m.c.Next()
	ctx := m.track(id)
	if !foreground {
		ctx = nixeval.InBackground(ctx)
	}
	r := &kindsReq{foreground: foreground}
	children := make([]nixeval.Child, len(nodes))
	now := time.Now()
	for i, n := range nodes {
		n.KindReq, n.KindSince = id, now
		r.keys = append(r.keys, n.Key)
		children[i] = nixeval.Child{Name: n.Name, Path: n.Path, Kind: nixeval.KindPending}
	}
	m.kinds[id] = r
	if foreground {
		m.working[id] = workItem{what: "the kind of " + displayPath(nodes[0]), since: now}
	}
	ev, keys := m.c.Cfg.Eval, r.keys
	m.c.Log.Printf("kinds of %d node(s) from %s (request %d, foreground %v)", len(nodes), nodes[0].Path, id, foreground)
	return tea.Batch(m.c.Run(func() tea.Msg {
		err := ev.Kinds(ctx, children)
		return kindsMsg{id: id, keys: keys, children: children, err: err}
	}), m.spin())
}

// dropKinds cancels a kind request; its nodes stay pending.
func (m *Model) dropKinds(id uint64, r *kindsReq) {
	m.finish(id)
	delete(m.kinds, id)
	delete(m.working, id)
	for _, k := range r.keys {
		if n := m.tree.Index[k]; n != nil && n.KindReq == id {
			n.KindReq = 0
		}
	}
}

// onKinds fills in the kinds a request found; a node the user asked to
// open opens now if it is a set.
func (m Model) onKinds(msg kindsMsg) (tea.Model, tea.Cmd) {
	m.finish(msg.id)
	delete(m.kinds, msg.id)
	delete(m.working, msg.id)
	shape := m.tree.Version
	var cmds []tea.Cmd
	var previewedSet *tree.Node // the previewed set, when a child's kind came in
	for i, k := range msg.keys {
		n := m.tree.Index[k]
		if n == nil || n.KindReq != msg.id {
			continue // folded, refreshed or asked again since
		}
		n.KindReq = 0
		if msg.err != nil {
			if !shared.IsCancel(msg.err) {
				m.c.Log.Printf("kinds from %s failed: %v", n.Path, msg.err)
				m.tree.SetKind(n, nixeval.KindError, nixeval.ErrorText(msg.err))
			}
			continue
		}
		c := msg.children[i]
		m.tree.SetKind(n, c.Kind, c.Error)
		if n.Parent != nil && !n.Parent.Cached && !n.Parent.NamesAt.IsZero() && n.Parent.Complete() {
			cmds = append(cmds, m.remember(n.Parent))
		}
		if n.WantExpand {
			n.WantExpand = false
			if n.Expandable() && m.pane.Selected() == n {
				// The model expand returns is kept: the listing's waiter for
				// builds during evaluation and the cursor are state too.
				next, cmd := m.expand()
				m = next.(Model)
				cmds = append(cmds, cmd)
			}
		}
		if m.preview.Key == n.Key {
			// The preview shows the kind (and an error's message).
			m.preview.SetKind(n.Kind, n.ErrText)
		}
		if p := n.Parent; p != nil && m.preview.Key == p.Key {
			previewedSet = p
		}
	}
	if previewedSet != nil {
		// … and what the previewed set's build command builds, and the
		// image variants known to fail: counted once per answer, not once
		// per child in it (a set can have 100,000).
		m.preview.SetChildren(tree.ChildrenOf(previewedSet))
		m.syncFailingVariants()
	}
	if m.tree.Version != shape {
		// A set that turned out not to be one lost its children.
		m.tree.Flatten()
		m.pane.Reselect()
	}
	return m, tea.Batch(cmds...)
}

// syncFailingVariants brings the previewed set's facts up to date with
// the kinds its children have in the tree: the image variants known to
// fail (nixeval.FailingVariants). Until a child's kind is known, the facts
// keep what the description said (from the disk cache's listing).
func (m *Model) syncFailingVariants() {
	d, n := m.preview.Desc, m.tree.Index[m.preview.Key]
	if d == nil || n == nil {
		return
	}
	if _, ok := d.Facts.Get("variants"); !ok {
		return
	}
	var known []nixeval.Child
	for _, c := range n.Children {
		if c.Absent == nil && c.Kind != nixeval.KindPending {
			known = append(known, nixeval.Child{Name: c.Name, Path: c.Path, Kind: c.Kind})
		}
	}
	if len(known) == 0 {
		return
	}
	d.Facts = d.Facts.WithFailing(known)
	m.preview.Refresh()
	if m.explain.Open && m.explain.Key == n.Key {
		m.explain.Reexplain(explained(n), m.header.Info, d.Facts)
	}
}

// remember stores n's listing, complete now kind by kind, in the disk
// cache, so the next run shows it at once.
func (m *Model) remember(n *tree.Node) tea.Cmd {
	l := nixeval.Listing{Path: n.Path, Warnings: m.warnings.At(n.Path)}
	for _, c := range n.Children {
		if c.Absent == nil {
			l.Children = append(l.Children, nixeval.Child{Name: c.Name, Path: c.Path, Kind: c.Kind, Error: c.ErrText,
				Warnings: m.warnings.At(c.Path)})
		}
	}
	since, ev, ctx := n.NamesAt, m.c.Cfg.Eval, m.c.Life
	n.NamesAt = time.Time{} // once
	// Not a request of the tree's (r or R do not stop it), but quitting
	// does: nixplore's exit waits for every Cmd, and a write that takes
	// long must not hold it.
	return m.c.Run(func() tea.Msg {
		ev.Remember(ctx, l, since)
		return nil
	})
}

// statusWork is the footer line while a request the user waits for takes
// long: what is evaluated, and for how long.
func (m Model) statusWork(now time.Time) string {
	if b := m.evalBuildWork(now); b != "" {
		return b
	}
	var oldest workItem
	for _, w := range m.working {
		if oldest.since.IsZero() || w.since.Before(oldest.since) {
			oldest = w
		}
	}
	background := 0
	var bgSince time.Time
	var bgPath attr.Path
	for _, r := range m.kinds {
		if r.foreground {
			continue
		}
		background++
		if n := m.tree.Index[r.keys[0]]; n != nil && (bgSince.IsZero() || n.KindSince.Before(bgSince)) {
			bgSince, bgPath = n.KindSince, n.Path
		}
	}
	switch {
	case !oldest.since.IsZero() && now.Sub(oldest.since) >= tree.SlowKind:
		return "evaluating " + oldest.what + " for " + shared.FormatSeconds(now.Sub(oldest.since)) + " (esc cancels)"
	case background > 0 && now.Sub(bgSince) >= tree.SlowKind:
		what := attr.Printable(bgPath.String())
		if why := nixeval.EvaluationCost(m.c.Cfg.Target, bgPath); why != "" {
			what += ": " + why
		}
		more := ""
		if background > 1 {
			more = fmt.Sprintf(" and %d more", background-1)
		}
		return "kinds: evaluating " + what + more + " for " + shared.FormatSeconds(now.Sub(bgSince))
	}
	return ""
}
