package tui

import (
	"context"
	"fmt"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/attr"
)

// The log of a build during evaluation (L): the footer names the command
// that prints it (nix-store -l); L runs it and shows the result, so a
// failed generator's output is one key away, not a copy and a paste.

// evalLogMsg is the answer to a log request; a stale id is dropped.
type evalLogMsg struct {
	id    uint64
	lines []string
	cut   bool
	err   error
}

// evalLogPanel shows the log of the latest build during evaluation. It
// takes the whole body, opens at the log's end (where a builder says why
// it failed), scrolls, and esc, q or L close it (cancelling nix-store if
// it still reads).
type evalLogPanel struct {
	c        *common
	state    traceState // the trace panel's states: closed, loading, ready, failed
	id       uint64
	build    nixeval.EvalBuild
	running  bool // the build had not ended when the log was asked
	cancelFn context.CancelFunc
	log      []string
	cut      bool
	err      error
	width    int
	pg       pager
}

func newEvalLog(c *common) evalLogPanel { return evalLogPanel{c: c, pg: newPager()} }

func (p evalLogPanel) active() bool  { return p.state != traceClosed }
func (p evalLogPanel) loading() bool { return p.state == traceLoading }

// open reads b's log in a Cmd of its own; running says b is still being
// built (its log is whole only once it ends).
func (p evalLogPanel) open(b nixeval.EvalBuild, running bool) (evalLogPanel, tea.Cmd) {
	p.cancel()
	ctx, cancel := context.WithCancel(context.Background())
	id := p.c.next()
	p = evalLogPanel{c: p.c, state: traceLoading, id: id, build: b, running: running, cancelFn: cancel, width: p.width, pg: p.pg}
	p.refresh()
	var settings []nixeval.Option
	if t := p.c.cfg.Target; t != nil {
		settings = t.Options
	}
	tools := p.c.cfg.Tools
	p.c.log.Printf("log of %s (request %d)", b.Key(), id)
	return p, p.c.run(func() tea.Msg {
		lines, cut, err := nixeval.BuildLog(ctx, tools, b, settings...)
		return evalLogMsg{id: id, lines: lines, cut: cut, err: err}
	})
}

func (p *evalLogPanel) cancel() {
	if p.cancelFn != nil {
		p.cancelFn()
		p.cancelFn = nil
	}
}

// close cancels what runs and closes the panel.
func (p *evalLogPanel) close() {
	p.cancel()
	*p = evalLogPanel{c: p.c, width: p.width, pg: p.pg}
	p.refresh()
}

func (p *evalLogPanel) setSize(w, h int) {
	p.pg.setSize(w, h-1) // the title stays in view
	if w != p.width {
		p.width = w
		p.refresh()
	}
}

func (p *evalLogPanel) refresh() {
	if p.state == traceClosed {
		p.pg.setLines(nil)
		return
	}
	p.pg.setLines(p.body(p.width))
}

// helpKeys are the panel's own keys for the footer.
func (p evalLogPanel) helpKeys() helpKeys {
	k := p.c.keys
	scroll := key.NewBinding(key.WithKeys("up", "down"), key.WithHelp("↑↓/pgup/pgdn", "scroll"))
	return helpKeys{k.ClosePanel, scroll, k.Top, k.Bottom, k.Quit}
}

// Update handles the answer and the panel's keys.
func (p evalLogPanel) Update(msg tea.Msg) evalLogPanel {
	k := p.c.keys
	switch msg := msg.(type) {
	case evalLogMsg:
		if msg.id != p.id || p.state != traceLoading {
			return p
		}
		p.cancelFn = nil
		p.log, p.cut, p.err = msg.lines, msg.cut, msg.err
		p.state = traceReady
		if msg.err != nil {
			p.state = traceFailed
		}
		p.refresh()
		p.pg.bottom()
	case tea.KeyMsg:
		switch {
		case key.Matches(msg, k.ClosePanel, k.EvalLog):
			p.close()
		case p.pg.scrollKey(k, msg):
		case key.Matches(msg, k.Top):
			p.pg.top()
		case key.Matches(msg, k.Bottom):
			p.pg.bottom()
		default:
			p.pg = scrollPager(p.pg, k, msg)
		}
	case tea.MouseMsg:
		p.pg = scrollPager(p.pg, k, msg)
	}
	return p
}

// lines is the panel as drawn: the title, then the window of the body.
func (p evalLogPanel) lines() []string {
	s := p.c.styles
	title := "Log of " + p.build.Name + ", built for evaluation: " + p.build.LogCommand() + " (esc closes)"
	out := []string{truncate(s.PanelTitle.Render(attr.Printable(title)), p.width)}
	return append(out, withMore(s, p.pg, p.width)...)
}

// body is the log wrapped to w columns, after what to know about it. The
// log is the builder's output: it goes through Printable.
func (p evalLogPanel) body(w int) []string {
	s := p.c.styles
	if w < 1 {
		return nil
	}
	var out []string
	add := func(st lipgloss.Style, indent int, text string) {
		out = append(out, wrapIndented(st, w, indent, text)...)
	}
	if p.running {
		add(s.Warning, 0, p.build.Name+" was still building when the log was asked: it is whole once the build ends (L twice reads it again).")
	}
	switch p.state {
	case traceLoading:
		add(s.Dim, 0, p.c.spin+" reading the log…")
		return out
	case traceFailed:
		if isCancel(p.err) {
			add(s.Warning, 0, "cancelled")
			return out
		}
		add(s.Bad, 0, "No log of "+p.build.Name+":")
		add(s.ErrorText, 2, nixeval.ErrorText(p.err))
		add(s.Value, 0, "Nix keeps a log only of what it built here, once the build has ended: an output fetched from a binary cache, or a build that still runs or never started, has none.")
		return out
	}
	if p.cut {
		add(s.Dim, 0, fmt.Sprintf("… the start is left out (the last %d KiB shown); the whole log: %s", nixeval.BuildLogKeep>>10, p.build.LogCommand()))
	}
	if len(p.log) == 0 {
		add(s.Dim, 0, "(the builder printed nothing)")
	}
	for _, l := range p.log {
		add(s.Value, 0, l)
	}
	return out
}
