//go:build unix

package build

import "os"

// freeSpace reports the file systems builds write to: the store and the
// temporary directory Nix builds in (one entry per file system).
func freeSpace() []DiskSpace {
	var out []DiskSpace
	seen := map[uint64]bool{}
	for _, d := range []string{"/nix/store", os.TempDir()} {
		ds, dev := diskSpace(d)
		if dev == 0 || seen[dev] {
			continue
		}
		seen[dev] = true
		out = append(out, ds)
	}
	return out
}
