package tui

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/tui/components/failure"
	"github.com/nixplore/nixplore/tui/components/footer"
	"github.com/nixplore/nixplore/tui/components/tree"
	"github.com/nixplore/nixplore/tui/shared"
)

// headerHeight is the number of lines above the body.
const headerHeight = 2

func keyMatches(k tea.KeyMsg, b ...key.Binding) bool { return key.Matches(k, b...) }

func displayPath(n *tree.Node) string { return attr.Printable(n.Path.String()) }

// footerHeight is the status lines plus the help.
func (m Model) footerHeight() int {
	return len(m.statusLines(m.c.Width)) + lipgloss.Height(m.helpView())
}

// bodyHeight is the number of lines for the panes.
func (m Model) bodyHeight() int {
	return max(1, m.c.Height-headerHeight-m.footerHeight())
}

func (m Model) treeWidth() int {
	w := m.c.Width
	return shared.Clamp(w*2/5, min(w, 24), max(1, w-20))
}

func (m Model) previewWidth() int { return m.c.Width - m.treeWidth() - 3 }

func (m Model) helpView() string {
	var km interface {
		ShortHelp() []key.Binding
		FullHelp() [][]key.Binding
	} = m.c.Keys
	switch {
	case m.trace.Active():
		km = m.trace.HelpKeys()
	case m.state == stateFailed:
		again := key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "evaluate again"))
		km = shared.HelpKeys{again, m.c.Keys.Quit}
		if m.fatalTraceable() {
			km = shared.HelpKeys{again, key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "why: trace")), m.c.Keys.Quit}
		}
	case m.build.Shown():
		km = m.build.HelpKeys()
	case m.evalLog.Active():
		km = m.evalLog.HelpKeys()
	case m.compare.Open:
		km = m.compare.HelpKeys()
	case m.filter.Active:
		km = m.filter.HelpKeys()
	}
	return m.footer.HelpView(km)
}

// View draws the whole screen: every line fits the width and there are
// exactly height lines.
func (m Model) View() string {
	w, h := m.c.Width, m.c.Height
	if w < 1 || h < 1 {
		return ""
	}
	if m.quitting {
		return ""
	}
	if w < minWidth || h < minHeight {
		return tooSmall(w, h)
	}
	lines := m.headerLines(w)
	bh := m.bodyHeight()
	var body []string
	switch {
	case m.trace.Active():
		body = m.trace.Lines()
	case m.state == stateFailed:
		body = m.failedView(w, bh)
	case m.build.Shown():
		body = m.build.Lines()
	case m.evalLog.Active():
		body = m.evalLog.Lines()
	case m.compare.Open:
		body = m.compare.Lines()
	default:
		body = m.panesView(w, bh)
	}
	for len(body) < bh {
		body = append(body, "")
	}
	lines = append(lines, body[:bh]...)
	lines = append(lines, m.statusLines(w)...)
	lines = append(lines, strings.Split(m.helpView(), "\n")...)
	return screen(lines, w, h)
}

// screen makes lines exactly w x h: cut, padded, filled.
func screen(lines []string, w, h int) string {
	if len(lines) > h {
		lines = lines[:h]
	}
	for i := range lines {
		lines[i] = shared.Pad(lines[i], w)
	}
	for len(lines) < h {
		lines = append(lines, strings.Repeat(" ", w))
	}
	return strings.Join(lines, "\n")
}

// headerLines is the header, two lines: the target, then the platform
// and Nix version, after the count of Nix's warnings.
func (m Model) headerLines(w int) []string {
	return m.header.Lines(w, m.spinner.View(), m.warnings.Count())
}

// statusLines is the footer's status at width w.
func (m Model) statusLines(w int) []string {
	sit := footer.Situation{AskQuit: m.askQuit, Filtering: m.filter.Active, Loading: m.state == stateLoading,
		Ready: m.state == stateReady, Spin: m.spinner.View(), Start: attr.Printable(m.c.Cfg.Start.String())}
	if m.build.Active() && !m.build.Shown() {
		sit.Build = m.build.FooterLine(w)
	}
	switch {
	case sit.AskQuit:
	case sit.Filtering:
		sit.Filter = m.filter.StatusLine(w)
	case m.footer.Status() != "":
	case sit.Loading || sit.Ready:
		sit.Work = m.statusWork(time.Now())
		if sit.Ready {
			sit.Path = displayPath(m.pane.Selected())
			sit.Pos = fmt.Sprintf(" %d/%d", m.pane.Cursor+1, len(m.tree.Visible))
		}
	}
	return m.footer.Lines(w, sit)
}

// panesView is the tree (or the filter's matches) on the left and the
// preview (or the explanation) on the right, each drawn by its own model
// at the size Update gave it.
func (m Model) panesView(w, h int) []string {
	tw := m.treeWidth()
	pw := m.previewWidth()
	var left []string
	if m.filter.Active {
		left = m.filter.Lines()
	} else {
		left = m.pane.Lines()
	}
	var right []string
	switch {
	case pw <= 0:
	case m.warnings.Open:
		right = m.warnings.Window()
	case m.explaining():
		right = m.explain.Window()
	default:
		right = m.preview.Window()
	}
	sep := m.c.Styles.Border.Render(" │ ")
	out := make([]string, h)
	for i := range out {
		l, r := "", ""
		if i < len(left) {
			l = left[i]
		}
		if i < len(right) {
			r = right[i]
		}
		if pw > 0 {
			out[i] = shared.Pad(l, tw) + sep + r
		} else {
			out[i] = l
		}
	}
	return out
}

// failedView explains an evaluation that failed as a whole
// (components/failure).
func (m Model) failedView(w, h int) []string {
	return failure.Lines(m.c.Styles, m.fatal, m.fatalTraceable(), w, h)
}

// tooSmall replaces the whole screen below minWidth x minHeight: a
// readable sentence, wrapped and cut to whatever room there is, instead of
// panes squeezed out of shape. A resize brings the explorer back as it was.
func tooSmall(w, h int) string {
	msg := fmt.Sprintf("terminal too small: %dx%d; nixplore needs at least %dx%d. Enlarge it, or q quits.", w, h, minWidth, minHeight)
	return screen(shared.Wrap(msg, w), w, h)
}
