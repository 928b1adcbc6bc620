package tui

import (
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/tui/components/preview"
	"github.com/nixplore/nixplore/tui/components/tree"
	"github.com/nixplore/nixplore/tui/shared"
)

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
	why := m.editWhy(n)
	if n.Kind == nixeval.KindError || n.Absent != nil {
		// Known without Nix: the error text, or the catalogue's entry.
		m.preview.SetState(preview.Ready)
		return why
	}
	if e, ok := m.descs[n.Key]; ok {
		m.preview.Set(e.desc, e.err, e.cached)
		return why
	}
	d := m.c.Cfg.PreviewDelay
	if d <= 0 {
		return tea.Batch(why, m.startDescribe(n, id))
	}
	return tea.Batch(why, tea.Tick(d, func(time.Time) tea.Msg { return previewDueMsg{id: id} }))
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
	next, cmd := m.onListedInner(msg)
	if nm := next.(Model); nm.jumpTo != nil {
		jumped, more := nm.continueJump()
		return jumped, tea.Batch(cmd, more)
	}
	return next, cmd
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
		m.header.Retry()
		cmds = append(cmds, m.startInfo())
	}
	m.preview.Forget() // force a new request
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
		m.preview.Cancel()
		what = append(what, "description")
	}
	if len(what) == 0 {
		return
	}
	m.c.Log.Printf("cancelled the %s of %s", strings.Join(what, " and "), n.Path)
	m.footer.SetStatus("cancelled the " + strings.Join(what, " and ") + " of " + displayPath(n) + "; r evaluates it again")
	m.syncKeys()
}

// cancelStart stops the start listing and the header's facts (esc while
// loading): the tree then shows the start node as cancelled.
func (m Model) cancelStart() Model {
	m.cancelAll()
	m.infoID = 0
	root := m.tree.Root
	root.Loading, root.Cancelled, root.ReqID = false, !root.Loaded, 0
	m.header.Cancel()
	m.state = stateReady
	m.tree.Flatten()
	m.pane.SetCursor(0)
	m.preview.Show(root, 0)
	m.preview.SetState(preview.Cancelled)
	m.footer.SetStatus("cancelled listing " + displayPath(root) + "; r evaluates it again")
	m.c.Log.Printf("cancelled the start listing of %s", root.Path)
	m.syncKeys()
	return m
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
