package tui

import (
	"os"
	"os/exec"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/nixplore/nixplore/nixeval/teach"
)

// editedMsg says the editor started by e has exited.
type editedMsg struct{ err error }

// edit opens the file that defines the selected value in $VISUAL/$EDITOR
// (else vi), at the definition's line when it can be found, handing the
// terminal over until the editor exits.
func (m Model) edit() (tea.Model, tea.Cmd) {
	argv, ok := m.editorArgv()
	if !ok {
		m.footer.SetStatus("no defining file known for " + displayPath(m.pane.Selected()) + " (only values under config have one)")
		return m, nil
	}
	return m, tea.ExecProcess(exec.Command(argv[0], argv[1:]...), func(err error) tea.Msg { return editedMsg{err} })
}

// editorArgv is the editor command for the selected node's first defining
// file, once its description has arrived.
func (m Model) editorArgv() ([]string, bool) {
	n := m.pane.Selected()
	if n == nil {
		return nil, false
	}
	e, ok := m.descs[n.Key]
	if !ok || e.desc == nil || e.desc.DefinedIn == nil || len(e.desc.DefinedIn.Files) == 0 {
		return nil, false
	}
	file := e.desc.DefinedIn.Files[0]
	return teach.EditorCommand(file, teach.DefinitionLine(file, n.Path.Last()), os.Getenv), true
}
