package tui

import (
	"errors"
	"fmt"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/nixeval/catalogue"
	"github.com/nixplore/nixplore/nixeval/compare"
	"github.com/nixplore/nixplore/nixeval/diag"
	"github.com/nixplore/nixplore/tui/components/explain"
	"github.com/nixplore/nixplore/tui/components/tree"
	"github.com/nixplore/nixplore/tui/shared"
)

// failing reports whether n is a value whose error t can trace: an error
// node, or a node whose description failed (a derivation whose drvPath
// throws lists as a derivation).
func (m Model) failing(n *tree.Node) bool {
	if n == nil || n.Absent != nil || !m.c.CanTrace() {
		return false
	}
	if n.Kind == nixeval.KindError {
		return true
	}
	if e, ok := m.descs[n.Key]; ok && e.err != nil && !shared.IsCancel(e.err) {
		return true
	}
	return m.preview.Key == n.Key && m.preview.Err != nil && !shared.IsCancel(m.preview.Err)
}

// fatalTraceable reports whether t can trace the failure of the whole
// configuration: an evaluation error (not Nix missing, not a path that is
// not there) and an evaluator that gives traces.
func (m Model) fatalTraceable() bool {
	var ee *diag.EvalError
	return m.state == stateFailed && m.c.CanTrace() && errors.As(m.fatal, &ee) && ee.Nix != nil
}

// explained is n as the explain panel takes it (nil for none).
func explained(n *tree.Node) *explain.Subject {
	if n == nil {
		return nil
	}
	return &explain.Subject{Key: n.Key, Path: n.Path}
}

// warningsIn returns the warnings an answer carries.
func warningsIn(msg tea.Msg) []diag.Warning {
	switch msg := msg.(type) {
	case listedMsg:
		if msg.listing != nil {
			return msg.listing.AllWarnings()
		}
	case kindsMsg:
		var ws []diag.Warning
		for _, c := range msg.children {
			ws = append(ws, c.Warnings...)
		}
		return ws
	case describedMsg:
		if msg.desc != nil {
			return msg.desc.Warnings
		}
	case infoMsg:
		if msg.info != nil {
			return msg.info.Warnings
		}
	}
	return nil
}

// comparePaths are what C compares: the marked outputs in tree order, or
// with none marked the selected one beside the well-known siblings the
// tree has (compare.Siblings).
func (m Model) comparePaths() []attr.Path {
	var marked []attr.Path
	for _, n := range m.tree.Marked() {
		marked = append(marked, n.Path)
	}
	if len(marked) > 0 {
		return marked
	}
	sel := m.pane.Selected()
	if sel == nil {
		return nil
	}
	// The catalogue's entry, from the description when it is in (it
	// knows the defining module), else by the path alone: the siblings
	// must not depend on whether the preview has arrived.
	var doc *catalogue.Entry
	if d := m.descs[sel.Key]; d != nil && d.desc != nil {
		doc = d.desc.Doc
	} else if e, ok := nixeval.DocFor(m.c.Cfg.Target, sel.Path, nil, nil); ok {
		doc = &e
	}
	return compare.Siblings(sel.Path, doc, func(p attr.Path) bool {
		n := m.tree.Find(p)
		return n != nil && n.Absent == nil && (n.Kind == nixeval.KindDerivation || n.Kind == nixeval.KindPending)
	})
}

// toggleMark marks or unmarks the selected output for C.
func (m *Model) toggleMark() {
	n := m.pane.Selected()
	if n == nil || n.Absent != nil {
		return
	}
	n.Marked = !n.Marked
	count := len(m.tree.Marked())
	switch {
	case count == 0:
		m.footer.SetStatus("no output marked: C compares the selected one with its well-known siblings")
	default:
		m.footer.SetStatus(fmt.Sprintf("%d marked: C compares them side by side", count))
	}
}

// openCompare is C: the comparison of comparePaths.
func (m Model) openCompare() (tea.Model, tea.Cmd) {
	paths := m.comparePaths()
	if len(paths) == 0 {
		return m, nil
	}
	var cmd tea.Cmd
	m.compare, cmd = m.compare.Start(paths)
	m.syncKeys()
	return m, tea.Batch(cmd, m.spin())
}
