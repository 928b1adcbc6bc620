package tui

import (
	"errors"
	"fmt"
	"strings"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/tui/shared"
)

// tracedMsg is the answer to a trace request; a stale id is dropped.
type tracedMsg struct {
	id    uint64
	trace *nixeval.Trace
	err   error
}

// tracePanel shows why a value fails (key t on an error): Nix's chain of
// frames from --show-trace, with the option and the user's own file read
// from it first. It takes the whole body, scrolls, and esc closes it
// (cancelling Nix if it still runs).
type tracePanel struct {
	askPanel
	path  attr.Path
	trace *nixeval.Trace
	err   error
}

func newTrace(c *shared.Common) tracePanel { return tracePanel{askPanel: newAskPanel(c)} }

func (p tracePanel) running() bool { return p.loading() }

// open starts the trace of path in a Cmd of its own.
func (p tracePanel) open(path attr.Path) (tracePanel, tea.Cmd) {
	tr, ok := p.c.Cfg.Eval.(shared.Tracer)
	if !ok {
		return p, nil
	}
	p = tracePanel{askPanel: p.askPanel, path: path}
	ctx, id := p.ask()
	p.refresh()
	p.c.Log.Printf("trace %s (request %d)", path, id)
	return p, p.c.Run(func() tea.Msg {
		t, err := tr.Trace(ctx, path)
		return tracedMsg{id: id, trace: t, err: err}
	})
}

// close cancels what runs and closes the panel.
func (p *tracePanel) close() {
	*p = tracePanel{askPanel: p.closed()}
	p.refresh()
}

func (p *tracePanel) setSize(w, h int) {
	if p.resize(w, h) {
		p.refresh()
	}
}

// tick redraws the spinner while Nix works.
func (p *tracePanel) tick() {
	if p.running() {
		p.refresh()
	}
}

func (p *tracePanel) refresh() { p.show(p.body) }

// Update handles the answer and the panel's keys: scrolling, and esc, q or
// t to close.
func (p tracePanel) Update(msg tea.Msg) (tracePanel, tea.Cmd) {
	if msg, ok := msg.(tracedMsg); ok {
		if p.answered(msg.id, msg.err) {
			p.trace, p.err = msg.trace, msg.err
			p.refresh()
		}
		return p, nil
	}
	if p.handle(msg, p.c.Keys.Trace) {
		p.close()
	}
	return p, nil
}

// lines is the panel as drawn: the title, then the window of the body.
func (p tracePanel) lines() []string {
	return p.frame("Why " + p.path.String() + " fails: Nix's --show-trace (esc closes)")
}

// body is everything below the title, wrapped to w columns: where the
// error comes from, the error once, then the chain outermost first, the
// user's own place marked. Every piece comes from Nix's output about the
// user's configuration, so all of it goes through Printable.
func (p tracePanel) body(w int) []string {
	s := p.c.Styles
	if w < 1 {
		return nil
	}
	var out []string
	add := func(st lipgloss.Style, indent int, text string) {
		out = append(out, shared.WrapIndented(st, w, indent, text)...)
	}
	switch p.state {
	case askLoading:
		add(s.Dim, 0, p.c.Spin+" evaluating "+p.path.String()+" again with --show-trace (a one-shot Nix: the whole configuration once more)…")
		return out
	case askFailed:
		if shared.IsCancel(p.err) {
			add(s.Warning, 0, "cancelled")
			return out
		}
		add(s.Bad, 0, "no trace: "+nixeval.ErrorText(p.err))
		return out
	}
	t := p.trace
	if t == nil || t.Err == nil {
		add(s.Good, 0, p.path.String()+" evaluates without an error now: there is no trace (r re-evaluates the node).")
		return out
	}
	where := t.Where()
	if where == "" {
		where = "the trace names no option and no file outside nixpkgs"
	}
	add(s.Label, 0, "Where")
	add(s.Title, 2, where)
	for _, f := range t.Frames {
		if f.User {
			for _, l := range f.Excerpt {
				add(s.Value, 2, strings.TrimLeft(l, " "))
			}
		}
	}
	out = append(out, "")
	add(s.Label, 0, "Error")
	add(s.ErrorText, 2, nixeval.ErrorText(t.Err))
	out = append(out, "")
	inNixpkgs := 0
	for _, f := range t.Frames {
		if f.Nixpkgs {
			inNixpkgs++
		}
	}
	add(s.Label, 0, fmt.Sprintf("Chain, the outermost first (%d frames, %d inside nixpkgs)", len(t.Frames), inNixpkgs))
	for i := len(t.Frames) - 1; i >= 0; i-- {
		f := t.Frames[i]
		text := f.Text
		if !strings.HasPrefix(text, "error:") {
			text = "… " + text
		}
		if loc := f.Location(); loc != "" {
			text += "  (" + loc + ")"
		}
		st := s.Dim
		switch {
		case f.User:
			out = append(out, shared.WrapIndentedMarked(s.Title, w, 2, text, "← your file")...)
			continue
		case !f.Nixpkgs:
			st = s.Value
		}
		add(st, 2, text)
	}
	return out
}

// failing reports whether n is a value whose error t can trace: an error
// node, or a node whose description failed (a derivation whose drvPath
// throws lists as a derivation).
func (m Model) failing(n *node) bool {
	if n == nil || n.absent != nil || !m.c.CanTrace() {
		return false
	}
	if n.kind == nixeval.KindError {
		return true
	}
	if e, ok := m.descs[n.key]; ok && e.err != nil && !shared.IsCancel(e.err) {
		return true
	}
	return m.preview.key == n.key && m.preview.err != nil && !shared.IsCancel(m.preview.err)
}

// fatalTraceable reports whether t can trace the failure of the whole
// configuration: an evaluation error (not Nix missing, not a path that is
// not there) and an evaluator that gives traces.
func (m Model) fatalTraceable() bool {
	var ee *nixeval.EvalError
	return m.state == stateFailed && m.c.CanTrace() && errors.As(m.fatal, &ee) && ee.Nix != nil
}
