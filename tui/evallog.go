package tui

import (
	"fmt"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/tui/shared"
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
	askPanel
	build   nixeval.EvalBuild
	running bool // the build had not ended when the log was asked
	log     []string
	cut     bool
	err     error
}

func newEvalLog(c *shared.Common) evalLogPanel { return evalLogPanel{askPanel: newAskPanel(c)} }

// open reads b's log in a Cmd of its own; running says b is still being
// built (its log is whole only once it ends).
func (p evalLogPanel) open(b nixeval.EvalBuild, running bool) (evalLogPanel, tea.Cmd) {
	p = evalLogPanel{askPanel: p.askPanel, build: b, running: running}
	ctx, id := p.ask()
	p.refresh()
	var settings []nixeval.Option
	if t := p.c.Cfg.Target; t != nil {
		settings = t.Options
	}
	tools := p.c.Cfg.Tools
	p.c.Log.Printf("log of %s (request %d)", b.Key(), id)
	return p, p.c.Run(func() tea.Msg {
		lines, cut, err := nixeval.BuildLog(ctx, tools, b, settings...)
		return evalLogMsg{id: id, lines: lines, cut: cut, err: err}
	})
}

// close cancels what runs and closes the panel.
func (p *evalLogPanel) close() {
	*p = evalLogPanel{askPanel: p.closed()}
	p.refresh()
}

func (p *evalLogPanel) setSize(w, h int) {
	if p.resize(w, h) {
		p.refresh()
	}
}

func (p *evalLogPanel) refresh() { p.show(p.body) }

// Update handles the answer and the panel's keys.
func (p evalLogPanel) Update(msg tea.Msg) (evalLogPanel, tea.Cmd) {
	if msg, ok := msg.(evalLogMsg); ok {
		if p.answered(msg.id, msg.err) {
			p.log, p.cut, p.err = msg.lines, msg.cut, msg.err
			p.refresh()
			p.pg.Bottom()
		}
		return p, nil
	}
	if p.handle(msg, p.c.Keys.EvalLog) {
		p.close()
	}
	return p, nil
}

// lines is the panel as drawn: the title, then the window of the body.
func (p evalLogPanel) lines() []string {
	return p.frame("Log of " + p.build.Name + ", built for evaluation (esc closes): " + p.build.LogCommand())
}

// body is the log wrapped to w columns, after what to know about it. The
// log is the builder's output: it goes through Printable.
func (p evalLogPanel) body(w int) []string {
	s := p.c.Styles
	if w < 1 {
		return nil
	}
	var out []string
	add := func(st lipgloss.Style, indent int, text string) {
		out = append(out, shared.WrapIndented(st, w, indent, text)...)
	}
	if p.running {
		add(s.Warning, 0, p.build.Name+" was still building when the log was asked: it is whole once the build ends (L twice reads it again).")
	}
	switch p.state {
	case askLoading:
		add(s.Dim, 0, p.c.Spin+" reading the log…")
		return out
	case askFailed:
		if shared.IsCancel(p.err) {
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
