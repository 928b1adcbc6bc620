package tui

import (
	"strings"

	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/tui/components/buildpanel"
	"github.com/nixplore/nixplore/tui/components/comparepanel"
	"github.com/nixplore/nixplore/tui/components/edits"
	"github.com/nixplore/nixplore/tui/components/evallog"
	"github.com/nixplore/nixplore/tui/components/preview"
	"github.com/nixplore/nixplore/tui/components/trace"
	"github.com/nixplore/nixplore/tui/shared"
)

// Update handles one message. It never waits for Nix.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	next, cmd := m.update(msg)
	nm := next.(Model)
	// The sizes of the panes follow the footer (a status message, the
	// full help) as well as the terminal: they are set here, once, so
	// View never has to.
	nm.layout()
	// What applies (esc while something runs, b on a derivation) changes
	// with every message: the bindings follow once, here.
	nm.syncKeys()
	// The rows on screen may have changed (a listing, a scroll, a fold):
	// their kinds are asked for here, once.
	if kcmd := nm.scheduleKinds(); kcmd != nil {
		cmd = tea.Batch(cmd, kcmd)
	}
	// What an edit is compared with: the rows on screen, as they are now
	// (in the background, once each).
	if nm.state == stateReady {
		var bcmd tea.Cmd
		if nm.edits, bcmd = nm.edits.Baseline(nm.editRows()); bcmd != nil {
			cmd = tea.Batch(cmd, bcmd)
		}
	}
	// Requests started by this message wait for their builds.
	if w := nm.takeWaiters(); w != nil {
		cmd = tea.Batch(cmd, w)
	}
	return nm, cmd
}

// layout gives every pane its size.
func (m *Model) layout() {
	bh, tw, pw := m.bodyHeight(), m.treeWidth(), max(0, m.previewWidth())
	m.pane.SetSize(tw, bh)
	m.filter.SetSize(tw, bh, m.c.Width)
	m.preview.SetSize(pw, bh)
	m.explain.SetSize(pw, bh)
	m.warnings.SetSize(pw, bh)
	m.build.SetSize(m.c.Width, bh)
	m.trace.SetSize(m.c.Width, bh)
	m.evalLog.SetSize(m.c.Width, bh)
	m.compare.SetSize(m.c.Width, bh)
}

func (m Model) update(msg tea.Msg) (tea.Model, tea.Cmd) {
	// Before anything drops the answer as stale: a warm evaluator prints
	// a warning once, whichever request made it.
	m.warnings.Add(warningsIn(msg))
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.c.Width, m.c.Height = msg.Width, msg.Height
		m.footer.SetWidth(msg.Width)
		return m, nil
	case startMsg:
		var watching tea.Cmd
		m.edits, watching = m.edits.Start()
		return m, tea.Batch(append(m.reloadCmds(), watching)...)
	case edits.Msg:
		return m.onEdits(msg)
	case edits.WhyMsg:
		return m.onEditWhy(msg)
	case spinner.TickMsg:
		return m.onTick(msg)
	case infoMsg:
		return m.onInfo(msg)
	case listedMsg:
		return m.onListed(msg)
	case kindsMsg:
		return m.onKinds(msg)
	case restartedMsg:
		return m.onRestarted(msg)
	case shared.NoticeMsg:
		m.footer.SetStatus(string(msg))
		return m, m.c.WaitNotice()
	case shared.EvaluatorsMsg:
		m.header.NoteEvaluators(msg)
		return m.update(msg.Answer)
	case describedMsg:
		return m.onDescribed(msg)
	case previewDueMsg:
		return m.onPreviewDue(msg)
	case editedMsg:
		if msg.err != nil {
			m.footer.SetStatus("editor: " + msg.err.Error())
		}
		return m, nil
	case shared.CopiedMsg:
		m.footer.SetStatus(shared.CopiedText(msg))
		return m, nil
	case buildpanel.Msg:
		return m.onBuild(msg)
	case evalBuildMsg:
		return m.onEvalBuild(msg)
	case trace.Msg:
		var cmd tea.Cmd
		m.trace, cmd = m.trace.Update(msg)
		return m, cmd
	case evallog.Msg:
		var cmd tea.Cmd
		m.evalLog, cmd = m.evalLog.Update(msg)
		return m, cmd
	case comparepanel.ColumnMsg:
		var cmd tea.Cmd
		m.compare, cmd = m.compare.Update(msg)
		return m, cmd
	case tea.MouseMsg:
		return m.onMouse(msg)
	case tea.KeyMsg:
		return m.onKey(msg)
	}
	// Anything else is a message of a component's own (the header's
	// platform check): offered to the components that may own it.
	var cmd tea.Cmd
	m.header, cmd = m.header.Update(msg)
	return m, cmd
}

// startMsg starts the explorer's first request: Init only returns Cmds,
// and the start listing's request id and context are state, kept here.
type startMsg struct{}

// onTick moves the spinner and redraws what shows it.
func (m Model) onTick(msg spinner.TickMsg) (tea.Model, tea.Cmd) {
	if !m.busy() {
		m.c.Spinning = false
		return m, nil
	}
	var cmd tea.Cmd
	m.spinner, cmd = m.spinner.Update(msg)
	m.c.Spin = m.spinner.View()
	m.preview.Tick()
	m.build.Tick()
	m.trace.Tick()
	if m.evalLog.Loading() {
		m.evalLog.Refresh()
	}
	m.compare.Tick()
	return m, cmd
}

// onInfo takes the header's facts.
func (m Model) onInfo(msg infoMsg) (tea.Model, tea.Cmd) {
	m.finish(msg.id)
	if m.infoID != 0 && msg.id != m.infoID {
		// A stale answer (r asked again meanwhile): an old error must
		// not stay in the header over the new evaluation.
		return m, nil
	}
	m.infoID = 0
	if msg.err != nil {
		if !shared.IsCancel(msg.err) {
			m.header.Failed(shared.FirstLine(nixeval.ErrorText(msg.err)))
		}
		return m, nil
	}
	pcmd := m.header.SetInfo(msg.info)
	if m.explain.Open {
		// The notes (an ignored --system, a foreign platform) come
		// from Info.
		n := m.tree.Index[m.explain.Key]
		m.explain.Reexplain(explained(n), m.header.Info, m.factsOf(n))
	}
	return m, pcmd
}

// onPreviewDue asks for the preview once the cursor has rested.
func (m Model) onPreviewDue(msg previewDueMsg) (tea.Model, tea.Cmd) {
	if msg.id != m.preview.ReqID || m.preview.State != preview.Loading {
		return m, nil
	}
	n := m.tree.Index[m.preview.Key]
	if n == nil {
		return m, nil
	}
	return m, m.startDescribe(n, msg.id)
}

// onBuild hands a build's message to the build panel; a build just
// finished makes its outputs' descriptions stale.
func (m Model) onBuild(msg buildpanel.Msg) (tea.Model, tea.Cmd) {
	var cmd tea.Cmd
	m.build, cmd = m.build.Update(msg)
	if buildpanel.JustFinished(msg) {
		// Outputs are built now: describe them again.
		n := m.tree.Find(m.build.Path)
		for k := range m.descs {
			if n != nil && strings.HasPrefix(k, n.Key) {
				delete(m.descs, k)
			}
		}
		m.preview.Forget()
		cmd = tea.Batch(cmd, m.selectionChanged())
	}
	return m, cmd
}

// busy reports whether anything the spinner stands for is running.
func (m Model) busy() bool {
	return len(m.cancels) > 0 || m.build.Running() || m.trace.Running() || m.evalLog.Loading() || m.compare.Running()
}
