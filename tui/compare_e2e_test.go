package tui_test

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/nixplore/nixplore/internal/testnix"
)

// TestCompareInTmux: in the real binary on the Pi configuration, space
// marks sdImage and toplevel (the rows show *), C opens them side by side
// with what each is, its plan and its command; esc goes back to the tree;
// with nothing marked, C on sdImage weighs it against toplevel and vm.
func TestCompareInTmux(t *testing.T) {
	dir, bin := e2eSetup(t)
	logFile := filepath.Join(dir, "tui.log")
	args := append([]string{bin, "--log", logFile}, testnix.ClassicArgs("pi", "aarch64-linux")...)
	s := startTmux(t, args, logFile)
	s.waitText("drv sdImage")
	cursorOn := func(name string) func(string) bool {
		r := regexp.MustCompile(`(?m)^> +▸[ *]drv ` + name + `\b`)
		return func(sc string) bool { return r.MatchString(sc) }
	}
	jump := func(name string) {
		s.keys("/")
		s.text("config.system.build." + name)
		s.waitText("/config.system.build." + name)
		s.keys("Enter")
		s.waitFor(name+" selected", cursorOn(name))
	}
	jump("sdImage")
	s.keys("Space")
	jump("toplevel")
	s.keys("Space")
	sc := s.waitText("2 marked: C compares them")
	if !regexp.MustCompile(`▸\*drv sdImage`).MatchString(sc) || !regexp.MustCompile(`▸\*drv toplevel`).MatchString(sc) {
		t.Errorf("marked rows do not show *:\n%s", sc)
	}
	s.keys("C")
	sc = s.waitFor("both columns", func(sc string) bool {
		return strings.Contains(sc, "Compare 2 outputs") && !strings.Contains(sc, "of 2 in") && strings.Contains(sc, "free: ")
	})
	for _, want := range []string{"sdImage", "toplevel", "A bootable SD card image", "The NixOS system itself", "an SD card",
		"platform", "aarch64-linux", "$ nix-build '<nixpkgs/nixos>' -A config.system.build.sdImage"} {
		if !strings.Contains(sc, want) {
			t.Errorf("no %q on screen:\n%s", want, sc)
		}
	}
	s.keys("Escape")
	s.waitFor("the tree again", cursorOn("toplevel"))

	// Unmark both; C on sdImage then compares it with its siblings.
	s.keys("Space")
	jump("sdImage")
	s.keys("Space")
	s.waitText("no output marked")
	s.keys("C")
	sc = s.waitFor("three columns", func(sc string) bool {
		return strings.Contains(sc, "Compare 3 outputs") && !strings.Contains(sc, "of 3 in")
	})
	if !regexp.MustCompile(`sdImage +toplevel +vm`).MatchString(sc) || !strings.Contains(sc, "KVM") {
		t.Errorf("siblings of sdImage not side by side:\n%s", sc)
	}
	s.keys("Escape")
	s.waitFor("the tree again", cursorOn("sdImage"))
	s.keys("q")
	s.waitFor("nixplore to exit", func(string) bool {
		return strings.TrimSpace(s.tmux("list-panes", "-t", "e2e", "-F", "#{pane_dead}")) == "1"
	})
}
