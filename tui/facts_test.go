package tui

import (
	"reflect"
	"strings"
	"testing"

	"github.com/nixplore/nixplore/internal/testnix"
	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/resolve"
	"github.com/nixplore/nixplore/tui/components/preview"
)

// The preview and the explain panel show what the configuration says
// (facts) before the catalogue's general text, and the same facts as
// `show`: here a variant of the configuration's own whose SD image is
// not compressed.
func TestPreviewShowsTheConfigurationsFactsFirst(t *testing.T) {
	onEachBackend(t, func(t *testing.T, b backend) {
		d := nixDriverOn(t, b, "ownimage", "", 200, 60)
		d.settle()
		d.selectName("images")
		d.until(func() bool { return d.m.preview.State == preview.Ready && d.m.preview.Desc != nil })
		images := strings.Join(d.m.preview.Lines(1000), "\n")
		if !strings.Contains(images, "image variants:") || !strings.Contains(images, "myboard") || strings.Contains(images, "vmware (older") {
			t.Errorf("images preview:\n%s", images)
		}
		d.key("right")
		d.until(func() bool { return d.m.tree.Find(d.m.preview.Path.Child("myboard")) != nil })
		d.selectName("myboard")
		d.until(func() bool {
			return d.m.preview.State == preview.Ready && d.m.preview.Desc != nil && d.m.preview.Path.Last() == "myboard"
		})
		if d.m.preview.Err != nil {
			t.Fatalf("describe myboard: %v", d.m.preview.Err)
		}
		lines := strings.Join(d.m.preview.Lines(1000), "\n")
		const file = "sd-image/nixos-sd-image-25.05.20250101.0000000-x86_64-linux.img"
		here, general := strings.Index(lines, "in this configuration:"), strings.Index(lines, "in general (")
		if here < 0 || general < here {
			t.Fatalf("facts do not come before the general text:\n%s", lines)
		}
		for _, want := range []string{"- the file inside the result: " + file, "- sdImage.compressImage = false", "- NixOS 25.05 (system.nixos.release)"} {
			if !strings.Contains(lines[here:general], want) {
				t.Errorf("preview lacks %q among the facts:\n%s", want, lines)
			}
		}
		if strings.Contains(lines, ".img.zst") || !strings.Contains(lines, "uncompressed .img") {
			t.Errorf("the general text contradicts compressImage = false:\n%s", lines)
		}
		facts := d.m.preview.Desc.Facts
		d.key("x")
		if !d.m.explain.Open || !reflect.DeepEqual(d.m.explain.X.Facts, facts) {
			t.Fatalf("explain facts %v, preview facts %v", d.m.explain.X.Facts, facts)
		}
		explained := strings.Join(d.m.explain.Lines(1000), "\n")
		for _, f := range facts {
			if !strings.Contains(explained, "- "+f.Text()) {
				t.Errorf("explain panel lacks %q:\n%s", f.Text(), explained)
			}
		}
		if v, ok := facts.Get("sdImage.compressImage"); !ok || v != false {
			t.Errorf("facts: %v", facts)
		}
		if _, ok := facts.Get("variants"); ok {
			t.Errorf("an image has no variants: %v", facts)
		}
	})
}

// The images' preview names the variants known to fail as soon as their
// kinds arrive in the tree, and the explain panel says the same.
func TestPreviewNamesTheFailingVariants(t *testing.T) {
	onEachBackend(t, func(t *testing.T, b backend) {
		testnix.Setup(t)
		flags := testnix.ClassicFlags("ownimage", "")
		flags.SearchPath[1] = "nixos-config=" + testnix.Testdata("configs", "ownimage", "failing.nix")
		tg, err := resolve.Target(flags, testnix.Env(t))
		if err != nil {
			t.Fatal(err)
		}
		d := targetDriverOn(t, b, tg, 200, 60)
		d.settle()
		d.selectName("images")
		d.until(func() bool { return d.m.preview.State == preview.Ready && d.m.preview.Desc != nil })
		if _, ok := d.m.preview.Desc.Facts.Get(nixeval.FailingVariants); ok {
			t.Errorf("no variant was evaluated yet: %v", d.m.preview.Desc.Facts)
		}
		d.key("right")
		d.until(func() bool {
			n := d.m.tree.Find(d.m.preview.Path.Child("broken"))
			return n != nil && n.Kind == nixeval.KindError
		})
		d.until(func() bool {
			v, ok := d.m.preview.Desc.Facts.Get(nixeval.FailingVariants)
			return ok && reflect.DeepEqual(v, []string{"broken"})
		})
		if lines := strings.Join(d.m.preview.Lines(1000), "\n"); !strings.Contains(lines, "- variants known to fail: broken") {
			t.Errorf("images preview:\n%s", lines)
		}
		d.key("x")
		if !d.m.explain.Open || !strings.Contains(strings.Join(d.m.explain.Lines(1000), "\n"), "variants known to fail: broken") {
			t.Errorf("explain panel:\n%s", strings.Join(d.m.explain.Lines(1000), "\n"))
		}
	})
}
