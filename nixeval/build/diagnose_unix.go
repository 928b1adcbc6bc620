//go:build unix

package build

import (
	"os"
	"syscall"
)

// freeSpace reports the file systems builds write to: the store and the
// temporary directory Nix builds in (one entry per file system).
func freeSpace() []DiskSpace {
	var out []DiskSpace
	seen := map[uint64]bool{}
	for _, d := range []string{"/nix/store", os.TempDir()} {
		var st syscall.Statfs_t
		fi, err := os.Stat(d)
		if err != nil || syscall.Statfs(d, &st) != nil {
			continue
		}
		if sys, ok := fi.Sys().(*syscall.Stat_t); ok {
			if seen[uint64(sys.Dev)] {
				continue
			}
			seen[uint64(sys.Dev)] = true
		}
		out = append(out, DiskSpace{Dir: d, Free: st.Bavail * uint64(st.Bsize), Size: st.Blocks * uint64(st.Bsize)})
	}
	return out
}
