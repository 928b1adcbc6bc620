package warm

import (
	"fmt"

	"github.com/nixplore/nixplore/internal/procfs"
)

// residentBytes is a process's resident set size (VmRSS), or 0 when it is
// gone. Nix's garbage collector never gives memory back, so this only grows
// for the life of a repl.
func residentBytes(pid int) int64 {
	return procfs.StatusBytes(fmt.Sprintf("/proc/%d/status", pid), "VmRSS:")
}

// memTotal is the machine's memory in bytes, or 0 when unknown.
func memTotal() int64 { return procfs.StatusBytes("/proc/meminfo", "MemTotal:") }

// cpuState is a process's CPU time so far (clock ticks) and its state
// letter (R running, S sleeping, …); ok is false when it is gone.
func cpuState(pid int) (ticks int64, state byte, ok bool) {
	p, err := procfs.Stat(pid)
	if err != nil {
		return 0, 0, false
	}
	return p.CPU, p.State[0], true
}
