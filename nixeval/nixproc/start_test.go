package nixproc_test

import (
	"os/exec"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/nixplore/nixplore/internal/procfs"
	"github.com/nixplore/nixplore/nixeval/nixproc"
)

// The parent-death signal fires when the thread that forked the child
// ends. A goroutine that locks its thread and returns without unlocking
// ends that thread: a child it started directly gets SIGTERM at once,
// one started through nixproc.Start (forked on a thread that lives as
// long as the process) keeps running. Many such goroutines, as over a long
// session.
func TestStartSurvivesTheStartingThread(t *testing.T) {
	start := func(viaStart bool) *exec.Cmd {
		cmd := exec.Command("sleep", "30")
		nixproc.SetProcessGroup(cmd)
		done := make(chan error, 1)
		go func() {
			runtime.LockOSThread() // never unlocked: the thread ends with the goroutine
			if viaStart {
				done <- nixproc.Start(cmd)
			} else {
				done <- cmd.Start()
			}
		}()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
		return cmd
	}
	var via []*exec.Cmd
	for range 20 {
		via = append(via, start(true))
	}
	direct := start(false)
	// The direct child must die of SIGTERM (this checks that the test can
	// see the hazard at all); the others must live.
	werr := make(chan error, 1)
	go func() { werr <- direct.Wait() }()
	select {
	case <-werr:
		if ws, ok := direct.ProcessState.Sys().(syscall.WaitStatus); !ok || ws.Signal() != syscall.SIGTERM {
			t.Fatalf("the directly started child ended otherwise: %v", direct.ProcessState)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a child started from a thread that ended did not get the parent-death signal: the test cannot see the hazard")
	}
	time.Sleep(200 * time.Millisecond)
	for _, c := range via {
		if !running(c.Process.Pid) {
			t.Fatalf("a child started through Start died with its starting thread")
		}
	}
}

// running reports whether pid runs (a zombie, dead but not waited for,
// does not; signal 0 cannot tell them apart).
func running(pid int) bool {
	p, err := procfs.Stat(pid)
	return err == nil && p.Alive()
}
