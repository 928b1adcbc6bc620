package procfs

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"
	"time"
)

func TestParseStat(t *testing.T) {
	for _, c := range []struct {
		name, line string
		want       Proc
		bad        bool
	}{
		{"plain", "42 (nix) S 1 42 42 0 -1 4194560 1 0 0 0 7 3 0 0 20 0 1 0", Proc{PID: 42, PPID: 1, PGID: 42, State: "S", CPU: 10}, false},
		{"name with spaces and parentheses", "7 (a) b (c)) R 3 5 5 0 -1 0 0 0 0 0 1 2 0 0", Proc{PID: 7, PPID: 3, PGID: 5, State: "R", CPU: 3}, false},
		{"zombie", "9 (sh) Z 8 8 8 0 -1 0 0 0 0 0 0 0 0 0", Proc{PID: 9, PPID: 8, PGID: 8, State: "Z"}, false},
		{"no name", "9 sh S 8 8 8", Proc{}, true},
		{"cut short", "9 (sh) S 8 8 8 0", Proc{}, true},
		{"not a number", "9 (sh) S x 8 8 0 -1 0 0 0 0 0 0 0 0 0", Proc{}, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := ParseStat(c.want.PID, []byte(c.line))
			if c.bad {
				if err == nil {
					t.Fatalf("read %+v from %q", got, c.line)
				}
				return
			}
			if err != nil || got != c.want {
				t.Fatalf("ParseStat(%q) = %+v %v, want %+v", c.line, got, err, c.want)
			}
		})
	}
}

// The live table: this process and a child of it, found as such.
func TestThisProcessAndItsChild(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("/proc is Linux's")
	}
	me, err := Stat(os.Getpid())
	if err != nil || !me.Alive() || me.PPID != os.Getppid() {
		t.Fatalf("Stat(self) = %+v %v", me, err)
	}
	child := exec.Command("sleep", "30")
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	defer child.Wait()
	defer child.Process.Kill()
	found := false
	for _, p := range Descendants(os.Getpid()) {
		found = found || p.PID == child.Process.Pid
	}
	if !found {
		t.Errorf("child %d not among %+v", child.Process.Pid, Descendants(os.Getpid()))
	}
	if rss := StatusBytes(filepath.Join("/proc", "self", "status"), "VmRSS:"); rss <= 0 {
		t.Errorf("VmRSS %d", rss)
	}
	if StatusBytes("/proc/meminfo", "NoSuchField:") != 0 {
		t.Error("a missing field read as a number")
	}
}

// A signal blocked by the receiver stays pending until it is unblocked;
// one it takes is not.
func TestSignalPending(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("/proc is Linux's")
	}
	child := exec.Command("sleep", "30")
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	defer child.Wait()
	defer child.Process.Kill()
	pid := child.Process.Pid
	if pending, ok := SignalPending(pid, int(syscall.SIGUSR1)); !ok || pending {
		t.Fatalf("before any signal: pending %v ok %v", pending, ok)
	}
	// A stopped process takes no signal but SIGKILL and SIGCONT.
	if err := child.Process.Signal(syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(time.Millisecond) {
		if p, _ := Stat(pid); p.State == "T" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the child never stopped")
		}
	}
	if err := child.Process.Signal(syscall.SIGUSR1); err != nil {
		t.Fatal(err)
	}
	if pending, ok := SignalPending(pid, int(syscall.SIGUSR1)); !ok || !pending {
		t.Errorf("SIGUSR1 to a stopped process: pending %v ok %v", pending, ok)
	}
	if pending, _ := SignalPending(pid, int(syscall.SIGUSR2)); pending {
		t.Error("SIGUSR2, never sent, reads as pending")
	}
}
