package shared

import (
	"fmt"
	"testing"
)

// TestPagerStaysWithinItsContent: whatever the keys, the content or the
// size do, the window starts between the first line and the last full
// screen, and holds only content.
func TestPagerStaysWithinItsContent(t *testing.T) {
	lines := func(n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = fmt.Sprintf("line %d", i)
		}
		return out
	}
	p := NewPager()
	p.SetSize(20, 5)
	p.SetLines(lines(12))
	for _, step := range []struct {
		what       string
		do         func()
		offset     int
		more, seen int
	}{
		{"at first", func() {}, 0, 7, 5},
		{"far down", func() { p.Scroll(100) }, 7, 0, 5},
		{"one up after far down", func() { p.Scroll(-1) }, 6, 1, 5},
		{"far up", func() { p.Scroll(-100) }, 0, 7, 5},
		{"bottom", func() { p.Bottom() }, 7, 0, 5},
		{"content shrinks", func() { p.SetLines(lines(8)) }, 3, 0, 5},
		{"screen grows", func() { p.SetSize(20, 10) }, 0, 0, 8},
		{"screen shrinks", func() { p.SetSize(20, 3); p.Scroll(2) }, 2, 3, 3},
		{"no content", func() { p.SetLines(nil) }, 0, 0, 0},
	} {
		step.do()
		if got := p.Offset(); got != step.offset {
			t.Errorf("%s: offset %d, want %d", step.what, got, step.offset)
		}
		if got := p.MoreBelow(); got != step.more {
			t.Errorf("%s: %d lines below, want %d", step.what, got, step.more)
		}
		if got := len(p.Window()); got != step.seen {
			t.Errorf("%s: %d lines shown, want %d: %q", step.what, got, step.seen, p.Window())
		}
	}
}

func TestFollowKeepsTheCursorInView(t *testing.T) {
	for _, tc := range []struct {
		cursor, offset, h, n, want int
	}{
		{0, 0, 5, 20, 0},
		{4, 0, 5, 20, 0},   // last row: no scroll yet
		{5, 0, 5, 20, 1},   // one past: scroll by one
		{8, 6, 5, 20, 6},   // inside the window: stays
		{3, 6, 5, 20, 3},   // above: the cursor becomes the first row
		{19, 0, 5, 20, 15}, // the end
		{2, 10, 5, 3, 0},   // fewer lines than the window
		{0, 0, 0, 3, 0},    // no room: as if one line
	} {
		if got := Follow(tc.cursor, tc.offset, tc.h, tc.n); got != tc.want {
			t.Errorf("follow(cursor %d, offset %d, h %d, n %d) = %d, want %d", tc.cursor, tc.offset, tc.h, tc.n, got, tc.want)
		}
	}
}
