package main

import (
	"encoding/json"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nixplore/nixplore/internal/testnix"
	"github.com/nixplore/nixplore/internal/testsys"
)

// TestShowTrace: show --trace names the option and the user's file on
// stdout, with the chain; the error goes to stderr once; exit 1. JSON
// carries the same. A value that evaluates is described as show does.
func TestShowTrace(t *testing.T) {
	testnix.Setup(t)
	naming := testnix.Testdata("configs", "trace", "naming.nix")
	args := append([]string{"show", "--trace", "--no-cache"}, testnix.ClassicArgs("trace", "")...)
	out, errOut, code := runCLI(t, append(args, "config.system.build.name")...)
	if code != 1 {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	if !strings.Contains(out, "where:       option system.name, in "+naming+":5:") || !strings.Contains(out, `system.name = "trace-" + 2605;`) ||
		!strings.Contains(out, "← your file") || !strings.Contains(out, "inside nixpkgs") {
		t.Errorf("stdout:\n%s", out)
	}
	if strings.Count(errOut, "cannot coerce an integer to a string") == 0 || !strings.Contains(errOut, "option system.name, in "+naming) {
		t.Errorf("stderr:\n%s", errOut)
	}

	out, errOut, code = runCLI(t, append(args, "--json", "config.system.build.recursive")...)
	if code != 1 {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	var j traceJSON
	if err := json.Unmarshal([]byte(out), &j); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if j.Option != "system.stateVersion" || j.File != testnix.Testdata("configs", "trace", "configuration.nix") || len(j.Frames) < 3 ||
		!strings.HasPrefix(j.Frames[len(j.Frames)-1].Text, "error: infinite recursion") {
		t.Errorf("json %+v", j)
	}

	out, errOut, code = runCLI(t, append(args, "config.system.build.fine")...)
	if code != 0 || !strings.Contains(errOut, "evaluates without an error") || !strings.Contains(out, "trace-fine") {
		t.Errorf("a value that evaluates: exit %d\n%s\n%s", code, out, errOut)
	}

	// A failed assertion, once on the whole screen, with and without --trace.
	for _, extra := range [][]string{{"show"}, {"show", "--trace"}, {"ls", "--json"}} {
		a := append(append(extra, "--no-cache"), testnix.ClassicArgs("assert", "")...)
		if extra[0] == "show" {
			a = append(a, "config.system.build.toplevel")
		}
		out, errOut, _ := runCLI(t, a...)
		if n := strings.Count(out+errOut, "boot.loader.grub.device must be set"); n != 1 {
			t.Errorf("%v: the assertion is printed %d times:\n%s\n%s", extra, n, out, errOut)
		}
	}
}

// TestCLIBuildDuringEvaluation: ls says on stderr what it builds for
// evaluation, with its log command, and the listing follows; ctrl-c while
// it builds ends every process; with allow-import-from-derivation false
// the child is an error naming the derivation.
func TestCLIBuildDuringEvaluation(t *testing.T) {
	testnix.Setup(t)
	saltEnv(t)
	t.Setenv("NIXPLORE_IFD_SLEEP", "1")
	args := append([]string{"ls", "--no-cache"}, testnix.ClassicArgs("ifd", "")...)
	out, errOut, code := runCLI(t, args...)
	if code != 0 || !strings.Contains(out, "attrs      generated") {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	if !strings.Contains(errOut, "nixplore: building gen-foo for evaluation… (Ctrl-C cancels; its log: nix-store -l /nix/store/") {
		t.Errorf("stderr:\n%s", errOut)
	}

	saltEnv(t)
	out, errOut, code = runCLI(t, append(args, "--option", "allow-import-from-derivation", "false")...)
	if code != 0 || !strings.Contains(out, "error      generated  evaluating this needs gen-foo built first") || strings.Contains(errOut, "building gen-foo") {
		t.Errorf("refused: exit %d\n%s\n%s", code, out, errOut)
	}

	t.Run("interrupt", func(t *testing.T) {
		salt := saltEnv(t)
		t.Setenv("NIXPLORE_IFD_SLEEP", "300")
		bin := buildBinary(t)
		cmd := exec.Command(bin, args...)
		var stderr testsys.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(60 * time.Second)
		for len(markerPIDs("nixplore-ifd-marker", salt)) == 0 && time.Now().Before(deadline) {
			time.Sleep(50 * time.Millisecond)
		}
		if len(markerPIDs("nixplore-ifd-marker", salt)) == 0 {
			_ = cmd.Process.Kill()
			t.Fatalf("the build never started:\n%s", stderr.String())
		}
		// The notice is there while the builder runs.
		for !strings.Contains(stderr.String(), "building gen-foo for evaluation") && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		if !strings.Contains(stderr.String(), "building gen-foo for evaluation") {
			t.Errorf("no notice while building:\n%s", stderr.String())
		}
		start := time.Now()
		_ = cmd.Process.Signal(syscall.SIGINT)
		if err := cmd.Wait(); err == nil || cmd.ProcessState.ExitCode() != 130 {
			t.Errorf("exit status %d after ctrl-c, want 130 (%v)", cmd.ProcessState.ExitCode(), err)
		}
		for len(markerPIDs("nixplore-ifd-marker", salt)) != 0 && time.Since(start) < 5*time.Second {
			time.Sleep(10 * time.Millisecond)
		}
		t.Logf("ctrl-c to no builder left: %v", time.Since(start))
		if left := markerPIDs("nixplore-ifd-marker", salt); len(left) != 0 {
			t.Errorf("builders left after ctrl-c: %v", left)
		}
	})
}

// TestCLIWaitsForAnotherProcessBuild: when another Nix process already
// builds what the evaluation needs, the CLI says it waits for it (Nix
// says only `waiting for lock on …`), and answers once that build is done.
func TestCLIWaitsForAnotherProcessBuild(t *testing.T) {
	testnix.Setup(t)
	salt := saltEnv(t)
	t.Setenv("NIXPLORE_IFD_SLEEP", "4")
	testnix.AnotherNixBuilding(t, "ifd", "generated", "nixplore-ifd-marker", salt)
	out, errOut, code := runCLI(t, append([]string{"ls", "--no-cache"}, testnix.ClassicArgs("ifd", "")...)...)
	if code != 0 || !strings.Contains(out, "attrs      generated") {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	if !regexp.MustCompile(`nixplore: waiting for gen-foo for evaluation \(another Nix process builds it\)… \(Ctrl-C cancels; its log: nix-store -l /nix/store/[0-9a-z]{32}-gen-foo\)`).MatchString(errOut) {
		t.Errorf("stderr:\n%s", errOut)
	}
}
