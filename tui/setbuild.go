package tui

import (
	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/nixeval/setbuild"
	"github.com/nixplore/nixplore/tui/components/preview"
	"github.com/nixplore/nixplore/tui/components/tree"
)

// buildRefusal is what b says on a node that is not a derivation: the
// build panel builds one derivation; a set's command builds everything
// inside it, which is said instead of started, and a string or number has
// nothing to build.
func buildRefusal(n *tree.Node, e *descEntry) string {
	path := displayPath(n)
	if n.Kind == nixeval.KindError {
		return path + " fails to evaluate, so there is nothing to build; the preview shows the error"
	}
	if !setbuild.Buildable(n.Kind) {
		return attr.Printable(setbuild.NothingToBuild(path, n.Kind))
	}
	c := tree.ChildrenOf(n)
	var d *nixeval.Description
	if e != nil {
		d = e.desc
	}
	warning := "its command builds every derivation inside"
	if d != nil {
		warning = preview.SetWarning(d, c)
	} else if c.Known {
		warning = "this command " + c.Warning()
	}
	// Never the whole set: that is the seed's mistake (every image, a
	// VM, QEMU under emulation, a full disk).
	return "b builds one derivation; " + path + " is " + nixeval.AKind(n.Kind) + " and " + warning +
		". Open it (→) and press b on the one output you want."
}
