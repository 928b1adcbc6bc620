package tui

import (
	"strings"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/nixeval/teach"
	"github.com/nixplore/nixplore/tui/shared"
)

// explainPanel takes the selected node's build command apart (key x): it
// replaces the preview and follows the cursor until esc or x closes it.
// nixeval.Explain is pure string work, so it runs in Update, and so does
// the layout of its text into the pager.
type explainPanel struct {
	c     *shared.Common
	open  bool
	key   string // the node explained
	path  attr.Path
	x     teach.Explanation
	width int
	pg    shared.Pager
}

func newExplain(c *shared.Common) explainPanel { return explainPanel{c: c, pg: shared.NewPager()} }

// show opens the panel on n.
func (e *explainPanel) show(n *node, info *nixeval.Info, facts nixeval.Facts) {
	e.open = true
	e.set(n, info, facts)
}

// set explains n's command, unless it is already the one shown; a new
// path starts at the top.
// facts are n's, from its description (the preview's), when known.
func (e *explainPanel) set(n *node, info *nixeval.Info, facts nixeval.Facts) {
	if n == nil || n.key == e.key {
		return
	}
	if n.path.Key() != e.path.Key() {
		e.pg.Top()
	}
	e.key, e.path = n.key, n.path
	e.x = teach.ExplainWith(e.c.Cfg.Target, n.path, info, facts)
	e.refresh()
}

// reexplain explains n again: Info, which adds notes, or n's facts have
// arrived.
func (e *explainPanel) reexplain(n *node, info *nixeval.Info, facts nixeval.Facts) {
	e.key = ""
	e.set(n, info, facts)
}

func (e *explainPanel) close() { *e = explainPanel{c: e.c, width: e.width, pg: e.pg} }

// setSize lays the text out again when the width changed.
func (e *explainPanel) setSize(w, h int) {
	e.pg.SetSize(w, h)
	if w != e.width {
		e.width = w
		e.refresh()
	}
}

func (e *explainPanel) refresh() {
	if !e.open {
		e.pg.SetLines(nil)
		return
	}
	e.pg.SetLines(e.lines(e.width))
}

// Update scrolls on J/K and the wheel, as the preview does.
func (e explainPanel) Update(msg tea.Msg) (explainPanel, tea.Cmd) {
	e.pg = shared.ScrollPager(e.pg, e.c.Keys, msg)
	return e, nil
}

// View is the window of the explanation from the scroll position.
func (e explainPanel) View() string { return strings.Join(e.window(), "\n") }

func (e explainPanel) window() []string { return shared.WithMore(e.c.Styles, e.pg, e.width) }

// lines is the whole explanation wrapped to w columns: the command, each
// part with what it does, the nixos-rebuild equivalent and the notes.
// Every piece comes from names in the configuration, so all of it goes
// through Printable.
func (e explainPanel) lines(w int) []string {
	s := e.c.Styles
	if w < 1 {
		return nil
	}
	var out []string
	add := func(st lipgloss.Style, indent int, text string) {
		out = append(out, shared.WrapIndented(st, w, indent, text)...)
	}
	add(s.PanelTitle, 0, "How "+e.path.String()+" is built (x or esc closes)")
	add(s.Status, 0, "$ "+e.x.Command)
	if len(e.x.Facts) > 0 {
		out = append(out, "")
		add(s.Label, 0, "In this configuration:")
		for _, f := range e.x.Facts {
			add(s.Value, 2, "- "+f.Text())
		}
	}
	for _, p := range e.x.Parts {
		out = append(out, "")
		add(s.Title, 0, p.Text)
		add(s.Value, 2, p.Meaning)
	}
	if e.x.Rebuild != "" {
		out = append(out, "")
		add(s.Label, 0, "The same with nixos-rebuild:")
		add(s.Title, 0, e.x.Rebuild)
		add(s.Value, 2, e.x.RebuildNote)
	}
	for _, n := range e.x.Notes {
		out = append(out, "")
		add(s.Warning, 0, "Note")
		add(s.Value, 2, n)
	}
	return out
}
