// Package testsys holds test helpers that need nothing of nixplore's own
// packages (so the cache package's tests can use them without an import
// cycle): what to do when a test cannot run, small tmpfs mounts, and
// directories short enough for Unix sockets.
package testsys

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// CI reports whether the tests run in CI: CI set to true, 1 or yes in
// any case (CI services spell it differently).
func CI() bool {
	switch strings.ToLower(strings.TrimSpace(os.Getenv("CI"))) {
	case "true", "1", "yes":
		return true
	}
	return false
}

// Missing ends a test that cannot run here: under CI (see CI) it fails
// naming what is missing, so a green run always means the tests ran; on a
// developer's machine it skips.
func Missing(t testing.TB, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if CI() {
		t.Fatalf("%s; CI=%s, so this test fails instead of skipping (.ci/run installs everything it needs)", msg, os.Getenv("CI"))
	}
	t.Skip(msg)
}

// Short skips a long test under -short, except in CI (see CI), where
// every test runs whatever the flags.
func Short(t testing.TB, what string) {
	t.Helper()
	if testing.Short() && !CI() {
		t.Skip(what + " skipped in -short mode")
	}
}

// Tmpfs mounts a small tmpfs with the given mount options (e.g.
// "size=8k" for a full disk, "size=64k,ro" for a read-only directory) and
// unmounts it when the test ends. Mounting needs root; CI runs as root.
func Tmpfs(t testing.TB, opts string) string {
	t.Helper()
	if os.Geteuid() != 0 {
		Missing(t, "mounting a tmpfs needs root")
	}
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", opts, "tmpfs", dir).CombinedOutput(); err != nil {
		Missing(t, "cannot mount a tmpfs here: %v %s", err, out)
	}
	t.Cleanup(func() { _ = exec.Command("umount", dir).Run() })
	return dir
}

// SocketPathMax is the longest path a Unix socket can have on Linux
// (sun_path is 108 bytes with its terminating NUL).
const SocketPathMax = 107

// ShortDir returns a new empty directory, removed when the test ends,
// whose path is short enough for the Unix sockets created in it (tmux's
// -S, the ssh ControlPath Nix makes under TMPDIR): t.TempDir() holds the
// test's name, and under a long TMPDIR its sockets would not fit.
func ShortDir(t testing.TB) string {
	t.Helper()
	base := os.TempDir()
	// Room for what goes below it: "/np123456789/nix-1234567-1/ssh.sock".
	if len(base)+40 > SocketPathMax {
		base = "/tmp"
	}
	dir, err := os.MkdirTemp(base, "np")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	return dir
}

// Git runs git in dir with a fixed author (a fresh machine has none set)
// and returns its trimmed output; a failure ends the test.
func Git(t testing.TB, dir string, args ...string) string {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		Missing(t, "git is not installed")
	}
	cmd := exec.Command("git", append([]string{"-C", dir}, args...)...)
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.org", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.org")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}
