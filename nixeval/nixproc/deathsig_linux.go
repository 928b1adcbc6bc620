package nixproc

import "syscall"

// childAttrs: an own process group, and SIGTERM when the parent dies.
// SIGTERM, not SIGKILL: Nix handles it as an interrupt, stops its
// evaluation between steps and kills its builders (which run in sessions
// of their own, out of reach of a group signal), then exits; a SIGKILLed
// nix-build would leave its builder running.
func childAttrs() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
}
