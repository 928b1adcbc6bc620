package tui

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nixplore/nixplore/internal/testnix"
	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/tui/components/preview"
	"github.com/nixplore/nixplore/tui/components/tree"
)

// nixWith lists the running processes whose command line holds marker.
func nixWith(marker string) []string {
	var out []string
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		cl, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err == nil && strings.Contains(string(cl), marker) {
			out = append(out, e.Name()+": "+strings.ReplaceAll(string(cl), "\x00", " "))
		}
	}
	return out
}

// waitNix delivers the messages that arrive until Nix runs with marker,
// so cancelling it proves something.
func (d *driver) waitNix(marker, what string) {
	d.t.Helper()
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); {
		select {
		case msg := <-d.msgs:
			d.pending--
			d.deliver(msg)
		case <-time.After(20 * time.Millisecond):
		}
		if len(nixWith(marker)) > 0 {
			return
		}
	}
	d.t.Fatalf("no Nix process for %s ever ran", what)
}

// waitGone fails unless every process with marker ends within 2 s.
func waitGone(t *testing.T, marker, what string) {
	t.Helper()
	start := time.Now()
	for time.Since(start) < 2*time.Second && len(nixWith(marker)) > 0 {
		time.Sleep(20 * time.Millisecond)
	}
	if left := nixWith(marker); len(left) > 0 {
		t.Errorf("%s: Nix still running 2s after esc: %v", what, left)
	}
}

// TestEscCancelsASlowEvaluation stops, with esc, evaluations of the slow
// fixture sized to take far longer than the test (NIXPLORE_SLOW_N): the
// start listing, a description and a listing. The node shows "cancelled",
// not an error, the Nix process is gone within 2 s, and r evaluates again.
func TestEscCancelsASlowEvaluation(t *testing.T) {
	testnix.Setup(t)
	// A marker argument (Nix passes only the arguments a function
	// declares, so it changes nothing) finds this test's Nix processes.
	marker := fmt.Sprintf("nixplore-esc-marker-%d", time.Now().UnixNano())
	tg := testnix.Classic(t, "slow", "")
	tg.Args = append(tg.Args, nixeval.Arg{Name: marker, Value: "1"})
	t.Setenv("NIXPLORE_SLOW_N", "200000000")
	d := targetDriver(t, tg, 100, 30)

	// The start listing.
	d.waitNix(marker, "the start listing")
	if !d.m.c.Keys.CancelEval.Enabled() || !strings.Contains(d.m.View(), "esc cancel") {
		t.Errorf("esc is not offered while loading:\n%s", d.m.View())
	}
	d.key("esc")
	root := d.m.tree.Root
	if root.Loading || !root.Cancelled || root.ListErr != "" || d.m.State() != "ready" {
		t.Errorf("after esc: loading %v, cancelled %v, listErr %q, state %s", root.Loading, root.Cancelled, root.ListErr, d.m.State())
	}
	waitGone(t, marker, "start listing")
	d.settle()
	v := d.m.View()
	if tl := d.treeView(80, 5); !strings.Contains(tl, "config.system.build (cancelled)") ||
		strings.Contains(v, "ERR") || strings.Contains(v, "failed") || !strings.Contains(v, "cancelled: r evaluates it again") {
		t.Errorf("the cancelled start node:\n%s", v)
	}
	// Info may have answered before esc; if not, it was cancelled too.
	if d.m.header.Info == nil && !strings.Contains(v, "platform and Nix version not read (cancelled; r reads them)") {
		t.Errorf("the header does not say its facts were cancelled:\n%s", v)
	}
	if root.ListErr != "" || d.m.preview.Err != nil || d.m.State() != "ready" {
		t.Errorf("cancel reported as an error: %q %v, state %s (%v)", root.ListErr, d.m.preview.Err, d.m.State(), d.m.fatal)
	}

	// r lists it again; with a small workload it completes.
	t.Setenv("NIXPLORE_SLOW_N", "100000")
	d.key("r")
	if !root.Loading || root.Cancelled {
		t.Fatalf("r did not list again: loading %v, cancelled %v", root.Loading, root.Cancelled)
	}
	d.settle()
	if !root.Loaded || d.m.header.Info == nil {
		t.Fatalf("after r: loaded %v, info %v\n%s", root.Loaded, d.m.header.Info, d.m.View())
	}

	// A description (the preview of groups).
	t.Setenv("NIXPLORE_SLOW_N", "200000000")
	d.selectName("groups")
	if d.m.preview.State != preview.Loading {
		t.Fatalf("preview state %s", d.m.preview.State)
	}
	d.waitNix(marker, "the description")
	d.key("esc")
	if d.m.preview.State != preview.Cancelled {
		t.Errorf("esc: preview state %s", d.m.preview.State)
	}
	waitGone(t, marker, "description")
	d.settle()
	if v := d.m.View(); !strings.Contains(v, "cancelled: r evaluates it again") || d.m.preview.Err != nil {
		t.Errorf("cancelled preview:\n%s", v)
	}

	// A listing (expanding groups).
	d.key("l")
	g := d.m.pane.Selected()
	if !g.Loading {
		t.Fatal("l did not list groups")
	}
	d.waitNix(marker, "the listing")
	d.key("esc")
	if g.Loading || !g.Cancelled {
		t.Errorf("esc on a listing: loading %v cancelled %v", g.Loading, g.Cancelled)
	}
	waitGone(t, marker, "listing")
	d.settle()
	if v := d.treeView(80, 30); !strings.Contains(v, "groups (cancelled)") {
		t.Errorf("cancelled listing:\n%s", v)
	}
	if d.m.c.Keys.CancelEval.Enabled() {
		t.Error("esc still offered with nothing running")
	}
	t.Setenv("NIXPLORE_SLOW_N", "100000")
	d.key("r")
	d.settle()
	if !g.Loaded || g.Cancelled || len(g.Children) != 4 {
		t.Errorf("r after cancel: loaded %v, cancelled %v, %d children\n%s", g.Loaded, g.Cancelled, len(g.Children), d.m.View())
	}
}

// TestEscNeverMarksAListedNodeCancelled: esc while a listed set is listed
// again (r, or the re-check of a cached answer) stops that request, and
// the set keeps its children with no "(cancelled)" mark: only a set that
// was never listed is marked.
func TestEscNeverMarksAListedNodeCancelled(t *testing.T) {
	onEachBackend(t, func(t *testing.T, b backend) {
		d := nixDriverOn(t, b, "pi", "aarch64-linux", 100, 30)
		d.settle()
		d.selectName("units")
		d.key("l")
		d.settle()
		units := d.m.pane.Selected()
		if !units.Loaded || len(units.Children) != 4 {
			t.Fatalf("units: loaded %v, %d children", units.Loaded, len(units.Children))
		}
		for _, n := range []*tree.Node{units, d.m.tree.Root} {
			d.m.pane.SelectNode(n)
			d.exec(d.m.selectionChanged())
			d.settle()
			d.key("r")
			if !n.Loading {
				t.Fatalf("r on %s did not list it again", n.Path)
			}
			if !d.m.c.Keys.CancelEval.Enabled() {
				t.Errorf("esc is not offered while %s is listed again", n.Path)
			}
			d.key("esc")
			if n.Loading || n.Cancelled || !n.Loaded {
				t.Errorf("esc on %s listed again: loading %v, cancelled %v, loaded %v", n.Path, n.Loading, n.Cancelled, n.Loaded)
			}
			if tl := d.treeView(100, 40); strings.Contains(tl, "(cancelled)") || !strings.Contains(tl, `"sshd.service"`) {
				t.Errorf("esc on %s listed again:\n%s", n.Path, tl)
			}
			if !strings.Contains(d.m.footer.Status(), "cancelled the new listing") {
				t.Errorf("the status does not say what esc stopped: %q", d.m.footer.Status())
			}
			d.settle()
			if n.Cancelled || n.Loading || len(n.Children) == 0 || strings.Contains(d.treeView(100, 40), "(cancelled)") {
				t.Errorf("after the cancelled answer came in, %s: cancelled %v, %d children\n%s", n.Path, n.Cancelled, len(n.Children), d.treeView(100, 40))
			}
			if d.m.c.Keys.CancelEval.Enabled() {
				t.Error("esc still offered with nothing running")
			}
		}
	})
}

// TestQuitCancelsRemember: writing a listing completed kind by kind to the
// disk cache belongs to no request, but quitting stops it: a slow write
// must not keep nixplore from exiting (Wait).
func TestQuitCancelsRemember(t *testing.T) {
	ev := piLike()
	started := make(chan struct{}, 1)
	ev.remembering = func(ctx context.Context) {
		started <- struct{}{}
		<-ctx.Done() // a write that ends only when cancelled
	}
	d := newDriver(t, Config{Target: fakeTarget(), Eval: ev, Platform: pinnedPlatform}, 100, 30)
	timeout := time.After(30 * time.Second)
	for waiting := true; waiting; {
		select {
		case msg := <-d.msgs:
			d.pending--
			d.deliver(msg)
		case <-started:
			waiting = false
		case <-timeout:
			t.Fatalf("the listing was never remembered; view:\n%s", d.m.View())
		}
	}
	d.key("q")
	if !d.quit {
		d.until(func() bool { return d.quit })
	}
	if !d.m.Wait(5 * time.Second) {
		t.Fatal("the disk-cache write still runs 5s after q")
	}
}
