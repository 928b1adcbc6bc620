package tui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/nixplore/nixplore/nixeval/attr"
)

// pager is the one scrolling text area of the explorer: the preview, the
// explanation and the build panel each hold one. It is a bubbles viewport
// whose content is set in Update (setLines) and whose offset never goes
// past the end, whatever the keys, the content or the size do.
type pager struct {
	vp viewport.Model
	n  int // lines of content; 0 draws nothing
}

func newPager() pager {
	vp := viewport.New(0, 0)
	// The root routes the wheel (it knows which pane is under the pointer)
	// and the keys (J/K, ↑/↓): the viewport's own bindings stay unused.
	vp.MouseWheelEnabled = false
	vp.KeyMap = viewport.KeyMap{}
	return pager{vp: vp}
}

// setSize resizes the window; the offset is clamped to the new bottom.
func (p *pager) setSize(w, h int) {
	p.vp.Width, p.vp.Height = max(0, w), max(0, h)
	p.vp.SetYOffset(p.vp.YOffset)
}

// setLines replaces the content, keeping the offset where it can.
func (p *pager) setLines(lines []string) {
	p.n = len(lines)
	p.vp.SetContent(strings.Join(lines, "\n"))
	p.vp.SetYOffset(p.vp.YOffset)
}

// scroll moves the window by delta lines, bounded by both ends.
func (p *pager) scroll(delta int) {
	p.vp.SetYOffset(p.vp.YOffset + delta)
}

func (p *pager) top()           { p.vp.GotoTop() }
func (p *pager) bottom()        { p.vp.GotoBottom() }
func (p pager) offset() int     { return p.vp.YOffset }
func (p pager) atBottom() bool  { return p.vp.AtBottom() }
func (p pager) overflows() bool { return p.n > p.vp.Height }
func (p pager) moreBelow() int  { return max(0, p.n-p.vp.YOffset-p.vp.Height) }

// window is the viewport's view as lines: only content, no padding below
// the last line.
func (p pager) window() []string {
	if p.n == 0 || p.vp.Width < 1 || p.vp.Height < 1 {
		return nil
	}
	out := strings.Split(p.vp.View(), "\n")
	return out[:min(len(out), p.n-p.vp.YOffset)]
}

// follow is the first line to show so that the line at cursor stays in a
// window of h lines over n, moving the window as little as possible from
// offset: the tree and the filter's matches scroll this way.
func follow(cursor, offset, h, n int) int {
	h = max(1, h)
	if cursor < offset {
		offset = cursor
	}
	if cursor >= offset+h {
		offset = cursor - h + 1
	}
	// No empty space below the last line while there is more above.
	return clamp(offset, 0, max(0, n-h))
}

// scrollKey moves p by the keys every scrolling panel shares (↑/↓ a line,
// pgup/pgdn a page); false when msg is none of them.
func (p *pager) scrollKey(k KeyMap, msg tea.KeyMsg) bool {
	page := max(1, p.vp.Height-1)
	switch {
	case key.Matches(msg, k.Up):
		p.scroll(-1)
	case key.Matches(msg, k.Down):
		p.scroll(1)
	case key.Matches(msg, k.PageUp):
		p.scroll(-page)
	case key.Matches(msg, k.PageDn):
		p.scroll(page)
	default:
		return false
	}
	return true
}

// indentFor is the indentation of wrapIndented's lines: indent spaces
// when w leaves room for them.
func indentFor(w, indent int) string {
	if w > 2*indent+10 {
		return strings.Repeat(" ", indent)
	}
	return ""
}

// wrapIndentedMarked is wrapIndented with marker ("← your file") after
// the text: on its last line when it fits there, else on a line of its
// own, never split across two.
func wrapIndentedMarked(st lipgloss.Style, w, indent int, text, marker string) []string {
	out := wrapIndented(st, w, indent, text)
	ind := indentFor(w, indent)
	if n := len(out); n > 0 && ansi.StringWidth(out[n-1])+2+ansi.StringWidth(marker) <= w {
		out[n-1] += st.Render("  " + marker)
		return out
	}
	return append(out, ind+st.Render(truncate(marker, w-len(ind))))
}

// wrapIndented wraps text, made printable, to w columns, each line
// indented by indent spaces when w leaves room for it, styled with st.
// Text's own lines stay lines (Nix's multi-line errors): each is made
// printable and wrapped on its own.
func wrapIndented(st lipgloss.Style, w, indent int, text string) []string {
	ind := indentFor(w, indent)
	var out []string
	for _, line := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		for _, l := range wrap(attr.Printable(line), max(1, w-len(ind))) {
			out = append(out, ind+st.Render(l))
		}
	}
	return out
}
