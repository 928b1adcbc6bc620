package tui

import (
	"fmt"
	"sort"
	"strings"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/tui/components/tree"
	"github.com/nixplore/nixplore/tui/shared"
	"github.com/sahilm/fuzzy"
)

// filterModel is the `/` filter over every path loaded so far: it takes a
// path as the footer prints it as well as a fuzzy fragment.
type filterModel struct {
	c       *shared.Common
	active  bool
	input   textinput.Model
	index   pathIndex
	matches fuzzy.Matches
	sel     int // the highlighted match; enter jumps to it
	offset  int // the first match on screen
	width   int
	height  int
}

// pathIndex is the filter's haystack: every loaded node's path as printed,
// relative to the start node, rebuilt only when the tree changed since the
// last time.
type pathIndex struct {
	version uint64
	tree    *tree.Tree
	paths   []string
	nodes   []*tree.Node
	byKey   map[string]int // a node's path key → its place in paths
	byPath  map[string]int // a printed path → its place in paths
}

func (p pathIndex) String(i int) string { return p.paths[i] }
func (p pathIndex) Len() int            { return len(p.paths) }

func newFilter(c *shared.Common) filterModel {
	ti := textinput.New()
	ti.Prompt = "/"
	ti.Placeholder = "type to filter every loaded path"
	// A blinking cursor would redraw twice a second for nothing.
	ti.Cursor.SetMode(cursor.CursorStatic)
	return filterModel{c: c, input: ti, height: 1}
}

// open starts filtering the loaded part of t.
func (f *filterModel) open(t *tree.Tree) {
	f.active = true
	f.input.SetValue("")
	if f.index.tree != t || f.index.version != t.Version || f.index.paths == nil {
		f.index = buildIndex(t)
	}
	f.refilter()
}

func buildIndex(t *tree.Tree) pathIndex {
	idx := pathIndex{version: t.Version, tree: t, paths: make([]string, 0, len(t.Index)), nodes: make([]*tree.Node, 0, len(t.Index)),
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

func (f *filterModel) focus() tea.Cmd { return f.input.Focus() }

func (f *filterModel) close() {
	f.active = false
	f.input.Blur()
	f.matches = nil
}

// setSize fits the matches to the tree's w x h and the input to the
// status line of width sw, next to the match count.
func (f *filterModel) setSize(w, h, sw int) {
	f.width, f.height = w, max(1, h)
	f.input.Width = max(1, sw-24)
	f.offset = shared.Follow(f.sel, f.offset, f.height, len(f.matches))
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
	f.matches = f.index.rank(q)
}

// rank orders the loaded paths for the query q. The query may be a path
// as the footer prints it (config.system.build.units."sshd.service"),
// relative to the start node (units."sshd.service") or to one of the
// start's ancestors (build.toplevel): a loaded path it names comes first,
// whatever its quoting. Every other path follows as a fuzzy match
// (sahilm/fuzzy) of the query or of the query with that prefix taken off,
// best score first.
func (idx pathIndex) rank(q string) fuzzy.Matches {
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
	var fz fuzzy.Matches
	if len(queries) == 1 {
		fz = fuzzy.FindFrom(q, idx)
	} else {
		best := map[int]fuzzy.Match{}
		for _, v := range queries {
			for _, m := range fuzzy.FindFrom(v, idx) {
				if b, ok := best[m.Index]; !ok || m.Score > b.Score {
					best[m.Index] = m
				}
			}
		}
		for _, m := range best {
			fz = append(fz, m)
		}
		// Equal scores keep the tree's order, as fuzzy's own sort does.
		sort.Slice(fz, func(a, b int) bool {
			if fz[a].Score != fz[b].Score {
				return fz[a].Score > fz[b].Score
			}
			return fz[a].Index < fz[b].Index
		})
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
func (idx pathIndex) relative(q string) []string {
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
func (idx pathIndex) find(v string) (int, bool) {
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

// chosen is the node the highlighted match stands for.
func (f *filterModel) chosen() *tree.Node {
	if f.sel < 0 || f.sel >= len(f.matches) {
		return nil
	}
	return f.index.nodes[f.matches[f.sel].Index]
}

// Update handles a key while the filter is open (enter and esc are the
// root's: they change the tree).
func (f filterModel) Update(msg tea.Msg) (filterModel, tea.Cmd) {
	k := f.c.Keys
	var cmd tea.Cmd
	km, isKey := msg.(tea.KeyMsg)
	switch {
	case isKey && key.Matches(km, k.FilterUp):
		f.sel = max(0, f.sel-1)
	case isKey && key.Matches(km, k.FilterDown):
		f.sel = min(max(0, len(f.matches)-1), f.sel+1)
	default:
		before := f.input.Value()
		f.input, cmd = f.input.Update(msg)
		if f.input.Value() != before {
			f.refilter()
		}
	}
	f.offset = shared.Follow(f.sel, f.offset, f.height, len(f.matches))
	return f, cmd
}

// View renders the ranked matches in the tree's place, matched letters
// highlighted.
func (f filterModel) View() string { return strings.Join(f.lines(), "\n") }

func (f filterModel) lines() []string {
	s, w := f.c.Styles, f.width
	if len(f.matches) == 0 {
		return []string{s.Dim.Render(shared.Truncate("no loaded path matches", w))}
	}
	var out []string
	for i := f.offset; i < len(f.matches) && len(out) < f.height; i++ {
		m := f.matches[i]
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

// statusLine is the input and the match count, in w columns.
func (f filterModel) statusLine(w int) string {
	count := fmt.Sprintf("  %d/%s", len(f.matches), nixeval.Count(len(f.index.paths), "path"))
	return shared.Truncate(f.input.View()+f.c.Styles.Dim.Render(count), w)
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
