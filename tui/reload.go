package tui

import (
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/nixplore/nixplore/tui/components/preview"
	"github.com/nixplore/nixplore/tui/components/tree"
)

// reloadAll forgets everything and starts again from the start node.
func (m Model) reloadAll() (tea.Model, tea.Cmd) {
	m.cancelAll()
	restart, recheck := m.c.Cfg.Restart, m.c.Cfg.Recheck
	if restart != nil || recheck != nil {
		// In a Cmd: ending a repl waits for it to exit, and checking a
		// flake runs git and nix flake lock.
		if restart != nil {
			m.c.Log.Printf("R: restarting the evaluators")
		}
		if recheck != nil {
			m.c.Log.Printf("R: checking the flake again as at start")
		}
		m.footer.SetStatus("reloading: the evaluators start afresh and evaluate everything again")
		return m, m.c.Run(func() tea.Msg {
			var msg restartedMsg
			if recheck != nil {
				msg.checked = true
				msg.dirty, msg.notes, msg.err = recheck()
			}
			if restart != nil {
				restart()
			}
			return msg
		})
	}
	return m.reloadTree()
}

// restartedMsg says the evaluators were restarted: reload the tree. When
// the flake was checked again (checked), what that found.
type restartedMsg struct {
	checked, dirty bool
	notes          []string
	err            error
}

// onRestarted reloads the tree after R, with what checking the flake
// again found: the header's dirty warning, the lock file's note in the
// footer, or a failure shown as at start.
func (m Model) onRestarted(msg restartedMsg) (tea.Model, tea.Cmd) {
	if msg.checked {
		m.header.SetDirty(msg.dirty)
	}
	mm, cmd := m.reloadTree()
	m = mm.(Model)
	if msg.err != nil {
		m.cancelAll()
		m.state, m.fatal = stateFailed, msg.err
		m.syncKeys()
		return m, nil
	}
	if len(msg.notes) > 0 {
		m.footer.SetStatus(strings.Join(msg.notes, "; "))
	}
	return m, cmd
}

func (m Model) reloadTree() (tea.Model, tea.Cmd) {
	m.cancelAll()
	clear(m.cancelledBuilds)
	m.build.Cancel()
	m.compare.Close()
	m.descs = map[string]*descEntry{}
	m.tree = tree.New(m.c.Cfg.Start)
	m.pane = tree.NewPane(m.c, m.tree)
	m.preview = preview.New(m.c)
	m.explain.Close()
	m.warnings.Reset()
	m.trace.Close()
	m.evalLog.Close()
	m.header.Reset()
	m.state, m.fatal = stateLoading, nil
	m.footer.SetStatus("")
	m.syncKeys()
	return m, tea.Batch(m.reloadCmds()...)
}

func (m *Model) reloadCmds() []tea.Cmd {
	// The header's facts (platform, Nix version) are asked for once the
	// start listing is in: on the same warm evaluator, after the
	// configuration is evaluated, they cost nothing, and asked at once they
	// would make a second evaluator evaluate it all in parallel with the
	// listing the user waits for.
	return []tea.Cmd{m.startList(m.tree.Root)}
}

// quit cancels every request and build; the caller waits for the
// processes with Wait.
func (m Model) quit() (tea.Model, tea.Cmd) {
	m.Close()
	m.quitting = true
	return m, tea.Quit
}
