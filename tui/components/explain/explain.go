// Package explain is the side panel (x) that takes the selected node's
// build command apart.
package explain

import (
	"strings"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/nixeval/teach"
	"github.com/nixplore/nixplore/tui/shared"
)

// Subject is what the panel explains: a node of the tree, by its key and
// path.
type Subject struct {
	Key  string
	Path attr.Path
}

// Panel takes the selected node's build command apart (key x): it
// replaces the preview and follows the cursor until esc or x closes it.
// nixeval.Explain is pure string work, so it runs in Update, and so does
// the layout of its text into the pager.
type Panel struct {
	c     *shared.Common
	Open  bool
	Key   string // the node explained
	Path  attr.Path
	X     teach.Explanation
	width int
	pg    shared.Pager
}

func New(c *shared.Common) Panel { return Panel{c: c, pg: shared.NewPager()} }

// Show opens the panel on n.
func (e *Panel) Show(n *Subject, info *nixeval.Info, facts nixeval.Facts) {
	e.Open = true
	e.Set(n, info, facts)
}

// Set explains n's command, unless it is already the one shown; a new
// path starts at the top.
// facts are n's, from its description (the preview's), when known.
func (e *Panel) Set(n *Subject, info *nixeval.Info, facts nixeval.Facts) {
	if n == nil || n.Key == e.Key {
		return
	}
	if n.Path.Key() != e.Path.Key() {
		e.pg.Top()
	}
	e.Key, e.Path = n.Key, n.Path
	e.X = teach.ExplainWith(e.c.Cfg.Target, n.Path, info, facts)
	e.refresh()
}

// Reexplain explains n again: Info, which adds notes, or n's facts have
// arrived.
func (e *Panel) Reexplain(n *Subject, info *nixeval.Info, facts nixeval.Facts) {
	e.Key = ""
	e.Set(n, info, facts)
}

func (e *Panel) Close() { *e = Panel{c: e.c, width: e.width, pg: e.pg} }

// SetSize lays the text out again when the width changed.
func (e *Panel) SetSize(w, h int) {
	e.pg.SetSize(w, h)
	if w != e.width {
		e.width = w
		e.refresh()
	}
}

func (e *Panel) refresh() {
	if !e.Open {
		e.pg.SetLines(nil)
		return
	}
	e.pg.SetLines(e.Lines(e.width))
}

// Update scrolls on J/K and the wheel, as the preview does.
func (e Panel) Update(msg tea.Msg) (Panel, tea.Cmd) {
	e.pg = shared.ScrollPager(e.pg, e.c.Keys, msg)
	return e, nil
}

// View is the window of the explanation from the scroll position.
func (e Panel) View() string { return strings.Join(e.Window(), "\n") }

func (e Panel) Window() []string { return shared.WithMore(e.c.Styles, e.pg, e.width) }

// Lines is the whole explanation wrapped to w columns: the command, each
// part with what it does, the nixos-rebuild equivalent and the notes.
// Every piece comes from names in the configuration, so all of it goes
// through Printable.
func (e Panel) Lines(w int) []string {
	s := e.c.Styles
	if w < 1 {
		return nil
	}
	var out []string
	add := func(st lipgloss.Style, indent int, text string) {
		out = append(out, shared.WrapIndented(st, w, indent, text)...)
	}
	add(s.PanelTitle, 0, "How "+e.Path.String()+" is built (x or esc closes)")
	add(s.Status, 0, "$ "+e.X.Command)
	if len(e.X.Facts) > 0 {
		out = append(out, "")
		add(s.Label, 0, "In this configuration:")
		for _, f := range e.X.Facts {
			add(s.Value, 2, "- "+f.Text())
		}
	}
	for _, p := range e.X.Parts {
		out = append(out, "")
		add(s.Title, 0, p.Text)
		add(s.Value, 2, p.Meaning)
	}
	if e.X.Rebuild != "" {
		out = append(out, "")
		add(s.Label, 0, "The same with nixos-rebuild:")
		add(s.Title, 0, e.X.Rebuild)
		add(s.Value, 2, e.X.RebuildNote)
	}
	for _, n := range e.X.Notes {
		out = append(out, "")
		add(s.Warning, 0, "Note")
		add(s.Value, 2, n)
	}
	return out
}

// Pager is the panel's pager, to read where it is scrolled.
func (e Panel) Pager() shared.Pager { return e.pg }
