package shared

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/nixplore/nixplore/nixeval"
)

// ScrollPager scrolls pg on J/K (half its height) and the wheel (three
// lines), the keys the preview and the explanation share.
func ScrollPager(pg Pager, k KeyMap, msg tea.Msg) Pager {
	half := max(1, pg.vp.Height/2)
	switch msg := msg.(type) {
	case tea.KeyMsg:
		switch {
		case key.Matches(msg, k.PreviewDown):
			pg.Scroll(half)
		case key.Matches(msg, k.PreviewUp):
			pg.Scroll(-half)
		}
	case tea.MouseMsg:
		switch msg.Button {
		case tea.MouseButtonWheelDown:
			pg.Scroll(3)
		case tea.MouseButtonWheelUp:
			pg.Scroll(-3)
		}
	}
	return pg
}

// WithMore is pg's window whose last line, when more follows, says how
// much and how to scroll.
func WithMore(s Styles, pg Pager, w int) []string {
	out := pg.Window()
	if more := pg.MoreBelow(); more > 0 && len(out) > 1 {
		out[len(out)-1] = s.Dim.Render(Truncate("↓ "+nixeval.Count(more, "more line")+" (J/K scroll)", w))
	}
	return out
}

// Pager is the one scrolling text area of the explorer: the preview, the
// explanation and the build panel each hold one. It is a bubbles viewport
// whose content is set in Update (setLines) and whose offset never goes
// past the end, whatever the keys, the content or the size do.
type Pager struct {
	vp viewport.Model
	n  int // lines of content; 0 draws nothing
}

func NewPager() Pager {
	vp := viewport.New(0, 0)
	// The root routes the wheel (it knows which pane is under the pointer)
	// and the keys (J/K, ↑/↓): the viewport's own bindings stay unused.
	vp.MouseWheelEnabled = false
	vp.KeyMap = viewport.KeyMap{}
	return Pager{vp: vp}
}

// SetSize resizes the window; the offset is clamped to the new bottom.
func (p *Pager) SetSize(w, h int) {
	p.vp.Width, p.vp.Height = max(0, w), max(0, h)
	p.vp.SetYOffset(p.vp.YOffset)
}

// SetLines replaces the content, keeping the offset where it can.
func (p *Pager) SetLines(lines []string) {
	p.n = len(lines)
	p.vp.SetContent(strings.Join(lines, "\n"))
	p.vp.SetYOffset(p.vp.YOffset)
}

// Scroll moves the window by delta lines, bounded by both ends.
func (p *Pager) Scroll(delta int) {
	p.vp.SetYOffset(p.vp.YOffset + delta)
}

func (p *Pager) Top() { p.vp.GotoTop() }

func (p *Pager) Bottom() { p.vp.GotoBottom() }

// Height is the window's height.
func (p Pager) Height() int { return p.vp.Height }

func (p Pager) Offset() int { return p.vp.YOffset }

func (p Pager) AtBottom() bool { return p.vp.AtBottom() }

func (p Pager) Overflows() bool { return p.n > p.vp.Height }

func (p Pager) MoreBelow() int { return max(0, p.n-p.vp.YOffset-p.vp.Height) }

// Window is the viewport's view as lines: only content, no padding below
// the last line.
func (p Pager) Window() []string {
	if p.n == 0 || p.vp.Width < 1 || p.vp.Height < 1 {
		return nil
	}
	out := strings.Split(p.vp.View(), "\n")
	return out[:min(len(out), p.n-p.vp.YOffset)]
}

// Follow is the first line to show so that the line at cursor stays in a
// window of h lines over n, moving the window as little as possible from
// offset: the tree and the filter's matches scroll this way.
func Follow(cursor, offset, h, n int) int {
	h = max(1, h)
	if cursor < offset {
		offset = cursor
	}
	if cursor >= offset+h {
		offset = cursor - h + 1
	}
	// No empty space below the last line while there is more above.
	return Clamp(offset, 0, max(0, n-h))
}

// ScrollKey moves p by the keys every scrolling panel shares (↑/↓ a line,
// pgup/pgdn a page); false when msg is none of them.
func (p *Pager) ScrollKey(k KeyMap, msg tea.KeyMsg) bool {
	page := max(1, p.vp.Height-1)
	switch {
	case key.Matches(msg, k.Up):
		p.Scroll(-1)
	case key.Matches(msg, k.Down):
		p.Scroll(1)
	case key.Matches(msg, k.PageUp):
		p.Scroll(-page)
	case key.Matches(msg, k.PageDn):
		p.Scroll(page)
	default:
		return false
	}
	return true
}

func Clamp(v, lo, hi int) int {
	if v > hi {
		v = hi
	}
	if v < lo {
		v = lo
	}
	return v
}
