package tui

import (
	"context"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/tui/components/tree"
)

// Messages carry the request that produced them: the id is compared with
// the one the node or the preview is waiting for, and anything else is
// dropped, so a late answer never paints over a newer one.
type (
	listedMsg struct {
		id      uint64
		key     string
		listing *nixeval.Listing
		err     error
		cached  bool
	}
	describedMsg struct {
		id     uint64
		key    string
		desc   *nixeval.Description
		err    error
		cached bool
	}
	infoMsg struct {
		id   uint64
		info *nixeval.Info
		err  error
	}
	// previewDueMsg fires when the cursor has rested long enough.
	previewDueMsg struct{ id uint64 }
)

// track registers a cancellable request and returns its context.
func (m *Model) track(id uint64) context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	m.cancels[id] = cancel
	ctx, wait := withEvalBuilds(ctx, id)
	m.waiters = append(m.waiters, wait)
	return ctx
}

// finish forgets a request's cancel func once its answer is in.
func (m *Model) finish(id uint64) {
	if cancel, ok := m.cancels[id]; ok {
		cancel()
		delete(m.cancels, id)
	}
	delete(m.building, id)
}

// cancelAll ends every request in flight (refresh and quit).
func (m *Model) cancelAll() {
	for id, cancel := range m.cancels {
		cancel()
		delete(m.cancels, id)
	}
	for id, r := range m.kinds {
		m.dropKinds(id, r)
	}
	clear(m.working)
	clear(m.building)
}

// startList requests n's children. A cached answer, when the evaluator has
// one, comes first and is replaced by Nix's.
func (m *Model) startList(n *tree.Node) tea.Cmd {
	if n.ReqID != 0 {
		m.finish(n.ReqID)
	}
	id := m.c.Next()
	n.ReqID, n.Loading, n.Cancelled = id, true, false
	ctx := m.track(id)
	ev, path, key := m.c.Cfg.Eval, n.Path, n.Key
	m.c.Log.Printf("list %s (request %d)", path, id)
	// Names only: the kinds follow in the background (kinds.go), for the
	// rows on screen first.
	now := time.Now()
	m.working[id] = workItem{what: "the names of " + displayPath(n), since: now}
	n.NamesAt = now
	list := m.c.Run(func() tea.Msg {
		l, err := ev.Names(ctx, path)
		if err != nil {
			return listedMsg{id: id, key: key, err: err}
		}
		return listedMsg{id: id, key: key, listing: l}
	})
	peek := func() tea.Msg {
		if l, ok := ev.PeekList(path); ok {
			return listedMsg{id: id, key: key, listing: l, cached: true}
		}
		return nil
	}
	return tea.Batch(peek, list, m.spin())
}

// startDescribe requests the preview of n.
func (m *Model) startDescribe(n *tree.Node, id uint64) tea.Cmd {
	ctx := m.track(id)
	ev, path, key := m.c.Cfg.Eval, n.Path, n.Key
	m.c.Log.Printf("describe %s (request %d)", path, id)
	desc := m.c.Run(func() tea.Msg {
		d, err := ev.Describe(ctx, path)
		return describedMsg{id: id, key: key, desc: d, err: err}
	})
	peek := func() tea.Msg {
		if d, ok := ev.PeekDescribe(path); ok {
			return describedMsg{id: id, key: key, desc: d, cached: true}
		}
		return nil
	}
	return tea.Batch(peek, desc, m.spin())
}

func (m *Model) startInfo() tea.Cmd {
	id := m.c.Next()
	m.infoID = id
	ctx := m.track(id)
	ev := m.c.Cfg.Eval
	return m.c.Run(func() tea.Msg {
		i, err := ev.Info(ctx)
		return infoMsg{id: id, info: i, err: err}
	})
}

// spin starts the spinner unless it is already ticking.
func (m *Model) spin() tea.Cmd {
	if m.c.Spinning {
		return nil
	}
	m.c.Spinning = true
	return m.spinner.Tick
}
