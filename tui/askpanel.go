package tui

import (
	"context"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/tui/shared"
)

// askState is where a panel that asks Nix once stands.
type askState int

const (
	askClosed  askState = iota
	askLoading          // Nix is asked
	askReady            // the answer is shown
	askFailed           // the answer could not be had
)

func (s askState) String() string {
	return [...]string{"closed", "loading", "ready", "failed"}[s]
}

// askPanel is what every panel over the whole body that asks Nix one
// question shares (the trace, t; the log of a build for evaluation, L):
// where it stands, the request in flight, the width its text is laid out
// for, and the pager with its keys. The panel holding it keeps the answer
// and lays out its own text (body).
type askPanel struct {
	c        *shared.Common
	state    askState
	id       uint64
	cancelFn context.CancelFunc
	width    int
	pg       shared.Pager
}

func newAskPanel(c *shared.Common) askPanel { return askPanel{c: c, pg: shared.NewPager()} }

func (a askPanel) active() bool  { return a.state != askClosed }
func (a askPanel) loading() bool { return a.state == askLoading }

// ask cancels what runs and starts a new question: its context and id.
func (a *askPanel) ask() (context.Context, uint64) {
	a.cancel()
	ctx, cancel := context.WithCancel(context.Background())
	a.cancelFn, a.id, a.state = cancel, a.c.Next(), askLoading
	a.pg.Top()
	return ctx, a.id
}

// answered takes the answer to question id, or reports false when it is
// stale (another question was asked since, or the panel was closed).
func (a *askPanel) answered(id uint64, err error) bool {
	if id != a.id || a.state != askLoading {
		return false
	}
	a.cancelFn = nil
	a.state = askReady
	if err != nil {
		a.state = askFailed
	}
	return true
}

// cancel stops the question in flight.
func (a *askPanel) cancel() {
	if a.cancelFn != nil {
		a.cancelFn()
		a.cancelFn = nil
	}
}

// closed is the panel closed: the question cancelled, the size kept.
func (a askPanel) closed() askPanel {
	a.cancel()
	return askPanel{c: a.c, width: a.width, pg: a.pg}
}

// resize sizes the pager below the title; it reports whether the width
// changed, when the text must be laid out again.
func (a *askPanel) resize(w, h int) bool {
	a.pg.SetSize(w, h-1) // the title stays in view
	if w == a.width {
		return false
	}
	a.width = w
	return true
}

// show lays body out in the pager (nothing when closed).
func (a *askPanel) show(body func(w int) []string) {
	if a.state == askClosed {
		a.pg.SetLines(nil)
		return
	}
	a.pg.SetLines(body(a.width))
}

// handle moves the pager on the keys and the wheel every such panel
// shares; it reports whether msg closes the panel (esc, q, or the panel's
// own key, own).
func (a *askPanel) handle(msg tea.Msg, own key.Binding) (close bool) {
	k := a.c.Keys
	switch msg := msg.(type) {
	case tea.KeyMsg:
		switch {
		case key.Matches(msg, k.ClosePanel, own):
			return true
		case a.pg.ScrollKey(k, msg):
		case key.Matches(msg, k.Top):
			a.pg.Top()
		case key.Matches(msg, k.Bottom):
			a.pg.Bottom()
		default:
			a.pg = shared.ScrollPager(a.pg, k, msg)
		}
	case tea.MouseMsg:
		a.pg = shared.ScrollPager(a.pg, k, msg)
	}
	return false
}

// helpKeys are the keys of every such panel, for the footer.
func (a askPanel) helpKeys() shared.HelpKeys {
	k := a.c.Keys
	scroll := key.NewBinding(key.WithKeys("up", "down"), key.WithHelp("↑↓/pgup/pgdn", "scroll"))
	// q closes such a panel (ClosePanel): only ctrl+c quits from here.
	quit := key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit"))
	return shared.HelpKeys{k.ClosePanel, scroll, k.Top, k.Bottom, quit}
}

// frame is the panel as drawn: the title, made printable, then the
// pager's window.
func (a askPanel) frame(title string) []string {
	s := a.c.Styles
	out := []string{shared.Truncate(s.PanelTitle.Render(attr.Printable(title)), a.width)}
	return append(out, shared.WithMore(s, a.pg, a.width)...)
}
