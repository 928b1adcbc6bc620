package tui

import (
	"github.com/nixplore/nixplore/nixeval/attr"
	"strings"
	"testing"
)

// TestFilterTakesTheFooterPath types into `/` the path the footer shows
// for a node, as a user copying it would, and enter lands on that node.
func TestFilterTakesTheFooterPath(t *testing.T) {
	onEachBackend(t, func(t *testing.T, b backend) {
		d := nixDriverOn(t, b, "pi", "aarch64-linux", 120, 40)
		d.settle()
		d.selectName("units")
		d.key("l")
		d.settle()
		for _, name := range []string{"toplevel", "sshd.service"} {
			d.selectName(name)
			d.settle()
			lines := strings.Split(d.m.View(), "\n")
			footer := strings.Fields(lines[len(lines)-2])[0]
			if footer != displayPath(d.m.pane.Selected()) {
				t.Fatalf("the footer shows %q for %s", footer, displayPath(d.m.pane.Selected()))
			}
			want := d.selectedPath()
			d.key("g", "/")
			d.typeText(footer)
			if c := d.m.filter.Chosen(); c == nil || c.Path.String() != want {
				t.Errorf("/%s highlights %v, want %s; matches %+v", footer, c, want, d.m.filter.Matches)
			}
			d.settle()
			d.previewFollows("/" + footer)
			d.key("enter")
			if got := d.selectedPath(); got != want {
				t.Errorf("/%s then enter selected %s", footer, got)
			}
			d.settle()
			d.previewFollows("enter on " + footer)
		}
	})
}

// TestFilterScrollsWithItsCursor: in a list of matches longer than the
// screen the highlighted match moves within its window, which scrolls only
// when it must; and a query longer than the input leaves the match count
// in view (the input scrolls instead).
func TestFilterScrollsWithItsCursor(t *testing.T) {
	onEachBackend(t, func(t *testing.T, b backend) {
		d := nixDriverOn(t, b, "pi", "aarch64-linux", 80, 16)
		d.settle()
		d.key("/")
		h := d.m.bodyHeight()
		if len(d.m.filter.Matches) < h+5 {
			t.Fatalf("%d matches for %d rows: nothing to scroll", len(d.m.filter.Matches), h)
		}
		// The row of the highlighted match on screen.
		row := func() int {
			t.Helper()
			lines := strings.Split(d.m.View(), "\n")
			for i := headerHeight; i < headerHeight+h; i++ {
				if strings.HasPrefix(lines[i], "> ") {
					return i - headerHeight
				}
			}
			t.Fatalf("no highlighted match on screen:\n%s", d.m.View())
			return -1
		}
		for i := 0; i < h+3; i++ {
			d.key("down")
		}
		if r := row(); r != h-1 {
			t.Errorf("after scrolling down the highlighted match is on row %d of %d, want the last", r, h)
		}
		d.key("up")
		if r := row(); r != h-2 {
			t.Errorf("one ↑ moved the highlighted match to row %d of %d, want %d: the window scrolled instead", r, h, h-2)
		}
		want := d.m.filter.Chosen()
		for i := 0; i < h-2; i++ {
			d.key("up")
		}
		if r := row(); r != 0 {
			t.Errorf("%d more ↑ put the highlighted match on row %d, want 0", h-2, r)
		}
		if want == d.m.filter.Chosen() {
			t.Error("↑ did not move the highlight")
		}
		d.settle()
		d.previewFollows("the highlighted match after scrolling")

		// A long query: the input scrolls, the count stays.
		d.typeText(strings.Repeat("config.system.build.", 4))
		lines := strings.Split(d.m.View(), "\n")
		status := lines[len(lines)-2]
		if !strings.Contains(status, "paths") || !strings.HasPrefix(status, "/") {
			t.Errorf("a long query pushed the match count off the status line: %q", status)
		}
		checkFits(t, d.m.View(), 80, 16, "long query")
	})
}

// A full path typed into the filter that is not loaded yet is loaded and
// jumped to (issue 25); a name that is not there says so; a single name
// is a search, never a walk.
func TestFilterJumpsToAnUnloadedPath(t *testing.T) {
	d := fakeDriver(t, piLike(), 120, 30)
	d.settle()
	units := attr.DefaultPath.Child("units")
	if n := d.m.tree.Find(units); n == nil || n.Loaded {
		t.Fatal("units must be there and not loaded for this test")
	}
	d.key("/")
	d.typeText(`config.system.build.units."sshd.service"`)
	d.key("enter")
	d.settle()
	if got, want := d.selectedPath(), units.Child("sshd.service").String(); got != want {
		t.Fatalf("the cursor is on %s, want %s:\n%s", got, want, d.m.View())
	}
	d.key("/")
	d.typeText(`units.nope`)
	d.key("enter")
	d.settle()
	if s := d.m.footer.Status(); !strings.Contains(s, "no nope in config.system.build.units") {
		t.Errorf("status %q", s)
	}
	d.key("/")
	d.typeText("sdimgae")
	d.key("enter")
	d.settle()
	if got := d.selectedPath(); got != attr.DefaultPath.Child("sdImage").String() {
		t.Errorf("a typo lands on %s", got)
	}
}
