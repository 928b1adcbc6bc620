//go:build !linux

package warm

// residentBytes is unknown here: no memory bound is enforced.
func residentBytes(pid int) int64 { return 0 }

// memTotal is unknown here.
func memTotal() int64 { return 0 }

// cpuState is unknown here: callers fall back to waiting a while.
func cpuState(pid int) (ticks int64, state byte, ok bool) { return 0, 0, false }
