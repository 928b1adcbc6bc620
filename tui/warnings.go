package tui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/tui/shared"
)

// warningsPanel holds every warning and trace Nix printed for the
// explorer's requests, each once, with the path whose evaluation printed
// it; the header counts them, the tree marks those paths, and w opens the
// list in place of the preview (scrolled like it; w or esc closes).
type warningsPanel struct {
	c     *shared.Common
	open  bool
	list  []nixeval.Warning // each message once, where it first came from
	all   []nixeval.Warning // each message once per path, for the disk cache
	seen  map[string]bool
	width int
	pg    shared.Pager
}

func newWarnings(c *shared.Common) warningsPanel {
	c.Warned = map[string]int{}
	return warningsPanel{c: c, seen: map[string]bool{}, pg: shared.NewPager()}
}

// warningsIn returns the warnings an answer carries.
func warningsIn(msg tea.Msg) []nixeval.Warning {
	switch msg := msg.(type) {
	case listedMsg:
		if msg.listing != nil {
			return msg.listing.AllWarnings()
		}
	case kindsMsg:
		var ws []nixeval.Warning
		for _, c := range msg.children {
			ws = append(ws, c.Warnings...)
		}
		return ws
	case describedMsg:
		if msg.desc != nil {
			return msg.desc.Warnings
		}
	case infoMsg:
		if msg.info != nil {
			return msg.info.Warnings
		}
	}
	return nil
}

// add keeps the warnings not seen yet (the same words from another path
// are the same warning) and marks the path of each.
func (p *warningsPanel) add(ws []nixeval.Warning) {
	added := false
	for _, w := range ws {
		k := string(w.Kind) + "\x00" + w.Message
		if w.Path != nil {
			mk := k + "\x00" + w.Path.Key()
			if !p.seen[mk] {
				p.seen[mk] = true
				p.c.Warned[w.Path.Key()]++
				p.all = append(p.all, w)
			}
		}
		if !p.seen[k] {
			p.seen[k] = true
			p.list = append(p.list, w)
			added = true
		}
	}
	if added {
		p.refresh()
	}
}

// at returns the warnings printed evaluating path itself, as a listing
// stored in the cache carries them (a fresh evaluation prints those again,
// not the ones of values below path).
func (p warningsPanel) at(path attr.Path) []nixeval.Warning {
	var out []nixeval.Warning
	for _, w := range p.all {
		if w.Path.Equal(path) {
			out = append(out, w)
		}
	}
	return out
}

// reset forgets every warning: the evaluators start again (R).
func (p *warningsPanel) reset() { *p = newWarnings(p.c).sized(p.width, p.pg.Height()) }

func (p warningsPanel) sized(w, h int) warningsPanel {
	p.setSize(w, h)
	return p
}

func (p *warningsPanel) toggle() {
	p.open = !p.open && len(p.list) > 0
	if p.open {
		p.pg.Top()
	}
	p.refresh()
}

func (p *warningsPanel) close() {
	p.open = false
	p.refresh()
}

func (p *warningsPanel) setSize(w, h int) {
	p.pg.SetSize(w, h)
	if w != p.width {
		p.width = w
		p.refresh()
	}
}

func (p *warningsPanel) refresh() {
	if !p.open {
		p.pg.SetLines(nil)
		return
	}
	p.pg.SetLines(p.lines(p.width))
}

// Update scrolls on J/K, ↑/↓ and the wheel.
func (p warningsPanel) Update(msg tea.Msg) (warningsPanel, tea.Cmd) {
	if k, ok := msg.(tea.KeyMsg); ok {
		switch {
		case key.Matches(k, p.c.Keys.Up):
			p.pg.Scroll(-1)
			return p, nil
		case key.Matches(k, p.c.Keys.Down):
			p.pg.Scroll(1)
			return p, nil
		}
	}
	p.pg = shared.ScrollPager(p.pg, p.c.Keys, msg)
	return p, nil
}

func (p warningsPanel) window() []string { return shared.WithMore(p.c.Styles, p.pg, p.width) }

// count is the header's word for the warnings: `⚠ 2 warnings`, with the
// traces counted apart; "" when there are none.
func (p warningsPanel) count() string {
	var warnings, traces int
	for _, w := range p.list {
		if w.Kind == nixeval.WarningTrace {
			traces++
		} else {
			warnings++
		}
	}
	var parts []string
	if warnings > 0 {
		parts = append(parts, nixeval.Count(warnings, "warning"))
	}
	if traces > 0 {
		parts = append(parts, nixeval.Count(traces, "trace"))
	}
	if len(parts) == 0 {
		return ""
	}
	return "⚠ " + strings.Join(parts, ", ")
}

// lines is the whole list wrapped to w columns: each message in Nix's
// words, then where it came from. Messages and names come from the
// configuration, so all of it goes through Printable.
func (p warningsPanel) lines(w int) []string {
	s := p.c.Styles
	if w < 1 {
		return nil
	}
	out := []string{s.PanelTitle.Render(shared.Truncate("What Nix printed besides the answers (w or esc closes)", w))}
	for _, x := range p.list {
		out = append(out, "")
		head := s.Warning.Render(string(x.Kind)+":") + " "
		for _, ml := range strings.Split(x.Message, "\n") {
			for _, l := range shared.Wrap(attr.Printable(ml), max(1, w-len(x.Kind)-2)) {
				out = append(out, head+l)
				head = strings.Repeat(" ", len(x.Kind)+2)
			}
		}
		from := "while evaluating the target (no single attribute)"
		if x.Path != nil {
			from = "from " + x.Path.String()
		}
		for _, l := range shared.Wrap(attr.Printable(from), max(1, w-2)) {
			out = append(out, "  "+s.Dim.Render(l))
		}
	}
	return out
}
