// Package trace is the trace panel (t on an error): why a value fails,
// from Nix's --show-trace, asked in a Cmd of its own.
package trace

import (
	"fmt"
	"strings"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/nixeval/diag"
	"github.com/nixplore/nixplore/tui/components/askpanel"
	"github.com/nixplore/nixplore/tui/shared"
)

// Msg is the answer to a trace request; a stale id is dropped.
type Msg struct {
	id    uint64
	trace *diag.Trace
	err   error
}

// Panel shows why a value fails (key t on an error): Nix's chain of
// frames from --show-trace, with the option and the user's own file read
// from it first. It takes the whole body, scrolls, and esc closes it
// (cancelling Nix if it still runs).
type Panel struct {
	askpanel.Panel
	Path  attr.Path
	Trace *diag.Trace
	Err   error
}

func New(c *shared.Common) Panel { return Panel{Panel: askpanel.New(c)} }

func (p Panel) Running() bool { return p.Loading() }

// Open starts the trace of path in a Cmd of its own.
func (p Panel) Open(path attr.Path) (Panel, tea.Cmd) {
	tr, ok := p.C.Cfg.Eval.(shared.Tracer)
	if !ok {
		return p, nil
	}
	p = Panel{Panel: p.Panel, Path: path}
	ctx, id := p.Ask()
	p.Refresh()
	p.C.Log.Printf("trace %s (request %d)", path, id)
	return p, p.C.Run(func() tea.Msg {
		t, err := tr.Trace(ctx, path)
		return Msg{id: id, trace: t, err: err}
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

// Tick redraws the spinner while Nix works.
func (p *Panel) Tick() {
	if p.Running() {
		p.Refresh()
	}
}

func (p *Panel) Refresh() { p.Show(p.Body) }

// Update handles the answer and the panel's keys: scrolling, and esc, q or
// t to close.
func (p Panel) Update(msg tea.Msg) (Panel, tea.Cmd) {
	if msg, ok := msg.(Msg); ok {
		if p.Answered(msg.id, msg.err) {
			p.Trace, p.Err = msg.trace, msg.err
			p.Refresh()
		}
		return p, nil
	}
	if p.Handle(msg, p.C.Keys.Trace) {
		p.Close()
	}
	return p, nil
}

// Lines is the panel as drawn: the title, then the window of the body.
func (p Panel) Lines() []string {
	return p.Frame("Why " + p.Path.String() + " fails: Nix's --show-trace (esc closes)")
}

// Body is everything below the title, wrapped to w columns: where the
// error comes from, the error once, then the chain outermost first, the
// user's own place marked. Every piece comes from Nix's output about the
// user's configuration, so all of it goes through Printable.
func (p Panel) Body(w int) []string {
	s := p.C.Styles
	if w < 1 {
		return nil
	}
	var out []string
	add := func(st lipgloss.Style, indent int, text string) {
		out = append(out, shared.WrapIndented(st, w, indent, text)...)
	}
	switch p.State {
	case askpanel.Loading:
		add(s.Dim, 0, p.C.Spin+" evaluating "+p.Path.String()+" again with --show-trace (a one-shot Nix: the whole configuration once more)…")
		return out
	case askpanel.Failed:
		if shared.IsCancel(p.Err) {
			add(s.Warning, 0, "cancelled")
			return out
		}
		add(s.Bad, 0, "no trace: "+nixeval.ErrorText(p.Err))
		return out
	}
	t := p.Trace
	if t == nil || t.Err == nil {
		add(s.Good, 0, p.Path.String()+" evaluates without an error now: there is no trace (r re-evaluates the node).")
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
