//go:build unix

package nixproc

import (
	"os/exec"
	"syscall"
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
