package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nixplore/nixplore/internal/testnix"
)

// floodMaxRSS is the bound on nixplore's own resident memory while Nix
// prints 100 MB of traces (before the bound it reached 1,022 MB one-shot
// and 530-620 MB warm).
const floodMaxRSS = 120 << 20

// An evaluation that prints 100 MB of `trace:` lines before its error
// (testdata/configs/traceflood): the error reaches the user, and
// nixplore's own peak resident memory (VmHWM, read while it runs) stays
// under floodMaxRSS, in the warm repl and one-shot.
func TestTraceFloodIsBounded(t *testing.T) {
	testnix.Setup(t)
	bin := buildBinary(t)
	for _, mode := range []string{"warm", "--one-shot"} {
		t.Run(mode, func(t *testing.T) {
			args := append([]string{"show", "--no-cache"}, testnix.ClassicArgs("traceflood", "")...)
			if mode != "warm" {
				args = append(args, mode)
			}
			cmd := exec.Command(bin, append(args, "config.system.build.flood")...)
			cmd.Env = append(os.Environ(), "NIXPLORE_FLOOD_MB=100", "TMPDIR="+t.TempDir())
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			start := time.Now()
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			var peak int64
			var err error
		wait:
			for {
				if hwm := statusBytes(cmd.Process.Pid, "VmHWM:"); hwm > peak {
					peak = hwm
				}
				select {
				case err = <-done:
					break wait
				case <-time.After(20 * time.Millisecond):
				}
			}
			t.Logf("%s: peak RSS %.1f MB, %s", mode, float64(peak)/(1<<20), time.Since(start).Round(100*time.Millisecond))
			if err == nil || !strings.Contains(stderr.String(), "nixplore flood: the error after the traces") {
				t.Fatalf("the error did not reach the user (%v); stderr ends:\n%s", err, tailOf(stderr.String(), 2000))
			}
			if peak == 0 || peak > floodMaxRSS {
				t.Errorf("nixplore's peak resident memory %d MB, bound %d MB", peak>>20, floodMaxRSS>>20)
			}
		})
	}
}

// statusBytes reads a "Name:  123 kB" field of /proc/PID/status, or 0.
func statusBytes(pid int, field string) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(l, field); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}

func tailOf(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}
