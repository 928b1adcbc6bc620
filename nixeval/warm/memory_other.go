//go:build !linux

package warm

// residentBytes is unknown here: no memory bound is enforced.
func residentBytes(pid int) int64 { return 0 }

// memTotal is unknown here.
func memTotal() int64 { return 0 }
