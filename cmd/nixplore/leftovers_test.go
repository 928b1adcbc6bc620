package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nixplore/nixplore/internal/testnix"
	"github.com/nixplore/nixplore/internal/testsys"
)

// isolate gives a CLI test its own TMPDIR and cache directory, so
// assertNoLeftovers can check what it left behind. TMPDIR is short: Nix
// makes its ssh ControlPath socket there for a remote builder.
func isolate(t *testing.T) (tmp, cacheDir string) {
	t.Helper()
	tmp, cacheDir = testsys.ShortDir(t), t.TempDir()
	t.Setenv("TMPDIR", tmp)
	t.Setenv("XDG_CACHE_HOME", cacheDir)
	return tmp, cacheDir
}

// childPIDs lists live processes whose parent is this test process (Nix
// processes run in their own process groups, so only the parent links
// them to us).
func childPIDs() []int {
	var out []int
	for _, p := range testnix.Processes() {
		if p.PPID == os.Getpid() && p.State != "Z" {
			out = append(out, p.PID)
		}
	}
	return out
}

// assertNoLeftovers checks that a finished CLI run left no child process,
// no file in TMPDIR and no temporary file in the cache.
func assertNoLeftovers(t *testing.T, tmp, cacheDir string) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Second)
	for len(childPIDs()) > 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if left := childPIDs(); len(left) > 0 {
		t.Errorf("child processes left: %v", left)
	}
	if ents, _ := os.ReadDir(tmp); len(ents) > 0 {
		var names []string
		for _, e := range ents {
			names = append(names, e.Name())
		}
		t.Errorf("files left in TMPDIR: %v", names)
	}
	_ = filepath.WalkDir(cacheDir, func(p string, d os.DirEntry, err error) error {
		if err == nil && (strings.HasPrefix(d.Name(), ".tmp-") || strings.HasPrefix(d.Name(), ".probe-")) {
			t.Errorf("temporary cache file left: %s", p)
		}
		return nil
	})
}

// An unwritable cache directory and a full disk while writing the cache:
// the answer still comes, with one warning line, and nothing is left half
// written.
func TestCacheFaultsThroughTheCLI(t *testing.T) {
	testnix.Setup(t)
	args := append([]string{"ls"}, append(testnix.ClassicArgs("big", ""), "config.system.build.many")...)
	for _, c := range []struct{ name, opts, warning string }{
		{"read-only cache directory", "size=64k,ro", "warning: running without a cache"},
		{"full disk while writing", "size=8k", "warning: could not write the cache"},
	} {
		t.Run(c.name, func(t *testing.T) {
			tmp, _ := isolate(t)
			cacheDir := testnix.Tmpfs(t, c.opts)
			t.Setenv("XDG_CACHE_HOME", cacheDir)
			out, errOut, code := runCLI(t, args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			if n := strings.Count(out, "\n"); n != 10000 {
				t.Fatalf("%d lines listed, want 10000", n)
			}
			if strings.Count(errOut, "warning:") != 1 || !strings.Contains(errOut, c.warning) {
				t.Fatalf("want one warning %q, stderr:\n%s", c.warning, errOut)
			}
			assertNoLeftovers(t, tmp, cacheDir)
		})
	}
}
