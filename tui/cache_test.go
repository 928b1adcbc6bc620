package tui

import (
	"strings"
	"testing"

	"github.com/nixplore/nixplore/cache"
	"github.com/nixplore/nixplore/internal/testnix"
	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/warm"
)

// cachedDriver opens pi with the real disk cache in dir.
func cachedDriver(t *testing.T, dir string) *driver {
	t.Helper()
	testnix.Setup(t)
	tg := testnix.Classic(t, "pi", "aarch64-linux")
	tools := nixeval.Tools{}
	if err := tools.LookPath(); err != nil {
		t.Fatal(err)
	}
	c, err := cache.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	ev := nixeval.New(tg, tools)
	ev.Backend = warm.NewTrackedOneShot(tg, tools)
	ev.Cache = c
	t.Cleanup(func() { _ = ev.Close() })
	return newDriver(t, Config{Target: tg, Eval: ev, Tools: tools}, 100, 30)
}

// TestCachedAnswersShowAtOnceThenAreRechecked: a second run shows the
// listing and preview from the disk cache, marked, before Nix answers, and
// Nix's answer replaces them.
func TestCachedAnswersShowAtOnceThenAreRechecked(t *testing.T) {
	dir := t.TempDir()
	first := cachedDriver(t, dir)
	first.settle()
	if first.m.State() != "ready" {
		t.Fatalf("first run: %s", first.m.State())
	}

	d := cachedDriver(t, dir)
	var sawCachedTree, sawCachedPreview bool
	d.observe = func() {
		v := d.m.View()
		sawCachedTree = sawCachedTree || strings.Contains(v, "config.system.build (cached)")
		sawCachedPreview = sawCachedPreview || strings.Contains(v, "cached answer, re-checking")
	}
	d.settle()
	if !sawCachedTree || !sawCachedPreview {
		t.Errorf("cached answers not shown first: tree %v, preview %v", sawCachedTree, sawCachedPreview)
	}
	v := d.m.View()
	if strings.Contains(v, "(cached)") || strings.Contains(v, "re-checking") || d.m.tree.Root.Cached || d.m.preview.Cached {
		t.Errorf("Nix's answer did not replace the cached one:\n%s", v)
	}
	if !strings.Contains(v, "drv sdImage") {
		t.Errorf("tree lost its children:\n%s", v)
	}
}
