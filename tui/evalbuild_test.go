package tui

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/nixplore/nixplore/internal/testnix"
	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/nixeval/diag"
	"github.com/nixplore/nixplore/tui/components/askpanel"
	"github.com/nixplore/nixplore/tui/components/preview"
	"github.com/nixplore/nixplore/tui/components/tree"
)

// TestEvalBuildInFooter: while a kind waits for a build during evaluation
// the footer says which derivation is built and for how long; esc cancels
// it (no builder left, the row cancelled), and r asks again.
func TestEvalBuildInFooter(t *testing.T) {
	onEachBackend(t, func(t *testing.T, b backend) {
		testnix.Setup(t)
		salt := fmt.Sprintf("tui-ifd-%s-%d", b.name, time.Now().UnixNano())
		t.Setenv("NIXPLORE_SALT", salt)
		t.Setenv("NIXPLORE_IFD_SLEEP", "300")
		d := nixDriverOn(t, b, "ifd", "", 160, 30)
		footer := func() string { return strings.Join(d.m.statusLines(160), "\n") }
		d.until(func() bool { return strings.Contains(footer(), "building gen-foo for evaluation") })
		f := footer()
		if !strings.Contains(f, "esc cancels") || !strings.Contains(f, "nix-store -l /nix/store/") {
			t.Errorf("footer: %s", f)
		}
		if !d.m.c.Keys.CancelEval.Enabled() {
			t.Error("esc is not offered while a build for evaluation runs")
		}
		d.key("esc")
		if !strings.Contains(d.m.footer.Status(), "cancelled building gen-foo for evaluation") {
			t.Errorf("status after esc: %q", d.m.footer.Status())
		}
		var gen *tree.Node
		for _, n := range d.m.tree.Visible {
			if n.Name == "generated" {
				gen = n
			}
		}
		if gen == nil || !gen.Cancelled || gen.Kind != nixeval.KindPending {
			t.Fatalf("generated after esc: %+v", gen)
		}
		// The explorer keeps handling messages meanwhile, as the real
		// program does: a request that meets the cancelled build after
		// esc is cancelled when its notice is handled.
		deadline := time.Now().Add(5 * time.Second)
		for len(testnix.Marked("nixplore-ifd-marker", salt)) > 0 && time.Now().Before(deadline) {
			d.until(func() bool {
				return len(testnix.Marked("nixplore-ifd-marker", salt)) == 0 || time.Now().After(deadline)
			})
			time.Sleep(20 * time.Millisecond)
		}
		if left := testnix.Marked("nixplore-ifd-marker", salt); len(left) > 0 {
			t.Errorf("builders left after esc: %+v", left)
		}
		d.settle()
		if gen.KindReq != 0 {
			t.Error("the cancelled kind was asked again without r")
		}
		d.selectName("generated")
		d.key("r")
		if gen.Cancelled || gen.KindReq == 0 {
			t.Errorf("r did not ask for the kind again: cancelled %v, request %d", gen.Cancelled, gen.KindReq)
		}
		d.until(func() bool { return strings.Contains(footer(), "building gen-foo for evaluation") })
	})
}

// TestEvalBuildOfAnotherProcess: another Nix process (a nix-build in the
// user's other terminal) builds the derivation the evaluation needs. The
// footer says the explorer waits for it; esc stops the wait and leaves the
// other build alone; a request that meets the same build after esc (the
// preview of the cancelled row) is cancelled as it arrives, until r.
func TestEvalBuildOfAnotherProcess(t *testing.T) {
	onEachBackend(t, func(t *testing.T, b backend) {
		testnix.Setup(t)
		salt := fmt.Sprintf("tui-ifd-lock-%s-%d", b.name, time.Now().UnixNano())
		t.Setenv("NIXPLORE_SALT", salt)
		t.Setenv("NIXPLORE_IFD_SLEEP", "300")
		testnix.AnotherNixBuilding(t, "ifd", "generated", "nixplore-ifd-marker", salt)
		d := nixDriverOn(t, b, "ifd", "", 160, 30)
		footer := func() string { return strings.Join(d.m.statusLines(160), "\n") }
		d.until(func() bool {
			return strings.Contains(footer(), "waiting for gen-foo for evaluation (another Nix process builds it)")
		})
		if f := footer(); !strings.Contains(f, "esc cancels") || !strings.Contains(f, "nix-store -l /nix/store/") {
			t.Errorf("footer: %s", f)
		}
		d.key("esc")
		if !strings.Contains(d.m.footer.Status(), "cancelled building gen-foo for evaluation") {
			t.Errorf("status after esc: %q", d.m.footer.Status())
		}
		d.selectName("generated")
		d.until(func() bool { return d.m.preview.State == preview.Cancelled })
		if d.m.preview.State != preview.Cancelled || !strings.Contains(d.m.footer.Status(), "again (esc stopped it)") {
			t.Errorf("the preview met the cancelled build: state %v, status %q", d.m.preview.State, d.m.footer.Status())
		}
		if left := testnix.Marked("nixplore-ifd-marker", salt); len(left) != 1 {
			t.Errorf("builders of gen-foo: %+v (want the other process's alone)", left)
		}
	})
}

// TestEvalBuildLogPanel: once a request has waited for a build during
// evaluation, L shows that build's log (nix-store -l), from its end; the
// panel fits every size, scrolls, and esc closes it. A build Nix has no log
// of gets Nix's own error in the panel.
func TestEvalBuildLogPanel(t *testing.T) {
	onEachBackend(t, func(t *testing.T, b backend) {
		testnix.Setup(t)
		t.Setenv("NIXPLORE_SALT", fmt.Sprintf("tui-ifd-log-%s-%d", b.name, time.Now().UnixNano()))
		t.Setenv("NIXPLORE_IFD_SLEEP", "1")
		d := nixDriverOn(t, b, "ifd", "", 100, 24)
		if d.m.c.Keys.EvalLog.Enabled() && d.m.lastEvalBuild == nil {
			t.Error("L is offered before any build during evaluation")
		}
		d.until(func() bool { return d.m.lastEvalBuild != nil })
		gen := d.m.tree.Find(attr.Path{"config", "system", "build", "generated"})
		d.until(func() bool { return gen != nil && gen.Kind == nixeval.KindAttrs && len(d.m.building) == 0 })
		if !d.m.c.Keys.EvalLog.Enabled() {
			t.Fatal("L is not offered after a build during evaluation")
		}
		d.key("L")
		if !d.m.evalLog.Active() {
			t.Fatal("L did not open the log panel")
		}
		d.until(func() bool { return !d.m.evalLog.Loading() })
		if d.m.evalLog.State != askpanel.Ready {
			t.Fatalf("log %s: %v", d.m.evalLog.State, d.m.evalLog.Err)
		}
		view := d.m.View()
		for _, want := range []string{"Log of gen-foo, built for evaluation (esc closes): nix-store -l /nix/store/", "gen-foo: step 30 of 30"} {
			if !strings.Contains(view, want) {
				t.Errorf("the panel lacks %q:\n%s", want, view)
			}
		}
		if strings.Contains(view, "generating a Nix file") || !d.m.evalLog.Pg.AtBottom() {
			t.Errorf("the panel does not open at the log's end:\n%s", view)
		}
		d.key("g")
		if !strings.Contains(d.m.View(), "generating a Nix file") {
			t.Errorf("g did not reach the log's start:\n%s", d.m.View())
		}
		for _, sz := range [][2]int{{60, 15}, {80, 24}, {133, 41}, {300, 100}} {
			d.send(tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
			checkFits(t, d.m.View(), sz[0], sz[1], "log panel")
		}
		d.key("esc")
		if d.m.evalLog.Active() {
			t.Fatal("esc did not close the log panel")
		}

		// A derivation never built here: Nix has no log of it.
		d.m.lastEvalBuild = &diag.EvalBuild{Drv: "/nix/store/00000000000000000000000000000000-never-built.drv", Name: "never-built"}
		d.key("L")
		d.until(func() bool { return !d.m.evalLog.Loading() })
		body := strings.Join(d.m.evalLog.Body(200), "\n")
		if d.m.evalLog.State != askpanel.Failed || !strings.Contains(body, "No log of never-built:\n  error: build log of derivation '/nix/store/00000000000000000000000000000000-never-built.drv' is not available") {
			t.Errorf("log of a derivation never built (%s):\n%s", d.m.evalLog.State, body)
		}
		d.key("L")
		if d.m.evalLog.Active() {
			t.Error("L did not close the log panel")
		}
	})
}

// TestListingOpenedByAKindWaitsForItsBuilds: → on a row whose kind is not
// known yet opens it once the kind says it is a set; the listing that
// starts then reports the builds its evaluation waits for, as every
// request does (the footer, esc). Its waiter is state of the model that
// opens the row, and is lost if that model is.
func TestListingOpenedByAKindWaitsForItsBuilds(t *testing.T) {
	ev := piLike()
	manual := attr.DefaultPath.Child("manual")
	gate, listed := make(chan struct{}), make(chan struct{})
	ev.kinding = func(ctx context.Context, children []nixeval.Child) error {
		for _, c := range children {
			if c.Path.Equal(manual) {
				select { // manual stays pending until → is pressed
				case <-gate:
				case <-ctx.Done():
					return ctx.Err()
				}
			}
		}
		return nil
	}
	ev.naming = func(ctx context.Context, p attr.Path) {
		if !p.Equal(manual) {
			return
		}
		nixeval.EvalBuildLines(ctx)("building '/nix/store/" + strings.Repeat("a", 32) + "-gen-foo.drv'...")
		select { // the listing waits for its build until the test has seen it
		case <-listed:
		case <-ctx.Done():
		}
	}
	d := newDriver(t, Config{Target: fakeTarget(), Eval: ev, Platform: pinnedPlatform}, 120, 30)
	d.until(func() bool { return d.m.state == stateReady })
	d.selectName("manual")
	if n := d.m.pane.Selected(); n.Kind != nixeval.KindPending {
		t.Fatalf("manual is %s before →, want pending", n.Kind)
	}
	d.key("right")
	close(gate)
	footer := func() string { return strings.Join(d.m.statusLines(120), "\n") }
	d.until(func() bool { return strings.Contains(footer(), "gen-foo") })
	if !strings.Contains(footer(), "gen-foo") {
		t.Errorf("the listing's build is not in the footer: %q", footer())
	}
	close(listed)
	d.settle()
	if n := d.m.tree.Find(manual); n == nil || !n.Expanded || !n.Loaded {
		t.Errorf("manual after its kind and its listing: %+v", n)
	}
}
