package tui

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/tui/shared"
)

// treePane is the left pane: the cursor and scroll position over the
// tree's visible nodes. Moving is O(1): the visible list is only rebuilt
// when the tree's shape changes.
type treePane struct {
	c             *shared.Common
	tree          *tree
	cursor        int
	offset        int
	sel           *node // the selected node: the cursor follows it when the tree changes
	width, height int
}

func newTreePane(c *shared.Common, t *tree) treePane {
	return treePane{c: c, tree: t, sel: t.root, height: 1}
}

func (p *treePane) selected() *node {
	if p.tree == nil || len(p.tree.visible) == 0 {
		return nil
	}
	return p.tree.visible[p.cursor]
}

// setSize fits the pane to w x h, keeping the cursor on screen.
func (p *treePane) setSize(w, h int) {
	p.width, p.height = w, max(1, h)
	p.scrollTo()
}

// Update moves the cursor on the movement keys and the wheel; the root
// compares the selection before and after to point the preview at it.
func (p treePane) Update(msg tea.Msg) (treePane, tea.Cmd) {
	k, h := p.c.Keys, p.height
	switch msg := msg.(type) {
	case tea.KeyMsg:
		switch {
		case key.Matches(msg, k.Up):
			p.move(-1)
		case key.Matches(msg, k.Down):
			p.move(1)
		case key.Matches(msg, k.PageUp):
			p.move(-max(1, h-1))
		case key.Matches(msg, k.PageDn):
			p.move(max(1, h-1))
		case key.Matches(msg, k.Top):
			p.move(-len(p.tree.visible))
		case key.Matches(msg, k.Bottom):
			p.move(len(p.tree.visible))
		}
	case tea.MouseMsg:
		switch msg.Button {
		case tea.MouseButtonWheelUp:
			p.move(-3)
		case tea.MouseButtonWheelDown:
			p.move(3)
		}
	}
	return p, nil
}

// move shifts the cursor by delta lines, clamped, and scrolls so it stays
// on screen.
func (p *treePane) move(delta int) {
	p.setCursor(p.cursor + delta)
}

// setCursor selects the visible node at index i (clamped).
func (p *treePane) setCursor(i int) {
	p.cursor = shared.Clamp(i, 0, len(p.tree.visible)-1)
	p.sel = p.tree.visible[p.cursor]
	p.scrollTo()
}

// scrollTo keeps the cursor on screen.
func (p *treePane) scrollTo() {
	if p.tree == nil {
		return
	}
	p.cursor = shared.Clamp(p.cursor, 0, len(p.tree.visible)-1)
	p.offset = shared.Follow(p.cursor, p.offset, p.height, len(p.tree.visible))
}

// selectNode puts the cursor on n, which must be visible.
func (p *treePane) selectNode(n *node) {
	p.restore(n)
}

// reselect finds the selected node again after the visible list was
// rebuilt; when it is gone (folded away), its nearest visible ancestor.
func (p *treePane) reselect() {
	p.restore(p.sel)
}

func (p *treePane) restore(sel *node) {
	for n := sel; n != nil; n = n.parent {
		for i, v := range p.tree.visible {
			if v == n {
				p.setCursor(i)
				return
			}
		}
	}
	p.setCursor(p.cursor)
}

// rowAt is the index of the visible node drawn on the pane's row, if any.
func (p treePane) rowAt(row int) (int, bool) {
	i := p.offset + row
	return i, row >= 0 && row < p.height && i < len(p.tree.visible)
}

// View renders the visible window of the tree. Only the lines on screen
// are drawn, whatever the size of the tree.
func (p treePane) View() string { return strings.Join(p.lines(), "\n") }

func (p treePane) lines() []string {
	s, w := p.c.Styles, p.width
	vis := p.tree.visible
	end := min(len(vis), p.offset+p.height)
	out := make([]string, 0, p.height)
	maxIndent := max(2, w/3)
	now := time.Now()
	for i := p.offset; i < end; i++ {
		n := vis[i]
		indent := strings.Repeat("  ", n.depth)
		if len(indent) > maxIndent {
			// Deep paths: the depth as a number; the preview has the full path.
			indent = fmt.Sprintf("%*s ", maxIndent-1, "·"+strconv.Itoa(n.depth))
		}
		arrow := " "
		switch {
		case n.loading, n.kind == nixeval.KindPending && pendingNote(n, now) != "":
			arrow = p.c.Spin
		case n.expandable() && n.expanded:
			arrow = "▾"
		case n.expandable():
			arrow = "▸"
		}
		tag := kindTags[n.kind]
		if tag == "" {
			tag = "???"
		}
		tagStyle, ok := s.Kind[n.kind]
		if !ok {
			tagStyle = s.Dim
		}
		name := n.label
		if n.absent != nil {
			// Not in the configuration: dimmed, and marked in words so it
			// reads without colour.
			tagStyle = s.Dim
			name = s.Dim.Render(name + " (absent)")
		}
		if p.c.Warned[n.key] > 0 {
			name += s.Warning.Render(" ⚠") // Nix warned evaluating it (w lists why)
		}
		switch {
		case n.kind == nixeval.KindError:
			name = s.ErrorNode.Render(name + "  " + attr.Printable(shared.FirstLine(n.errText)))
		case n.listErr != "":
			name = name + "  " + s.ErrorNode.Render("listing failed")
		case n.cancelled:
			name = name + s.Warning.Render(" (cancelled)")
		case n.kind == nixeval.KindPending && pendingNote(n, now) != "":
			name = name + s.Dim.Render("  "+pendingNote(n, now))
		case n.cached:
			name = name + s.Cached.Render(" (cached)")
		case n.expanded && n.loaded && len(n.children) == 0:
			name = name + s.Dim.Render(" (empty)")
		}
		mark := "  "
		if i == p.cursor {
			mark = s.CursorMark.Render("> ")
		}
		sep := " "
		if n.marked {
			sep = s.Status.Render("*") // marked for the comparison (C)
		}
		line := indent + arrow + sep + tagStyle.Render(tag) + " " + name
		if i == p.cursor {
			line = s.Cursor.Render(shared.Pad(ansi.Strip(line), w-2))
		}
		out = append(out, mark+shared.Truncate(line, w-2))
	}
	return out
}
