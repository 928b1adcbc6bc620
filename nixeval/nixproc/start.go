package nixproc

import (
	"os/exec"
	"runtime"
	"sync"
)

// Linux sends the parent-death signal (SysProcAttr.Pdeathsig) when the
// *thread* that forked the child ends, not when the process does. Go ends
// an OS thread only when a goroutine locked to it returns still locked, so
// a child started from an ordinary goroutine is safe today, but one started
// from a goroutine that locked its thread (bubbletea, a library, a future
// change) would get SIGTERM the moment that goroutine returned, killing a
// healthy Nix mid-request. So every Nix child is forked on one thread that
// lives as long as nixplore: a goroutine that locks it and never returns.
// Forking is quick (vfork), so one thread serialising the starts costs
// nothing measurable; Wait and the pipes run on ordinary goroutines, since
// only the fork is tied to the thread.

var (
	spawnOnce sync.Once
	spawns    chan func()
)

// Start starts cmd (set up with SetProcessGroup) on the thread that lives
// as long as nixplore; it is cmd.Start otherwise.
func Start(cmd *exec.Cmd) error {
	spawnOnce.Do(func() {
		spawns = make(chan func())
		go spawner()
	})
	done := make(chan error, 1)
	spawns <- func() { done <- cmd.Start() }
	return <-done
}

// spawner runs every start on its own locked thread, forever: it never
// unlocks and never returns, so the thread (the children's parent for the
// parent-death signal) ends only with the process.
func spawner() {
	runtime.LockOSThread()
	for f := range spawns {
		f()
	}
}
