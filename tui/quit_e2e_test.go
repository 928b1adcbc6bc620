package tui_test

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nixplore/nixplore/internal/testnix"
)

// TestQuitDuringBuildAsksInTmux: in a real terminal, q while a build runs
// asks before throwing the build away; another key keeps it building; y
// quits, and the builder is gone with nixplore.
func TestQuitDuringBuildAsksInTmux(t *testing.T) {
	dir, bin := e2eSetup(t)
	salt := fmt.Sprintf("tui-e2e-quit-%d", time.Now().UnixNano())
	const marker = "nixplore-cancel-marker"
	logFile := filepath.Join(dir, "tui.log")
	s := startTmux(t, append([]string{bin, "--log", logFile}, testnix.ClassicArgs("buildfail", "")...), logFile, "NIXPLORE_SALT="+salt)
	s.startSlowBuild(marker, salt)

	s.keys("q")
	s.waitText("Quit and cancel it?")
	s.keys("n")
	s.waitFor("the question to go", func(sc string) bool { return !strings.Contains(sc, "Quit and cancel it?") })
	if len(saltedBuilders(marker, salt)) == 0 || !strings.Contains(s.screen(), "Build config.system.build.slowmarker") {
		t.Fatalf("n did not keep the build:\n%s", s.screen())
	}
	s.keys("q")
	s.waitText("Quit and cancel it?")
	s.keys("y")
	start := time.Now()
	for time.Since(start) < 3*time.Second && (len(saltedBuilders(marker, salt)) > 0 || !strings.HasPrefix(procState(s.root), "Z") && cmdline(s.root) != "") {
		time.Sleep(20 * time.Millisecond)
	}
	if left := saltedBuilders(marker, salt); len(left) > 0 {
		t.Errorf("3 s after y, the builder still runs: %v", left)
	}
}
