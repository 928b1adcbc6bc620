// Package warnings keeps every warning and trace Nix printed, once each,
// and shows them in the side panel (w).
package warnings

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/nixeval/diag"
	"github.com/nixplore/nixplore/tui/shared"
)

// Panel holds every warning and trace Nix printed for the
// explorer's requests, each once, with the path whose evaluation printed
// it; the header counts them, the tree marks those paths, and w opens the
// list in place of the preview (scrolled like it; w or esc closes).
type Panel struct {
	c     *shared.Common
	Open  bool
	List  []diag.Warning // each message once, where it first came from
	all   []diag.Warning // each message once per path, for the disk cache
	seen  map[string]bool
	width int
	pg    shared.Pager
}

func New(c *shared.Common) Panel {
	c.Warned = map[string]int{}
	return Panel{c: c, seen: map[string]bool{}, pg: shared.NewPager()}
}

// Add keeps the warnings not seen yet (the same words from another path
// are the same warning) and marks the path of each.
func (p *Panel) Add(ws []diag.Warning) {
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
			p.List = append(p.List, w)
			added = true
		}
	}
	if added {
		p.refresh()
	}
}

// At returns the warnings printed evaluating path itself, as a listing
// stored in the cache carries them (a fresh evaluation prints those again,
// not the ones of values below path).
func (p Panel) At(path attr.Path) []diag.Warning {
	var out []diag.Warning
	for _, w := range p.all {
		if w.Path.Equal(path) {
			out = append(out, w)
		}
	}
	return out
}

// Reset forgets every warning: the evaluators start again (R).
func (p *Panel) Reset() { *p = New(p.c).sized(p.width, p.pg.Height()) }

func (p Panel) sized(w, h int) Panel {
	p.SetSize(w, h)
	return p
}

func (p *Panel) Toggle() {
	p.Open = !p.Open && len(p.List) > 0
	if p.Open {
		p.pg.Top()
	}
	p.refresh()
}

func (p *Panel) Close() {
	p.Open = false
	p.refresh()
}

func (p *Panel) SetSize(w, h int) {
	p.pg.SetSize(w, h)
	if w != p.width {
		p.width = w
		p.refresh()
	}
}

func (p *Panel) refresh() {
	if !p.Open {
		p.pg.SetLines(nil)
		return
	}
	p.pg.SetLines(p.Lines(p.width))
}

// Update scrolls on J/K, ↑/↓ and the wheel.
func (p Panel) Update(msg tea.Msg) (Panel, tea.Cmd) {
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

func (p Panel) Window() []string { return shared.WithMore(p.c.Styles, p.pg, p.width) }

// Count is the header's word for the warnings: `⚠ 2 warnings`, with the
// traces counted apart; "" when there are none.
func (p Panel) Count() string {
	var warnings, traces int
	for _, w := range p.List {
		if w.Kind == diag.WarningTrace {
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

// Lines is the whole list wrapped to w columns: each message in Nix's
// words, then where it came from. Messages and names come from the
// configuration, so all of it goes through Printable.
func (p Panel) Lines(w int) []string {
	s := p.c.Styles
	if w < 1 {
		return nil
	}
	out := []string{s.PanelTitle.Render(shared.Truncate("What Nix printed besides the answers (w or esc closes)", w))}
	for _, x := range p.List {
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

// Pager is the panel's pager, to read where it is scrolled.
func (p Panel) Pager() shared.Pager { return p.pg }
