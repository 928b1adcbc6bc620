package tui_test

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/nixplore/nixplore/internal/testnix"
)

// TestWarningsInTmux: the real binary on a configuration that warns shows
// the count in its header and marks the rows whose evaluation warned; w
// lists the warnings with where each came from, esc closes the list, and
// the answers stay whole throughout.
func TestWarningsInTmux(t *testing.T) {
	dir, bin := e2eSetup(t)
	logFile := filepath.Join(dir, "tui.log")
	args := append([]string{bin, "--log", logFile}, testnix.ClassicArgs("warnings", "")...)
	s := startTmux(t, args, logFile, "XDG_CACHE_HOME="+filepath.Join(dir, "cache"))

	sc := s.waitFor("the count of four warnings", func(sc string) bool { return strings.Contains(sc, "⚠ 4 warnings (w)") })
	for _, row := range []string{`drv legacyTool ⚠`, `drv toplevel ⚠`, `drv nixos-enter ⚠`} {
		if !regexp.MustCompile(`(?m)^ +▸ ` + regexp.QuoteMeta(row)).MatchString(sc) {
			t.Errorf("row %q not marked:\n%s", row, sc)
		}
	}
	if regexp.MustCompile(`drv nixos-rebuild ⚠`).MatchString(sc) {
		t.Errorf("a quiet row is marked:\n%s", sc)
	}

	s.keys("w")
	sc = s.waitText("What Nix printed")
	for _, want := range []string{"warning: system.build.legacyTool is deprecated", "from config.system.build.legacyTool",
		"from config.system.build.toplevel", "w close warnings"} {
		if !strings.Contains(sc, want) {
			t.Errorf("the panel lacks %q:\n%s", want, sc)
		}
	}
	s.keys("Escape")
	s.waitFor("the panel closed", func(sc string) bool {
		return !strings.Contains(sc, "What Nix printed") && regexp.MustCompile(`│ path +config\.system\.build`).MatchString(sc)
	})

	s.keys("q")
	s.waitFor("nixplore to exit", func(string) bool {
		return strings.TrimSpace(s.tmux("list-panes", "-t", "e2e", "-F", "#{pane_dead}")) == "1"
	})
}
