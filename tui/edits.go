package tui

import (
	tea "github.com/charmbracelet/bubbletea"

	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/tui/components/edits"
	"github.com/nixplore/nixplore/tui/components/tree"
)

// The explorer follows edits (components/edits): the root hands it the
// rows on screen and applies what it found to the tree (marks, names
// added or removed), the footer and the preview.

// editRows are the rows on screen whose value an edit can change.
func (m Model) editRows() []attr.Path { return m.pane.ValueRows() }

func (m Model) onEdits(msg edits.Msg) (tea.Model, tea.Cmd) {
	oldNames := tree.ChildNames(m.tree.Root)
	var cmd tea.Cmd
	m.edits, cmd = m.edits.Update(msg, m.editRows(), m.tree.Root.Path)
	if m.edits.AgainstHead {
		// The marks follow D's baseline, HEAD, until D again.
		m.c.Edited = marksText(m.edits.Shown())
		m.footer.SetStatus(m.edits.Status())
	}
	if edits.Failed(msg) {
		// A half-edited file: its error; the tree and marks stay.
		m.footer.SetStatus(m.edits.Err)
		return m, cmd
	}
	names, files, ok := edits.Names(msg)
	if !ok {
		return m, cmd
	}
	added, removed := edits.Diff(oldNames, names)
	if len(added)+len(removed) > 0 {
		children := make([]nixeval.Child, len(names))
		for i, n := range names {
			children[i] = nixeval.Child{Name: n, Path: m.tree.Root.Path.Child(n), Kind: nixeval.KindPending}
		}
		m.tree.SetChildren(m.tree.Root, children)
		m.tree.Flatten()
		m.pane.Reselect()
	}
	edited := map[string]string{}
	for k, mk := range m.edits.Marks {
		edited[k] = string(mk)
		// What was described before the edit is out of date.
		delete(m.descs, k)
		if m.preview.Key == k {
			m.preview.Forget()
		}
	}
	for _, a := range added {
		edited[m.tree.Root.Path.Child(a).Key()] = string(edits.Added)
	}
	m.footer.SetStatus(edits.Summary(files, len(m.edits.Marks), added, removed))
	if m.edits.AgainstHead {
		// D's baseline stays HEAD: the rows are compared with it again.
		var head tea.Cmd
		m.edits, head = m.edits.ToggleHead(nil)
		m.edits, head = m.edits.ToggleHead(m.editRows())
		return m, tea.Batch(cmd, head, m.selectionChanged())
	}
	m.c.Edited = edited
	return m, tea.Batch(cmd, m.selectionChanged())
}

// editWhy asks the edits component why n changed, when the latest edit
// changed it.
func (m Model) editWhy(n *tree.Node) tea.Cmd {
	if n == nil || m.c.Edited[n.Key] != string(edits.Changed) {
		return nil
	}
	return m.edits.WhyCmd(n.Key)
}

func (m Model) onEditWhy(msg edits.WhyMsg) (tea.Model, tea.Cmd) {
	if m.preview.Key == msg.Key {
		m.preview.Edit = msg.Lines
		m.preview.Refresh()
	}
	return m, nil
}

func marksText(marks map[string]edits.Mark) map[string]string {
	out := make(map[string]string, len(marks))
	for k, mk := range marks {
		out[k] = string(mk)
	}
	return out
}
