package tui

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"strings"

	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/tui/components/buildpanel"
	"github.com/nixplore/nixplore/tui/components/filter"
	"github.com/nixplore/nixplore/tui/components/preview"
	"github.com/nixplore/nixplore/tui/shared"
)

// maxEarlyKeys bounds the keys kept while the start listing loads.
const maxEarlyKeys = 256

// onKey routes a key: to the panel over the body when one is shown, to
// the filter while it is open, else to the tree and its side panels.
func (m Model) onKey(msg tea.KeyMsg) (tea.Model, tea.Cmd) {
	k := m.c.Keys
	m.c.Log.Printf("key %q", msg.String())
	m.jumpTo = nil // a key of the user's ends a walk to a typed path
	if msg.Type == tea.KeyRunes && len(msg.Runes) > 1 && !msg.Paste && !m.filter.Active {
		// Keys typed faster than the terminal is read arrive together
		// ("/manual"): each is a key of its own.
		var cmds []tea.Cmd
		var cur tea.Model = m
		for _, r := range msg.Runes {
			var cmd tea.Cmd
			cur, cmd = cur.(Model).onKey(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
			cmds = append(cmds, cmd)
		}
		return cur, tea.Batch(cmds...)
	}
	if next, cmd, ok := m.onPanelKey(msg); ok {
		return next, cmd
	}
	if m.filter.Active {
		return m.onFilterKey(msg)
	}
	switch {
	case key.Matches(msg, k.Quit):
		return m.quit()
	case key.Matches(msg, k.Help):
		m.footer.ToggleHelp()
		return m, nil
	case key.Matches(msg, k.ReloadAll):
		return m.reloadAll()
	}
	if m.state != stateReady {
		return m.onNotReadyKey(msg)
	}
	m.footer.SetStatus("")
	if m.explain.Open && (key.Matches(msg, k.Cancel) || key.Matches(msg, k.Explain)) {
		m.explain.Close()
		m.syncKeys()
		return m, nil
	}
	if m.warnings.Open && (key.Matches(msg, k.Cancel) || key.Matches(msg, k.Warnings)) {
		m.warnings.Close()
		m.syncKeys()
		return m, nil
	}
	return m.onTreeKey(msg)
}

// onPanelKey gives a key to the panel that has it: the quit question, the
// build panel, the trace, the log, the comparison (each over the whole
// body); false when none takes it.
func (m Model) onPanelKey(msg tea.KeyMsg) (tea.Model, tea.Cmd, bool) {
	var cmd tea.Cmd
	if m.askQuit {
		m.askQuit = false
		if s := msg.String(); s == "y" || s == "q" || s == "ctrl+c" {
			next, cmd := m.quit()
			return next, cmd, true
		}
		return m, nil, true // any other key keeps the build, and does nothing else
	}
	if msg.String() == "q" && m.build.State == buildpanel.Running && !m.filter.Active {
		// A build is not thrown away by accident: q asks first.
		m.askQuit = true
		return m, nil, true
	}
	switch {
	case m.build.Shown():
		m.build, cmd = m.build.Update(msg)
		return m, cmd, true
	case (m.trace.Active() || m.evalLog.Active()) && msg.String() == "ctrl+c":
		next, cmd := m.quit()
		return next, cmd, true
	case m.trace.Active():
		m.trace, cmd = m.trace.Update(msg)
	case m.evalLog.Active():
		m.evalLog, cmd = m.evalLog.Update(msg)
	case m.compare.Open:
		m.compare, cmd = m.compare.Update(msg)
	case m.build.Active() && !m.filter.Active && key.Matches(msg, m.c.Keys.Browse):
		// Back from the tree to the build that runs or ran.
		m.build.Show()
		return m, nil, true
	default:
		return m, nil, false
	}
	m.syncKeys()
	return m, cmd, true
}

// onNotReadyKey handles a key while the start node loads or failed.
func (m Model) onNotReadyKey(msg tea.KeyMsg) (tea.Model, tea.Cmd) {
	k := m.c.Keys
	switch {
	case m.state == stateLoading && key.Matches(msg, k.CancelEval):
		m.cancelEvalBuilds()
		return m.cancelStart(), nil
	case m.state == stateFailed && key.Matches(msg, k.Refresh):
		return m.reloadAll()
	case m.state == stateFailed && key.Matches(msg, k.Trace) && m.fatalTraceable():
		// Why the whole configuration fails: the start path again,
		// with --show-trace (its option, the user's file).
		var cmd tea.Cmd
		m.trace, cmd = m.trace.Open(m.c.Cfg.Start)
		return m, tea.Batch(cmd, m.spin())
	case m.state == stateLoading && len(m.early) < maxEarlyKeys:
		// Typed before the names arrived (/images⏎): kept, and
		// replayed once they are there.
		m.early = append(m.early, msg)
	}
	return m, nil
}

// onTreeKey handles a key of the tree view.
func (m Model) onTreeKey(msg tea.KeyMsg) (tea.Model, tea.Cmd) {
	k := m.c.Keys
	var cmd tea.Cmd
	switch {
	case key.Matches(msg, k.Up, k.Down, k.PageUp, k.PageDn, k.Top, k.Bottom):
		m.pane, cmd = m.pane.Update(msg)
	case key.Matches(msg, k.Expand):
		return m.expand()
	case key.Matches(msg, k.Collapse):
		m.collapse()
	case key.Matches(msg, k.Filter):
		m.filter.Open(m.tree)
		m.syncKeys()
		return m, tea.Batch(m.filter.Focus(), m.previewNode(m.focused()))
	case key.Matches(msg, k.CopyPath):
		n := m.pane.Selected()
		return m, shared.Copy(m.c.Cfg.Clipboard, "path", n.Path.String())
	case key.Matches(msg, k.CopyCmd):
		n := m.pane.Selected()
		return m, shared.Copy(m.c.Cfg.Clipboard, "command", nixeval.BuildCommands(m.c.Cfg.Target, n.Path).Build)
	case key.Matches(msg, k.Refresh):
		return m.refresh()
	case key.Matches(msg, k.PreviewDown, k.PreviewUp):
		return m, m.scrollPreview(msg)
	case key.Matches(msg, k.Explain):
		n := m.pane.Selected()
		m.warnings.Close()
		m.explain.Show(explained(n), m.header.Info, m.factsOf(n))
		m.syncKeys()
		return m, nil
	case key.Matches(msg, k.Warnings):
		m.explain.Close()
		m.warnings.Toggle()
		m.syncKeys()
		return m, nil
	case key.Matches(msg, k.Absent):
		if cmd := m.toggleAbsent(); cmd != nil {
			// The names of images are asked for; the cursor stays.
			return m, cmd
		}
	case key.Matches(msg, k.Trace):
		m.trace, cmd = m.trace.Open(m.pane.Selected().Path)
		m.syncKeys()
		return m, tea.Batch(cmd, m.spin())
	case key.Matches(msg, k.EvalLog):
		return m.openEvalLog()
	case key.Matches(msg, k.CancelEval):
		if !m.cancelEvalBuilds() {
			m.cancelSelected()
		}
		return m, nil
	case key.Matches(msg, k.Mark):
		m.toggleMark()
		return m, nil
	case key.Matches(msg, k.Compare):
		return m.openCompare()
	case key.Matches(msg, k.Baseline):
		var cmd tea.Cmd
		m.edits, cmd = m.edits.ToggleHead(m.editRows())
		m.c.Edited = marksText(m.edits.Shown())
		m.footer.SetStatus(m.edits.Status())
		return m, cmd
	case key.Matches(msg, k.Edit):
		return m.edit()
	case key.Matches(msg, k.Build):
		return m.openBuild()
	default:
		return m, nil
	}
	return m, tea.Batch(cmd, m.selectionChanged())
}

// toggleAbsent shows or hides the catalogue's outputs this configuration
// does not have (a).
func (m *Model) toggleAbsent() tea.Cmd {
	m.showAbsent = !m.showAbsent
	m.tree.SetAbsent(m.tree.Find(attr.DefaultPath), m.showAbsent, m.configurationOn())
	m.tree.Flatten()
	m.pane.Reselect()
	if !m.showAbsent {
		return nil
	}
	m.footer.SetStatus("showing the outputs this configuration does not have (dimmed, ---); a hides them")
	// Their advice names image variants only this configuration
	// has: the names of images (no variant is evaluated).
	if img := m.tree.Find(attr.DefaultPath.Child("images")); img != nil && !img.Loaded && !img.Loading && img.Kind == nixeval.KindAttrs {
		return m.startList(img)
	}
	return nil
}

// openEvalLog shows the log of the latest build during evaluation (L).
func (m Model) openEvalLog() (tea.Model, tea.Cmd) {
	if m.lastEvalBuild == nil {
		return m, nil
	}
	var cmd tea.Cmd
	m.evalLog, cmd = m.evalLog.Open(*m.lastEvalBuild, m.evalBuildRunning(*m.lastEvalBuild))
	m.syncKeys()
	return m, tea.Batch(cmd, m.spin())
}

// openBuild opens the build panel on the selected derivation (b), or says
// why it builds nothing.
func (m Model) openBuild() (tea.Model, tea.Cmd) {
	n := m.pane.Selected()
	if n.Kind != nixeval.KindDerivation {
		m.footer.SetStatus(buildRefusal(n, m.descs[n.Key]))
		return m, nil
	}
	system := ""
	var outputs []string
	if e, ok := m.descs[n.Key]; ok && e.desc != nil {
		system = e.desc.System
		for _, o := range e.desc.Outputs {
			outputs = append(outputs, o.Path)
		}
	}
	var cmd tea.Cmd
	m.build, cmd = m.build.Open(n.Path, system, outputs, m.header.Info)
	m.syncKeys()
	return m, tea.Batch(cmd, m.spin())
}

func (m Model) onFilterKey(msg tea.KeyMsg) (tea.Model, tea.Cmd) {
	k := m.c.Keys
	switch {
	case key.Matches(msg, k.Cancel):
		m.filter.Close()
		m.syncKeys()
		return m, m.selectionChanged()
	case key.Matches(msg, k.Accept):
		n := m.filter.Chosen()
		q := m.filter.Input.Value()
		m.filter.Close()
		m.syncKeys()
		// A path of two names or more that is not loaded: load the way
		// to it and jump (a single name is a search: its best match).
		if p, ok := filter.JumpTarget(q, m.tree.Root.Path); ok && strings.Contains(q, ".") && m.tree.Find(p) == nil {
			return m.startJump(p)
		}
		if n != nil && m.tree.Index[n.Key] == n {
			m.tree.RevealAncestors(n)
			m.tree.Flatten()
			m.pane.SelectNode(n)
		}
		// With no match (or a match dropped meanwhile) the cursor stays
		// where it was, and the preview goes back to it.
		return m, m.selectionChanged()
	}
	var cmd tea.Cmd
	m.filter, cmd = m.filter.Update(msg)
	// The preview shows the highlighted match, as enter would; with none,
	// the tree's cursor.
	return m, tea.Batch(cmd, m.previewNode(m.focused()))
}

// syncKeys enables the bindings that apply now.
func (m *Model) syncKeys() {
	k := &m.c.Keys
	ready := m.state == stateReady && !m.filter.Active
	for _, b := range []*key.Binding{&k.Up, &k.Down, &k.Expand, &k.Collapse, &k.Top, &k.Bottom, &k.PageUp, &k.PageDn, &k.Filter, &k.CopyPath, &k.CopyCmd, &k.Edit, &k.PreviewDown, &k.PreviewUp} {
		b.SetEnabled(ready)
	}
	k.Refresh.SetEnabled(ready || m.state == stateFailed)
	sel := m.pane.Selected()
	if m.state != stateReady {
		sel = nil
	}
	// b on a set or a string explains why it builds nothing (buildRefusal).
	k.Build.SetEnabled(ready && sel != nil && sel.Absent == nil && sel.Kind != nixeval.KindPending)
	k.Trace.SetEnabled(ready && m.failing(sel) || m.fatalTraceable())
	k.Mark.SetEnabled(ready && sel != nil && sel.Absent == nil)
	k.Compare.SetEnabled(ready && sel != nil)
	k.Baseline.SetEnabled(ready && m.edits.CanUseHead())
	if m.edits.AgainstHead {
		k.Baseline.SetHelp("D", "changes vs the previous evaluation")
	} else {
		k.Baseline.SetHelp("D", "changes vs git HEAD")
	}
	// An absent output has no command to copy, explain or build.
	k.CopyCmd.SetEnabled(ready && sel != nil && sel.Absent == nil)
	k.Explain.SetEnabled(ready && sel != nil && sel.Absent == nil)
	if m.explain.Open {
		k.Explain.SetHelp("x", "close explain")
	} else {
		k.Explain.SetHelp("x", "explain cmd")
	}
	k.Warnings.SetEnabled(m.state == stateReady && len(m.warnings.List) > 0)
	if m.warnings.Open {
		k.Warnings.SetHelp("w", "close warnings")
	} else {
		k.Warnings.SetHelp("w", "warnings")
	}
	root := m.tree.Find(attr.DefaultPath)
	k.Absent.SetEnabled(ready && root != nil && root.Loaded)
	if m.showAbsent {
		k.Absent.SetHelp("a", "hide absent")
	} else {
		k.Absent.SetHelp("a", "show absent")
	}
	k.EvalLog.SetEnabled(ready && m.lastEvalBuild != nil)
	previewBusy := sel != nil && m.preview.Key == sel.Key && m.preview.State == preview.Loading && sel.Kind != nixeval.KindError
	k.CancelEval.SetEnabled(m.state == stateLoading || ready && (len(m.building) > 0 || sel != nil && (sel.Loading || previewBusy)))
}
