//go:build unix

package nixproc

import (
	"os/exec"
	"syscall"

	"github.com/nixplore/nixplore/internal/procfs"
)

// SetProcessGroup gives cmd its own process group (so cancelling reaches
// Nix and every builder under it) and, where the system has one, a
// parent-death signal (childAttrs): a SIGKILLed nixplore takes Nix with it.
// Start the command with Start, which keeps that signal tied to nixplore's
// life rather than a thread's.
func SetProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = childAttrs()
}

// interruptGroup asks Nix and its builders to stop (SIGINT, as ctrl-c in a
// terminal would); WaitDelay kills the process if it lingers.
func interruptGroup(cmd *exec.Cmd) error {
	if cmd.Process == nil {
		return nil
	}
	return syscall.Kill(-cmd.Process.Pid, syscall.SIGINT)
}

// KillGroup ends whatever is left of the process group.
func KillGroup(cmd *exec.Cmd) {
	if cmd.Process != nil {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
}

// killTree ends what a cancelled Nix left running once its grace period
// is over: the process group of every process below Nix, then Nix's own.
// Nix starts each builder in a session of its own (setsid), so Nix's
// group does not hold it; Nix ends its builders' groups itself when it
// acts on SIGINT, but a Nix that has not acted in time is killed, and the
// parent-death signal Nix gives a builder reaches the builder alone: what
// the builder started (a compiler, a `sleep`) would run on, a child of
// init. The groups are read while Nix still lives, so every one of them
// is a live process's. Under a nix-daemon the builders are the daemon's
// children, not Nix's, and the daemon ends them when Nix goes.
func killTree(pid int) {
	own := syscall.Getpgrp()
	seen := map[int]bool{}
	for _, p := range procfs.Descendants(pid) {
		// Never 0 or 1 (kill(-1) is everyone) nor nixplore's own group.
		if p.PGID > 1 && p.PGID != pid && p.PGID != own && !seen[p.PGID] {
			seen[p.PGID] = true
			_ = syscall.Kill(-p.PGID, syscall.SIGKILL)
		}
	}
	_ = syscall.Kill(-pid, syscall.SIGKILL)
}
