// Package askpanel is the base of the panels over the whole body that ask
// Nix one question (the trace, t; the log of a build for evaluation, L):
// the request in flight with its id and context, and the pager and keys.
package askpanel

import (
	"context"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/tui/shared"
)

// State is where a panel that asks Nix once stands.
type State int

const (
	Closed  State = iota
	Loading       // Nix is asked
	Ready         // the answer is shown
	Failed        // the answer could not be had
)

func (s State) String() string {
	return [...]string{"closed", "loading", "ready", "failed"}[s]
}

// Panel is what every panel over the whole body that asks Nix one
// question shares (the trace, t; the log of a build for evaluation, L):
// where it stands, the request in flight, the width its text is laid out
// for, and the pager with its keys. The panel holding it keeps the answer
// and lays out its own text (body).
type Panel struct {
	C        *shared.Common
	State    State
	id       uint64
	cancelFn context.CancelFunc
	Width    int
	Pg       shared.Pager
}

func New(c *shared.Common) Panel { return Panel{C: c, Pg: shared.NewPager()} }

func (a Panel) Active() bool  { return a.State != Closed }
func (a Panel) Loading() bool { return a.State == Loading }

// Ask cancels what runs and starts a new question: its context and id.
func (a *Panel) Ask() (context.Context, uint64) {
	a.Cancel()
	ctx, cancel := context.WithCancel(context.Background())
	a.cancelFn, a.id, a.State = cancel, a.C.Next(), Loading
	a.Pg.Top()
	return ctx, a.id
}

// Answered takes the answer to question id, or reports false when it is
// stale (another question was asked since, or the panel was closed).
func (a *Panel) Answered(id uint64, err error) bool {
	if id != a.id || a.State != Loading {
		return false
	}
	a.cancelFn = nil
	a.State = Ready
	if err != nil {
		a.State = Failed
	}
	return true
}

// Cancel stops the question in flight.
func (a *Panel) Cancel() {
	if a.cancelFn != nil {
		a.cancelFn()
		a.cancelFn = nil
	}
}

// Closed is the panel closed: the question cancelled, the size kept.
func (a Panel) Closed() Panel {
	a.Cancel()
	return Panel{C: a.C, Width: a.Width, Pg: a.Pg}
}

// Resize sizes the pager below the title; it reports whether the width
// changed, when the text must be laid out again.
func (a *Panel) Resize(w, h int) bool {
	a.Pg.SetSize(w, h-1) // the title stays in view
	if w == a.Width {
		return false
	}
	a.Width = w
	return true
}

// Show lays body out in the pager (nothing when closed).
func (a *Panel) Show(body func(w int) []string) {
	if a.State == Closed {
		a.Pg.SetLines(nil)
		return
	}
	a.Pg.SetLines(body(a.Width))
}

// Handle moves the pager on the keys and the wheel every such panel
// shares; it reports whether msg closes the panel (esc, q, or the panel's
// own key, own).
func (a *Panel) Handle(msg tea.Msg, own key.Binding) (close bool) {
	k := a.C.Keys
	switch msg := msg.(type) {
	case tea.KeyMsg:
		switch {
		case key.Matches(msg, k.ClosePanel, own):
			return true
		case a.Pg.ScrollKey(k, msg):
		case key.Matches(msg, k.Top):
			a.Pg.Top()
		case key.Matches(msg, k.Bottom):
			a.Pg.Bottom()
		default:
			a.Pg = shared.ScrollPager(a.Pg, k, msg)
		}
	case tea.MouseMsg:
		a.Pg = shared.ScrollPager(a.Pg, k, msg)
	}
	return false
}

// HelpKeys are the keys of every such panel, for the footer.
func (a Panel) HelpKeys() shared.HelpKeys {
	k := a.C.Keys
	scroll := key.NewBinding(key.WithKeys("up", "down"), key.WithHelp("↑↓/pgup/pgdn", "scroll"))
	// q closes such a panel (ClosePanel): only ctrl+c quits from here.
	quit := key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit"))
	return shared.HelpKeys{k.ClosePanel, scroll, k.Top, k.Bottom, quit}
}

// Frame is the panel as drawn: the title, made printable, then the
// pager's window.
func (a Panel) Frame(title string) []string {
	s := a.C.Styles
	out := []string{shared.Truncate(s.PanelTitle.Render(attr.Printable(title)), a.Width)}
	return append(out, shared.WithMore(s, a.Pg, a.Width)...)
}
