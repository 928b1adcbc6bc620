package warm_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nixplore/nixplore/internal/testnix"
	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/nixeval/diag"
	"github.com/nixplore/nixplore/nixeval/nixproc"
	"github.com/nixplore/nixplore/nixeval/resolve"
	"github.com/nixplore/nixplore/nixeval/warm"
)

// answer is one request's outcome in a form two backends can be compared on.
type answer struct {
	JSON    string
	Kind    string // error kind, "" on success
	Summary string
}

func ask(t *testing.T, b nixeval.Backend, req nixeval.Request) answer {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	raw, err := b.Eval(ctx, req)
	if err != nil {
		var ne *nixproc.NixError
		if !errors.As(err, &ne) {
			t.Fatalf("%v: not a NixError: %T %v", req, err, err)
		}
		ee := diag.Classify(ne)
		return answer{Kind: ee.Kind.String(), Summary: ee.Summary}
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatalf("%v: %v", req, err)
	}
	norm, _ := json.Marshal(v)
	return answer{JSON: string(norm)}
}

// plainNames is the reference: nix eval --json … --apply builtins.attrNames.
func plainNames(t *testing.T, config string) []string {
	t.Helper()
	cmd := exec.Command("nix", "--extra-experimental-features", "nix-command", "eval", "--json",
		"-f", testnix.Testdata("nixpkgs", "nixos"), "config.system.build", "--apply", "builtins.attrNames",
		"-I", "nixpkgs="+testnix.Testdata("nixpkgs"), "-I", "nixos-config="+testnix.Testdata("configs", config, "configuration.nix"))
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("plain nix eval of %s fails here (%v): nothing to compare names with", config, err)
	}
	var names []string
	if err := json.Unmarshal(out, &names); err != nil {
		t.Fatal(err)
	}
	return names
}

// TestSessionMatchesOneShot asks the warm session and the one-shot
// reference every question about every child of kinds (each value kind and
// each error case) and hostile (names that must stay data), and checks the
// names against plain `nix eval --apply builtins.attrNames`.
func TestSessionMatchesOneShot(t *testing.T) {
	testnix.Setup(t)
	for _, config := range []string{"kinds", "hostile"} {
		t.Run(config, func(t *testing.T) {
			tg := testnix.Classic(t, config, "")
			one := &nixeval.OneShot{Target: tg}
			s := warm.NewSession(tg, nixeval.Tools{})
			defer s.Close()
			build := attr.DefaultPath
			var names struct {
				Status string    `json:"status"`
				Names  attr.Path `json:"names"`
			}
			reqNames := nixeval.Request{Op: "names", Path: build}
			got, want := ask(t, s, reqNames), ask(t, one, reqNames)
			if got != want {
				t.Fatalf("names: session %+v, one-shot %+v", got, want)
			}
			if err := json.Unmarshal([]byte(got.JSON), &names); err != nil || names.Status != "ok" {
				t.Fatalf("names: %+v %v", got, err)
			}
			if config == "kinds" {
				plain := plainNames(t, config)
				if !reflect.DeepEqual(plain, []string(names.Names)) {
					t.Errorf("names: session %q, nix eval %q", names.Names, plain)
				}
			}
			reqs := []nixeval.Request{{Op: "list", Paths: []attr.Path{build}}, {Op: "info"}}
			for _, n := range names.Names {
				p := build.Child(n)
				reqs = append(reqs, nixeval.Request{Op: "force", Path: p}, nixeval.Request{Op: "describe", Path: p},
					nixeval.Request{Op: "where", Path: p}, nixeval.Request{Op: "list", Paths: []attr.Path{p}})
			}
			errKinds := map[string]bool{}
			for _, r := range reqs {
				got, want := ask(t, s, r), ask(t, one, r)
				if got != want {
					t.Errorf("%s %v: session %+v\n one-shot %+v", r.Op, r.Path, got, want)
				}
				errKinds[got.Kind] = true
			}
			if s.Starts() != 1 {
				t.Errorf("session started %d repls, want 1 (errors must leave it usable)", s.Starts())
			}
			if s.Fallen() != nil {
				t.Errorf("session fell back to one-shot: %v", s.Fallen())
			}
			if config == "kinds" {
				for _, k := range []string{"", "missing attribute", "infinite recursion", "evaluation aborted"} {
					if !errKinds[k] {
						t.Errorf("no request gave %q; kinds seen %v", k, errKinds)
					}
				}
			}
			if _, err := os.Stat("/tmp/nixplore-pwned"); err == nil {
				t.Fatal("/tmp/nixplore-pwned exists: a name was run as code")
			}
		})
	}
}

// TestSessionListMatchesEvaluator runs the whole Evaluator on both backends.
func TestSessionListMatchesEvaluator(t *testing.T) {
	testnix.Setup(t)
	tg := testnix.Classic(t, "kinds", "")
	ref := nixeval.New(tg, nixeval.Tools{})
	warmEv := nixeval.New(tg, nixeval.Tools{})
	s := warm.NewSession(tg, nixeval.Tools{})
	warmEv.Backend = s
	defer warmEv.Close()
	ctx := context.Background()
	a, errA := ref.List(ctx, attr.DefaultPath)
	b, errB := warmEv.List(ctx, attr.DefaultPath)
	if errA != nil || errB != nil {
		t.Fatalf("one-shot %v, session %v", errA, errB)
	}
	if !reflect.DeepEqual(a, b) {
		t.Fatalf("listings differ:\none-shot %+v\nsession  %+v", a, b)
	}
	deps := s.Deps()
	want := testnix.Testdata("configs", "kinds", "configuration.nix")
	if i := sort.SearchStrings(deps, want); i == len(deps) || deps[i] != want {
		t.Errorf("deps %q miss %s", deps, want)
	}
}

// TestSessionRestartsAfterKill kills the repl between requests and in the
// middle of one: the next request must succeed on a new repl.
func TestSessionRestartsAfterKill(t *testing.T) {
	testnix.Setup(t)
	tg := testnix.Classic(t, "laptop", "")
	s := warm.NewSession(tg, nixeval.Tools{})
	defer s.Close()
	req := nixeval.Request{Op: "names", Path: attr.DefaultPath}
	first := ask(t, s, req)
	pid := s.Pid()
	if pid == 0 || first.Kind != "" {
		t.Fatalf("no repl running after a request (pid %d, %+v)", pid, first)
	}
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	if got := ask(t, s, req); got != first {
		t.Fatalf("after kill: %+v, want %+v", got, first)
	}
	if s.Starts() != 2 || s.Pid() == pid {
		t.Fatalf("starts %d, pid %d (old %d): no restart", s.Starts(), s.Pid(), pid)
	}
}

// TestSessionKilledMidRequest kills the repl while it evaluates: the
// request is retried once on a new repl.
func TestSessionKilledMidRequest(t *testing.T) {
	testnix.Setup(t)
	t.Setenv("NIXPLORE_SLOW_N", "10000000") // seconds of evaluation
	tg := testnix.Classic(t, "slow", "")
	s := warm.NewSession(tg, nixeval.Tools{})
	defer s.Close()
	if err := s.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	pid := s.Pid()
	go func() {
		// Killed once Nix is evaluating the request, not before it came.
		for deadline := time.Now().Add(30 * time.Second); !evaluating(pid) && time.Now().Before(deadline); {
		}
		_ = syscall.Kill(pid, syscall.SIGKILL)
	}()
	got := ask(t, s, nixeval.Request{Op: "names", Path: attr.DefaultPath})
	if got.Kind != "" || !strings.Contains(got.JSON, "slowWork") {
		t.Fatalf("after a kill mid-request: %+v", got)
	}
	if s.Starts() != 2 {
		t.Fatalf("starts %d, want 2", s.Starts())
	}
}

// evaluating reports whether process pid uses the CPU: its CPU time grows
// by more than a tick over a quarter second (false when it is gone). It
// always takes that quarter second, so a loop polling it never spins.
func evaluating(pid int) bool {
	p, before := testnix.Process(pid)
	time.Sleep(250 * time.Millisecond) // the window CPU time is measured over
	q, after := testnix.Process(pid)
	return before && after && q.CPU-p.CPU > 1
}

// TestSessionCancel cancels a long evaluation while Nix is at it: the
// caller gets a CancelledError within 2 s (the README's bound for esc),
// by then no Nix process of the session evaluates any more (the
// interrupted repl waits idle at its prompt, or it was killed with its
// group), and the next request is answered.
func TestSessionCancel(t *testing.T) {
	testnix.Setup(t)
	// Minutes of evaluation uncancelled, so only the cancel can end it.
	t.Setenv("NIXPLORE_SLOW_N", "300000000")
	tg := testnix.Classic(t, "slow", "")
	s := warm.NewSession(tg, nixeval.Tools{})
	defer s.Close()
	if err := s.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	pid := s.Pid()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		_, err := s.Eval(ctx, nixeval.Request{Op: "names", Path: attr.DefaultPath})
		done <- err
	}()
	// Cancel only once Nix is evaluating, not while the request is sent.
	for deadline := time.Now().Add(30 * time.Second); !evaluating(pid); {
		if time.Now().After(deadline) {
			t.Fatal("the repl never started evaluating the request")
		}
	}
	cancel()
	cancelled := time.Now()
	select {
	case err := <-done:
		t.Logf("cancel to answer: %v", time.Since(cancelled))
		var ce *nixproc.CancelledError
		if !errors.As(err, &ce) {
			t.Fatalf("cancelled request: %T %v", err, err)
		}
	case <-time.After(2 * time.Second):
		_ = syscall.Kill(-pid, syscall.SIGKILL) // so Close does not wait for the evaluation
		t.Fatal("the cancelled request did not return within 2 s")
	}
	// Whatever is left of the repl's process group must be idle by the
	// same bound; polled, as the kernel may take a moment to end a process.
	busy := func() []testnix.Proc {
		var out []testnix.Proc
		for _, p := range testnix.GroupAlive(pid) {
			if evaluating(p.PID) {
				out = append(out, p)
			}
		}
		return out
	}
	for time.Since(cancelled) < 2*time.Second && len(busy()) > 0 { // busy measures over 250 ms itself
	}
	if left := busy(); len(left) > 0 {
		t.Fatalf("Nix still evaluates 2 s after the cancel: %v", left)
	}
	t.Logf("repl %d after the cancel: %v (restarted: %v)", pid, testnix.GroupAlive(pid), s.Pid() != pid)
	got := ask(t, s, nixeval.Request{Op: "names", Path: attr.Path{"config", "networking"}})
	if got.Kind != "" || !strings.Contains(got.JSON, "hostName") {
		t.Fatalf("after cancel: %+v", got)
	}
}

// TestSessionReloadsChangedFile edits a configuration and a file it
// imports between two requests: the session must not answer from the
// values it evaluated before.
func TestSessionReloadsChangedFile(t *testing.T) {
	testnix.Setup(t)
	dir := t.TempDir()
	conf := filepath.Join(dir, "configuration.nix")
	mod := filepath.Join(dir, "module.nix")
	write := func(p, s string) { testnix.WriteFile(t, p, s, 0o644) }
	write(conf, `{ ... }: { imports = [ ./module.nix ]; system.build.fromConf = 1; }`)
	write(mod, `{ ... }: { system.build.fromModule = 1; }`)
	tg, err := resolve.Target(resolve.Flags{SearchPath: []string{"nixpkgs=" + testnix.Testdata("nixpkgs"), "nixos-config=" + conf}},
		resolve.Environment{Getenv: os.Getenv, Hostname: os.Hostname, EtcNixOS: dir, Cwd: dir})
	if err != nil {
		t.Fatal(err)
	}
	s := warm.NewSession(tg, nixeval.Tools{})
	defer s.Close()
	req := nixeval.Request{Op: "names", Path: attr.DefaultPath}
	names := func() string { return ask(t, s, req).JSON }
	if got := names(); !strings.Contains(got, "fromConf") || !strings.Contains(got, "fromModule") {
		t.Fatalf("first: %s", got)
	}
	write(mod, `{ ... }: { system.build.fromModuleChanged = 1; }`)
	if got := names(); !strings.Contains(got, "fromModuleChanged") {
		t.Fatalf("after editing the imported module: %s", got)
	}
	write(conf, `{ ... }: { imports = [ ./module.nix ]; system.build.confChanged = 1; }`)
	if got := names(); !strings.Contains(got, "confChanged") || strings.Contains(got, "fromConf") {
		t.Fatalf("after editing the configuration: %s", got)
	}
}

// TestSessionFallsBackToOneShot gives the session a Nix without a working
// `nix` program: requests are answered one-shot.
func TestSessionFallsBackToOneShot(t *testing.T) {
	testnix.Setup(t)
	real, err := exec.LookPath("nix-instantiate")
	if err != nil {
		testnix.Missing(t, "nix-instantiate: %v", err)
	}
	dir := t.TempDir()
	if err := os.Symlink(real, filepath.Join(dir, "nix-instantiate")); err != nil {
		t.Fatal(err)
	}
	testnix.WriteFile(t, filepath.Join(dir, "nix"), "#!/bin/sh\necho 'no repl here' >&2\nexit 1\n", 0o755)
	tg := testnix.Classic(t, "laptop", "")
	s := warm.NewSession(tg, nixeval.Tools{Dir: dir})
	defer s.Close()
	got := ask(t, s, nixeval.Request{Op: "names", Path: attr.DefaultPath})
	if got.Kind != "" || !strings.Contains(got.JSON, "myScript") {
		t.Fatalf("fallback answer: %+v", got)
	}
	if s.Fallen() == nil {
		t.Fatal("session did not report falling back")
	}
	if len(s.Deps()) == 0 {
		t.Error("one-shot fallback reported no evaluated files")
	}
}

// A `nix` whose repl never answers (a stuck daemon, a lock) must not hang
// nixplore: the session gives up after ReplStartTimeout and the one-shot
// fallback answers; the hung process is gone.
func TestSessionFallsBackWhenReplHangs(t *testing.T) {
	testnix.Setup(t)
	real, err := exec.LookPath("nix-instantiate")
	if err != nil {
		testnix.Missing(t, "nix-instantiate: %v", err)
	}
	// The marker is in the fake's path, so in its shell's command line.
	marker := fmt.Sprintf("hungrepl%d", time.Now().UnixNano())
	dir := filepath.Join(t.TempDir(), marker)
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(real, filepath.Join(dir, "nix-instantiate")); err != nil {
		t.Fatal(err)
	}
	testnix.WriteFile(t, filepath.Join(dir, "nix"), "#!/bin/sh\nsleep 1000\n", 0o755)
	old := warm.ReplStartTimeout
	warm.ReplStartTimeout = time.Second
	t.Cleanup(func() { warm.ReplStartTimeout = old })
	s := warm.NewSession(testnix.Classic(t, "laptop", ""), nixeval.Tools{Dir: dir})
	defer s.Close()
	var hung []testnix.Proc
	t.Cleanup(func() {
		// A failing run must not leave the fake behind.
		for _, p := range hung {
			_ = syscall.Kill(-p.PGID, syscall.SIGKILL)
		}
	})
	start := time.Now()
	type reply struct {
		raw json.RawMessage
		err error
	}
	answered := make(chan reply, 1)
	go func() {
		raw, err := s.Eval(context.Background(), nixeval.Request{Op: "names", Path: attr.DefaultPath})
		answered <- reply{raw, err}
	}()
	// While the session waits for it: the fake's shell (the marker is in
	// its command line) and the sleep under it, which is not marked.
	for deadline := time.Now().Add(20 * time.Second); len(hung) < 2 && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		hung = nil
		for _, p := range testnix.Marked(marker, "") {
			hung = append(append(hung, p), testnix.Descendants(p.PID)...)
		}
	}
	if len(hung) < 2 {
		t.Fatalf("the hung repl and its child were never seen: %v", hung)
	}
	got := <-answered
	if got.err != nil || !strings.Contains(string(got.raw), "myScript") {
		t.Fatalf("fallback answer: %s %v", got.raw, got.err)
	}
	if s.Fallen() == nil || !strings.Contains(s.Fallen().Error(), "did not answer") {
		t.Fatalf("fallen: %v", s.Fallen())
	}
	t.Logf("answered after %s", time.Since(start))
	alive := func() []testnix.Proc {
		var out []testnix.Proc
		for _, p := range hung {
			if q, ok := testnix.Process(p.PID); ok && q.PGID == p.PGID { // not a reused pid
				out = append(out, q)
			}
		}
		for _, q := range testnix.GroupAlive(hung[0].PGID) {
			if !slices.ContainsFunc(out, func(p testnix.Proc) bool { return p.PID == q.PID }) {
				out = append(out, q)
			}
		}
		return out
	}
	// The session kills the group before falling back; the kernel may take
	// a moment to end a process.
	for deadline := time.Now().Add(2 * time.Second); len(alive()) > 0 && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
	}
	if left := alive(); len(left) > 0 {
		t.Fatalf("the hung repl or its child is still running: %v", left)
	}
}

// TestSessionRestart: Restart gives the next request a fresh repl.
func TestSessionRestart(t *testing.T) {
	testnix.Setup(t)
	s := warm.NewSession(testnix.Classic(t, "laptop", ""), nixeval.Tools{})
	defer s.Close()
	req := nixeval.Request{Op: "names", Path: attr.DefaultPath}
	first := ask(t, s, req)
	s.Restart()
	if s.Pid() != 0 {
		t.Fatal("repl still running after Restart")
	}
	if got := ask(t, s, req); got != first || s.Starts() != 2 {
		t.Fatalf("after Restart: %+v (starts %d)", got, s.Starts())
	}
}
