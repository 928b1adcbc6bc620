package tree

import "github.com/nixplore/nixplore/nixeval/setbuild"

// ChildrenOf is what the tree knows of n's children: their kinds when it
// has listed them.
func ChildrenOf(n *Node) setbuild.Contents {
	if n == nil || !n.Loaded {
		return setbuild.Contents{}
	}
	// Counted in place: this runs as kinds arrive, and a copy of 100,000
	// children each time was garbage enough to raise the peak by tens of MB.
	c := setbuild.Contents{Known: true}
	for _, ch := range n.Children {
		c.AddNamed(ch.Name, ch.Kind)
	}
	return c
}
