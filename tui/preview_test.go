package tui

import (
	"strings"
	"testing"
)

// TestPreviewFollowsTheCursorThroughTheFilter: `/`, a query with a match
// (the preview shows it), more letters so nothing matches (the preview
// goes back to the tree's cursor), then enter (nothing to jump to: the
// cursor stays, and so does the preview).
func TestPreviewFollowsTheCursorThroughTheFilter(t *testing.T) {
	onEachBackend(t, func(t *testing.T, b backend) {
		d := nixDriverOn(t, b, "pi", "aarch64-linux", 120, 40)
		d.settle()
		d.selectName("kernel")
		d.settle()
		d.previewFollows("on kernel")
		d.key("/")
		d.typeText("sdimage")
		if c := d.m.filter.Chosen(); c == nil || c.Name != "sdImage" {
			t.Fatalf("/sdimage highlights %v", c)
		}
		d.settle()
		d.previewFollows("/sdimage")
		d.typeText("zzz")
		if len(d.m.filter.Matches) != 0 {
			t.Fatalf("/sdimagezzz matches %d paths", len(d.m.filter.Matches))
		}
		d.settle()
		d.previewFollows("/sdimagezzz, no match")
		d.key("enter")
		if d.m.filter.Active || d.selectedPath() != "config.system.build.kernel" {
			t.Fatalf("enter with no match: filter open %v, selected %s", d.m.filter.Active, d.selectedPath())
		}
		d.settle()
		d.previewFollows("enter with no match")
		v := d.m.View()
		if !strings.Contains(v, "path    config.system.build.kernel") || strings.Contains(v, "sd-image") {
			t.Errorf("the screen does not preview kernel:\n%s", v)
		}
		if d.m.preview.Desc == nil || d.m.preview.Desc.Path.String() != "config.system.build.kernel" {
			t.Errorf("the preview holds the description of %+v", d.m.preview.Desc)
		}
		// The same with esc, and with the explanation open (it follows
		// the same node).
		d.key("x", "/")
		d.typeText("toplevel")
		if d.m.explain.Path.String() != "config.system.build.toplevel" {
			t.Errorf("the explanation shows %s while toplevel is highlighted", d.m.explain.Path)
		}
		d.typeText("qqq")
		d.settle()
		d.previewFollows("/toplevelqqq")
		if d.m.explain.Path.String() != "config.system.build.kernel" {
			t.Errorf("with no match the explanation shows %s, the cursor is on kernel", d.m.explain.Path)
		}
		d.key("esc")
		d.settle()
		d.previewFollows("esc")
	})
}
