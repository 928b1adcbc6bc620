package tui

import (
	"time"

	tea "github.com/charmbracelet/bubbletea"
)

// doubleClick is the longest gap between two clicks on the same line that
// still expands it.
const doubleClick = 400 * time.Millisecond

// scrollPreview hands a scroll key or wheel to whatever the right side
// shows.
func (m *Model) scrollPreview(msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	switch {
	case m.warnings.Open:
		m.warnings, cmd = m.warnings.Update(msg)
	case m.explaining():
		m.explain, cmd = m.explain.Update(msg)
	default:
		m.preview, cmd = m.preview.Update(msg)
	}
	return cmd
}

// explaining reports whether the right side shows the explanation: it is
// open and the node has a command (an absent output has none).
func (m Model) explaining() bool { return m.explain.Open && m.preview.Absent == nil }

func (m Model) onMouse(msg tea.MouseMsg) (tea.Model, tea.Cmd) {
	var cmd tea.Cmd
	switch {
	case m.trace.Active():
		m.trace, cmd = m.trace.Update(msg)
		return m, cmd
	case m.evalLog.Active():
		m.evalLog, cmd = m.evalLog.Update(msg)
		return m, cmd
	}
	if m.state != stateReady || m.filter.Active || m.build.Shown() || m.compare.Open {
		return m, nil
	}
	wheel := msg.Button == tea.MouseButtonWheelUp || msg.Button == tea.MouseButtonWheelDown
	switch {
	case wheel && msg.X > m.treeWidth()+1:
		// Over the preview the wheel scrolls it, not the tree.
		return m, m.scrollPreview(msg)
	case wheel:
		m.pane, cmd = m.pane.Update(msg)
		return m, tea.Batch(cmd, m.selectionChanged())
	case msg.Button == tea.MouseButtonLeft:
		if msg.Action != tea.MouseActionPress || msg.X >= m.treeWidth() {
			return m, nil
		}
		i, ok := m.pane.RowAt(msg.Y - headerHeight)
		if !ok {
			return m, nil
		}
		now := time.Now()
		double := i == m.lastClickRow && now.Sub(m.lastClickTime) < doubleClick
		m.lastClickRow, m.lastClickTime = i, now
		m.pane.SetCursor(i)
		if double {
			m.lastClickTime = time.Time{}
			n := m.pane.Selected()
			if n.Expanded {
				m.collapse()
				return m, m.selectionChanged()
			}
			mm, cmd := m.expand()
			m = mm.(Model)
			return m, tea.Batch(cmd, m.selectionChanged())
		}
		return m, m.selectionChanged()
	}
	return m, nil
}
