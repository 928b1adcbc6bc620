package tui

import (
	"errors"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/tui/components/explain"
	"github.com/nixplore/nixplore/tui/shared"
)

// failing reports whether n is a value whose error t can trace: an error
// node, or a node whose description failed (a derivation whose drvPath
// throws lists as a derivation).
func (m Model) failing(n *node) bool {
	if n == nil || n.absent != nil || !m.c.CanTrace() {
		return false
	}
	if n.kind == nixeval.KindError {
		return true
	}
	if e, ok := m.descs[n.key]; ok && e.err != nil && !shared.IsCancel(e.err) {
		return true
	}
	return m.preview.key == n.key && m.preview.err != nil && !shared.IsCancel(m.preview.err)
}

// fatalTraceable reports whether t can trace the failure of the whole
// configuration: an evaluation error (not Nix missing, not a path that is
// not there) and an evaluator that gives traces.
func (m Model) fatalTraceable() bool {
	var ee *nixeval.EvalError
	return m.state == stateFailed && m.c.CanTrace() && errors.As(m.fatal, &ee) && ee.Nix != nil
}

// explained is n as the explain panel takes it (nil for none).
func explained(n *node) *explain.Subject {
	if n == nil {
		return nil
	}
	return &explain.Subject{Key: n.key, Path: n.path}
}

// warningsIn returns the warnings an answer carries.
func warningsIn(msg tea.Msg) []nixeval.Warning {
	switch msg := msg.(type) {
	case listedMsg:
		if msg.listing != nil {
			return msg.listing.AllWarnings()
		}
	case kindsMsg:
		var ws []nixeval.Warning
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
