package tui

import (
	tea "github.com/charmbracelet/bubbletea"

	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/tui/components/tree"
)

// A full path typed into the filter that is not loaded yet
// (config.system.build.units."sshd.service" before units was opened) is
// loaded and jumped to: each set on the way is listed in turn, as → would,
// and the cursor lands on the path once it is there.

// startJump begins the walk to p.
func (m Model) startJump(p attr.Path) (tea.Model, tea.Cmd) {
	m.jumpTo = p
	return m.continueJump()
}

// continueJump takes the next step to m.jumpTo: select it when it is
// loaded, else list the deepest loaded set on the way; a name that is not
// there ends the walk with a message.
func (m Model) continueJump() (tea.Model, tea.Cmd) {
	target := m.jumpTo
	if target == nil {
		return m, nil
	}
	if n := m.tree.Find(target); n != nil {
		m.jumpTo = nil
		m.tree.RevealAncestors(n)
		m.tree.Flatten()
		m.pane.SelectNode(n)
		return m, m.selectionChanged()
	}
	var at *tree.Node
	for i := len(target) - 1; i >= len(m.tree.Root.Path); i-- {
		if n := m.tree.Find(target[:i]); n != nil {
			at = n
			break
		}
	}
	switch {
	case at == nil:
		m.jumpTo = nil
		return m, nil
	case at.Loading:
		return m, nil // its listing is on its way; onListed calls again
	case at.Loaded || at.ListErr != "":
		m.jumpTo = nil
		missing := target[len(at.Path)]
		m.footer.SetStatus("no " + attr.Printable(attr.Quote(missing)) + " in " + attr.Printable(at.Path.String()))
		return m, nil
	}
	at.Expanded = true
	m.tree.Flatten()
	return m, m.startList(at)
}
