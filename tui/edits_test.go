package tui

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/tui/shared"
)

// The explorer follows edits (issue 24): a save, with no key pressed,
// marks the row whose value it changed and says so in the footer; the
// row's preview says it changed; a half-edited save shows its error and
// keeps the marks. The file is really written and really watched
// (fsnotify); the evaluation is the fake's.
func TestExplorerMarksWhatAnEditChanged(t *testing.T) {
	dir := t.TempDir()
	conf := filepath.Join(dir, "configuration.nix")
	if err := os.WriteFile(conf, []byte("{ }\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ev := piLike()
	sd := attr.DefaultPath.Child("sdImage")
	var edited, broken, asked atomic.Bool
	base := ev.descs[sd.String()].DrvPath
	ev.valuing = func(ctx context.Context, paths []attr.Path) ([]nixeval.Value, error) {
		asked.Store(true)
		if broken.Load() {
			return nil, errors.New("error: syntax error, unexpected end of file")
		}
		out := make([]nixeval.Value, len(paths))
		for i, p := range paths {
			out[i] = nixeval.Value{Kind: nixeval.KindDerivation, DrvPath: "/nix/store/" + strings.Repeat("a", 32) + "-" + p.Last() + ".drv"}
			if p.Equal(sd) {
				out[i].DrvPath = base
				if edited.Load() {
					out[i].DrvPath = "/nix/store/" + strings.Repeat("b", 32) + "-nixos-sd-image.drv"
				}
			}
		}
		return out, nil
	}
	d := newDriver(t, Config{Target: fakeTarget(), Eval: ev, Platform: pinnedPlatform,
		Watch: &shared.WatchConfig{Watched: func() ([]string, []string) { return []string{conf}, nil }, Quiet: 50 * time.Millisecond}}, 120, 30)
	d.until(func() bool { return d.m.state == stateReady && d.m.edits.Seen(sd) })
	if !d.m.edits.Seen(sd) {
		t.Fatalf("no baseline of the rows on screen:\n%s", d.m.View())
	}

	edited.Store(true)
	if err := os.WriteFile(conf, []byte("{ sdImage.compressImage = true; }\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	want := "your edit to configuration.nix changed 1 output"
	d.until(func() bool { return strings.Contains(d.m.footer.Status(), want) })
	if s := d.m.footer.Status(); !strings.Contains(s, want) {
		t.Fatalf("footer %q, want %q", s, want)
	}
	if r := rowOf(t, d, "sdImage"); !strings.Contains(r, "sdImage ✎") {
		t.Errorf("the changed row is not marked: %q", r)
	}
	if r := rowOf(t, d, "kernel"); strings.Contains(r, "✎") {
		t.Errorf("an unchanged row is marked: %q", r)
	}
	d.selectName("sdImage")
	d.until(func() bool {
		return strings.Contains(strings.Join(d.m.preview.Lines(120), "\n"), "changed with your latest edit")
	})
	if v := strings.Join(d.m.preview.Lines(120), "\n"); !strings.Contains(v, "edited") || !strings.Contains(v, "changed with your latest edit") {
		t.Errorf("the preview does not say the edit changed it:\n%s", v)
	}

	// A half-edited save: its error, the marks and the tree stay.
	broken.Store(true)
	if err := os.WriteFile(conf, []byte("{ sdImage.compressImage = \n"), 0o644); err != nil {
		t.Fatal(err)
	}
	d.until(func() bool { return strings.Contains(d.m.footer.Status(), "does not evaluate") })
	if s := d.m.footer.Status(); !strings.Contains(s, "your edit to configuration.nix does not evaluate: error: syntax error") {
		t.Errorf("footer %q", s)
	}
	if r := rowOf(t, d, "sdImage"); !strings.Contains(r, "✎") {
		t.Errorf("the half-edited save lost the marks: %q", r)
	}
}

// D switches the marks to git HEAD's evaluation and back (issue 24).
func TestBaselineSwitchesToGitHead(t *testing.T) {
	ev := piLike()
	sd := attr.DefaultPath.Child("sdImage")
	same := func(paths []attr.Path, sdDrv string) []nixeval.Value {
		out := make([]nixeval.Value, len(paths))
		for i, p := range paths {
			out[i] = nixeval.Value{Kind: nixeval.KindDerivation, DrvPath: "/nix/store/" + strings.Repeat("a", 32) + "-" + p.Last() + ".drv"}
			if p.Equal(sd) {
				out[i].DrvPath = sdDrv
			}
		}
		return out
	}
	ev.valuing = func(_ context.Context, paths []attr.Path) ([]nixeval.Value, error) {
		return same(paths, "/nix/store/"+strings.Repeat("n", 32)+"-sd.drv"), nil
	}
	var headAsked atomic.Int32
	head := func(_ context.Context, paths []attr.Path) ([]nixeval.Value, string, error) {
		headAsked.Add(1)
		return same(paths, "/nix/store/"+strings.Repeat("h", 32)+"-sd.drv"), "HEAD (0123456789ab)", nil
	}
	dir := t.TempDir() // once: Watched is called from Cmds, maybe after the test
	d := newDriver(t, Config{Target: fakeTarget(), Eval: ev, Platform: pinnedPlatform,
		Watch: &shared.WatchConfig{Watched: func() ([]string, []string) { return nil, []string{dir} }, Quiet: 50 * time.Millisecond, Head: head}}, 120, 40)
	d.until(func() bool { return d.m.state == stateReady && d.m.edits.Seen(sd) })
	if !d.m.c.Keys.Baseline.Enabled() {
		t.Fatal("D is not enabled for a configuration in git")
	}
	d.key("D")
	d.until(func() bool { return strings.Contains(d.m.footer.Status(), "against HEAD") })
	if s := d.m.footer.Status(); s != "against HEAD (0123456789ab): 1 output on screen differs" {
		t.Errorf("footer %q", s)
	}
	if r := rowOf(t, d, "sdImage"); !strings.Contains(r, "sdImage ✎") {
		t.Errorf("sdImage, which differs from HEAD, is not marked: %q", r)
	}
	if r := rowOf(t, d, "kernel"); strings.Contains(r, "✎") {
		t.Errorf("kernel is marked: %q", r)
	}
	d.key("D")
	if r := rowOf(t, d, "sdImage"); strings.Contains(r, "✎") {
		t.Errorf("back to the previous evaluation (no edit yet), sdImage is still marked: %q", r)
	}
	if headAsked.Load() != 1 {
		t.Errorf("HEAD asked %d times", headAsked.Load())
	}
}
