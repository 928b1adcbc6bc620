// Package comparepanel is the comparison (C): outputs side by side, each
// column its own request.
package comparepanel

import (
	"context"
	"fmt"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/nixeval/compare"
	"github.com/nixplore/nixplore/tui/shared"
)

// ColumnMsg is one column of a comparison, gathered; id is the
// comparison's, so a column of a closed one is dropped.
type ColumnMsg struct {
	ID    uint64
	Index int
	Col   compare.Column
	Err   error
}

// Panel shows outputs side by side (C): the marked ones, or the
// selected one beside its well-known siblings. Each column is its own
// request, all sent at once: the evaluators answer as many in parallel as
// there are, and each column fills in when its plan arrives.
type Panel struct {
	c        *shared.Common
	Open     bool
	ID       uint64
	Paths    []attr.Path
	Cols     []compare.Column
	Done     []bool
	Errs     []error
	cancelFn context.CancelFunc

	width, height int
	pg            shared.Pager
}

func New(c *shared.Common) Panel { return Panel{c: c, pg: shared.NewPager()} }

// Running reports whether a column is still being gathered.
func (p Panel) Running() bool {
	for _, d := range p.Done {
		if !d {
			return p.Open
		}
	}
	return false
}

// Start opens the panel on paths and asks for every column.
func (p Panel) Start(paths []attr.Path) (Panel, tea.Cmd) {
	p.Cancel()
	ctx, cancel := context.WithCancel(context.Background())
	p = Panel{c: p.c, Open: true, ID: p.c.Next(), Paths: paths, Cols: make([]compare.Column, len(paths)),
		Done: make([]bool, len(paths)), Errs: make([]error, len(paths)), cancelFn: cancel,
		width: p.width, height: p.height, pg: shared.NewPager()}
	cmp := &compare.Comparer{Tools: p.c.Cfg.Tools, Target: p.c.Cfg.Target, Eval: p.c.Cfg.Eval, Parallel: p.c.Cfg.Workers}
	p.c.Log.Printf("compare: %d outputs", len(paths))
	cmds := make([]tea.Cmd, len(paths))
	for i, path := range paths {
		id := p.ID
		cmds[i] = p.c.Run(func() tea.Msg {
			col, err := cmp.Column(ctx, path)
			return ColumnMsg{ID: id, Index: i, Col: col, Err: err}
		})
	}
	p.refresh()
	return p, tea.Batch(cmds...)
}

func (p *Panel) Cancel() {
	if p.cancelFn != nil {
		p.cancelFn()
	}
}

func (p *Panel) Close() {
	p.Cancel()
	*p = Panel{c: p.c, width: p.width, height: p.height, pg: shared.NewPager()}
}

// Update takes the panel's columns and keys: ↑/↓ and pages scroll, esc
// closes (cancelling what is still being gathered).
func (p Panel) Update(msg tea.Msg) (Panel, tea.Cmd) {
	k := p.c.Keys
	switch msg := msg.(type) {
	case ColumnMsg:
		if !p.Open || msg.ID != p.ID || msg.Index >= len(p.Cols) {
			return p, nil
		}
		p.Cols[msg.Index], p.Errs[msg.Index], p.Done[msg.Index] = msg.Col, msg.Err, true
		p.refresh()
	case tea.KeyMsg:
		switch {
		case p.pg.ScrollKey(k, msg):
		case key.Matches(msg, k.ClosePanel), key.Matches(msg, k.Compare):
			p.Close()
		}
	}
	return p, nil
}

func (p Panel) HelpKeys() shared.HelpKeys {
	return shared.HelpKeys{p.c.Keys.ClosePanel, key.NewBinding(key.WithKeys("up", "down"), key.WithHelp("↑/↓", "scroll"))}
}

// SetSize fits the panel to w x h.
func (p *Panel) SetSize(w, h int) {
	if w != p.width || h != p.height {
		p.width, p.height = w, h
		p.refresh()
	}
}

// Tick redraws the spinner of the columns still coming.
func (p *Panel) Tick() {
	if p.Running() {
		p.refresh()
	}
}

// refresh lays the table out again and sizes the pager to the room
// below the title (one line less for the scroll hint when it overflows).
func (p *Panel) refresh() {
	if !p.Open {
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
func (p Panel) body() []string {
	s, w := p.c.Styles, p.width
	header := make([]string, len(p.Paths))
	var ready []compare.Column
	for j, path := range p.Paths {
		header[j] = attr.Printable(compare.ShortPath(path.String()))
		if p.Done[j] && p.Errs[j] == nil {
			ready = append(ready, p.Cols[j])
		}
	}
	rows := compare.Rows(nil)
	for i := range rows {
		rows[i].Cells = make([]string, len(p.Paths))
	}
	full := compare.Rows(ready)
	r := 0
	for j := range p.Paths {
		for i := range rows {
			switch {
			case p.Done[j] && p.Errs[j] == nil:
				rows[i].Cells[j] = attr.Printable(full[i].Cells[r])
			case p.Done[j]:
				rows[i].Cells[j] = ""
				if i == 0 {
					rows[i].Cells[j] = "error: " + shared.FirstLine(shared.ErrorText(p.Errs[j]))
				}
			default:
				rows[i].Cells[j] = ""
				if i == 0 {
					rows[i].Cells[j] = p.c.Spin + " asking Nix: description, platform, dry run…"
				}
			}
		}
		if p.Done[j] && p.Errs[j] == nil {
			r++
		}
	}
	var out []string
	for _, l := range compare.Layout(header, rows, max(1, w-2)) {
		out = append(out, "  "+shared.Truncate(l, w-2))
	}
	out = append(out, "")
	for j, path := range p.Paths {
		if !p.Done[j] || p.Errs[j] != nil || p.Cols[j].Command == "" {
			continue
		}
		out = append(out, "  "+s.Label.Render(shared.Truncate(attr.Printable(path.String()), w-2)))
		for _, wl := range shared.WrapIndent("$ "+p.Cols[j].Command, max(1, w-4)) {
			out = append(out, "    "+s.Dim.Render(wl))
		}
		if cw := p.Cols[j].CommandWarning; cw != "" {
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

// Lines draws the panel: the title, the scrolled table and, when it does
// not all fit, how to scroll.
func (p Panel) Lines() []string {
	s, w := p.c.Styles, p.width
	n := 0
	for _, d := range p.Done {
		if d {
			n++
		}
	}
	title := fmt.Sprintf("Compare %d outputs", len(p.Paths))
	if n < len(p.Paths) {
		title += fmt.Sprintf(" (%d of %d in)", n, len(p.Paths))
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
