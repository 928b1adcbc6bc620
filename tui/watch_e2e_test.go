package tui_test

import (
	"os"
	"os/exec"
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
	for _, args := range [][]string{{"init", "-q"}, {"add", "configuration.nix"}, {"-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "before"}} {
		if out, err := exec.Command("git", append([]string{"-C", dir}, args...)...).CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
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
	// D: against git HEAD (the committed "before"), evaluated from an
	// export of the revision; D again: the previous evaluation.
	s.keys("D")
	sc = s.waitText("against HEAD (")
	if !strings.Contains(sc, "toplevel ✎") {
		t.Errorf("against HEAD, toplevel is not marked:\n%s", sc)
	}
	s.keys("D")
	s.waitText("marks: what your latest edit changed")
	write("{ ... }:\n{\n  networking.hostName = \n")
	sc = s.waitText("does not evaluate")
	if !strings.Contains(sc, "toplevel ✎") || !strings.Contains(sc, "drv kernel") {
		t.Errorf("the half-edited save lost the tree or the marks:\n%s", sc)
	}
	// Finished: the explorer follows again.
	write("{ ... }:\n{\n  networking.hostName = \"fixed\";\n}\n")
	sc = s.waitText("your edit to configuration.nix changed")
	if strings.Contains(sc, "does not evaluate") || !strings.Contains(sc, "toplevel ✎") {
		t.Errorf("after the fix:\n%s", sc)
	}
	s.keys("q")
	s.waitFor("nixplore to exit", func(string) bool {
		return !strings.Contains(s.tmux("list-panes", "-t", "e2e", "-F", "#{pane_dead}"), "0")
	})
}
