package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nixplore/nixplore/internal/testnix"
	"github.com/nixplore/nixplore/internal/testsys"
)

// buildBinary compiles nixplore once per test binary run.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "nixplore")
	testsys.GoBuild(t, bin, ".")
	return bin
}

// pgrepCount counts live processes whose command line holds marker.
func pgrepCount(marker string) int { return len(testnix.Marked(marker, "")) }

// SIGTERM and SIGHUP (a closed terminal) during an evaluation end nixplore
// and every Nix process it started.
func TestSignalsEndEveryNixProcess(t *testing.T) {
	testnix.Setup(t)
	bin := buildBinary(t)
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGHUP, syscall.SIGINT} {
		t.Run(sig.String(), func(t *testing.T) {
			marker := fmt.Sprintf("testmarker%d", time.Now().UnixNano())
			tmp, cacheDir := t.TempDir(), t.TempDir()
			args := append([]string{"ls", "--arg", marker, "1"}, testnix.ClassicArgs("slow", "")...)
			cmd := exec.Command(bin, args...)
			cmd.Env = append(os.Environ(), "NIXPLORE_SLOW_N=200000000", "TMPDIR="+tmp, "XDG_CACHE_HOME="+cacheDir)
			var stderr testsys.Buffer
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			// Wait until Nix is running.
			deadline := time.Now().Add(20 * time.Second)
			for pgrepCount(marker) < 2 && time.Now().Before(deadline) {
				time.Sleep(50 * time.Millisecond)
			}
			if pgrepCount(marker) < 2 {
				t.Fatal("nix never started")
			}
			start := time.Now()
			_ = cmd.Process.Signal(sig)
			err := cmd.Wait()
			if err == nil {
				t.Fatal("exit status 0 after a signal")
			}
			if el := time.Since(start); el > 3*time.Second {
				t.Fatalf("took %s to stop", el)
			}
			// As shells report a signal (130 for Ctrl-C), and no error:
			// Nix's interruption is the signal's echo, not news.
			if code := cmd.ProcessState.ExitCode(); code != 128+int(sig) {
				t.Errorf("exit status %d after %s, want %d", code, sig, 128+int(sig))
			}
			if text := stderr.String(); strings.Contains(text, "error") || strings.Contains(text, "command:") || strings.Contains(text, "interrupted") {
				t.Errorf("stderr after %s holds an error:\n%s", sig, text)
			}
			// nixplore has killed the groups when it exits; the kernel may
			// take a moment to end a process. The README's bound: 2 s.
			for pgrepCount(marker) != 0 && time.Since(start) < 2*time.Second {
				time.Sleep(10 * time.Millisecond)
			}
			if left := testnix.Marked(marker, ""); len(left) != 0 {
				var lines []string
				for _, p := range left {
					lines = append(lines, fmt.Sprintf("%d %s", p.PID, testnix.Cmdline(p.PID)))
				}
				t.Fatalf("%d processes left 2 s after %s:\n%s", len(left), sig, strings.Join(lines, "\n"))
			}
			// The cache stays consistent: nothing half written, and the
			// next run (a quick evaluation) answers and fills it.
			assertNoLeftovers(t, tmp, cacheDir)
			again := exec.Command(bin, args...)
			again.Env = append(os.Environ(), "NIXPLORE_SLOW_N=1", "TMPDIR="+tmp, "XDG_CACHE_HOME="+cacheDir)
			if out, err := again.CombinedOutput(); err != nil || !strings.Contains(string(out), "toplevel") {
				t.Fatalf("run after %s: %v\n%s", sig, err, out)
			}
			assertNoLeftovers(t, tmp, cacheDir)
		})
	}
}
