package tui

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nixplore/nixplore/internal/testnix"
	"github.com/nixplore/nixplore/tui/components/buildpanel"
	"github.com/nixplore/nixplore/tui/shared"
)

// salt makes the buildfail fixture's derivations new, so they really
// build; it returns the salt, which is in their builders' environment.
func salt(t *testing.T) string {
	v := fmt.Sprintf("tui-%d", time.Now().UnixNano())
	t.Setenv("NIXPLORE_SALT", v)
	return v
}

// markerBuilders are the running builders of slowmarker salted with salt
// (other tests may build their own at the same time).
func markerBuilders(salt string) []string {
	var out []string
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		cl, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err != nil || !bytes.Contains(cl, []byte("nixplore-cancel-marker")) {
			continue
		}
		if env, err := os.ReadFile(filepath.Join("/proc", e.Name(), "environ")); err == nil && bytes.Contains(env, []byte(salt)) {
			out = append(out, e.Name()+": "+string(bytes.ReplaceAll(cl, []byte{0}, []byte{' '})))
		}
	}
	return out
}

func TestBuildPanelPlansThenBuildsWithProgress(t *testing.T) {
	salt(t)
	d := nixDriver(t, "buildfail", "", 100, 40)
	d.settle()
	d.selectName("chain")
	d.settle()
	if !d.m.c.Keys.Build.Enabled() {
		t.Fatal("b is disabled on a derivation")
	}
	d.key("b")
	if d.m.build.State != buildpanel.Planning {
		t.Fatalf("b: panel state %s, want planning", d.m.build.State)
	}
	d.settle()
	if d.m.build.State != buildpanel.Confirm {
		t.Fatalf("after the dry run: state %s, err %v", d.m.build.State, d.m.build.Err)
	}
	v := d.m.View()
	for _, want := range []string{"Build config.system.build.chain", "will build 4 derivations", "chain-step-1", "chain-step-4", "Press enter"} {
		if !strings.Contains(v, want) {
			t.Errorf("plan lacks %q:\n%s", want, v)
		}
	}
	var progress, running bool
	d.observe = func() {
		v := d.m.View()
		progress = progress || strings.Contains(v, "built 1/4 derivations") || strings.Contains(v, "built 2/4 derivations")
		running = running || strings.Contains(v, "running chain-step-")
	}
	d.key("enter")
	if d.m.build.State != buildpanel.Running {
		t.Fatalf("enter: state %s", d.m.build.State)
	}
	d.settle()
	if d.m.build.State != buildpanel.Done {
		t.Fatalf("build ended in state %s: %v\n%s", d.m.build.State, d.m.build.Err, d.m.View())
	}
	if !progress || !running {
		t.Errorf("no live progress seen: counts %v, running builds %v", progress, running)
	}
	v = d.m.View()
	if !strings.Contains(v, "Built in") || !strings.Contains(v, "-chain-step-4") || !strings.Contains(v, "/nix/store/") {
		t.Errorf("result lacks the output path:\n%s", v)
	}
	checkFits(t, v, 100, 40, "build result")
	d.key("esc")
	if d.m.build.Active() {
		t.Error("esc did not close the finished build")
	}
	d.settle()
	if d.m.preview.Desc == nil || len(d.m.preview.Desc.Outputs) == 0 || !d.m.preview.Desc.Outputs[0].Built {
		t.Errorf("the preview does not show the output as built after the build: %+v", d.m.preview.Desc)
	}
}

// slowBuildDriver opens the explorer on the buildfail fixture and builds
// slowmarker (b, enter), returning once Nix reports it running (the
// caller checks that it did).
func slowBuildDriver(t *testing.T) *driver {
	d := nixDriver(t, "buildfail", "", 100, 40)
	d.settle()
	d.selectName("slowmarker")
	d.key("b")
	d.settle()
	d.key("enter")
	d.until(func() bool { return len(d.m.build.Stats.Active) > 0 })
	return d
}

func TestBuildPanelCancelLeavesNoProcess(t *testing.T) {
	mySalt := salt(t)
	d := slowBuildDriver(t)
	if len(d.m.build.Stats.Active) == 0 {
		t.Fatalf("the build never started:\n%s", d.m.View())
	}
	for i := 0; i < 100 && len(markerBuilders(mySalt)) == 0; i++ {
		time.Sleep(20 * time.Millisecond)
	}
	if len(markerBuilders(mySalt)) == 0 {
		t.Fatal("the marker builder is not found running: the check below would prove nothing")
	}
	d.key("esc")
	if !d.m.build.Cancelling {
		t.Error("esc did not cancel")
	}
	start := time.Now()
	d.settle()
	if d.m.build.State != buildpanel.Failed || !strings.Contains(d.m.View(), "Build cancelled") {
		t.Errorf("after cancel: state %s\n%s", d.m.build.State, d.m.View())
	}
	// One cancel message, not "Build cancelled." and "build cancelled".
	if v := strings.ToLower(d.m.View()); strings.Count(v, "cancelled") != 1 {
		t.Errorf("the cancel is said %d times:\n%s", strings.Count(v, "cancelled"), d.m.View())
	}
	if time.Since(start) > 5*time.Second {
		t.Errorf("cancel took %s", time.Since(start))
	}
	// Nix kills its builders as it exits; give them the 2 seconds
	// from the cancel to be gone.
	for time.Since(start) < 2*time.Second && len(markerBuilders(mySalt)) > 0 {
		time.Sleep(20 * time.Millisecond)
	}
	if left := markerBuilders(mySalt); len(left) > 0 {
		t.Errorf("builder still running 2s after cancel: %v", left)
	}
}

func TestBuildPanelExplainsOtherPlatform(t *testing.T) {
	d := nixDriver(t, "pi", "aarch64-linux", 100, 60)
	d.settle()
	d.selectName("sdImage")
	d.settle()
	d.key("b")
	d.settle()
	if d.m.build.State != buildpanel.Confirm {
		t.Fatalf("state %s: %v", d.m.build.State, d.m.build.Err)
	}
	v := d.m.View()
	for _, want := range []string{"cannot build aarch64-linux", "Three ways out", "will build"} {
		if !strings.Contains(v, want) {
			t.Errorf("platform warning lacks %q:\n%s", want, v)
		}
	}
	d.key("esc")
	if d.m.build.Active() {
		t.Error("esc did not close the plan")
	}
}

// TestBuildPanelScrollStopsAtItsEnd: a plan taller than the screen
// scrolls to its last line and no further, so the first ↑ after holding ↓
// moves it at once.
func TestBuildPanelScrollStopsAtItsEnd(t *testing.T) {
	salt(t)
	d := nixDriver(t, "buildfail", "", 60, 15)
	d.settle()
	d.selectName("chain")
	d.settle()
	d.key("b")
	d.settle()
	if d.m.build.State != buildpanel.Confirm {
		t.Fatalf("after the dry run: state %s, err %v", d.m.build.State, d.m.build.Err)
	}
	top := d.m.View()
	if !strings.Contains(top, "↑/↓ scroll") || strings.Contains(top, "Press enter") {
		t.Fatalf("the plan fits at 60x15, nothing to scroll:\n%s", top)
	}
	for i := 0; i < 50; i++ {
		d.key("down")
	}
	bottom := d.m.View()
	if !strings.Contains(bottom, "Press enter") {
		t.Errorf("50 ↓ do not reach the end of the plan:\n%s", bottom)
	}
	checkFits(t, bottom, 60, 15, "plan scrolled to its end")
	d.key("up")
	if d.m.View() == bottom {
		t.Errorf("↑ after scrolling to the end did not move: the panel had scrolled past its end\n%s", bottom)
	}
	d.key("pgup", "pgup", "pgup", "pgup")
	if d.m.View() != top {
		t.Errorf("page up to the top does not show the top again:\n%s\nwas:\n%s", d.m.View(), top)
	}
	d.key("esc")
}

// TestBuildLogScrollsUnderTheProgress: on a screen too small for the log,
// the progress stays in view while Nix builds and the log shows its newest
// line, also from a checkout at a long path, whose paths in the command
// once wrapped it onto four lines: the command is folded to two, and v
// shows it whole.
func TestBuildLogScrollsUnderTheProgress(t *testing.T) {
	for _, where := range []string{"repository", "long checkout"} {
		t.Run(where, func(t *testing.T) {
			salt(t)
			testnix.Setup(t)
			tg := testnix.Classic(t, "buildfail", "")
			if where == "long checkout" {
				tg = testnix.LongCheckout(t, "buildfail", "")
			}
			buildLogUnderProgress(t, targetDriver(t, tg, 60, 15), where == "long checkout")
		})
	}
}

// commandOnScreen is the build command as the view draws it: its lines
// from the one starting with "$ " to the blank line after it, or to the
// scroll hint where the screen ends first.
func commandOnScreen(t *testing.T, v string) []string {
	t.Helper()
	var out []string
	for _, l := range strings.Split(v, "\n") {
		l = strings.TrimSpace(l)
		switch {
		case strings.HasPrefix(l, "$ "):
			out = append(out, l)
		case len(out) > 0 && (l == "" || strings.HasPrefix(l, "↑/↓ scroll")):
			return out
		case len(out) > 0:
			out = append(out, l)
		}
	}
	if len(out) == 0 {
		t.Fatalf("no command on screen:\n%s", v)
	}
	return out
}

// checkCommandFolds: the confirming panel shows the command on at most
// two lines; when it needs more, the footer offers v, which shows it
// whole, and v again folds it.
func checkCommandFolds(t *testing.T, d *driver, mustFold bool) {
	t.Helper()
	v := d.m.View()
	folded := commandOnScreen(t, v)
	if len(folded) > 2 {
		t.Errorf("the command takes %d lines, not at most 2:\n%s", len(folded), v)
	}
	whole := shared.WrapIndent("$ "+d.m.build.Command, 58)
	if len(whole) <= 2 {
		if mustFold {
			t.Fatalf("the command fits in two lines: nothing to fold\n%s", v)
		}
		return
	}
	if !strings.HasSuffix(folded[len(folded)-1], "…") || !strings.Contains(v, "v whole command") {
		t.Errorf("the folded command does not end in … or the footer does not offer v:\n%s", v)
	}
	d.key("v")
	v = d.m.View()
	// The whole command scrolls with the plan: what the screen holds of it
	// is its start, on more than two lines.
	got := commandOnScreen(t, v)
	if len(got) < 3 || !strings.HasPrefix(strings.Join(whole, "\n"), strings.Join(got, "\n")) || !strings.Contains(v, "v fold command") {
		t.Errorf("v does not show the whole command (%d lines) and offer to fold it:\n%s\nwhole:\n%s\ngot:\n%s", len(whole), v, strings.Join(whole, "\n"), strings.Join(got, "\n"))
	}
	if lines := d.m.build.CommandLines(); len(lines) != len(whole)+1 {
		t.Errorf("v: the panel holds %d lines of the command, want %d", len(lines)-1, len(whole))
	}
	d.key("v")
	if got := commandOnScreen(t, d.m.View()); len(got) > 2 {
		t.Errorf("v again does not fold the command:\n%s", d.m.View())
	}
}

func buildLogUnderProgress(t *testing.T, d *driver, long bool) {
	d.settle()
	d.selectName("chain")
	d.settle()
	d.key("b")
	d.settle()
	if d.m.build.State != buildpanel.Confirm {
		t.Fatalf("after the dry run: state %s, err %v", d.m.build.State, d.m.build.Err)
	}
	checkCommandFolds(t, d, long)
	overflowing := 0
	d.observe = func() {
		b := d.m.build
		if b.State != buildpanel.Running || len(b.Log) == 0 || !b.Pg.Overflows() {
			return
		}
		overflowing++
		v := d.m.View()
		checkFits(t, v, 60, 15, "build log")
		if !strings.Contains(v, "derivations") {
			t.Errorf("the progress scrolled out of view:\n%s", v)
		}
		if last := b.Log[len(b.Log)-1]; !strings.Contains(v, shared.Truncate(last, 50)) {
			t.Errorf("the newest log line %q is not on screen:\n%s", last, v)
		}
	}
	d.key("enter")
	d.settle()
	if d.m.build.State != buildpanel.Done {
		t.Fatalf("build ended in state %s: %v", d.m.build.State, d.m.build.Err)
	}
	if overflowing == 0 {
		t.Fatal("the log never outgrew the screen: nothing was checked")
	}
}
