package tui_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nixplore/nixplore/internal/testnix"
)

// TestTraceInTmux: t on an error opens the trace panel over the body: the
// option and the user's file first, then the chain; it scrolls, and esc
// brings the tree back.
func TestTraceInTmux(t *testing.T) {
	dir, bin := e2eSetup(t)
	logFile := filepath.Join(dir, "tui.log")
	s := startTmux(t, append([]string{bin, "--log", logFile}, testnix.ClassicArgs("trace", "")...), logFile)
	s.waitText("ERR name")
	s.keys("/")
	s.text("config.system.build.name")
	s.waitText("/config.system.build.name")
	s.keys("Enter")
	s.waitFor("the cursor on name", func(sc string) bool { return strings.Contains(sc, "> ") && strings.Contains(sc, "ERR name") })
	s.keys("t")
	naming := testnix.Testdata("configs", "trace", "naming.nix")
	sc := s.waitText("Chain, the outermost first")
	for _, want := range []string{"Why config.system.build.name fails", "option system.name, in", `system.name = "trace-" + 2605;`, "cannot coerce an integer to a string"} {
		if !strings.Contains(sc, want) {
			t.Errorf("trace panel lacks %q:\n%s", want, sc)
		}
	}
	if !strings.Contains(strings.ReplaceAll(sc, "\n", ""), naming) && !strings.Contains(sc, "naming.nix:5:") {
		t.Errorf("the user's file is not named:\n%s", sc)
	}
	// The chain is longer than the screen: it scrolls to its end, the
	// error and the user's file.
	s.keys("G")
	s.waitText("← your file")
	s.keys("Escape")
	s.waitFor("the tree back", func(sc string) bool {
		return !strings.Contains(sc, "Chain, the outermost first") && strings.Contains(sc, "ERR name")
	})
	s.keys("q")
	s.waitFor("nixplore to exit", func(string) bool {
		return strings.TrimSpace(s.tmux("list-panes", "-t", "e2e", "-F", "#{pane_dead}")) == "1"
	})
}

// TestBuildDuringEvaluationInTmux: while the kinds of config.system.build
// wait for a build during evaluation, the footer says what is built; esc
// cancels it and no builder is left.
func TestBuildDuringEvaluationInTmux(t *testing.T) {
	dir, bin := e2eSetup(t)
	logFile := filepath.Join(dir, "tui.log")
	salt := fmt.Sprintf("e2e-ifd-%d-%d", os.Getpid(), time.Now().UnixNano())
	s := startTmux(t, append([]string{bin, "--log", logFile}, testnix.ClassicArgs("ifd", "")...), logFile,
		"NIXPLORE_SALT="+salt, "NIXPLORE_IFD_SLEEP=300")
	s.waitText("building gen-foo for evaluation")
	if len(saltedBuilders("nixplore-ifd-marker", salt)) == 0 {
		s.waitFor("the builder to run", func(string) bool { return len(saltedBuilders("nixplore-ifd-marker", salt)) > 0 })
	}
	s.keys("Escape")
	sc := s.waitText("cancelled building gen-foo for evaluation")
	if !strings.Contains(sc, "(cancelled)") {
		t.Errorf("the row of generated does not say cancelled:\n%s", sc)
	}
	deadline := time.Now().Add(5 * time.Second)
	for len(saltedBuilders("nixplore-ifd-marker", salt)) > 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if left := saltedBuilders("nixplore-ifd-marker", salt); len(left) > 0 {
		t.Errorf("builders left after esc: %v", left)
	}
	s.keys("q")
	s.waitFor("nixplore to exit", func(string) bool {
		return strings.TrimSpace(s.tmux("list-panes", "-t", "e2e", "-F", "#{pane_dead}")) == "1"
	})
}

// TestEvalBuildLogInTmux: after a build during evaluation, L shows its
// log in the real terminal, from its end; esc goes back to the tree.
func TestEvalBuildLogInTmux(t *testing.T) {
	dir, bin := e2eSetup(t)
	logFile := filepath.Join(dir, "tui.log")
	salt := fmt.Sprintf("e2e-ifd-log-%d-%d", os.Getpid(), time.Now().UnixNano())
	s := startTmux(t, append([]string{bin, "--log", logFile}, testnix.ClassicArgs("ifd", "")...), logFile,
		"NIXPLORE_SALT="+salt, "NIXPLORE_IFD_SLEEP=1")
	s.waitText("building gen-foo for evaluation")
	s.waitFor("the build to end", func(sc string) bool { return !strings.Contains(sc, "building gen-foo for evaluation") })
	s.keys("L")
	sc := s.waitText("gen-foo: step 30 of 30")
	for _, want := range []string{"Log of gen-foo, built for evaluation (esc closes): nix-store -l /nix/store/", "esc close"} {
		if !strings.Contains(sc, want) {
			t.Errorf("the log panel lacks %q:\n%s", want, sc)
		}
	}
	s.keys("Escape")
	s.waitFor("the tree again", func(sc string) bool {
		return !strings.Contains(sc, "Log of gen-foo") && strings.Contains(sc, "generated")
	})
	s.keys("q")
	s.waitFor("nixplore to exit", func(string) bool {
		return strings.TrimSpace(s.tmux("list-panes", "-t", "e2e", "-F", "#{pane_dead}")) == "1"
	})
}

// TestReloadShowsFlakeEditInTmux: on a flake (copied to the store, so a
// warm evaluator never sees its files change) an attribute added to a
// module of the flake shows after R, which restarts the warm evaluators.
func TestReloadShowsFlakeEditInTmux(t *testing.T) {
	dir, bin := e2eSetup(t)
	logFile := filepath.Join(dir, "tui.log")
	flake := testnix.FlakeDir(t)
	s := startTmux(t, []string{bin, "--log", logFile, "--flake", "path:" + flake + "#laptop"}, logFile)
	s.waitText("myScript")
	s.waitFor("the warm evaluators", func(sc string) bool { return strings.Contains(sc, "evaluator") })
	module := filepath.Join(flake, "hosts", "laptop.nix")
	b, err := os.ReadFile(module)
	if err != nil {
		t.Fatal(err)
	}
	edited := strings.Replace(string(b), "  system.build.myScript", "  system.build.addedByEdit = pkgs.writeText \"added-by-edit\" \"new\\n\";\n  system.build.myScript", 1)
	if edited == string(b) {
		t.Fatal("could not edit the flake's module")
	}
	testnix.WriteFile(t, module, edited, 0o644)
	s.keys("R")
	sc := s.waitText("addedByEdit")
	if !strings.Contains(sc, "myScript") {
		t.Errorf("after R the other attributes are gone:\n%s", sc)
	}
	log, _ := os.ReadFile(logFile)
	if !strings.Contains(string(log), "R: restarting the evaluators") {
		t.Errorf("R did not restart the evaluators; log:\n%s", log)
	}
	s.keys("q")
	s.waitFor("nixplore to exit", func(string) bool {
		return strings.TrimSpace(s.tmux("list-panes", "-t", "e2e", "-F", "#{pane_dead}")) == "1"
	})
}
