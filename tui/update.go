package tui

import (
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/nixeval/teach"
	"github.com/nixplore/nixplore/tui/components/buildpanel"
	"github.com/nixplore/nixplore/tui/components/comparepanel"
	"github.com/nixplore/nixplore/tui/components/evallog"
	"github.com/nixplore/nixplore/tui/components/preview"
	"github.com/nixplore/nixplore/tui/components/trace"
	"github.com/nixplore/nixplore/tui/components/tree"
	"github.com/nixplore/nixplore/tui/shared"
)

// maxEarlyKeys bounds the keys kept while the start listing loads.
const maxEarlyKeys = 256

// doubleClick is the longest gap between two clicks on the same line that
// still expands it.
const doubleClick = 400 * time.Millisecond

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
		m.help.Width = msg.Width
		return m, nil
	case startMsg:
		return m, tea.Batch(m.reloadCmds()...)
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
		m.status = string(msg)
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
			m.status = "editor: " + msg.err.Error()
		}
		return m, nil
	case shared.CopiedMsg:
		m.status = shared.CopiedText(msg)
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
			m.header.Err = shared.FirstLine(nixeval.ErrorText(msg.err))
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
		m.preview.Key = ""
		cmd = tea.Batch(cmd, m.selectionChanged())
	}
	return m, cmd
}

// busy reports whether anything the spinner stands for is running.
func (m Model) busy() bool {
	return len(m.cancels) > 0 || m.build.Running() || m.trace.Running() || m.evalLog.Loading() || m.compare.Running()
}

// onKey routes a key: to the panel over the body when one is shown, to
// the filter while it is open, else to the tree and its side panels.
func (m Model) onKey(msg tea.KeyMsg) (tea.Model, tea.Cmd) {
	k := m.c.Keys
	m.c.Log.Printf("key %q", msg.String())
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
		m.help.ShowAll = !m.help.ShowAll
		return m, nil
	case key.Matches(msg, k.ReloadAll):
		return m.reloadAll()
	}
	if m.state != stateReady {
		return m.onNotReadyKey(msg)
	}
	m.status = ""
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
	m.status = "showing the outputs this configuration does not have (dimmed, ---); a hides them"
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
		m.status = buildRefusal(n, m.descs[n.Key])
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
		m.filter.Close()
		m.syncKeys()
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

// focused is the node the user points at: the filter's highlighted match
// while it has one, otherwise the tree's cursor. The preview and the
// explanation always show it.
func (m Model) focused() *tree.Node {
	if m.filter.Active {
		if n := m.filter.Chosen(); n != nil {
			return n
		}
	}
	return m.pane.Selected()
}

// expand lists a set's children, or steps into an expanded one.
func (m Model) expand() (tea.Model, tea.Cmd) {
	n := m.pane.Selected()
	if n.Kind == nixeval.KindPending && n.Absent == nil {
		// Not known to be a set yet: ask for its kind now, as a request
		// the user waits for, and open it when it is one.
		n.WantExpand = true
		if r, ok := m.kinds[n.KindReq]; ok && !r.foreground {
			m.dropKinds(n.KindReq, r)
		}
		if n.KindReq == 0 {
			return m, m.startKinds([]*tree.Node{n}, true)
		}
		return m, nil
	}
	if !n.Expandable() {
		return m, nil
	}
	if n.Expanded && n.Loaded {
		if len(n.Children) > 0 {
			m.pane.Move(1)
			return m, m.selectionChanged()
		}
		return m, nil
	}
	n.Expanded = true
	m.tree.Flatten()
	m.pane.Reselect()
	if n.Loaded || n.Loading {
		return m, nil
	}
	return m, m.startList(n)
}

// collapse folds an expanded set, or goes to the parent.
func (m *Model) collapse() {
	n := m.pane.Selected()
	if n.Expanded {
		n.Expanded = false
		m.tree.Flatten()
		m.pane.Reselect()
		return
	}
	if n.Parent != nil {
		m.pane.SelectNode(n.Parent)
	}
}

// selectionChanged points the preview at the focused node: at once from
// what is known, otherwise after the cursor rests for PreviewDelay.
func (m *Model) selectionChanged() tea.Cmd {
	cmd := m.previewNode(m.focused())
	m.syncKeys()
	return cmd
}

// previewNode points the preview (and the explain panel, when open) at
// n: the selected node, or the filter's highlighted match.
func (m *Model) previewNode(n *tree.Node) tea.Cmd {
	if n == nil {
		return nil
	}
	if m.explain.Open {
		m.explain.Set(explained(n), m.header.Info, m.factsOf(n))
	}
	if n.Key == m.preview.Key && m.preview.State != preview.Empty {
		return nil
	}
	if m.preview.ReqID != 0 {
		m.finish(m.preview.ReqID)
	}
	id := m.c.Next()
	m.preview.Show(n, id)
	if n.Kind == nixeval.KindError || n.Absent != nil {
		// Known without Nix: the error text, or the catalogue's entry.
		m.preview.SetState(preview.Ready)
		return nil
	}
	if e, ok := m.descs[n.Key]; ok {
		m.preview.Set(e.desc, e.err, e.cached)
		return nil
	}
	d := m.c.Cfg.PreviewDelay
	if d <= 0 {
		return m.startDescribe(n, id)
	}
	return tea.Tick(d, func(time.Time) tea.Msg { return previewDueMsg{id: id} })
}

func (m Model) onListed(msg listedMsg) (tea.Model, tea.Cmd) {
	if !msg.cached {
		m.finish(msg.id)
		delete(m.working, msg.id)
	}
	if n := m.tree.Index[msg.key]; !msg.cached && n == m.tree.Root && n.ReqID == msg.id && m.header.Info == nil && m.infoID == 0 && !shared.IsCancel(msg.err) {
		// The start listing is in (or failed): now the header's facts.
		next, cmd := m.onListedInner(msg)
		nm := next.(Model)
		return nm, tea.Batch(cmd, nm.startInfo())
	}
	return m.onListedInner(msg)
}

func (m Model) onListedInner(msg listedMsg) (tea.Model, tea.Cmd) {
	n := m.tree.Index[msg.key]
	if n == nil || n.ReqID != msg.id {
		return m, nil
	}
	if msg.cached {
		if n.Loaded && !n.Cached || !n.Loading {
			return m, nil
		}
		m.tree.SetChildren(n, msg.listing.Children)
		m.tree.SetAbsent(n, m.showAbsent, m.configurationOn())
		n.Cached = true
	} else {
		n.Loading = false
		if msg.err != nil {
			if shared.IsCancel(msg.err) {
				return m, nil
			}
			m.c.Log.Printf("list %s failed: %v", n.Path, msg.err)
			if n == m.tree.Root && !n.Loaded {
				m.state, m.fatal = stateFailed, msg.err
				m.syncKeys()
				return m, nil
			}
			n.ListErr = nixeval.ErrorText(msg.err)
		} else {
			m.tree.SetChildren(n, msg.listing.Children)
			m.tree.SetAbsent(n, m.showAbsent, m.configurationOn())
			n.Cached = false
			if m.showAbsent && n.Path.Equal(attr.DefaultPath.Child("images")) {
				m.tree.SetAbsent(m.tree.Find(attr.DefaultPath), true, m.configurationOn())
			}
		}
	}
	m.tree.Flatten()
	m.pane.Reselect()
	if m.state == stateLoading {
		m.state = stateReady
		m.syncKeys()
		cmds := []tea.Cmd{m.selectionChanged()}
		// Keys typed while the names were on their way, in order.
		early := m.early
		m.early = nil
		var cur tea.Model = m
		for _, k := range early {
			var cmd tea.Cmd
			cur, cmd = cur.(Model).onKey(k)
			cmds = append(cmds, cmd)
		}
		return cur, tea.Batch(cmds...)
	}
	if n.Key == m.preview.Key && n.ListErr != "" {
		m.preview.SetListErr(n.ListErr)
	}
	m.syncKeys()
	return m, nil
}

func (m Model) onDescribed(msg describedMsg) (tea.Model, tea.Cmd) {
	if !msg.cached {
		m.finish(msg.id)
	}
	if msg.id != m.preview.ReqID || msg.key != m.preview.Key {
		return m, nil
	}
	if msg.cached && m.preview.State == preview.Ready && !m.preview.Cached {
		return m, nil
	}
	if msg.err != nil && shared.IsCancel(msg.err) {
		return m, nil
	}
	m.preview.Set(msg.desc, msg.err, msg.cached)
	m.syncFailingVariants()
	if m.explain.Open && m.explain.Key == msg.key && msg.desc != nil {
		// The explanation lists the same facts as the preview.
		m.explain.Reexplain(explained(m.tree.Index[msg.key]), m.header.Info, msg.desc.Facts)
	}
	if n := m.tree.Index[msg.key]; n != nil && msg.desc != nil && !msg.cached && (n.Kind == nixeval.KindPending || n.Recheck) && msg.desc.Kind != "" {
		// The preview evaluated the value: its kind is known now too.
		if r, ok := m.kinds[n.KindReq]; ok && !r.foreground {
			m.dropKinds(n.KindReq, r)
		}
		m.tree.SetKind(n, msg.desc.Kind, "")
		m.tree.Flatten()
		m.pane.Reselect()
	}
	if !msg.cached {
		m.descs[msg.key] = &descEntry{desc: msg.desc, err: msg.err}
	}
	m.syncKeys()
	return m, nil
}

// refresh re-evaluates the selected node: its children if it is a listed
// set, otherwise its parent's listing (its kind and error), and its
// preview.
func (m Model) refresh() (tea.Model, tea.Cmd) {
	n := m.pane.Selected()
	clear(m.cancelledBuilds) // r: evaluate it again, builds and all
	for k := range m.descs {
		if strings.HasPrefix(k, n.Key) {
			delete(m.descs, k)
		}
	}
	var cmds []tea.Cmd
	switch {
	case n.Cancelled && n.Kind == nixeval.KindPending && !n.Loaded && !n.Expanded:
		// Its kind was cancelled (esc during a build for evaluation):
		// asked again by scheduleKinds.
		n.Cancelled = false
	case n.Loaded || n.Loading || n.ListErr != "" || n.Cancelled:
		n.ListErr = ""
		cmds = append(cmds, m.startList(n))
	case n.Parent != nil:
		cmds = append(cmds, m.startList(n.Parent))
	}
	if m.header.Info == nil {
		// The header's facts failed, were cancelled with the start
		// listing, or are still being asked from files edited since:
		// ask again, and let the old request's answer be dropped.
		if m.infoID != 0 {
			m.finish(m.infoID)
		}
		m.header.Err, m.header.Cancelled = "", false
		cmds = append(cmds, m.startInfo())
	}
	m.preview.Key = "" // force a new request
	cmds = append(cmds, m.selectionChanged())
	return m, tea.Batch(cmds...)
}

// cancelSelected stops the selected node's listing and description (esc):
// a node never listed shows "cancelled", and r evaluates it again. A node
// already listed (a re-check of a cached answer, or r) keeps its children:
// esc only stops the work in flight, it takes nothing that is known away.
func (m *Model) cancelSelected() {
	n := m.pane.Selected()
	var what []string
	if n.Loading {
		// Forgetting the request id drops its answer, whatever error the
		// interrupted Nix reports.
		m.finish(n.ReqID)
		n.Loading, n.ReqID = false, 0
		if n.Loaded {
			what = append(what, "new listing")
		} else {
			n.Cancelled = true
			what = append(what, "listing")
		}
	}
	if m.preview.Key == n.Key && m.preview.State == preview.Loading && n.Kind != nixeval.KindError {
		m.finish(m.preview.ReqID)
		m.preview.ReqID = 0
		m.preview.SetState(preview.Cancelled)
		what = append(what, "description")
	}
	if len(what) == 0 {
		return
	}
	m.c.Log.Printf("cancelled the %s of %s", strings.Join(what, " and "), n.Path)
	m.status = "cancelled the " + strings.Join(what, " and ") + " of " + displayPath(n) + "; r evaluates it again"
	m.syncKeys()
}

// cancelStart stops the start listing and the header's facts (esc while
// loading): the tree then shows the start node as cancelled.
func (m Model) cancelStart() Model {
	m.cancelAll()
	m.infoID = 0
	root := m.tree.Root
	root.Loading, root.Cancelled, root.ReqID = false, !root.Loaded, 0
	m.header.Cancelled = m.header.Info == nil
	m.state = stateReady
	m.tree.Flatten()
	m.pane.SetCursor(0)
	m.preview.Show(root, 0)
	m.preview.SetState(preview.Cancelled)
	m.status = "cancelled listing " + displayPath(root) + "; r evaluates it again"
	m.c.Log.Printf("cancelled the start listing of %s", root.Path)
	m.syncKeys()
	return m
}

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
		m.status = "reloading: the evaluators start afresh and evaluate everything again"
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
		m.header.Dirty = msg.dirty
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
		m.status = strings.Join(msg.notes, "; ")
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
	m.state, m.fatal, m.header.Info, m.header.Err, m.status = stateLoading, nil, nil, "", ""
	m.syncKeys()
	return m, tea.Batch(m.reloadCmds()...)
}

func (m *Model) reloadCmds() []tea.Cmd {
	m.pane.Tree = m.tree
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
	m.c.End()
	m.cancelAll()
	m.build.Cancel()
	m.trace.Cancel()
	m.evalLog.Cancel()
	m.compare.Cancel()
	m.quitting = true
	return m, tea.Quit
}

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

// editedMsg says the editor started by e has exited.
type editedMsg struct{ err error }

// edit opens the file that defines the selected value in $VISUAL/$EDITOR
// (else vi), at the definition's line when it can be found, handing the
// terminal over until the editor exits.
func (m Model) edit() (tea.Model, tea.Cmd) {
	argv, ok := m.editorArgv()
	if !ok {
		m.status = "no defining file known for " + displayPath(m.pane.Selected()) + " (only values under config have one)"
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

// factsOf is what the configuration says about n, from its description
// when the preview or an earlier one has it; nil until then.
func (m Model) factsOf(n *tree.Node) nixeval.Facts {
	if n == nil {
		return nil
	}
	if m.preview.Key == n.Key && m.preview.Desc != nil {
		return m.preview.Desc.Facts
	}
	if d := m.descs[n.Key]; d != nil && d.desc != nil {
		return d.desc.Facts
	}
	return nil
}

// configurationOn is the configuration's NixOS release (a fact every
// description carries) and its platform (Info), "" while not known.
func (m Model) configurationOn() tree.ConfigurationOn {
	var on tree.ConfigurationOn
	if m.header.Info != nil {
		on.System = m.header.Info.Platform()
	}
	for _, e := range m.descs {
		if e.desc != nil {
			if on.Release = e.desc.Facts.Release(); on.Release != "" {
				break
			}
		}
	}
	return on
}
