package tui_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nixplore/nixplore/internal/testnix"
)

// TestExplorerFollowsEditsInTmux (issue 24): the real explorer on a
// configuration of the user's; an editor's save (a new file renamed over
// the old one) marks the rows the edit changed with no key pressed, the
// footer says so, and a half-edited save shows its error and keeps the
// tree and marks.
func TestExplorerFollowsEditsInTmux(t *testing.T) {
	dir, bin := e2eSetup(t)
	conf := filepath.Join(dir, "configuration.nix")
	write := func(text string) {
		t.Helper()
		tmp := filepath.Join(dir, ".configuration.nix.tmp")
		if err := os.WriteFile(tmp, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(tmp, conf); err != nil {
			t.Fatal(err)
		}
	}
	write("{ ... }:\n{\n  networking.hostName = \"before\";\n}\n")
	logFile := filepath.Join(dir, "tui.log")
	s := startTmux(t, []string{bin, "-I", "nixpkgs=" + testnix.Testdata("nixpkgs"), "-I", "nixos-config=" + conf, "--log", logFile}, logFile)
	s.waitText("drv toplevel")
	// The rows on screen are known before the edit (the baseline).
	s.waitFor("the baseline", func(string) bool {
		b, _ := os.ReadFile(logFile)
		return strings.Count(string(b), "edits: baseline of") > 0
	})
	write("{ ... }:\n{\n  networking.hostName = \"after\";\n}\n")
	sc := s.waitText("your edit to configuration.nix changed")
	if !strings.Contains(sc, "toplevel ✎") || !strings.Contains(sc, "etc ✎") {
		t.Errorf("the changed rows are not marked:\n%s", sc)
	}
	if strings.Contains(sc, "kernel ✎") {
		t.Errorf("an unchanged row is marked:\n%s", sc)
	}
	write("{ ... }:\n{\n  networking.hostName = \n")
	sc = s.waitText("does not evaluate")
	if !strings.Contains(sc, "toplevel ✎") || !strings.Contains(sc, "drv kernel") {
		t.Errorf("the half-edited save lost the tree or the marks:\n%s", sc)
	}
	s.keys("q")
	s.waitFor("nixplore to exit", func(string) bool {
		return !strings.Contains(s.tmux("list-panes", "-t", "e2e", "-F", "#{pane_dead}"), "0")
	})
}
