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
	"syscall"
	"testing"
	"time"

	"github.com/nixplore/nixplore/internal/testnix"
	"github.com/nixplore/nixplore/internal/testsys"
	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/attr"
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
	for _, p := range testnix.Processes() {
		children[p.PPID] = append(children[p.PPID], p.PID)
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
		ap, err := attr.Parse(p)
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
	dir, bin := e2eSetup(t)
	tg := testnix.Classic(t, "pi", "aarch64-linux")
	unbuild(t, tg, "config.system.build.manual.manualHTML", "config.system.build.manual.optionsJSON")

	logFile := filepath.Join(dir, "tui.log")
	args := append([]string{bin}, testnix.ClassicArgs("pi", "aarch64-linux")...)
	args = append(args, "--log", logFile)
	// A shell around nixplore records its exit status (tmux does not
	// always reap a pane's process in time to report it).
	statusFile := filepath.Join(dir, "status")
	wrapped := append([]string{"/bin/sh", "-c", `"$0" "$@"; echo $? > ` + statusFile}, args...)
	s := startTmux(t, wrapped, logFile)

	// The tree opens on config.system.build with the platform in the header.
	sc := s.waitText("drv sdImage")
	if !strings.Contains(sc, "system aarch64-linux") {
		t.Errorf("header lacks the platform:\n%s", sc)
	}
	// … and whether this machine, with no builder, can build it: an
	// aarch64 machine (the Pi itself) can.
	if host := testnix.HostSystem(); host != "aarch64-linux" {
		s.waitText("system aarch64-linux ⚠ " + host + " cannot build it (b: the ways out)")
	} else if sc := s.waitText("system aarch64-linux"); strings.Contains(sc, "cannot build it") {
		t.Errorf("an aarch64 machine is told it cannot build aarch64:\n%s", sc)
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
	want := nixeval.BuildCommands(tg, attr.Path{"config", "system", "build", "manual", "manualHTML"}).Build
	var buf string
	for i := 0; i < 50; i++ {
		if out, err := exec.Command("tmux", "-L", s.socket, "show-buffer").Output(); err == nil {
			buf = string(out)
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	// tmux drops an application's OSC 52 by default (set-clipboard
	// external, left as it is here): the copy goes through tmux's buffer.
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

// e2eSetup ends the test without tmux (see needTmux), skips it in -short
// mode, sets up Nix, and compiles the binary under test into a temporary
// directory.
func e2eSetup(t *testing.T) (dir, bin string) {
	t.Helper()
	needTmux(t)
	testnix.Setup(t)
	testsys.Short(t, "end-to-end test")
	dir = t.TempDir()
	bin = filepath.Join(dir, "nixplore")
	testsys.GoBuild(t, bin, "../cmd/nixplore")
	return dir, bin
}

// needTmux ends the test when tmux is not installed. Under CI=true (CI
// sets it) that is a failure naming tmux, so a green CI run means the
// end-to-end tests ran; on a developer's machine it is a skip.
func needTmux(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err == nil {
		return
	}
	testsys.Missing(t, "tmux is not installed: the end-to-end tests drive nixplore in it (make test installs it)")
}

// startTmux runs argv in a 120x40 pane of a tmux server of its own, with
// the test's Nix environment and extra variables env (NAME=value).
func startTmux(t *testing.T, argv []string, logFile string, env ...string) *tmuxSession {
	t.Helper()
	s := &tmuxSession{t: t, socket: fmt.Sprintf("nixplore-e2e-%d-%d", os.Getpid(), time.Now().UnixNano()), pids: map[int]string{}, log: logFile}
	args := []string{"-f", "/dev/null", "new-session", "-d", "-s", "e2e", "-x", "120", "-y", "40",
		"-e", "NIX_CONFIG=" + testnix.NixConfig, "-e", "NIX_PATH=", "-e", "NIXOS_CONFIG=", "-e", "TERM=xterm-256color"}
	for _, e := range env {
		args = append(args, "-e", e)
	}
	s.tmux(append(args, strings.Join(shellQuote(argv), " "))...)
	t.Cleanup(func() { _ = exec.Command("tmux", "-L", s.socket, "kill-server").Run() })
	s.tmux("set-option", "-g", "remain-on-exit", "on") // the screen stays readable after exit
	pid, err := strconv.Atoi(strings.TrimSpace(s.tmux("list-panes", "-t", "e2e", "-F", "#{pane_pid}")))
	if err != nil {
		t.Fatal(err)
	}
	s.root = pid
	return s
}

func shellQuote(args []string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
	}
	return out
}

// saltedBuilders are the running processes with marker in their command
// line and salt in their environment: the builders of this test's build.
func saltedBuilders(marker, salt string) []string {
	var out []string
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		cl, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err != nil || !strings.Contains(string(cl), marker) {
			continue
		}
		if env, err := os.ReadFile(filepath.Join("/proc", e.Name(), "environ")); err == nil && strings.Contains(string(env), salt) {
			out = append(out, e.Name()+": "+strings.ReplaceAll(string(cl), "\x00", " "))
		}
	}
	return out
}

// end closes the terminal (how "SIGHUP": tmux kills the session, and the
// kernel hangs up nixplore's terminal) or sends nixplore SIGTERM or
// SIGKILL.
func (s *tmuxSession) end(how, bin string) {
	s.t.Helper()
	if how == "SIGHUP" {
		s.tmux("kill-session", "-t", "e2e")
		return
	}
	sig := syscall.SIGTERM
	if how == "SIGKILL" {
		sig = syscall.SIGKILL
	}
	if err := syscall.Kill(nixplorePID(s.t, bin), sig); err != nil {
		s.t.Fatal(err)
	}
}

// TestSignalDuringBuildEndsEveryProcess closes the terminal (tmux kills
// the session: SIGHUP to nixplore) or sends SIGTERM while the explorer
// builds a derivation whose builder sleeps for minutes; nixplore, Nix and
// the builder must all be gone within 3 s. SIGKILL gives nixplore no
// chance to stop anything: the parent-death signal of its children does.
func TestSignalDuringBuildEndsEveryProcess(t *testing.T) {
	for _, how := range []string{"SIGHUP", "SIGTERM", "SIGKILL"} {
		t.Run(how, func(t *testing.T) { signalDuringBuild(t, how) })
	}
}

// startSlowBuild finds the buildfail fixture's slowmarker with the filter,
// builds it (b, enter) and waits until its builder (marker, salt) runs.
func (s *tmuxSession) startSlowBuild(marker, salt string) {
	s.t.Helper()
	s.waitText("drv slowmarker")
	s.keys("/")
	s.text("slowmarker")
	s.waitText("/slowmarker")
	s.keys("Enter")
	s.waitFor("slowmarker selected", func(sc string) bool { return regexp.MustCompile(`> +▸ drv slowmarker`).MatchString(sc) })
	s.keys("b")
	s.waitText("Press enter")
	s.keys("Enter")
	s.waitFor("the builder to run", func(string) bool { return len(saltedBuilders(marker, salt)) > 0 })
}

func signalDuringBuild(t *testing.T, how string) {
	dir, bin := e2eSetup(t)
	// A fresh salt makes the derivation new, so Nix really builds it.
	salt := fmt.Sprintf("tui-e2e-hup-%d", time.Now().UnixNano())
	const marker = "nixplore-cancel-marker"
	logFile := filepath.Join(dir, "tui.log")
	args := append([]string{bin, "--log", logFile}, testnix.ClassicArgs("buildfail", "")...)
	s := startTmux(t, args, logFile, "NIXPLORE_SALT="+salt)

	s.startSlowBuild(marker, salt)
	s.recordNix()
	if len(s.pids) == 0 {
		t.Fatal("no Nix process seen under nixplore")
	}

	start := time.Now()
	s.end(how, bin)
	alive := func() []string {
		left := saltedBuilders(marker, salt)
		if cl := cmdline(s.root); cl != "" && !strings.HasPrefix(procState(s.root), "Z") {
			left = append(left, fmt.Sprintf("nixplore %d: %s", s.root, cl))
		}
		for pid, cl := range s.pids {
			if now := cmdline(pid); now != "" && now == cl && !strings.HasPrefix(procState(pid), "Z") {
				left = append(left, fmt.Sprintf("%d: %s", pid, cl))
			}
		}
		return left
	}
	for time.Since(start) < 3*time.Second && len(alive()) > 0 {
		time.Sleep(20 * time.Millisecond)
	}
	if left := alive(); len(left) > 0 {
		log, _ := os.ReadFile(logFile)
		t.Errorf("3s after %s, still running:\n%s\nlog:\n%s", how, strings.Join(left, "\n"), log)
	}
	t.Logf("%d processes seen; all gone %s after %s", len(s.pids), time.Since(start).Round(10*time.Millisecond), how)
	if how != "SIGKILL" {
		checkStoppedItself(t, logFile, how)
	}
}

// checkStoppedItself: the log shows nixplore stopping its processes.
func checkStoppedItself(t *testing.T, logFile, how string) {
	t.Helper()
	// nixplore stopped them itself (Nix runs in process groups of its
	// own, which the terminal's SIGHUP does not reach).
	for deadline := time.Now().Add(3 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if lg, _ := os.ReadFile(logFile); strings.Contains(string(lg), "every Nix process has ended") {
			break
		}
	}
	if lg, _ := os.ReadFile(logFile); !strings.Contains(string(lg), "ended by a signal") || !strings.Contains(string(lg), "every Nix process has ended") {
		t.Errorf("the log does not show nixplore stopping its processes on %s:\n%s", how, lg)
	}
}

// procState is the state letter of pid from /proc (Z for a zombie).
func procState(pid int) string {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return ""
	}
	s := string(b)
	return strings.TrimSpace(s[strings.LastIndexByte(s, ')')+1:])
}

// TestSignalDuringEvaluationEndsEveryProcess closes the terminal (tmux
// kills the session: SIGHUP) or sends SIGTERM while the warm nix repl
// evaluates a listing that takes far longer than the test (the slow
// fixture with NIXPLORE_SLOW_N): nixplore and every Nix process carrying
// the run's marker argument are gone within 3 s.
func TestSignalDuringEvaluationEndsEveryProcess(t *testing.T) {
	for _, how := range []string{"SIGHUP", "SIGTERM"} {
		t.Run(how, func(t *testing.T) {
			dir, bin := e2eSetup(t)
			// Nix passes a function only the arguments it declares: the
			// marker changes nothing but names this run's processes.
			marker := fmt.Sprintf("tuisigmarker%d", time.Now().UnixNano())
			logFile := filepath.Join(dir, "tui.log")
			args := append([]string{bin, "--log", logFile, "--no-cache", "--arg", marker, "1"}, testnix.ClassicArgs("slow", "")...)
			s := startTmux(t, args, logFile, "NIXPLORE_SLOW_N=200000000")
			s.waitFor("Nix to evaluate", func(string) bool { return len(withMarker(marker)) > 1 })
			s.waitText("listing config.system.build")

			start := time.Now()
			s.end(how, bin)
			for time.Since(start) < 3*time.Second && len(withMarker(marker)) > 0 {
				time.Sleep(20 * time.Millisecond)
			}
			if left := withMarker(marker); len(left) > 0 {
				log, _ := os.ReadFile(logFile)
				t.Errorf("3s after %s, still running:\n%s\nlog:\n%s", how, strings.Join(left, "\n"), log)
			}
			if log, _ := os.ReadFile(logFile); !strings.Contains(string(log), "ended by a signal") {
				t.Errorf("the log does not show nixplore handling %s:\n%s", how, log)
			}
			t.Logf("all gone %s after %s", time.Since(start).Round(10*time.Millisecond), how)
		})
	}
}

// TestSIGKILLDuringEvaluationInTmux SIGKILLs the explorer while its warm
// repl evaluates testdata/configs/longeval (a listing of minutes that Nix
// stops within a second of SIGTERM): nixplore can stop nothing itself, so
// only the parent-death signal of its children ends them, and every Nix
// process carrying the run's marker must be gone within 3 s.
func TestSIGKILLDuringEvaluationInTmux(t *testing.T) {
	dir, bin := e2eSetup(t)
	marker := fmt.Sprintf("tuikillmarker%d", time.Now().UnixNano())
	logFile := filepath.Join(dir, "tui.log")
	args := append([]string{bin, "--log", logFile, "--no-cache", "--arg", marker, "1"}, testnix.ClassicArgs("longeval", "")...)
	s := startTmux(t, args, logFile, "NIXPLORE_LONG_N=100000")
	s.waitText("listing config.system.build")
	s.waitFor("Nix to evaluate", func(string) bool {
		for _, p := range testnix.Marked(marker, "") {
			if strings.Contains(testnix.Cmdline(p.PID), "repl") && p.CPU >= 100 {
				return true
			}
		}
		return false
	})
	pid := nixplorePID(t, bin)
	start := time.Now()
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	for time.Since(start) < 3*time.Second && len(withMarker(marker)) > 0 {
		time.Sleep(20 * time.Millisecond)
	}
	if left := withMarker(marker); len(left) > 0 {
		t.Errorf("3s after SIGKILL, still running:\n%s", strings.Join(left, "\n"))
	}
	t.Logf("all gone %s after SIGKILL", time.Since(start).Round(10*time.Millisecond))
}

// nixplorePID is the pid of the running binary bin.
func nixplorePID(t *testing.T, bin string) int {
	t.Helper()
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err == nil && strings.HasPrefix(cmdline(pid), bin+" ") && !strings.HasPrefix(procState(pid), "Z") {
			return pid
		}
	}
	t.Fatalf("no nixplore process (%s)", bin)
	return 0
}

// withMarker lists the live processes (not zombies, not tmux) whose
// command line holds marker: nixplore itself and the Nix it started.
func withMarker(marker string) []string {
	var out []string
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		// The tmux server keeps the command line that started it.
		if cl := cmdline(pid); strings.Contains(cl, marker) && !strings.HasPrefix(cl, "tmux ") && !strings.HasPrefix(procState(pid), "Z") {
			out = append(out, e.Name()+": "+cl)
		}
	}
	return out
}

// TestFilterAndPreviewInTmux: in the real program, the preview follows
// the filter's highlighted match and goes back to the cursor's node when
// more letters leave no match, stays there after enter; and `/` takes a
// path as the footer prints it (config.system.build.toplevel, and a
// quoted name) and enter lands on it.
func TestFilterAndPreviewInTmux(t *testing.T) {
	dir, bin := e2eSetup(t)
	logFile := filepath.Join(dir, "tui.log")
	args := append([]string{bin, "--log", logFile}, testnix.ClassicArgs("pi", "aarch64-linux")...)
	s := startTmux(t, args, logFile)
	s.waitText("drv sdImage")

	// The preview's first line names the node it shows (tmux drops the
	// spaces at the end of a line).
	previewing := func(path string) func(string) bool {
		r := regexp.MustCompile(`(?m)│ path    ` + regexp.QuoteMeta(path) + `\s*$`)
		return func(sc string) bool { return r.MatchString(sc) }
	}
	// The footer names the cursor's node and its place.
	footer := func(path string) func(string) bool {
		r := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(path) + ` \d+/\d+\s*$`)
		return func(sc string) bool { return r.MatchString(sc) }
	}
	cursorOn := func(re string) func(string) bool {
		r := regexp.MustCompile(`(?m)^> +` + re)
		return func(sc string) bool { return r.MatchString(sc) }
	}

	s.keys("/")
	s.text("kernel")
	s.waitText("/kernel")
	s.keys("Enter")
	s.waitFor("kernel selected and previewed", func(sc string) bool {
		return cursorOn(`▸ drv kernel`)(sc) && previewing("config.system.build.kernel")(sc)
	})

	// A match: the preview shows it while the cursor stays on kernel.
	s.keys("/")
	s.text("sdimage")
	s.waitFor("the preview of the highlighted sdImage", previewing("config.system.build.sdImage"))
	// More letters, no match: the preview goes back to kernel.
	s.text("zzz")
	sc := s.waitFor("no match, and the preview back on kernel", func(sc string) bool {
		return strings.Contains(sc, "no loaded path matches") && previewing("config.system.build.kernel")(sc)
	})
	if strings.Contains(sc, "config.system.build.sdImage") {
		t.Errorf("sdImage still on screen with no match:\n%s", sc)
	}
	// enter: nothing to jump to; the cursor and the preview stay on kernel.
	s.keys("Enter")
	sc = s.waitFor("the filter closed on kernel", func(sc string) bool {
		return !strings.Contains(sc, "/sdimagezzz") && cursorOn(`▸ drv kernel`)(sc)
	})
	if !previewing("config.system.build.kernel")(sc) || !footer("config.system.build.kernel")(sc) {
		t.Errorf("after enter with no match the preview or the footer is not kernel's:\n%s", sc)
	}

	// The footer's form of a path, typed into the filter.
	s.keys("/")
	s.text("config.system.build.toplevel")
	s.waitFor("toplevel highlighted", previewing("config.system.build.toplevel"))
	s.keys("Enter")
	s.waitFor("toplevel selected", func(sc string) bool {
		return cursorOn(`▸ drv toplevel`)(sc) && footer("config.system.build.toplevel")(sc) && previewing("config.system.build.toplevel")(sc)
	})
	s.keys("/")
	s.text("config.system.build.units")
	s.waitText("/config.system.build.units")
	s.keys("Enter")
	s.waitFor("units selected", cursorOn(`▸ set units`))
	s.keys("l")
	s.waitText(`set "sshd.service"`)
	s.keys("/")
	s.text(`config.system.build.units."sshd.service"`)
	s.waitFor("sshd.service highlighted", previewing(`config.system.build.units."sshd.service"`))
	s.keys("Enter")
	s.waitFor("sshd.service selected", func(sc string) bool {
		return cursorOn(`▸ set "sshd.service"`)(sc) && footer(`config.system.build.units."sshd.service"`)(sc)
	})

	// As people search (issue 25): a typo finds; a full path not loaded
	// yet is loaded and jumped to; then a whole name comes before a
	// name that begins with it.
	s.keys("/")
	s.text("sdimgae")
	s.waitFor("sdImage highlighted for a typo", previewing("config.system.build.sdImage"))
	s.keys("Enter")
	s.waitFor("sdImage selected", cursorOn(`▸ drv sdImage`))
	s.keys("/")
	s.text("config.system.build.images.iso-installer")
	s.waitText("/config.system.build.images.iso-installer")
	s.keys("Enter")
	s.waitFor("images.iso-installer loaded and selected", footer("config.system.build.images.iso-installer"))
	s.keys("/")
	s.text("iso")
	s.waitFor("images.iso highlighted first", previewing("config.system.build.images.iso"))
	s.keys("Enter")
	s.waitFor("images.iso selected", footer("config.system.build.images.iso"))

	s.keys("q")
	s.waitFor("nixplore to exit", func(string) bool {
		return strings.TrimSpace(s.tmux("list-panes", "-t", "e2e", "-F", "#{pane_dead}")) == "1"
	})
}
