package tui

import (
	"context"
	"fmt"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/nixeval/catalogue"
	"github.com/nixplore/nixplore/nixeval/compare"
	"github.com/nixplore/nixplore/tui/shared"
)

// compareColumnMsg is one column of a comparison, gathered; id is the
// comparison's, so a column of a closed one is dropped.
type compareColumnMsg struct {
	id  uint64
	i   int
	col compare.Column
	err error
}

// comparePanel shows outputs side by side (C): the marked ones, or the
// selected one beside its well-known siblings. Each column is its own
// request, all sent at once: the evaluators answer as many in parallel as
// there are, and each column fills in when its plan arrives.
type comparePanel struct {
	c        *shared.Common
	open     bool
	id       uint64
	paths    []attr.Path
	cols     []compare.Column
	done     []bool
	errs     []error
	cancelFn context.CancelFunc

	width, height int
	pg            shared.Pager
}

func newCompare(c *shared.Common) comparePanel { return comparePanel{c: c, pg: shared.NewPager()} }

// running reports whether a column is still being gathered.
func (p comparePanel) running() bool {
	for _, d := range p.done {
		if !d {
			return p.open
		}
	}
	return false
}

// start opens the panel on paths and asks for every column.
func (p comparePanel) start(paths []attr.Path) (comparePanel, tea.Cmd) {
	p.cancel()
	ctx, cancel := context.WithCancel(context.Background())
	p = comparePanel{c: p.c, open: true, id: p.c.Next(), paths: paths, cols: make([]compare.Column, len(paths)),
		done: make([]bool, len(paths)), errs: make([]error, len(paths)), cancelFn: cancel,
		width: p.width, height: p.height, pg: shared.NewPager()}
	cmp := &compare.Comparer{Tools: p.c.Cfg.Tools, Target: p.c.Cfg.Target, Eval: p.c.Cfg.Eval, Parallel: p.c.Cfg.Workers}
	p.c.Log.Printf("compare: %d outputs", len(paths))
	cmds := make([]tea.Cmd, len(paths))
	for i, path := range paths {
		id := p.id
		cmds[i] = p.c.Run(func() tea.Msg {
			col, err := cmp.Column(ctx, path)
			return compareColumnMsg{id: id, i: i, col: col, err: err}
		})
	}
	p.refresh()
	return p, tea.Batch(cmds...)
}

func (p *comparePanel) cancel() {
	if p.cancelFn != nil {
		p.cancelFn()
	}
}

func (p *comparePanel) close() {
	p.cancel()
	*p = comparePanel{c: p.c, width: p.width, height: p.height, pg: shared.NewPager()}
}

// Update takes the panel's columns and keys: ↑/↓ and pages scroll, esc
// closes (cancelling what is still being gathered).
func (p comparePanel) Update(msg tea.Msg) (comparePanel, tea.Cmd) {
	k := p.c.Keys
	switch msg := msg.(type) {
	case compareColumnMsg:
		if !p.open || msg.id != p.id || msg.i >= len(p.cols) {
			return p, nil
		}
		p.cols[msg.i], p.errs[msg.i], p.done[msg.i] = msg.col, msg.err, true
		p.refresh()
	case tea.KeyMsg:
		switch {
		case p.pg.ScrollKey(k, msg):
		case key.Matches(msg, k.ClosePanel), key.Matches(msg, k.Compare):
			p.close()
		}
	}
	return p, nil
}

func (p comparePanel) helpKeys() shared.HelpKeys {
	return shared.HelpKeys{p.c.Keys.ClosePanel, key.NewBinding(key.WithKeys("up", "down"), key.WithHelp("↑/↓", "scroll"))}
}

// setSize fits the panel to w x h.
func (p *comparePanel) setSize(w, h int) {
	if w != p.width || h != p.height {
		p.width, p.height = w, h
		p.refresh()
	}
}

// tick redraws the spinner of the columns still coming.
func (p *comparePanel) tick() {
	if p.running() {
		p.refresh()
	}
}

// refresh lays the table out again and sizes the pager to the room
// below the title (one line less for the scroll hint when it overflows).
func (p *comparePanel) refresh() {
	if !p.open {
		return
	}
	body := p.body()
	room := max(0, p.height-1)
	if len(body) > room {
		room = max(0, room-1)
	}
	p.pg.SetSize(p.width, room)
	p.pg.SetLines(body)
}

// body is the table, then each output's whole command (never cut inside
// a word) and the free space.
func (p comparePanel) body() []string {
	s, w := p.c.Styles, p.width
	header := make([]string, len(p.paths))
	var ready []compare.Column
	for j, path := range p.paths {
		header[j] = attr.Printable(compare.ShortPath(path.String()))
		if p.done[j] && p.errs[j] == nil {
			ready = append(ready, p.cols[j])
		}
	}
	rows := compare.Rows(nil)
	for i := range rows {
		rows[i].Cells = make([]string, len(p.paths))
	}
	full := compare.Rows(ready)
	r := 0
	for j := range p.paths {
		for i := range rows {
			switch {
			case p.done[j] && p.errs[j] == nil:
				rows[i].Cells[j] = attr.Printable(full[i].Cells[r])
			case p.done[j]:
				rows[i].Cells[j] = ""
				if i == 0 {
					rows[i].Cells[j] = "error: " + shared.FirstLine(errorText(p.errs[j]))
				}
			default:
				rows[i].Cells[j] = ""
				if i == 0 {
					rows[i].Cells[j] = p.c.Spin + " asking Nix: description, platform, dry run…"
				}
			}
		}
		if p.done[j] && p.errs[j] == nil {
			r++
		}
	}
	var out []string
	for _, l := range compare.Layout(header, rows, max(1, w-2)) {
		out = append(out, "  "+shared.Truncate(l, w-2))
	}
	out = append(out, "")
	for j, path := range p.paths {
		if !p.done[j] || p.errs[j] != nil || p.cols[j].Command == "" {
			continue
		}
		out = append(out, "  "+s.Label.Render(shared.Truncate(attr.Printable(path.String()), w-2)))
		for _, wl := range shared.WrapIndent("$ "+p.cols[j].Command, max(1, w-4)) {
			out = append(out, "    "+s.Dim.Render(wl))
		}
		if cw := p.cols[j].CommandWarning; cw != "" {
			for _, wl := range shared.WrapIndent("⚠ "+cw, max(1, w-4)) {
				out = append(out, "    "+s.Warning.Render(wl))
			}
		}
	}
	if space, ok := compare.SharedSpace(ready); ok {
		out = append(out, "", "  "+s.Dim.Render(shared.Truncate(space.String(), w-2)))
	}
	return out
}

// lines draws the panel: the title, the scrolled table and, when it does
// not all fit, how to scroll.
func (p comparePanel) lines() []string {
	s, w := p.c.Styles, p.width
	n := 0
	for _, d := range p.done {
		if d {
			n++
		}
	}
	title := fmt.Sprintf("Compare %d outputs", len(p.paths))
	if n < len(p.paths) {
		title += fmt.Sprintf(" (%d of %d in)", n, len(p.paths))
	}
	out := []string{s.PanelTitle.Render(shared.Truncate(title, w))}
	out = append(out, p.pg.Window()...)
	if p.pg.Overflows() {
		out = append(out, s.Dim.Render(shared.Truncate("  ↑/↓ scroll", w)))
	}
	if len(out) > p.height {
		out = out[:max(0, p.height)]
	}
	return out
}

// comparePaths are what C compares: the marked outputs in tree order, or
// with none marked the selected one beside the well-known siblings the
// tree has (compare.Siblings).
func (m Model) comparePaths() []attr.Path {
	var marked []attr.Path
	for _, n := range m.tree.marked() {
		marked = append(marked, n.path)
	}
	if len(marked) > 0 {
		return marked
	}
	sel := m.pane.selected()
	if sel == nil {
		return nil
	}
	// The catalogue's entry, from the description when it is in (it
	// knows the defining module), else by the path alone: the siblings
	// must not depend on whether the preview has arrived.
	var doc *catalogue.Entry
	if d := m.descs[sel.key]; d != nil && d.desc != nil {
		doc = d.desc.Doc
	} else if e, ok := nixeval.DocFor(m.c.Cfg.Target, sel.path, nil, nil); ok {
		doc = &e
	}
	return compare.Siblings(sel.path, doc, func(p attr.Path) bool {
		n := m.tree.find(p)
		return n != nil && n.absent == nil && (n.kind == nixeval.KindDerivation || n.kind == nixeval.KindPending)
	})
}

// toggleMark marks or unmarks the selected output for C.
func (m *Model) toggleMark() {
	n := m.pane.selected()
	if n == nil || n.absent != nil {
		return
	}
	n.marked = !n.marked
	count := len(m.tree.marked())
	switch {
	case count == 0:
		m.status = "no output marked: C compares the selected one with its well-known siblings"
	default:
		m.status = fmt.Sprintf("%d marked: C compares them side by side", count)
	}
}

// openCompare is C: the comparison of comparePaths.
func (m Model) openCompare() (tea.Model, tea.Cmd) {
	paths := m.comparePaths()
	if len(paths) == 0 {
		return m, nil
	}
	var cmd tea.Cmd
	m.compare, cmd = m.compare.start(paths)
	m.syncKeys()
	return m, tea.Batch(cmd, m.spin())
}

// marked are the marked nodes, in tree order.
func (t *tree) marked() []*node {
	var out []*node
	var walk func(n *node)
	walk = func(n *node) {
		if n.marked {
			out = append(out, n)
		}
		for _, c := range n.children {
			walk(c)
		}
	}
	walk(t.root)
	return out
}
