// Package filter is the `/` filter: a fuzzy search over every path the
// tree has loaded, with its own input, matches and keys.
package filter

import (
	"fmt"
	"sort"
	"strings"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/sahilm/fuzzy"

	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/tui/components/tree"
	"github.com/nixplore/nixplore/tui/rank"
	"github.com/nixplore/nixplore/tui/shared"
)

// Model is the `/` filter over every path loaded so far: it takes a
// path as the footer prints it as well as a fuzzy fragment.
type Model struct {
	c       *shared.Common
	keys    KeyMap
	Active  bool
	Input   textinput.Model
	index   PathIndex
	Matches fuzzy.Matches
	sel     int // the highlighted match; enter jumps to it
	offset  int // the first match on screen
	width   int
	height  int
}

// PathIndex is the filter's haystack: every loaded node's path as printed,
// relative to the start node, rebuilt only when the tree changed since the
// last time.
type PathIndex struct {
	version uint64
	tree    *tree.Tree
	paths   []string
	nodes   []*tree.Node
	byKey   map[string]int // a node's path key → its place in paths
	byPath  map[string]int // a printed path → its place in paths
}

// String and Len make the index a fuzzy.Source.
func (p PathIndex) String(i int) string { return p.paths[i] }
func (p PathIndex) Len() int            { return len(p.paths) }

// New returns the filter, closed.
func New(c *shared.Common) Model {
	ti := textinput.New()
	ti.Prompt = "/"
	ti.Placeholder = "type to filter every loaded path"
	// A blinking cursor would redraw twice a second for nothing.
	ti.Cursor.SetMode(cursor.CursorStatic)
	return Model{c: c, keys: DefaultKeyMap(), Input: ti, height: 1}
}

// Open starts filtering the loaded part of t.
func (f *Model) Open(t *tree.Tree) {
	f.Active = true
	f.Input.SetValue("")
	if f.index.tree != t || f.index.version != t.Version || f.index.paths == nil {
		f.index = BuildIndex(t)
	}
	f.Refilter()
}

// BuildIndex indexes every path t has loaded.
func BuildIndex(t *tree.Tree) PathIndex {
	idx := PathIndex{version: t.Version, tree: t, paths: make([]string, 0, len(t.Index)), nodes: make([]*tree.Node, 0, len(t.Index)),
		byKey: make(map[string]int, len(t.Index)), byPath: make(map[string]int, len(t.Index))}
	// Walk in tree order so equal scores keep the order a user sees.
	var walk func(n *tree.Node)
	walk = func(n *tree.Node) {
		if n.Parent != nil {
			// Relative to the start node: the common prefix would only
			// attract matches (an "s" in "system" for every path).
			p := attr.Printable(n.Path[len(t.Root.Path):].String())
			idx.byKey[n.Key], idx.byPath[p] = len(idx.paths), len(idx.paths)
			idx.paths = append(idx.paths, p)
			idx.nodes = append(idx.nodes, n)
		}
		for _, c := range n.Children {
			walk(c)
		}
	}
	walk(t.Root)
	return idx
}

// Focus starts the input's cursor.
func (f *Model) Focus() tea.Cmd { return f.Input.Focus() }

// Close closes the filter and forgets its matches.
func (f *Model) Close() {
	f.Active = false
	f.Input.Blur()
	f.Matches = nil
}

// SetSize fits the matches to the tree's w x h and the input to the
// status line of width sw, next to the match count.
func (f *Model) SetSize(w, h, sw int) {
	f.width, f.height = w, max(1, h)
	f.Input.Width = max(1, sw-24)
	f.offset = shared.Follow(f.sel, f.offset, f.height, len(f.Matches))
}

// Refilter ranks every path against the query; an empty query lists all.
func (f *Model) Refilter() {
	q := f.Input.Value()
	f.sel, f.offset = 0, 0
	if q == "" {
		f.Matches = f.Matches[:0]
		for i := range f.index.paths {
			f.Matches = append(f.Matches, fuzzy.Match{Str: f.index.paths[i], Index: i})
		}
		return
	}
	f.Matches = f.index.Rank(q)
}

// Rank orders the loaded paths for the query q. The query may be a path
// as the footer prints it (config.system.build.units."sshd.service"),
// relative to the start node (units."sshd.service") or to one of the
// start's ancestors (build.toplevel): a loaded path it names comes first,
// whatever its quoting. Every other path follows as package rank orders
// them for the query or the query with that prefix taken off.
func (idx PathIndex) Rank(q string) fuzzy.Matches {
	queries := idx.relative(q)
	var exact fuzzy.Matches
	seen := map[int]bool{}
	for _, v := range queries {
		i, ok := idx.find(v)
		if !ok || seen[i] {
			continue
		}
		seen[i] = true
		all := make([]int, 0, len(idx.paths[i]))
		for b := range idx.paths[i] {
			all = append(all, b)
		}
		exact = append(exact, fuzzy.Match{Str: idx.paths[i], Index: i, MatchedIndexes: all})
	}
	// Every other path as people search (package rank): a whole name,
	// its beginning, a piece, the letters in order, a typo; the best way
	// any form of the query matches each path.
	best := map[int]rank.Match{}
	for _, v := range queries {
		for _, m := range rank.Paths(v, idx.paths) {
			if b, ok := best[m.Index]; !ok || rank.Better(m, b) {
				best[m.Index] = m
			}
		}
	}
	ranked := make([]rank.Match, 0, len(best))
	for _, m := range best {
		ranked = append(ranked, m)
	}
	// Equal matches keep the tree's order.
	sort.Slice(ranked, func(a, b int) bool {
		if rank.Better(ranked[a], ranked[b]) != rank.Better(ranked[b], ranked[a]) {
			return rank.Better(ranked[a], ranked[b])
		}
		return ranked[a].Index < ranked[b].Index
	})
	fz := make(fuzzy.Matches, len(ranked))
	for i, m := range ranked {
		fz[i] = m.Match
	}
	out := exact
	for _, m := range fz {
		if !seen[m.Index] {
			out = append(out, m)
		}
	}
	return out
}

// relative is q, then q without each leading part of the start node's
// printed path it begins with, longest first: "config.system.build.x",
// "system.build.x" and "build.x" all give "x" at config.system.build.
func (idx PathIndex) relative(q string) []string {
	out := []string{q}
	if idx.tree == nil {
		return out
	}
	root := idx.tree.Root.Path
	for i := range root {
		prefix := attr.Printable(root[i:].String()) + "."
		if rest, ok := strings.CutPrefix(q, prefix); ok && rest != "" {
			out = append(out, rest)
		}
	}
	return out
}

// find is the loaded path that v names relative to the start node: as
// printed, or parsed with any quoting Nix accepts (`"toplevel"`).
func (idx PathIndex) find(v string) (int, bool) {
	if i, ok := idx.byPath[v]; ok {
		return i, true
	}
	if idx.tree == nil {
		return 0, false
	}
	rel, err := attr.Parse(v)
	if err != nil || len(rel) == 0 {
		return 0, false
	}
	root := idx.tree.Root.Path
	abs := append(append(attr.Path{}, root...), rel...)
	i, ok := idx.byKey[abs.Key()]
	return i, ok
}

// Chosen is the node the highlighted match stands for.
func (f *Model) Chosen() *tree.Node {
	if f.sel < 0 || f.sel >= len(f.Matches) {
		return nil
	}
	return f.index.nodes[f.Matches[f.sel].Index]
}

// Update handles a key while the filter is open (enter and esc are the
// root's: they change the tree).
func (f Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	var cmd tea.Cmd
	km, isKey := msg.(tea.KeyMsg)
	switch {
	case isKey && key.Matches(km, f.keys.Up):
		f.sel = max(0, f.sel-1)
	case isKey && key.Matches(km, f.keys.Down):
		f.sel = min(max(0, len(f.Matches)-1), f.sel+1)
	default:
		before := f.Input.Value()
		f.Input, cmd = f.Input.Update(msg)
		if f.Input.Value() != before {
			f.Refilter()
		}
	}
	f.offset = shared.Follow(f.sel, f.offset, f.height, len(f.Matches))
	return f, cmd
}

// View renders the ranked matches in the tree's place, matched letters
// highlighted.
func (f Model) View() string { return strings.Join(f.Lines(), "\n") }

// Lines is the filter as drawn: its input, then its matches.
func (f Model) Lines() []string {
	s, w := f.c.Styles, f.width
	if len(f.Matches) == 0 {
		return []string{s.Dim.Render(shared.Truncate("no loaded path matches", w))}
	}
	var out []string
	for i := f.offset; i < len(f.Matches) && len(out) < f.height; i++ {
		m := f.Matches[i]
		line := highlight(m.Str, m.MatchedIndexes, s.Match.Render)
		if f.index.nodes[m.Index].Absent != nil {
			line += s.Dim.Render(" (absent)")
		}
		if i == f.sel {
			out = append(out, s.CursorMark.Render("> ")+shared.Truncate(line, w-2))
		} else {
			out = append(out, "  "+shared.Truncate(line, w-2))
		}
	}
	return out
}

// StatusLine is the input and the match count, in w columns.
func (f Model) StatusLine(w int) string {
	count := fmt.Sprintf("  %d/%s", len(f.Matches), nixeval.Count(len(f.index.paths), "path"))
	return shared.Truncate(f.Input.View()+f.c.Styles.Dim.Render(count), w)
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

// JumpTarget is the path a query names below the start node root, when
// it parses as one: as the footer prints it, or relative to the start.
func JumpTarget(q string, root attr.Path) (attr.Path, bool) {
	q = strings.TrimSpace(q)
	p, err := attr.Parse(q)
	if q == "" || err != nil || len(p) == 0 {
		return nil, false
	}
	if !p.HasPrefix(root) {
		p = append(append(attr.Path{}, root...), p...)
	}
	return p, len(p) > len(root)
}
