package tui

import (
	"strings"

	"github.com/charmbracelet/lipgloss"

	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/nixeval/teach"
)

// explainPanel takes the selected node's build command apart (key x): it
// replaces the preview and follows the cursor until esc or x closes it.
// nixeval.Explain is pure string work, so it runs in Update.
type explainPanel struct {
	c      *common
	open   bool
	key    string // the node explained
	path   attr.Path
	x      teach.Explanation
	scroll int
}

// set explains n's command, unless it is already the one shown.
func (e *explainPanel) set(n *node, info *nixeval.Info) {
	if n == nil || n.key == e.key {
		return
	}
	if n.path.Key() != e.path.Key() {
		e.scroll = 0
	}
	e.key, e.path = n.key, n.path
	e.x = teach.Explain(e.c.cfg.Target, n.path, info)
}

func (e *explainPanel) close() { *e = explainPanel{c: e.c} }

// lines is the whole explanation wrapped to w columns: the command, each
// part with what it does, the nixos-rebuild equivalent and the notes.
// Every piece comes from names in the configuration, so all of it goes
// through Printable.
func (e explainPanel) lines(w int) []string {
	s := e.c.styles
	if w < 1 {
		return nil
	}
	var out []string
	add := func(st lipgloss.Style, indent int, text string) {
		ind := ""
		if w > 2*indent+10 {
			ind = strings.Repeat(" ", indent)
		}
		for _, l := range wrap(attr.Printable(text), max(1, w-len(ind))) {
			out = append(out, ind+st.Render(l))
		}
	}
	add(s.PanelTitle, 0, "How "+e.path.String()+" is built (x or esc closes)")
	add(s.Status, 0, "$ "+e.x.Command)
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

func (e explainPanel) view(w, h int) []string {
	return scrolled(e.c.styles, e.lines(w), e.scroll, w, h)
}
