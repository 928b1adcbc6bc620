package tui

import (
	"fmt"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// salt makes the buildfail fixture's derivations new, so they really build.
func salt(t *testing.T) {
	t.Setenv("NIXPLORE_SALT", fmt.Sprintf("tui-%d", time.Now().UnixNano()))
}

func TestBuildPanelPlansThenBuildsWithProgress(t *testing.T) {
	salt(t)
	d := nixDriver(t, "buildfail", "", 100, 40)
	d.settle()
	d.selectName("chain")
	d.settle()
	if !d.m.c.keys.Build.Enabled() {
		t.Fatal("b is disabled on a derivation")
	}
	d.key("b")
	if d.m.build.state != buildPlanning {
		t.Fatalf("b: panel state %s, want planning", d.m.build.state)
	}
	d.settle()
	if d.m.build.state != buildConfirm {
		t.Fatalf("after the dry run: state %s, err %v", d.m.build.state, d.m.build.err)
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
	if d.m.build.state != buildRunning {
		t.Fatalf("enter: state %s", d.m.build.state)
	}
	d.settle()
	if d.m.build.state != buildDone {
		t.Fatalf("build ended in state %s: %v\n%s", d.m.build.state, d.m.build.err, d.m.View())
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
	if d.m.build.active() {
		t.Error("esc did not close the finished build")
	}
	d.settle()
	if d.m.preview.desc == nil || len(d.m.preview.desc.Outputs) == 0 || !d.m.preview.desc.Outputs[0].Built {
		t.Errorf("the preview does not show the output as built after the build: %+v", d.m.preview.desc)
	}
}

func TestBuildPanelCancelLeavesNoProcess(t *testing.T) {
	salt(t)
	d := nixDriver(t, "buildfail", "", 100, 40)
	d.settle()
	d.selectName("slowmarker")
	d.key("b")
	d.settle()
	d.key("enter")
	d.until(func() bool { return len(d.m.build.stats.Active) > 0 })
	if len(d.m.build.stats.Active) == 0 {
		t.Fatalf("the build never started:\n%s", d.m.View())
	}
	d.key("esc")
	if !d.m.build.cancelling {
		t.Error("esc did not cancel")
	}
	start := time.Now()
	d.settle()
	if d.m.build.state != buildFailed || !strings.Contains(d.m.View(), "Build cancelled") {
		t.Errorf("after cancel: state %s\n%s", d.m.build.state, d.m.View())
	}
	if time.Since(start) > 5*time.Second {
		t.Errorf("cancel took %s", time.Since(start))
	}
	if out, err := exec.Command("pgrep", "-f", "nixplore-cancel-marker").Output(); err == nil {
		t.Errorf("builder still running after cancel: %s", out)
	}
}

func TestBuildPanelExplainsOtherPlatform(t *testing.T) {
	d := nixDriver(t, "pi", "aarch64-linux", 100, 60)
	d.settle()
	d.selectName("sdImage")
	d.settle()
	d.key("b")
	d.settle()
	if d.m.build.state != buildConfirm {
		t.Fatalf("state %s: %v", d.m.build.state, d.m.build.err)
	}
	v := d.m.View()
	for _, want := range []string{"cannot build aarch64-linux", "Three ways out", "will build"} {
		if !strings.Contains(v, want) {
			t.Errorf("platform warning lacks %q:\n%s", want, v)
		}
	}
	d.key("esc")
	if d.m.build.active() {
		t.Error("esc did not close the plan")
	}
}
