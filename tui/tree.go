package tui

import (
	"time"

	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/nixeval/catalogue"
)

// node is one attribute in the tree. Children are listed lazily, one level
// per request.
type node struct {
	name     string
	path     attr.Path
	key      string // path.Key(), the index key
	kind     string
	errText  string // kind error: why forcing it failed
	depth    int    // 0 for the root
	parent   *node
	children []*node

	expanded bool
	loaded   bool   // children are known (maybe from the cache)
	cached   bool   // children came from the disk cache, not re-checked yet
	loading  bool   // a List request is in flight
	reqID    uint64 // the in-flight List request; older answers are dropped
	listErr  string // listing this set failed
	label    string // the name as printed: Nix-quoted and terminal-safe
	// cancelled: the user stopped this set's listing with esc; r (or →)
	// lists it again.
	cancelled bool
	// absent is the catalogue's entry for an output this configuration
	// does not have (kind absent, shown with `a`); such a node is never
	// listed, described or built.
	absent *catalogue.Entry
	// marked: chosen with space for the comparison (C).
	marked bool
	// kindReq is the background (or expand) kind request in flight for
	// this pending node, 0 when none; kindSince is when it started.
	kindReq   uint64
	kindSince time.Time
	// wantExpand: → on a node whose kind was pending; it opens once the
	// kind says it is a set.
	wantExpand bool
	// recheck: a new listing of the parent (r, or a cached answer
	// re-checked) gave this child's name again; its kind, known from
	// before, is asked for again while the node (and its expansion) stays.
	recheck bool
	// namesAt is when this set's names were asked for: the listing is
	// stored in the cache with it once every child's kind is known.
	namesAt time.Time
}

// expandable reports whether the node is a set whose children can be listed.
func (n *node) expandable() bool {
	return n.kind == nixeval.KindAttrs || n.kind == nixeval.KindDerivation
}

func newNode(name string, path attr.Path, kind string, parent *node) *node {
	n := &node{name: name, path: path, key: path.Key(), kind: kind, parent: parent}
	if parent != nil {
		n.depth = parent.depth + 1
		n.label = attr.Printable(attr.Quote(name))
	} else {
		n.label = attr.Printable(path.String())
		if len(path) == 0 {
			n.label = "(top level)"
		}
	}
	return n
}

// tree is the data behind the tree pane: every node loaded so far, indexed
// by path, and the flattened list of the visible ones.
type tree struct {
	root    *node
	index   map[string]*node
	visible []*node
	version uint64 // bumped whenever nodes are added or removed (filter index)
}

func newTree(start attr.Path) *tree {
	r := newNode(start.Last(), start, nixeval.KindAttrs, nil)
	r.expanded = true
	t := &tree{root: r, index: map[string]*node{r.key: r}}
	t.flatten()
	return t
}

// setChildren replaces n's children with a listing, keeping the expansion
// of children that are still there (a refresh must not fold the tree).
func (t *tree) setChildren(n *node, children []nixeval.Child) {
	old := map[string]*node{}
	for _, c := range n.children {
		if c.absent == nil {
			old[c.name] = c
		}
	}
	kids := make([]*node, 0, len(children))
	for _, c := range children {
		if o, ok := old[c.Name]; ok && (o.kind == c.Kind || c.Kind == nixeval.KindPending) {
			if c.Kind == nixeval.KindPending {
				o.recheck = o.kind != nixeval.KindPending
			} else {
				o.errText, o.recheck = c.Error, false
			}
			delete(old, c.Name)
			kids = append(kids, o)
			continue
		}
		k := newNode(c.Name, n.path.Child(c.Name), c.Kind, n)
		k.errText = c.Error
		t.index[k.key] = k
		kids = append(kids, k)
	}
	for _, o := range old {
		t.drop(o)
	}
	for _, c := range n.children {
		if c.absent != nil {
			t.drop(c)
		}
	}
	n.children = kids
	n.loaded = true
	n.listErr = ""
	n.cancelled = false
	t.version++
}

// setKind records a child's kind; a set that is no longer one loses its
// children (the caller flattens).
func (t *tree) setKind(n *node, kind, errText string) {
	n.kind, n.errText, n.recheck = kind, errText, false
	if !n.expandable() && len(n.children) > 0 {
		for _, c := range n.children {
			t.drop(c)
		}
		n.children, n.loaded, n.expanded = nil, false, false
		t.version++
	}
}

// complete reports whether every child of n has a known kind.
func (n *node) complete() bool {
	for _, c := range n.children {
		if c.absent == nil && (c.kind == nixeval.KindPending || c.recheck) {
			return false
		}
	}
	return true
}

// setAbsent adds to a listed config.system.build the catalogue's outputs
// it does not have, after its own children, or removes them (show false).
// Other nodes are left alone.
//
// release and system are the configuration's NixOS release and platform
// ("" when not known yet): an image variant is named in the advice only
// where it evaluates (images.sd-card throws on some platforms).
func (t *tree) setAbsent(n *node, show bool, on configurationOn) {
	if n == nil || !n.loaded || !n.path.Equal(attr.DefaultPath) {
		return
	}
	kids := make([]*node, 0, len(n.children))
	present := nixeval.Listing{Path: n.path}
	for _, c := range n.children {
		if c.absent != nil {
			t.drop(c)
			continue
		}
		kids = append(kids, c)
		present.Children = append(present.Children, nixeval.Child{Name: c.name, Kind: c.kind})
	}
	if show {
		children, entries := nixeval.KnownAbsentOn(present, t.imageVariants(), on.release, on.system)
		for i, c := range children {
			k := newNode(c.Name, c.Path, c.Kind, n)
			k.absent = &entries[i]
			t.index[k.key] = k
			kids = append(kids, k)
		}
	}
	n.children = kids
	t.version++
}

// imageVariants are the names of config.system.build.images when the tree
// has listed them (nil otherwise: advice then names no variant).
func (t *tree) imageVariants() []string {
	n := t.index[attr.DefaultPath.Child("images").Key()]
	if n == nil || !n.loaded {
		return nil
	}
	out := make([]string, 0, len(n.children))
	for _, c := range n.children {
		out = append(out, c.name)
	}
	return out
}

// configurationOn is the configuration's NixOS release and platform.
type configurationOn struct{ release, system string }

// drop removes n and its subtree from the index.
func (t *tree) drop(n *node) {
	delete(t.index, n.key)
	for _, c := range n.children {
		t.drop(c)
	}
}

// flatten recomputes the visible list; it runs only when the shape
// changes, never on a cursor move, so big trees stay fast.
func (t *tree) flatten() {
	t.visible = t.visible[:0]
	var walk func(n *node)
	walk = func(n *node) {
		t.visible = append(t.visible, n)
		if n.expanded {
			for _, c := range n.children {
				walk(c)
			}
		}
	}
	walk(t.root)
}

// find returns the node at path, if it is loaded.
func (t *tree) find(p attr.Path) *node { return t.index[p.Key()] }

// revealAncestors expands every ancestor of n so it becomes visible.
func (t *tree) revealAncestors(n *node) {
	for p := n.parent; p != nil; p = p.parent {
		p.expanded = true
	}
}
