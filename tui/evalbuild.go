package tui

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/nixeval/diag"
	"github.com/nixplore/nixplore/tui/components/preview"
	"github.com/nixplore/nixplore/tui/shared"
)

// Builds during evaluation (import from derivation): Nix stops evaluating
// to build a derivation, for seconds or minutes. Every request's context
// carries a listener (track) whose notices a Cmd of its own waits for, as
// they happen, until the request ends; the footer says what is built while
// the request runs, and esc cancels the requests that wait for a build.

// evalBuildMsg is a derivation a request in flight waits for; next waits
// for the request's next notice.
type evalBuildMsg struct {
	id    uint64
	build diag.EvalBuild
	next  tea.Cmd
}

// evalBuilding is a build the footer shows: which, and since when.
type evalBuilding struct {
	build diag.EvalBuild
	since time.Time
}

// evalBuildQueue bounds the notices of one request on their way to
// Update; a notice that finds it full is dropped.
const evalBuildQueue = 16

// withEvalBuilds makes request id's evaluation report its builds, and
// returns the Cmd that waits for them: it ends (with nil) when ctx does,
// which finish sees to once the request's answer is in.
func withEvalBuilds(ctx context.Context, id uint64) (context.Context, tea.Cmd) {
	ch := make(chan diag.EvalBuild, evalBuildQueue)
	ctx = nixeval.WithEvalBuilds(ctx, func(b diag.EvalBuild) {
		select {
		case ch <- b:
		default:
		}
	})
	var wait tea.Cmd
	wait = func() tea.Msg {
		select {
		case b := <-ch:
			return evalBuildMsg{id: id, build: b, next: wait}
		case <-ctx.Done():
			return nil
		}
	}
	return ctx, wait
}

// takeWaiters hands the build waiters of the requests started since the
// last message to the runtime (Update does, after every message).
func (m *Model) takeWaiters() tea.Cmd {
	if len(m.waiters) == 0 {
		return nil
	}
	cmd := tea.Batch(m.waiters...)
	m.waiters = nil
	return cmd
}

// onEvalBuild records a build of a request still in flight. A build the
// user cancelled (esc) stays cancelled until r or R: a request that meets
// it later (one that was already queued, or waited for another Nix
// process's lock on it) is cancelled as it arrives, so esc does not see
// the same build start again a moment later.
func (m Model) onEvalBuild(msg evalBuildMsg) (tea.Model, tea.Cmd) {
	if _, ok := m.cancels[msg.id]; ok {
		m.building[msg.id] = evalBuilding{build: msg.build, since: time.Now()}
		b := msg.build
		m.lastEvalBuild = &b
		m.c.Log.Printf("request %d waits for %s (%s)", msg.id, msg.build.Key(), msg.build)
		if m.cancelledBuilds[msg.build.Name] {
			m.cancelWaiting(msg.id)
			m.footer.SetStatus("cancelled " + attr.Printable(msg.build.String()) + " again (esc stopped it); r evaluates it again")
			m.c.Log.Printf("%s", m.footer.Status())
		}
	}
	return m, tea.Batch(msg.next, m.spin())
}

// evalBuildWork is the footer while a request waits for a build: the
// oldest one running, for how long, and how to stop it.
func (m Model) evalBuildWork(now time.Time) string {
	if len(m.building) == 0 {
		return ""
	}
	all := make([]evalBuilding, 0, len(m.building))
	for _, b := range m.building {
		all = append(all, b)
	}
	// A build that runs here first: the requests waiting for its lock
	// wait for it too.
	sort.Slice(all, func(i, j int) bool {
		if li, lj := all[i].build.Drv == "", all[j].build.Drv == ""; li != lj {
			return lj
		}
		return all[i].since.Before(all[j].since)
	})
	s := attr.Printable(all[0].build.String()) + "… " + shared.FormatSeconds(now.Sub(all[0].since))
	if len(all) > 1 {
		s += fmt.Sprintf(" (and %d more)", len(all)-1)
	}
	return s + " · esc cancels · L its log once built: " + attr.Printable(all[0].build.LogCommand())
}

// cancelEvalBuilds stops every request that waits for a build (esc): a
// kind shows as cancelled until r asks again, a listing or a description
// as esc leaves them. It reports whether there was any.
func (m *Model) cancelEvalBuilds() bool {
	if len(m.building) == 0 {
		return false
	}
	var names []string
	for id, b := range m.building {
		if !slices.Contains(names, b.build.Name) {
			names = append(names, b.build.Name)
		}
		m.cancelledBuilds[b.build.Name] = true
		m.cancelWaiting(id)
	}
	sort.Strings(names)
	m.footer.SetStatus("cancelled building " + attr.Printable(strings.Join(names, ", ")) + " for evaluation; r evaluates it again")
	m.c.Log.Printf("%s", m.footer.Status())
	return true
}

// cancelWaiting cancels request id, which waits for a build: its rows and
// the preview say so, and r asks again.
func (m *Model) cancelWaiting(id uint64) {
	if r, ok := m.kinds[id]; ok {
		for _, k := range r.keys {
			if n := m.tree.Index[k]; n != nil && n.KindReq == id {
				n.Cancelled = true
			}
		}
		m.dropKinds(id, r)
		return
	}
	for _, n := range m.tree.Index {
		if n.ReqID == id && n.Loading {
			n.Loading, n.ReqID, n.Cancelled = false, 0, !n.Loaded
		}
	}
	if m.preview.ReqID == id && m.preview.State == preview.Loading {
		m.preview.Cancel()
	}
	m.finish(id)
	delete(m.working, id)
}

// evalBuildRunning reports whether a request still waits for build b.
func (m Model) evalBuildRunning(b diag.EvalBuild) bool {
	for _, w := range m.building {
		if w.build.Name == b.Name {
			return true
		}
	}
	return false
}
