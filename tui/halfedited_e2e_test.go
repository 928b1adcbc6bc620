package tui_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nixplore/nixplore/internal/testnix"
)

// TestHalfEditedConfigurationInTmux: the explorer on a configuration that
// ends in the middle of an expression shows the syntax error with the
// user's file and line (the warm nix repl used to wait for more input
// forever, spinner and all); after the fix, `r` lists the configuration.
func TestHalfEditedConfigurationInTmux(t *testing.T) {
	dir, bin := e2eSetup(t)
	conf := filepath.Join(dir, "configuration.nix")
	half := "{ config, ... }:\n{\n  networking.hostName = \"half\";\n  imports = [ ./hardware.nix ];\n"
	if err := os.WriteFile(conf, []byte(half), 0o644); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond) // file times: written well before the first request
	logFile := filepath.Join(dir, "tui.log")
	s := startTmux(t, []string{bin, "-I", "nixpkgs=" + testnix.Testdata("nixpkgs"), "-I", "nixos-config=" + conf, "--log", logFile}, logFile)
	sc := s.waitText("The evaluation failed")
	// Nix 2.8 places the end of file at the end of line 4, 2.26 and 2.34
	// at the start of line 5.
	if !strings.Contains(sc, "syntax error") || !strings.Contains(sc, conf+":4:") && !strings.Contains(sc, conf+":5:") {
		t.Errorf("the error does not name the user's file and line:\n%s", sc)
	}
	if strings.Contains(sc, "nixplore-") || strings.Contains(sc, "«string»") {
		t.Errorf("the error points into nixplore's own files:\n%s", sc)
	}
	fixed := "{ config, ... }:\n{\n  networking.hostName = \"half\";\n  system.build.finished = 1;\n}\n"
	if err := os.WriteFile(conf, []byte(fixed), 0o644); err != nil {
		t.Fatal(err)
	}
	s.keys("r")
	sc = s.waitText("finished")
	if strings.Contains(sc, "syntax error") {
		log, _ := os.ReadFile(logFile)
		t.Errorf("the old error is still on screen after r:\n%s\nlog:\n%s", sc, log)
	}
	s.keys("q")
	s.waitFor("nixplore to exit", func(string) bool {
		return !strings.Contains(s.tmux("list-panes", "-t", "e2e", "-F", "#{pane_dead}"), "0")
	})
}
