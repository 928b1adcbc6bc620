package main

import (
	"regexp"
	"strings"
	"testing"

	"github.com/nixplore/nixplore/internal/testnix"
	"github.com/nixplore/nixplore/nixeval"
)

// cmd never prints a trap unannounced: a set's command comes with what it
// builds on stderr, a missing path fails as show does, a scalar has no
// command.
func TestCmdChecksItsPath(t *testing.T) {
	testnix.Setup(t)
	isolate(t)
	pi := testnix.ClassicArgs("pi", "aarch64-linux")
	cmd := func(path string) (string, string, int) {
		return runBounded(t, append(append([]string{"cmd"}, pi...), path)...)
	}

	t.Run("a set", func(t *testing.T) {
		out, errOut, code := cmd("config.system.build.images")
		if code != 0 || !strings.HasPrefix(out, "nix-build '<nixpkgs/nixos>' -A config.system.build.images") {
			t.Fatalf("exit %d\nstdout %s\nstderr %s", code, out, errOut)
		}
		want := "nixplore: warning: config.system.build.images is an attribute set, not a derivation: this command builds every derivation inside (25 attributes): every image variant"
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
		if strings.Contains(out, "warning") {
			t.Errorf("the warning went to stdout: %s", out)
		}
	})

	t.Run("a set whose children are known", func(t *testing.T) {
		// ls leaves the kinds in the cache; cmd counts the derivations.
		if _, errOut, code := runBounded(t, append(append([]string{"ls"}, pi...), "config.system.build")...); code != 0 {
			t.Fatalf("ls: %d %s", code, errOut)
		}
		ls, _, _ := runBounded(t, append(append([]string{"ls", "--json"}, pi...), "config.system.build")...)
		drvs := len(regexp.MustCompile(`"kind":"derivation"`).FindAllString(ls, -1))
		_, errOut, code := cmd("config.system.build")
		want := "this command builds " + nixeval.Count(drvs, "derivation") + ": every derivation directly inside"
		if code != 0 || !strings.Contains(errOut, want) {
			t.Errorf("exit %d; stderr lacks %q:\n%s", code, want, errOut)
		}
	})

	t.Run("a missing path", func(t *testing.T) {
		out, errOut, code := cmd("config.system.build.nosuch")
		_, showErr, showCode := runBounded(t, append(append([]string{"show"}, pi...), "config.system.build.nosuch")...)
		if code != showCode || code == 0 || out != "" {
			t.Fatalf("cmd exit %d (show %d)\nstdout %s\nstderr %s", code, showCode, out, errOut)
		}
		if !strings.Contains(errOut, "attribute nosuch missing in config.system.build") || !strings.Contains(showErr, strings.TrimSpace(errOut)) {
			t.Errorf("cmd's error is not show's:\ncmd: %s\nshow: %s", errOut, showErr)
		}
	})

	t.Run("a string", func(t *testing.T) {
		out, errOut, code := cmd("config.system.build.etcActivationCommands")
		if code != 1 || out != "" || !strings.Contains(errOut, "is a string, not a derivation: there is nothing to build") {
			t.Errorf("exit %d\nstdout %s\nstderr %s", code, out, errOut)
		}
	})

	t.Run("a derivation", func(t *testing.T) {
		out, errOut, code := cmd("config.system.build.sdImage")
		if code != 0 || strings.Contains(errOut, "warning") || !strings.Contains(out, "-A config.system.build.sdImage") {
			t.Errorf("exit %d\nstdout %s\nstderr %s", code, out, errOut)
		}
	})
}
