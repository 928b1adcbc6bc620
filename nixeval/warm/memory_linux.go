package warm

import (
	"bufio"
	"fmt"
	"os"
	"strings"
)

// residentBytes is a process's resident set size (VmRSS), or 0 when it is
// gone. Nix's garbage collector never gives memory back, so this only grows
// for the life of a repl.
func residentBytes(pid int) int64 {
	return statusField(fmt.Sprintf("/proc/%d/status", pid), "VmRSS:")
}

// memTotal is the machine's memory in bytes, or 0 when unknown.
func memTotal() int64 { return statusField("/proc/meminfo", "MemTotal:") }

// statusField reads a "Name:   123 kB" line of a /proc file as bytes.
func statusField(file, name string) int64 {
	f, err := os.Open(file)
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		rest, ok := strings.CutPrefix(sc.Text(), name)
		if !ok {
			continue
		}
		var n int64
		if _, err := fmt.Sscan(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), &n); err != nil {
			return 0
		}
		return n * 1024
	}
	// Not found, or the file could not be read to its end (sc.Err): unknown.
	return 0
}

// cpuState is a process's CPU time so far (clock ticks) and its state
// letter (R running, S sleeping, …); ok is false when it is gone.
func cpuState(pid int) (ticks int64, state byte, ok bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, 0, false
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, 0, false
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 13 {
		return 0, 0, false
	}
	var utime, stime int64
	fmt.Sscan(f[11], &utime)
	fmt.Sscan(f[12], &stime)
	return utime + stime, f[0][0], true
}
