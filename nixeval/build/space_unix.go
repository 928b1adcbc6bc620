//go:build unix

package build

import "syscall"

// diskSpace is the free space of dir's file system and the file system's
// device (0 when dir cannot be read).
func diskSpace(dir string) (DiskSpace, uint64) {
	var st syscall.Statfs_t
	var fi syscall.Stat_t
	if syscall.Statfs(dir, &st) != nil || syscall.Stat(dir, &fi) != nil {
		return DiskSpace{Dir: dir}, 0
	}
	return DiskSpace{Dir: dir, Free: st.Bavail * uint64(st.Bsize), Size: st.Blocks * uint64(st.Bsize)}, uint64(fi.Dev)
}
