package tui

// treePane is the cursor and scroll position over the tree's visible
// nodes. Moving is O(1): the visible list is only rebuilt when the tree's
// shape changes.
type treePane struct {
	c      *common
	tree   *tree
	cursor int
	offset int
	sel    *node // the selected node: the cursor follows it when the tree changes
}

func (p *treePane) selected() *node {
	if p.tree == nil || len(p.tree.visible) == 0 {
		return nil
	}
	return p.tree.visible[p.cursor]
}

// move shifts the cursor by delta lines, clamped, and scrolls so it stays
// within a body of height h.
func (p *treePane) move(delta, h int) {
	p.setCursor(p.cursor+delta, h)
}

// setCursor selects the visible node at index i (clamped).
func (p *treePane) setCursor(i, h int) {
	p.cursor = clamp(i, 0, len(p.tree.visible)-1)
	p.sel = p.tree.visible[p.cursor]
	p.scrollTo(h)
}

// scrollTo keeps the cursor on screen in a body of height h.
func (p *treePane) scrollTo(h int) {
	if p.tree == nil {
		return
	}
	h = max(1, h)
	n := len(p.tree.visible)
	p.cursor = clamp(p.cursor, 0, n-1)
	if p.cursor < p.offset {
		p.offset = p.cursor
	}
	if p.cursor >= p.offset+h {
		p.offset = p.cursor - h + 1
	}
	// No empty space below the last node while there is more above.
	p.offset = clamp(p.offset, 0, max(0, n-h))
}

// selectNode puts the cursor on n, which must be visible.
func (p *treePane) selectNode(n *node, h int) {
	p.restore(n, h)
}

// reselect finds the selected node again after the visible list was
// rebuilt; when it is gone (folded away), its nearest visible ancestor.
func (p *treePane) reselect(h int) {
	p.restore(p.sel, h)
}

func (p *treePane) restore(sel *node, h int) {
	for n := sel; n != nil; n = n.parent {
		for i, v := range p.tree.visible {
			if v == n {
				p.setCursor(i, h)
				return
			}
		}
	}
	p.setCursor(p.cursor, h)
}

func clamp(v, lo, hi int) int {
	if v > hi {
		v = hi
	}
	if v < lo {
		v = lo
	}
	return v
}
