package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nixplore/nixplore/internal/testnix"
)

// TestUntrustedUserUnderDaemon is the NixOS default: a multi-user
// nix-daemon and a user who is not in trusted-users. The daemon ignores
// the client's --builders, so a builder given that way is not counted:
// the build of an output of another platform is refused, and the user is
// told that --builders was ignored and what works instead. Root, trusted,
// gets the same builder counted.
func TestUntrustedUserUnderDaemon(t *testing.T) {
	bin := buildBinary(t)
	testnix.Setup(t)
	other := testnix.OtherSystem(t)
	d := testnix.StartDaemon(t, "substituters =\nsandbox = false\ntrusted-users = root")
	uid, gid, home := d.Untrusted(t)
	if err := copyFile(bin, filepath.Join(d.Dir, "nixplore")); err != nil {
		t.Fatal(err)
	}
	bin = filepath.Join(d.Dir, "nixplore") // where the untrusted user can run it
	builders := "ssh://nixplore-test-builder " + other
	args := append(append([]string{"build"}, testnix.ClassicArgs("buildfail", "")...), "--builders", builders, "--no-link", "config.system.build.otherPlatform")
	run := func(asUser bool, extra ...string) (string, int) {
		cmd := exec.Command(bin, append(append([]string{}, args[:len(args)-1]...), append(extra, args[len(args)-1])...)...)
		cmd.Env = append(os.Environ(), "NIX_CONFIG="+testnix.NixConfig+"\nstore = "+d.Store, "HOME="+home, "XDG_CACHE_HOME="+filepath.Join(home, "cache"))
		if asUser {
			testnix.AsUser(cmd, uid, gid)
		}
		start := time.Now()
		out, err := cmd.CombinedOutput()
		t.Logf("nixplore as %s: %s", map[bool]string{true: "the untrusted user", false: "root"}[asUser], time.Since(start).Round(time.Millisecond))
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return string(out), code
	}
	out, code := run(true)
	if code != 1 {
		t.Fatalf("untrusted: exit %d\n%s", code, out)
	}
	for _, want := range []string{
		"refused: this build needs 1 derivation built; no one here can build 1 of them:",
		"other-platform (" + other + ")",
		"--builders '" + builders + "' is ignored: the nix-daemon takes builders only from a trusted user",
		"/etc/nix/machines",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("untrusted: output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "building: ") {
		t.Errorf("untrusted: a build was started:\n%s", out)
	}
	// Root is trusted: the same --builders counts (a dry run only: the
	// builder does not exist).
	out, code = run(false, "--dry-run")
	if code != 0 || strings.Contains(out, "refused") || !strings.Contains(out, "1 on ssh://nixplore-test-builder") {
		t.Errorf("trusted root: exit %d\n%s", code, out)
	}
}

func copyFile(from, to string) error {
	b, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	return os.WriteFile(to, b, 0o755)
}
