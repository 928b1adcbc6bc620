package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/sahilm/fuzzy"
)

// filterModel is the `/` fuzzy filter over every path loaded so far.
type filterModel struct {
	c       *common
	active  bool
	input   textinput.Model
	index   pathIndex
	matches fuzzy.Matches
	sel     int // the highlighted match; enter jumps to it
	offset  int
}

// pathIndex is the filter's haystack: every loaded node's path as printed,
// rebuilt only when the tree changed since the last time.
type pathIndex struct {
	version uint64
	tree    *tree
	paths   []string
	nodes   []*node
}

func (p pathIndex) String(i int) string { return p.paths[i] }
func (p pathIndex) Len() int            { return len(p.paths) }

func newFilter(c *common) filterModel {
	ti := textinput.New()
	ti.Prompt = "/"
	ti.Placeholder = "type to filter every loaded path"
	// A blinking cursor would redraw twice a second for nothing.
	ti.Cursor.SetMode(cursor.CursorStatic)
	return filterModel{c: c, input: ti}
}

// open starts filtering the loaded part of t.
func (f *filterModel) open(t *tree) {
	f.active = true
	f.input.SetValue("")
	if f.index.tree != t || f.index.version != t.version || f.index.paths == nil {
		f.index = buildIndex(t)
	}
	f.refilter()
}

func buildIndex(t *tree) pathIndex {
	idx := pathIndex{version: t.version, tree: t, paths: make([]string, 0, len(t.index)), nodes: make([]*node, 0, len(t.index))}
	// Walk in tree order so equal scores keep the order a user sees.
	var walk func(n *node)
	walk = func(n *node) {
		if n.parent != nil {
			// Relative to the start node: the common prefix would only
			// attract matches (an "s" in "system" for every path).
			idx.paths = append(idx.paths, attr.Printable(n.path[len(t.root.path):].String()))
			idx.nodes = append(idx.nodes, n)
		}
		for _, c := range n.children {
			walk(c)
		}
	}
	walk(t.root)
	return idx
}

func (f *filterModel) focus() tea.Cmd { return f.input.Focus() }

func (f *filterModel) close() {
	f.active = false
	f.input.Blur()
	f.matches = nil
}

// refilter ranks every path against the query; an empty query lists all.
func (f *filterModel) refilter() {
	q := f.input.Value()
	f.sel, f.offset = 0, 0
	if q == "" {
		f.matches = f.matches[:0]
		for i := range f.index.paths {
			f.matches = append(f.matches, fuzzy.Match{Str: f.index.paths[i], Index: i})
		}
		return
	}
	f.matches = fuzzy.FindFrom(q, f.index)
}

// chosen is the node the highlighted match stands for.
func (f *filterModel) chosen() *node {
	if f.sel < 0 || f.sel >= len(f.matches) {
		return nil
	}
	return f.index.nodes[f.matches[f.sel].Index]
}

// Update handles a key while the filter is open (enter and esc are the
// root's: they change the tree).
func (f filterModel) Update(msg tea.Msg) (filterModel, tea.Cmd) {
	k := f.c.keys
	if km, ok := msg.(tea.KeyMsg); ok {
		switch {
		case keyMatches(km, k.FilterUp):
			f.sel = max(0, f.sel-1)
			return f, nil
		case keyMatches(km, k.FilterDown):
			f.sel = min(max(0, len(f.matches)-1), f.sel+1)
			return f, nil
		}
	}
	before := f.input.Value()
	var cmd tea.Cmd
	f.input, cmd = f.input.Update(msg)
	if f.input.Value() != before {
		f.refilter()
	}
	return f, cmd
}

// view renders the ranked matches in w x h, matched letters highlighted.
func (f *filterModel) view(w, h int) []string {
	s := f.c.styles
	if h < 1 {
		return nil
	}
	if len(f.matches) == 0 {
		return []string{s.Dim.Render(truncate("no loaded path matches", w))}
	}
	if f.sel < f.offset {
		f.offset = f.sel
	}
	if f.sel >= f.offset+h {
		f.offset = f.sel - h + 1
	}
	var out []string
	for i := f.offset; i < len(f.matches) && len(out) < h; i++ {
		m := f.matches[i]
		line := highlight(m.Str, m.MatchedIndexes, s.Match.Render)
		if f.index.nodes[m.Index].absent != nil {
			line += s.Dim.Render(" (absent)")
		}
		if i == f.sel {
			out = append(out, s.CursorMark.Render("> ")+truncate(line, w-2))
		} else {
			out = append(out, "  "+truncate(line, w-2))
		}
	}
	return out
}

// statusLine is the input and the match count.
func (f *filterModel) statusLine(w int) string {
	f.input.Width = max(1, w-24)
	count := fmt.Sprintf("  %d/%d paths", len(f.matches), len(f.index.paths))
	return truncate(f.input.View()+f.c.styles.Dim.Render(count), w)
}

// highlight styles the bytes at idx (sorted byte offsets from fuzzy).
func highlight(s string, idx []int, style func(...string) string) string {
	if len(idx) == 0 {
		return s
	}
	var b strings.Builder
	j := 0
	for i, r := range s {
		if j < len(idx) && idx[j] == i {
			b.WriteString(style(string(r)))
			j++
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
