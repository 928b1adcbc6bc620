package main

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nixplore/nixplore/internal/testbuilder"
	"github.com/nixplore/nixplore/internal/testnix"
	"github.com/nixplore/nixplore/internal/testsys"
)

// A SIGKILLed nixplore cannot stop anything itself: only the parent-death
// signal its Nix children carry (nixproc.SetProcessGroup, nixproc.Start)
// ends them. For a listing in the warm repl and in one-shot processes, a
// compare, a build and a build during evaluation, nixplore is killed while
// Nix works, and within 3 s no Nix process (each carries the run's marker
// argument) and no builder (the fixture's marker and this test's salt) may
// be left. The evaluations are of testdata/configs/longeval, which Nix
// stops within a second of SIGTERM; without the parent-death signal they
// run on for minutes, reparented to init.
func TestSIGKILLLeavesNoNix(t *testing.T) {
	testnix.Setup(t)
	bin := buildBinary(t)
	long := func(verb string, extra ...string) []string {
		return append(append([]string{verb}, testnix.ClassicArgs("longeval", "")...), extra...)
	}
	cases := []struct {
		name    string
		args    []string
		builder string // the fixture's builder marker; "" when nothing builds
		env     []string
	}{
		{"listing (warm)", long("ls", "config.system.build"), "", nil},
		{"listing (--one-shot)", long("ls", "--one-shot", "config.system.build"), "", nil},
		{"compare", long("compare", "config.system.build.a", "config.system.build.b"), "", nil},
		{"build", buildArgs("buildfail", "--no-link", "config.system.build.slowmarker"), "nixplore-cancel-marker", nil},
		{"build during evaluation", append(append([]string{"ls"}, testnix.ClassicArgs("ifd", "")...), "config.system.build.generated"), "nixplore-ifd-marker", []string{"NIXPLORE_IFD_SLEEP=300"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { sigkillLeavesNoNix(t, bin, c.args, c.builder, c.env) })
	}
}

// TestSIGKILLUnderDaemon: under a nix-daemon the builder is the daemon's
// child, not nixplore's; when nixplore is SIGKILLed, its nix-build gets
// the parent-death signal, its connection to the daemon closes, and the
// daemon stops that build: the builder is gone within 3 s, and the daemon
// itself stays.
func TestSIGKILLUnderDaemon(t *testing.T) {
	bin := buildBinary(t)
	testnix.Setup(t)
	d := testnix.StartDaemon(t, "substituters =\nsandbox = false")
	env := []string{"NIX_CONFIG=" + testnix.NixConfig + "\nstore = " + d.Store}
	sigkillLeavesNoNix(t, bin, buildArgs("buildfail", "--no-link", "config.system.build.slowmarker"), "nixplore-cancel-marker", env)
	if !d.Alive() {
		t.Error("the nix-daemon ended with the client")
	}
}

// TestSIGKILLDuringRemoteBuild: a build on the test's ssh builder (Nix's
// distributed builds; max-jobs 0 sends it there); nixplore is SIGKILLed
// while the builder runs there, and the remote builder is gone within 3 s
// with every local Nix process: the connection closing ends it.
func TestSIGKILLDuringRemoteBuild(t *testing.T) {
	bin := buildBinary(t)
	testnix.Setup(t)
	testbuilder.Salt(t)
	b := testbuilder.Start(t)
	args := buildArgs("buildfail", "--no-link", "--builders", b.Spec(testnix.HostSystem()), "--option", "max-jobs", "0", "config.system.build.slowmarker")
	sigkillLeavesNoNix(t, bin, args, "nixplore-cancel-marker", []string{b.Env(), "TMPDIR=" + testsys.ShortDir(t)})
}

// sigkillLeavesNoNix runs nixplore with args, waits until Nix works under
// it (the builder carrying marker builder runs, or an evaluation uses CPU),
// SIGKILLs it, and fails unless every Nix process and builder is gone
// within 3 s.
func sigkillLeavesNoNix(t *testing.T, bin string, cargs []string, builder string, env []string) {
	salt := saltEnv(t)
	tmp, cacheDir := t.TempDir(), t.TempDir()
	marker := fmt.Sprintf("killmarker%d", time.Now().UnixNano())
	// Nix passes a function only the arguments it declares: the
	// marker changes nothing but names this run's Nix processes.
	args := append([]string{cargs[0], "--no-cache", "--arg", marker, "1"}, cargs[1:]...)
	cmd := exec.Command(bin, args...)
	cmd.Env = append(append(os.Environ(), "NIXPLORE_LONG_N=100000", "TMPDIR="+tmp, "XDG_CACHE_HOME="+cacheDir), env...)
	var stderr testsys.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill() }()
	seen := waitForNixAtWork(t, cmd.Process.Pid, marker, builder, salt, &stderr)
	start := time.Now()
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	left := func() []string {
		var out []string
		for _, p := range append(testnix.Marked(marker, ""), builders(builder, salt)...) {
			out = append(out, fmt.Sprintf("%d %.150s", p.PID, testnix.Cmdline(p.PID)))
		}
		for pid, cl := range seen {
			if p, ok := testnix.Process(pid); ok && testnix.Cmdline(p.PID) == cl {
				out = append(out, fmt.Sprintf("%d %.150s", pid, cl))
			}
		}
		return out
	}
	for len(left()) > 0 && time.Since(start) < 3*time.Second {
		time.Sleep(20 * time.Millisecond)
	}
	if l := left(); len(l) > 0 {
		t.Fatalf("3 s after nixplore was SIGKILLed, still running:\n%s", strings.Join(l, "\n"))
	}
	t.Logf("%d processes under nixplore; all gone %s after SIGKILL", len(seen), time.Since(start).Round(10*time.Millisecond))
}

// builders are the fixture's builders of this test (marker on the command
// line, salt in the environment); none when marker is "".
func builders(marker, salt string) []testnix.Proc {
	if marker == "" {
		return nil
	}
	return testnix.Marked(marker, salt)
}

// waitForNixAtWork waits until Nix is busy under nixplore (pid): the
// builder runs, or else a Nix process carrying marker has used a second
// of CPU (it evaluates, past starting up). It returns every process below
// nixplore then, pid → command line.
func waitForNixAtWork(t *testing.T, pid int, marker, builder, salt string, stderr *testsys.Buffer) map[int]string {
	t.Helper()
	busy := func() bool {
		if builder != "" {
			return len(builders(builder, salt)) > 0
		}
		for _, p := range testnix.Marked(marker, "") {
			if p.CPU >= 100 {
				return true
			}
		}
		return false
	}
	for deadline := time.Now().Add(90 * time.Second); !busy(); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("Nix never got to work under nixplore; stderr:\n%s", stderr)
		}
	}
	seen := map[int]string{}
	for _, p := range testnix.Descendants(pid) {
		seen[p.PID] = testnix.Cmdline(p.PID)
	}
	if len(seen) == 0 {
		t.Fatal("no process under nixplore")
	}
	return seen
}
