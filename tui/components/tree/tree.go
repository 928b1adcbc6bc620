// Package tree is the explorer's tree: the nodes loaded so far (Node,
// Tree: children listed lazily, kinds filled in afterwards) and the pane
// that draws them with the cursor (Pane).
package tree

import (
	"time"

	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/nixeval/catalogue"
)

// Node is one attribute in the tree. Children are listed lazily, one level
// per request.
type Node struct {
	Name     string
	Path     attr.Path
	Key      string // path.Key(), the index key
	Kind     string
	ErrText  string // kind error: why forcing it failed
	Depth    int    // 0 for the root
	Parent   *Node
	Children []*Node

	Expanded bool
	Loaded   bool   // children are known (maybe from the cache)
	Cached   bool   // children came from the disk cache, not re-checked yet
	Loading  bool   // a List request is in flight
	ReqID    uint64 // the in-flight List request; older answers are dropped
	ListErr  string // listing this set failed
	Label    string // the name as printed: Nix-quoted and terminal-safe
	// Cancelled: the user stopped this set's listing with esc; r (or →)
	// lists it again.
	Cancelled bool
	// Absent is the catalogue's entry for an output this configuration
	// does not have (kind absent, shown with `a`); such a node is never
	// listed, described or built.
	Absent *catalogue.Entry
	// Marked: chosen with space for the comparison (C).
	Marked bool
	// KindReq is the background (or expand) kind request in flight for
	// this pending node, 0 when none; kindSince is when it started.
	KindReq   uint64
	KindSince time.Time
	// WantExpand: → on a node whose kind was pending; it opens once the
	// kind says it is a set.
	WantExpand bool
	// Recheck: a new listing of the parent (r, or a cached answer
	// re-checked) gave this child's name again; its kind, known from
	// before, is asked for again while the node (and its expansion) stays.
	Recheck bool
	// NamesAt is when this set's names were asked for: the listing is
	// stored in the cache with it once every child's kind is known.
	NamesAt time.Time
}

// Expandable reports whether the node is a set whose children can be listed.
func (n *Node) Expandable() bool {
	return n.Kind == nixeval.KindAttrs || n.Kind == nixeval.KindDerivation
}

func newNode(name string, path attr.Path, kind string, parent *Node) *Node {
	n := &Node{Name: name, Path: path, Key: path.Key(), Kind: kind, Parent: parent}
	if parent != nil {
		n.Depth = parent.Depth + 1
		n.Label = attr.Printable(attr.Quote(name))
	} else {
		n.Label = attr.Printable(path.String())
		if len(path) == 0 {
			n.Label = "(top level)"
		}
	}
	return n
}

// Tree is the data behind the tree pane: every node loaded so far, indexed
// by path, and the flattened list of the visible ones.
type Tree struct {
	Root    *Node
	Index   map[string]*Node
	Visible []*Node
	Version uint64 // bumped whenever nodes are added or removed (filter index)
}

// New is the tree of start alone, expanded and not listed yet.
func New(start attr.Path) *Tree {
	r := newNode(start.Last(), start, nixeval.KindAttrs, nil)
	r.Expanded = true
	t := &Tree{Root: r, Index: map[string]*Node{r.Key: r}}
	t.Flatten()
	return t
}

// SetChildren replaces n's children with a listing, keeping the expansion
// of children that are still there (a refresh must not fold the tree).
func (t *Tree) SetChildren(n *Node, children []nixeval.Child) {
	old := map[string]*Node{}
	for _, c := range n.Children {
		if c.Absent == nil {
			old[c.Name] = c
		}
	}
	kids := make([]*Node, 0, len(children))
	for _, c := range children {
		if o, ok := old[c.Name]; ok && (o.Kind == c.Kind || c.Kind == nixeval.KindPending) {
			if c.Kind == nixeval.KindPending {
				o.Recheck = o.Kind != nixeval.KindPending
			} else {
				o.ErrText, o.Recheck = c.Error, false
			}
			delete(old, c.Name)
			kids = append(kids, o)
			continue
		}
		k := newNode(c.Name, n.Path.Child(c.Name), c.Kind, n)
		k.ErrText = c.Error
		t.Index[k.Key] = k
		kids = append(kids, k)
	}
	for _, o := range old {
		t.drop(o)
	}
	for _, c := range n.Children {
		if c.Absent != nil {
			t.drop(c)
		}
	}
	n.Children = kids
	n.Loaded = true
	n.ListErr = ""
	n.Cancelled = false
	t.Version++
}

// SetKind records a child's kind; a set that is no longer one loses its
// children (the caller flattens).
func (t *Tree) SetKind(n *Node, kind, errText string) {
	n.Kind, n.ErrText, n.Recheck = kind, errText, false
	if !n.Expandable() && len(n.Children) > 0 {
		for _, c := range n.Children {
			t.drop(c)
		}
		n.Children, n.Loaded, n.Expanded = nil, false, false
		t.Version++
	}
}

// Complete reports whether every child of n has a known kind.
func (n *Node) Complete() bool {
	for _, c := range n.Children {
		if c.Absent == nil && (c.Kind == nixeval.KindPending || c.Recheck) {
			return false
		}
	}
	return true
}

// SetAbsent adds to a listed config.system.build the catalogue's outputs
// it does not have, after its own children, or removes them (show false).
// Other nodes are left alone.
//
// release and system are the configuration's NixOS release and platform
// ("" when not known yet): an image variant is named in the advice only
// where it evaluates (images.sd-card throws on some platforms).
func (t *Tree) SetAbsent(n *Node, show bool, on ConfigurationOn) {
	if n == nil || !n.Loaded || !n.Path.Equal(attr.DefaultPath) {
		return
	}
	kids := make([]*Node, 0, len(n.Children))
	present := nixeval.Listing{Path: n.Path}
	for _, c := range n.Children {
		if c.Absent != nil {
			t.drop(c)
			continue
		}
		kids = append(kids, c)
		present.Children = append(present.Children, nixeval.Child{Name: c.Name, Kind: c.Kind})
	}
	if show {
		children, entries := nixeval.KnownAbsentOn(present, t.ImageVariants(), on.Release, on.System)
		for i, c := range children {
			k := newNode(c.Name, c.Path, c.Kind, n)
			k.Absent = &entries[i]
			t.Index[k.Key] = k
			kids = append(kids, k)
		}
	}
	n.Children = kids
	t.Version++
}

// ImageVariants are the names of config.system.build.images when the tree
// has listed them (nil otherwise: advice then names no variant).
func (t *Tree) ImageVariants() []string {
	n := t.Index[attr.DefaultPath.Child("images").Key()]
	if n == nil || !n.Loaded {
		return nil
	}
	out := make([]string, 0, len(n.Children))
	for _, c := range n.Children {
		out = append(out, c.Name)
	}
	return out
}

// ConfigurationOn is the configuration's NixOS release and platform.
type ConfigurationOn struct{ Release, System string }

// drop removes n and its subtree from the index.
func (t *Tree) drop(n *Node) {
	delete(t.Index, n.Key)
	for _, c := range n.Children {
		t.drop(c)
	}
}

// Flatten recomputes the visible list; it runs only when the shape
// changes, never on a cursor move, so big trees stay fast.
func (t *Tree) Flatten() {
	t.Visible = t.Visible[:0]
	var walk func(n *Node)
	walk = func(n *Node) {
		t.Visible = append(t.Visible, n)
		if n.Expanded {
			for _, c := range n.Children {
				walk(c)
			}
		}
	}
	walk(t.Root)
}

// Find returns the node at path, if it is loaded.
func (t *Tree) Find(p attr.Path) *Node { return t.Index[p.Key()] }

// RevealAncestors expands every ancestor of n so it becomes visible.
func (t *Tree) RevealAncestors(n *Node) {
	for p := n.Parent; p != nil; p = p.Parent {
		p.Expanded = true
	}
}

// Marked are the marked nodes, in tree order.
func (t *Tree) Marked() []*Node {
	var out []*Node
	var walk func(n *Node)
	walk = func(n *Node) {
		if n.Marked {
			out = append(out, n)
		}
		for _, c := range n.Children {
			walk(c)
		}
	}
	walk(t.Root)
	return out
}
