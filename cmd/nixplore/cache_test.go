package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nixplore/nixplore/internal/testnix"
)

// TestLsUsesTheCache: a second ls answers from the cache and says so;
// --refresh and --no-cache evaluate again; an unusable cache directory
// gives one warning line and the same answer.
func TestLsUsesTheCache(t *testing.T) {
	testnix.Setup(t)
	args := append([]string{"ls", "--json"}, testnix.ClassicArgs("laptop", "")...)
	first, errOut, code := runCLI(t, args...)
	if code != 0 || strings.Contains(errOut, fromCacheNote) {
		t.Fatalf("first ls: exit %d, stderr %q", code, errOut)
	}
	second, errOut, code := runCLI(t, args...)
	if code != 0 || !strings.Contains(errOut, fromCacheNote) || second != first {
		t.Fatalf("second ls: exit %d, stderr %q, same output %v", code, errOut, second == first)
	}
	for _, flag := range []string{"--refresh", "--no-cache"} {
		out, errOut, code := runCLI(t, append(args, flag)...)
		if code != 0 || strings.Contains(errOut, fromCacheNote) || out != first {
			t.Fatalf("%s: exit %d, stderr %q, same output %v", flag, code, errOut, out == first)
		}
	}
	file := filepath.Join(t.TempDir(), "not-a-dir")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("XDG_CACHE_HOME", file)
	out, errOut, code := runCLI(t, args...)
	if code != 0 || out != first {
		t.Fatalf("unusable cache: exit %d, stderr %q", code, errOut)
	}
	if n := strings.Count(errOut, "warning: running without a cache"); n != 1 || strings.Count(errOut, "\n") != 2 {
		t.Fatalf("want one warning line besides the target line, got %q", errOut)
	}
}

// Without HOME and XDG_CACHE_HOME there is no private place for a cache:
// ls answers, says once that it runs without one and why, and writes no
// shared directory under /tmp (what it once fell back to).
func TestNoHomeMeansNoCache(t *testing.T) {
	testnix.Setup(t)
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	t.Setenv("HOME", "")
	t.Setenv("XDG_CACHE_HOME", "")
	_, sharedBefore := os.Stat(filepath.Join(os.TempDir(), "nixplore-cache"))
	args := append([]string{"ls", "--json"}, testnix.ClassicArgs("laptop", "")...)
	out, errOut, code := runCLI(t, args...)
	if code != 0 || !strings.Contains(out, "myScript") {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if n := strings.Count(errOut, "running without a cache"); n != 1 || !strings.Contains(errOut, "neither $XDG_CACHE_HOME nor $HOME") {
		t.Errorf("said %d times why there is no cache:\n%s", n, errOut)
	}
	if ents, _ := os.ReadDir(tmp); len(ents) > 0 {
		t.Errorf("wrote into TMPDIR: %v", ents)
	}
	if _, err := os.Stat("/tmp/nixplore-cache"); err == nil && sharedBefore != nil {
		t.Error("created /tmp/nixplore-cache")
	}
}
