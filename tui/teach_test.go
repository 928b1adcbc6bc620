package tui

import (
	"slices"
	"strings"
	"testing"

	"github.com/nixplore/nixplore/internal/testnix"
	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/tui/components/preview"
	"github.com/nixplore/nixplore/tui/components/tree"
)

func absentVariants(n *tree.Node) []string {
	if n.Absent == nil {
		return nil
	}
	return n.Absent.Variants
}

func TestAbsentOutputsToggle(t *testing.T) {
	onEachBackend(t, func(t *testing.T, b backend) {
		d := nixDriverOn(t, b, "pi", "aarch64-linux", 120, 50)
		d.settle()
		if !d.m.c.Keys.Absent.Enabled() || d.m.c.Keys.Absent.Help().Desc != "show absent" {
			t.Fatalf("a: enabled %v, help %q", d.m.c.Keys.Absent.Enabled(), d.m.c.Keys.Absent.Help().Desc)
		}
		for _, n := range d.m.tree.Visible {
			if n.Absent != nil {
				t.Fatalf("absent output %s shown before a", n.Name)
			}
		}
		before := len(d.m.tree.Visible)
		d.key("a")
		if d.m.c.Keys.Absent.Help().Desc != "hide absent" {
			t.Errorf("help after a: %q", d.m.c.Keys.Absent.Help().Desc)
		}
		// The names of images (one request, no variant evaluated) let the
		// advice name only variants this configuration has.
		d.settle()
		variants := d.m.tree.ImageVariants()
		if len(variants) == 0 {
			t.Fatal("a did not read the names of images")
		}
		for _, n := range d.m.tree.Visible {
			for _, v := range absentVariants(n) {
				if !slices.Contains(variants, v) {
					t.Errorf("%s's advice names images.%s, which this configuration does not have", n.Name, v)
				}
			}
		}
		// A Pi configuration has sdImage but not the installer ISO.
		var iso *tree.Node
		for _, n := range d.m.tree.Visible {
			if n.Name == "sdImage" && n.Absent != nil {
				t.Error("sdImage, which the Pi has, is listed as absent")
			}
			if n.Name == "isoImage" {
				iso = n
			}
		}
		if iso == nil || iso.Absent == nil || iso.Kind != nixeval.KindAbsent {
			t.Fatalf("isoImage not listed as absent: %+v", iso)
		}
		if lines := strings.Join(d.visibleLines(), "\n"); !strings.Contains(lines, "--- isoImage") {
			t.Errorf("absent outputs are not tagged ---:\n%s", lines)
		}
		d.selectName("isoImage")
		if d.m.preview.State != preview.Ready || len(d.m.cancels) != 0 {
			t.Errorf("an absent output is sent to Nix: preview %s, %d requests", d.m.preview.State, len(d.m.cancels))
		}
		v := d.m.View()
		flat := strings.Join(strings.Fields(v), " ")
		for _, want := range []string{"isoImage (absent)", "not in this configuration", "get it", "source"} {
			if !strings.Contains(v, want) && !strings.Contains(flat, want) {
				t.Errorf("absent preview lacks %q:\n%s", want, v)
			}
		}
		// How to get it, in full: the installer modules to import.
		how := iso.Absent.HowToGet()
		if whole := strings.Join(d.m.preview.Lines(1000), "\n"); !strings.Contains(how, "<nixpkgs/nixos/modules/installer/cd-dvd/") || !strings.Contains(whole, how) {
			t.Errorf("the preview does not say how to get isoImage (%q):\n%s", how, whole)
		}
		k := d.m.c.Keys
		if k.Build.Enabled() || k.CopyCmd.Enabled() || k.Explain.Enabled() {
			t.Errorf("on an absent output: build %v, copy cmd %v, explain %v enabled", k.Build.Enabled(), k.CopyCmd.Enabled(), k.Explain.Enabled())
		}
		d.key("l", "b", "c", "x")
		if iso.Expanded || iso.Loading || d.m.build.Active() || d.m.explain.Open || len(d.m.cancels) != 0 {
			t.Errorf("keys acted on an absent output: expanded %v, loading %v, build %v, explain %v, %d requests",
				iso.Expanded, iso.Loading, d.m.build.Active(), d.m.explain.Open, len(d.m.cancels))
		}
		// Re-listing the set keeps them; a hides them again.
		d.selectName("sdImage")
		d.key("r")
		d.settle()
		if d.m.tree.Find(iso.Path) == nil {
			t.Error("re-evaluating dropped the absent outputs")
		}
		d.key("a")
		if len(d.m.tree.Visible) != before || d.m.tree.Find(iso.Path) != nil {
			t.Errorf("a did not hide them: %d visible, was %d", len(d.m.tree.Visible), before)
		}
	})
}

func TestExplainPanel(t *testing.T) {
	onEachBackend(t, func(t *testing.T, b backend) {
		d := nixDriverOn(t, b, "pi", "aarch64-linux", 120, 40)
		d.settle()
		d.selectName("sdImage")
		d.settle()
		d.key("x")
		if !d.m.explain.Open {
			t.Fatal("x did not open the explanation")
		}
		all := strings.Join(d.m.explain.Lines(d.m.previewWidth()), "\n")
		// Lines wrap between words, so a phrase may span two of them.
		flat := strings.Join(strings.Fields(all), " ")
		for _, want := range []string{"How config.system.build.sdImage is built", "$ nix-build '<nixpkgs/nixos>' -A config.system.build.sdImage",
			"A path looked up in the search path", "-I nixos-config=", "--argstr system aarch64-linux", "mkDefault"} {
			if !strings.Contains(flat, want) {
				t.Errorf("explanation lacks %q:\n%s", want, all)
			}
		}
		v := d.m.View()
		checkFits(t, v, 120, 40, "explain")
		if !strings.Contains(v, "How config.system.build.sdImage") || !strings.Contains(v, "more lines (J/K scroll)") {
			t.Errorf("explain panel not shown, or not scrollable:\n%s", v)
		}
		d.key("J")
		if d.m.explain.Pager().Offset() == 0 || strings.Contains(d.m.View(), "How config.system.build.sdImage") {
			t.Errorf("J did not scroll the explanation (scroll %d)", d.m.explain.Pager().Offset())
		}
		// It follows the cursor: toplevel has a nixos-rebuild equivalent.
		d.selectName("toplevel")
		all = strings.Join(d.m.explain.Lines(d.m.previewWidth()), "\n")
		if !strings.Contains(all, "-A config.system.build.toplevel") || !strings.Contains(all, "nixos-rebuild build") {
			t.Errorf("explanation of toplevel:\n%s", all)
		}
		if d.m.explain.Pager().Offset() != 0 {
			t.Errorf("a new node's explanation starts scrolled to %d", d.m.explain.Pager().Offset())
		}
		d.key("esc")
		if d.m.explain.Open {
			t.Error("esc did not close the explanation")
		}
		if !strings.Contains(d.m.View(), "path    config.system.build.toplevel") {
			t.Errorf("the preview is not back:\n%s", d.m.View())
		}
		d.key("x", "x")
		if d.m.explain.Open {
			t.Error("x did not close the explanation")
		}
	})
}

// TestFlakeTarget explores nixosConfigurations.pi of the test flake: the
// header names flake#host, a set expands, the preview and the explanation
// use the flake's own command.
func TestFlakeTarget(t *testing.T) {
	testnix.Setup(t)
	tg := testnix.Flake(t, "pi")
	d := targetDriver(t, tg, 200, 50)
	d.settle()
	if d.m.State() != "ready" {
		t.Fatalf("state %s:\n%s", d.m.State(), d.m.View())
	}
	header := strings.SplitN(d.m.View(), "\n", 3)
	if !strings.Contains(header[0], "nixplore path:") || !strings.HasSuffix(strings.TrimSpace(header[0]), "/flake#pi") {
		t.Errorf("header does not name flake#host: %q", header[0])
	}
	if !strings.Contains(header[1], "system aarch64-linux") {
		t.Errorf("header platform: %q", header[1])
	}
	d.selectName("manual")
	d.key("l")
	d.settle()
	d.selectName("manualHTML")
	d.settle()
	v := d.m.View()
	// The preview wraps between words: a phrase may span two lines.
	preview := strings.Join(strings.Fields(strings.Join(d.m.preview.Lines(d.m.previewWidth()), " ")), " ")
	for _, want := range []string{"drv manualHTML", "nixos-manual-html", ".drv", "flakes' build 'path:", "#nixosConfigurations.pi.config.system.build.manual.manualHTML"} {
		if !strings.Contains(strings.Join(strings.Fields(v), " "), want) && !strings.Contains(v, want) && !strings.Contains(preview, want) {
			t.Errorf("flake view lacks %q:\n%s", want, v)
		}
	}
	d.key("x")
	all := strings.Join(d.m.explain.Lines(100), "\n")
	for _, want := range []string{"The flake, the directory " + tg.FlakeDir, "#nixosConfigurations.pi.config.system.build.manual.manualHTML"} {
		if !strings.Contains(all, want) {
			t.Errorf("flake explanation lacks %q:\n%s", want, all)
		}
	}
}

// TestExplainNotesWhatInfoRevealed: an explanation opened before the
// header's facts (Evaluator.Info) arrive gains, once they do, the note that
// --system is ignored.
func TestExplainNotesWhatInfoRevealed(t *testing.T) {
	d := nixDriver(t, "hostplatform", "x86_64-linux", 120, 40)
	d.settle()
	info := d.m.header.Info
	if info == nil || !info.SystemIgnored() {
		t.Fatalf("the fixture's --system is not ignored: %+v", info)
	}
	d.m.header.Info = nil // as if Info were still running
	d.key("x")
	if all := strings.Join(d.m.explain.Lines(100), "\n"); strings.Contains(all, "hostPlatform is") {
		t.Fatalf("a note without Info:\n%s", all)
	}
	d.send(infoMsg{info: info})
	all := strings.Join(d.m.explain.Lines(100), "\n")
	if !strings.Contains(all, "Note") || !strings.Contains(all, "hostPlatform") {
		t.Errorf("explanation lacks the note on the ignored --system:\n%s", all)
	}
}
