package tree

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

// Pane is the left pane: the cursor and scroll position over the
// tree's visible nodes. Moving is O(1): the visible list is only rebuilt
// when the tree's shape changes.
type Pane struct {
	c             *shared.Common
	Tree          *Tree
	Cursor        int
	Offset        int
	sel           *Node // the selected node: the cursor follows it when the tree changes
	width, Height int
}

// NewPane is the pane over t, its cursor on the root.
func NewPane(c *shared.Common, t *Tree) Pane {
	return Pane{c: c, Tree: t, sel: t.Root, Height: 1}
}

// Selected is the node under the cursor (nil in an empty tree).
func (p *Pane) Selected() *Node {
	if p.Tree == nil || len(p.Tree.Visible) == 0 {
		return nil
	}
	return p.Tree.Visible[p.Cursor]
}

// SetSize fits the pane to w x h, keeping the cursor on screen.
func (p *Pane) SetSize(w, h int) {
	p.width, p.Height = w, max(1, h)
	p.scrollTo()
}

// Update moves the cursor on the movement keys and the wheel; the root
// compares the selection before and after to point the preview at it.
func (p Pane) Update(msg tea.Msg) (Pane, tea.Cmd) {
	k, h := p.c.Keys, p.Height
	switch msg := msg.(type) {
	case tea.KeyMsg:
		switch {
		case key.Matches(msg, k.Up):
			p.Move(-1)
		case key.Matches(msg, k.Down):
			p.Move(1)
		case key.Matches(msg, k.PageUp):
			p.Move(-max(1, h-1))
		case key.Matches(msg, k.PageDn):
			p.Move(max(1, h-1))
		case key.Matches(msg, k.Top):
			p.Move(-len(p.Tree.Visible))
		case key.Matches(msg, k.Bottom):
			p.Move(len(p.Tree.Visible))
		}
	case tea.MouseMsg:
		switch msg.Button {
		case tea.MouseButtonWheelUp:
			p.Move(-3)
		case tea.MouseButtonWheelDown:
			p.Move(3)
		}
	}
	return p, nil
}

// Move shifts the cursor by delta lines, clamped, and scrolls so it stays
// on screen.
func (p *Pane) Move(delta int) {
	p.SetCursor(p.Cursor + delta)
}

// SetCursor selects the visible node at index i (clamped).
func (p *Pane) SetCursor(i int) {
	p.Cursor = shared.Clamp(i, 0, len(p.Tree.Visible)-1)
	p.sel = p.Tree.Visible[p.Cursor]
	p.scrollTo()
}

// scrollTo keeps the cursor on screen.
func (p *Pane) scrollTo() {
	if p.Tree == nil {
		return
	}
	p.Cursor = shared.Clamp(p.Cursor, 0, len(p.Tree.Visible)-1)
	p.Offset = shared.Follow(p.Cursor, p.Offset, p.Height, len(p.Tree.Visible))
}

// SelectNode puts the cursor on n, which must be visible.
func (p *Pane) SelectNode(n *Node) {
	p.restore(n)
}

// Reselect finds the selected node again after the visible list was
// rebuilt; when it is gone (folded away), its nearest visible ancestor.
func (p *Pane) Reselect() {
	p.restore(p.sel)
}

func (p *Pane) restore(sel *Node) {
	for n := sel; n != nil; n = n.Parent {
		for i, v := range p.Tree.Visible {
			if v == n {
				p.SetCursor(i)
				return
			}
		}
	}
	p.SetCursor(p.Cursor)
}

// RowAt is the index of the visible node drawn on the pane's row, if any.
func (p Pane) RowAt(row int) (int, bool) {
	i := p.Offset + row
	return i, row >= 0 && row < p.Height && i < len(p.Tree.Visible)
}

// View renders the visible window of the tree. Only the lines on screen
// are drawn, whatever the size of the tree.
func (p Pane) View() string { return strings.Join(p.Lines(), "\n") }

// Lines is the pane as drawn, one string per row.
func (p Pane) Lines() []string {
	s, w := p.c.Styles, p.width
	vis := p.Tree.Visible
	end := min(len(vis), p.Offset+p.Height)
	out := make([]string, 0, p.Height)
	maxIndent := max(2, w/3)
	now := time.Now()
	for i := p.Offset; i < end; i++ {
		n := vis[i]
		indent := strings.Repeat("  ", n.Depth)
		if len(indent) > maxIndent {
			// Deep paths: the depth as a number; the preview has the full path.
			indent = fmt.Sprintf("%*s ", maxIndent-1, "·"+strconv.Itoa(n.Depth))
		}
		arrow := " "
		switch {
		case n.Loading, n.Kind == nixeval.KindPending && pendingNote(n, now) != "":
			arrow = p.c.Spin
		case n.Expandable() && n.Expanded:
			arrow = "▾"
		case n.Expandable():
			arrow = "▸"
		}
		tag := KindTags[n.Kind]
		if tag == "" {
			tag = "???"
		}
		tagStyle, ok := s.Kind[n.Kind]
		if !ok {
			tagStyle = s.Dim
		}
		name := n.Label
		if n.Absent != nil {
			// Not in the configuration: dimmed, and marked in words so it
			// reads without colour.
			tagStyle = s.Dim
			name = s.Dim.Render(name + " (absent)")
		}
		switch p.c.Edited[n.Key] {
		case "changed":
			name += s.Warning.Render(" ✎") // your latest edit changed it
		case "added":
			name += s.Warning.Render(" +") // your latest edit added it
		}
		if p.c.Warned[n.Key] > 0 {
			name += s.Warning.Render(" ⚠") // Nix warned evaluating it (w lists why)
		}
		switch {
		case n.Kind == nixeval.KindError:
			name = s.ErrorNode.Render(name + "  " + attr.Printable(shared.FirstLine(n.ErrText)))
		case n.ListErr != "":
			name = name + "  " + s.ErrorNode.Render("listing failed")
		case n.Cancelled:
			name = name + s.Warning.Render(" (cancelled)")
		case n.Kind == nixeval.KindPending && pendingNote(n, now) != "":
			name = name + s.Dim.Render("  "+pendingNote(n, now))
		case n.Cached:
			name = name + s.Cached.Render(" (cached)")
		case n.Expanded && n.Loaded && len(n.Children) == 0:
			name = name + s.Dim.Render(" (empty)")
		}
		mark := "  "
		if i == p.Cursor {
			mark = s.CursorMark.Render("> ")
		}
		sep := " "
		if n.Marked {
			sep = s.Status.Render("*") // marked for the comparison (C)
		}
		line := indent + arrow + sep + tagStyle.Render(tag) + " " + name
		if i == p.Cursor {
			line = s.Cursor.Render(shared.Pad(ansi.Strip(line), w-2))
		}
		out = append(out, mark+shared.Truncate(line, w-2))
	}
	return out
}

// OnScreen is the rows the pane shows now.
func (p Pane) OnScreen() []*Node {
	vis := p.Tree.Visible
	end := min(len(vis), p.Offset+p.Height)
	if p.Offset >= end {
		return nil
	}
	return vis[p.Offset:end]
}

// ValueRows are the paths of the rows on screen whose value an edit can
// change: every one with a known kind, sets aside (their children are
// rows of their own).
func (p Pane) ValueRows() []attr.Path {
	var out []attr.Path
	for _, n := range p.OnScreen() {
		switch n.Kind {
		case nixeval.KindPending, nixeval.KindAttrs, nixeval.KindAbsent, nixeval.KindFunction:
			continue
		}
		if n.Absent == nil && n.Parent != nil {
			out = append(out, n.Path)
		}
	}
	return out
}

// ChildNames are n's children's names, the catalogue's absent ones aside.
func ChildNames(n *Node) []string {
	var out []string
	for _, c := range n.Children {
		if c.Absent == nil {
			out = append(out, c.Name)
		}
	}
	return out
}
