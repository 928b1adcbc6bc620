package shared

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nixplore/nixplore/internal/testsys"
)

// Inside tmux the copy goes to tmux's buffer (tmux drops an
// application's OSC 52 by default), first with -w (tmux 3.2 on: the
// outer terminal's clipboard too); a desktop's tool comes after.
func TestClipboardToolsInsideTmux(t *testing.T) {
	if _, err := exec.LookPath("tmux"); err != nil {
		testsys.Missing(t, "tmux is not installed")
	}
	env := map[string]string{"TMUX": "/tmp/tmux-0/default,1,0"}
	tools := ClipboardTools(func(k string) string { return env[k] })
	if len(tools) < 2 || filepath.Base(tools[0][0]) != "tmux" || strings.Join(tools[0][1:], " ") != "load-buffer -w -" || strings.Join(tools[1][1:], " ") != "load-buffer -" {
		t.Fatalf("tools %q", tools)
	}
	if got := ClipboardTools(func(string) string { return "" }); len(got) != 0 {
		t.Errorf("outside tmux and a desktop: %q", got)
	}
}

// A real tmux server of the test's own: the copy lands in its buffer,
// and CopiedText says so.
func TestCopyIntoTmuxBuffer(t *testing.T) {
	if _, err := exec.LookPath("tmux"); err != nil {
		testsys.Missing(t, "tmux is not installed")
	}
	sock := filepath.Join(testsys.ShortDir(t), "s")
	if out, err := exec.Command("tmux", "-S", sock, "-f", "/dev/null", "new-session", "-d", "sleep 60").CombinedOutput(); err != nil {
		t.Fatalf("tmux: %v %s", err, out)
	}
	t.Cleanup(func() { _ = exec.Command("tmux", "-S", sock, "kill-server").Run() })
	t.Setenv("TMUX", sock+",0,0")
	t.Setenv("WAYLAND_DISPLAY", "")
	t.Setenv("DISPLAY", "")
	var osc strings.Builder
	msg := Copy(&osc, "command", "nix-build '<nixpkgs/nixos>' -A config.system.build.sdImage")().(CopiedMsg)
	out, err := exec.Command("tmux", "-S", sock, "show-buffer").Output()
	if err != nil || string(out) != "nix-build '<nixpkgs/nixos>' -A config.system.build.sdImage" {
		t.Fatalf("tmux buffer %q (%v); copy %+v", out, err, msg)
	}
	if s := CopiedText(msg); !strings.Contains(s, "copied with tmux's buffer") || !strings.Contains(s, "OSC 52") {
		t.Errorf("CopiedText %q", s)
	}
}
