package tui_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nixplore/nixplore/internal/testnix"
	"github.com/nixplore/nixplore/nixeval"
)

// tmuxSession drives the real nixplore binary in a detached tmux server of
// its own, as a person at a terminal would.
type tmuxSession struct {
	t      *testing.T
	socket string
	pids   map[int]string // every Nix process seen under nixplore: pid → command line
	root   int            // nixplore's pid
	log    string         // nixplore's --log file, shown when a step fails
}

func (s *tmuxSession) tmux(args ...string) string {
	s.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-L", s.socket}, args...)...).CombinedOutput()
	if err != nil {
		s.t.Fatalf("tmux %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

func (s *tmuxSession) screen() string { return s.tmux("capture-pane", "-p", "-t", "e2e") }

// keys sends tmux key names (Enter, Escape, …) or literal text with -l.
func (s *tmuxSession) keys(k ...string) { s.tmux(append([]string{"send-keys", "-t", "e2e"}, k...)...) }
func (s *tmuxSession) text(t string)    { s.tmux("send-keys", "-t", "e2e", "-l", t) }

// waitFor polls the screen until it matches, recording the Nix processes
// under nixplore on the way.
func (s *tmuxSession) waitFor(what string, ok func(string) bool) string {
	s.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		s.recordNix()
		sc := s.screen()
		if ok(sc) {
			return sc
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(s.log)
			s.t.Fatalf("timed out waiting for %s; screen:\n%s\nlog:\n%s", what, sc, log)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (s *tmuxSession) waitText(text string) string {
	s.t.Helper()
	return s.waitFor(fmt.Sprintf("%q", text), func(sc string) bool { return strings.Contains(sc, text) })
}

// recordNix remembers every descendant of nixplore that runs a nix program.
func (s *tmuxSession) recordNix() {
	children := map[int][]int{}
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// The command name is in parentheses and may hold spaces.
		rest := string(stat[strings.LastIndexByte(string(stat), ')')+2:])
		f := strings.Fields(rest)
		if len(f) < 2 {
			continue
		}
		ppid, _ := strconv.Atoi(f[1])
		children[ppid] = append(children[ppid], pid)
	}
	var walk func(int)
	walk = func(p int) {
		for _, c := range children[p] {
			if cl := cmdline(c); strings.Contains(cl, "nix") {
				s.pids[c] = cl
			}
			walk(c)
		}
	}
	walk(s.root)
}

func cmdline(pid int) string {
	b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	return strings.ReplaceAll(string(b), "\x00", " ")
}

// unbuild removes the outputs of paths from the store, so building them
// really builds.
func unbuild(t *testing.T, tg *nixeval.Target, paths ...string) {
	tools := nixeval.Tools{}
	if err := tools.LookPath(); err != nil {
		t.Fatal(err)
	}
	ev := nixeval.New(tg, tools)
	defer ev.Close()
	var outs []string
	for _, p := range paths {
		ap, err := nixeval.ParsePath(p)
		if err != nil {
			t.Fatal(err)
		}
		d, err := ev.Describe(context.Background(), ap)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range d.Outputs {
			if o.Built {
				outs = append(outs, o.Path)
			}
		}
	}
	if len(outs) == 0 {
		return
	}
	if out, err := exec.Command("nix-store", append([]string{"--delete"}, outs...)...).CombinedOutput(); err != nil {
		// Still referenced by a GC root (a result link of another run).
		if out2, err := exec.Command("nix-store", append([]string{"--delete", "--ignore-liveness"}, outs...)...).CombinedOutput(); err != nil {
			t.Fatalf("cannot delete %v: %v\n%s\n%s", outs, err, out, out2)
		}
	}
}

// TestEndToEndInTmux is the walk-through: open the Pi configuration
// with --system aarch64-linux, expand a set, filter to an output and see
// its .drv, copy the command, build something buildable here with
// progress and its output path, quit with no Nix process left.
func TestEndToEndInTmux(t *testing.T) {
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed (make test installs it)")
	}
	testnix.Setup(t)
	if testing.Short() {
		t.Skip("end-to-end test skipped in -short mode")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "nixplore")
	if out, err := exec.Command("go", "build", "-o", bin, "../cmd/nixplore").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	tg := testnix.Classic(t, "pi", "aarch64-linux")
	unbuild(t, tg, "config.system.build.manual.manualHTML", "config.system.build.manual.optionsJSON")

	s := &tmuxSession{t: t, socket: fmt.Sprintf("nixplore-e2e-%d", os.Getpid()), pids: map[int]string{}}
	logFile := filepath.Join(dir, "tui.log")
	s.log = logFile
	args := append([]string{bin}, testnix.ClassicArgs("pi", "aarch64-linux")...)
	args = append(args, "--log", logFile)
	// A shell around nixplore records its exit status (tmux does not
	// always reap a pane's process in time to report it).
	statusFile := filepath.Join(dir, "status")
	wrapped := append([]string{"/bin/sh", "-c", `"$0" "$@"; echo $? > ` + statusFile}, args...)
	s.tmux("-f", "/dev/null", "new-session", "-d", "-s", "e2e", "-x", "120", "-y", "40",
		"-e", "NIX_CONFIG="+testnix.NixConfig, "-e", "NIX_PATH=", "-e", "NIXOS_CONFIG=", "-e", "TERM=xterm-256color",
		strings.Join(shellQuote(wrapped), " "))
	t.Cleanup(func() { _ = exec.Command("tmux", "-L", s.socket, "kill-server").Run() })
	s.tmux("set-option", "-g", "set-clipboard", "on")
	s.tmux("set-option", "-g", "remain-on-exit", "on") // the screen stays readable after exit
	pid, err := strconv.Atoi(strings.TrimSpace(s.tmux("list-panes", "-t", "e2e", "-F", "#{pane_pid}")))
	if err != nil {
		t.Fatal(err)
	}
	s.root = pid

	// The tree opens on config.system.build with the platform in the header.
	sc := s.waitText("drv sdImage")
	if !strings.Contains(sc, "system aarch64-linux") {
		t.Errorf("header lacks the platform:\n%s", sc)
	}

	// Expand manual: jump to it with the filter, then →.
	s.keys("/")
	s.text("manual")
	s.waitText("/manual")
	s.keys("Enter")
	s.waitFor("manual selected", func(sc string) bool { return regexp.MustCompile(`> +▸ set manual`).MatchString(sc) })
	s.keys("l")
	s.waitText("drv manualHTML")

	// Filter to the output and see its .drv in the preview.
	s.keys("/")
	s.text("manualhtml")
	s.waitText("/manualhtml")
	s.keys("Enter")
	sc = s.waitFor("manualHTML's .drv", func(sc string) bool {
		return strings.Contains(sc, "nixos-manual-html") && strings.Contains(sc, "html.drv")
	})
	if !strings.Contains(sc, "(not built)") {
		t.Errorf("the deleted output is not shown as not built:\n%s", sc)
	}

	// Copy the command: on the screen and, through OSC 52, in tmux's buffer.
	s.keys("c")
	s.waitText("copied command: nix-build")
	want := nixeval.BuildCommands(tg, nixeval.AttrPath{"config", "system", "build", "manual", "manualHTML"}).Build
	var buf string
	for i := 0; i < 50; i++ {
		if out, err := exec.Command("tmux", "-L", s.socket, "show-buffer").Output(); err == nil {
			buf = string(out)
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if buf != want {
		t.Errorf("clipboard (tmux buffer) holds %q, want %q", buf, want)
	}

	// Build: the plan, then progress and the output path.
	s.keys("b")
	sc = s.waitText("Press enter")
	if !strings.Contains(sc, "will build 2 derivations") || !strings.Contains(sc, "nixos-manual-html") {
		t.Errorf("plan does not list what will be built:\n%s", sc)
	}
	s.keys("Enter")
	sc = s.waitText("Built in")
	if !strings.Contains(sc, "built 2/2 derivations") || !strings.Contains(sc, "[####") {
		t.Errorf("no progress on screen:\n%s", sc)
	}
	if !regexp.MustCompile(`out /nix/store/[0-9a-z]{32}-nixos-manual-html`).MatchString(sc) {
		t.Errorf("no output path on screen:\n%s", sc)
	}
	log, _ := os.ReadFile(logFile)
	for _, ev := range []string{"build event build-started nixos-manual-html", "build event build-stopped nixos-manual-html"} {
		if !strings.Contains(string(log), ev) {
			t.Errorf("log lacks %q:\n%s", ev, log)
		}
	}
	s.keys("Escape")
	s.waitText("(built)")

	// Quit: nixplore exits cleanly and no Nix process it started is left.
	s.keys("q")
	s.waitFor("nixplore to exit", func(string) bool {
		b, err := os.ReadFile(statusFile)
		return err == nil && len(b) > 0
	})
	if st, _ := os.ReadFile(statusFile); strings.TrimSpace(string(st)) != "0" {
		log, _ := os.ReadFile(logFile)
		t.Errorf("nixplore exited with status %q; screen:\n%s\nlog:\n%s", st, s.screen(), log)
	}
	if len(s.pids) == 0 {
		t.Error("no Nix process was ever seen under nixplore: the test saw nothing")
	}
	for pid, cl := range s.pids {
		if now := cmdline(pid); now != "" && now == cl {
			t.Errorf("Nix process %d still running after quit: %s", pid, cl)
		}
	}
	if out, err := os.ReadFile(logFile); err == nil && len(out) == 0 {
		t.Error("--log wrote nothing")
	}
}

func shellQuote(args []string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
	}
	return out
}
