// Package evallog is the panel (L) that shows the log of the latest
// build Nix ran during evaluation.
package evallog

import (
	"fmt"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/diag"
	"github.com/nixplore/nixplore/tui/components/askpanel"
	"github.com/nixplore/nixplore/tui/shared"
)

// The log of a build during evaluation (L): the footer names the command
// that prints it (nix-store -l); L runs it and shows the result, so a
// failed generator's output is one key away, not a copy and a paste.

// Msg is the answer to a log request; a stale id is dropped.
type Msg struct {
	id    uint64
	lines []string
	cut   bool
	err   error
}

// Panel shows the log of the latest build during evaluation. It
// takes the whole body, opens at the log's end (where a builder says why
// it failed), scrolls, and esc, q or L close it (cancelling nix-store if
// it still reads).
type Panel struct {
	askpanel.Panel
	build   diag.EvalBuild
	running bool // the build had not ended when the log was asked
	log     []string
	cut     bool
	Err     error
}

func New(c *shared.Common) Panel { return Panel{Panel: askpanel.New(c)} }

// Open reads b's log in a Cmd of its own; running says b is still being
// built (its log is whole only once it ends).
func (p Panel) Open(b diag.EvalBuild, running bool) (Panel, tea.Cmd) {
	p = Panel{Panel: p.Panel, build: b, running: running}
	ctx, id := p.Ask()
	p.Refresh()
	var settings []nixeval.Option
	if t := p.C.Cfg.Target; t != nil {
		settings = t.Options
	}
	tools := p.C.Cfg.Tools
	p.C.Log.Printf("log of %s (request %d)", b.Key(), id)
	return p, p.C.Run(func() tea.Msg {
		lines, cut, err := nixeval.BuildLog(ctx, tools, b, settings...)
		return Msg{id: id, lines: lines, cut: cut, err: err}
	})
}

// Close cancels what runs and closes the panel.
func (p *Panel) Close() {
	*p = Panel{Panel: p.Closed()}
	p.Refresh()
}

func (p *Panel) SetSize(w, h int) {
	if p.Resize(w, h) {
		p.Refresh()
	}
}

func (p *Panel) Refresh() { p.Show(p.Body) }

// Update handles the answer and the panel's keys.
func (p Panel) Update(msg tea.Msg) (Panel, tea.Cmd) {
	if msg, ok := msg.(Msg); ok {
		if p.Answered(msg.id, msg.err) {
			p.log, p.cut, p.Err = msg.lines, msg.cut, msg.err
			p.Refresh()
			p.Pg.Bottom()
		}
		return p, nil
	}
	if p.Handle(msg, p.C.Keys.EvalLog) {
		p.Close()
	}
	return p, nil
}

// Lines is the panel as drawn: the title, then the window of the body.
func (p Panel) Lines() []string {
	return p.Frame("Log of " + p.build.Name + ", built for evaluation (esc closes): " + p.build.LogCommand())
}

// Body is the log wrapped to w columns, after what to know about it. The
// log is the builder's output: it goes through Printable.
func (p Panel) Body(w int) []string {
	s := p.C.Styles
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
	switch p.State {
	case askpanel.Loading:
		add(s.Dim, 0, p.C.Spin+" reading the log…")
		return out
	case askpanel.Failed:
		if shared.IsCancel(p.Err) {
			add(s.Warning, 0, "cancelled")
			return out
		}
		add(s.Bad, 0, "No log of "+p.build.Name+":")
		add(s.ErrorText, 2, nixeval.ErrorText(p.Err))
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
