//go:build unix && !linux

package nixproc

import "syscall"

// childAttrs: an own process group; this system has no parent-death signal.
func childAttrs() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}
