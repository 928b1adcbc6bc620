package warm_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
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

// ifdMarker is on the command line of the ifd fixture's builder while it
// sleeps (testdata/configs/ifd).
const ifdMarker = "nixplore-ifd-marker"

// waitFor polls cond until it holds or d passes.
func waitFor(d time.Duration, cond func() bool) bool {
	for end := time.Now().Add(d); time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
		if cond() {
			return true
		}
	}
	return cond()
}

// evalBuildBackends are the two ways a request reaches Nix: the warm
// session's repl and a Nix process per request.
var evalBuildBackends = map[string]func(*nixeval.Target) nixeval.Backend{
	"warm":     func(tg *nixeval.Target) nixeval.Backend { return warm.NewSession(tg, nixeval.Tools{}) },
	"one-shot": func(tg *nixeval.Target) nixeval.Backend { return warm.NewTrackedOneShot(tg, nixeval.Tools{}) },
}

// TestEvalBuildReportedWhileItRuns: a value that imports from a derivation
// makes Nix build it in the middle of the evaluation. The request's
// listener hears which derivation while its builder still runs (the warm
// repl's lines arrive while the request is in flight, not with its
// answer); cancelling then leaves no builder behind. Warm session and
// one-shot alike; the kind request and the description alike.
func TestEvalBuildReportedWhileItRuns(t *testing.T) {
	testnix.Setup(t)
	t.Setenv("NIXPLORE_IFD_SLEEP", "300")
	for name, mk := range evalBuildBackends {
		for _, op := range []string{"kinds", "describe"} {
			t.Run(name+"/"+op, func(t *testing.T) {
				salt := fmt.Sprintf("evalbuild-%s-%s-%d", name, op, time.Now().UnixNano())
				t.Setenv("NIXPLORE_SALT", salt)
				tg := testnix.Classic(t, "ifd", "")
				ev := nixeval.New(tg, nixeval.Tools{})
				ev.Backend = mk(tg)
				defer ev.Close()
				generated := attr.Path{"config", "system", "build", "generated"}
				ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
				defer cancel()
				var mu sync.Mutex
				var heard []diag.EvalBuild
				var runningWhenHeard bool
				ctx = nixeval.WithEvalBuilds(ctx, func(b diag.EvalBuild) {
					running := waitFor(30*time.Second, func() bool { return len(testnix.Marked(ifdMarker, salt)) > 0 })
					mu.Lock()
					heard = append(heard, b)
					runningWhenHeard = runningWhenHeard || running
					mu.Unlock()
					cancel() // as esc or ctrl-c would
				})
				var err error
				if op == "kinds" {
					err = ev.Kinds(ctx, []nixeval.Child{{Name: "generated", Path: generated, Kind: nixeval.KindPending}})
				} else {
					_, err = ev.Describe(ctx, generated)
				}
				var ce *nixproc.CancelledError
				if !errors.As(err, &ce) {
					t.Errorf("after cancelling: %T %v", err, err)
				}
				mu.Lock()
				defer mu.Unlock()
				if len(heard) == 0 || heard[0].Name != "gen-foo" || !strings.HasSuffix(heard[0].Drv, "-gen-foo.drv") {
					t.Fatalf("heard %+v", heard)
				}
				if !runningWhenHeard {
					t.Error("the build was not running when the listener heard of it")
				}
				if !waitFor(5*time.Second, func() bool { return len(testnix.Marked(ifdMarker, salt)) == 0 }) {
					t.Errorf("builder still running after cancel: %+v", testnix.Marked(ifdMarker, salt))
				}
			})
		}
	}
}

// TestEvalBuildCompletes: with a short build the same request answers,
// having said what it built once.
func TestEvalBuildCompletes(t *testing.T) {
	testnix.Setup(t)
	t.Setenv("NIXPLORE_IFD_SLEEP", "1")
	t.Setenv("NIXPLORE_SALT", fmt.Sprintf("evalbuild-done-%d-%d", os.Getpid(), time.Now().UnixNano()))
	tg := testnix.Classic(t, "ifd", "")
	ev := nixeval.New(tg, nixeval.Tools{})
	ev.Backend = warm.NewSession(tg, nixeval.Tools{})
	defer ev.Close()
	var heard []string
	var mu sync.Mutex
	ctx := nixeval.WithEvalBuilds(context.Background(), func(b diag.EvalBuild) {
		mu.Lock()
		heard = append(heard, b.Name)
		mu.Unlock()
	})
	children := []nixeval.Child{{Name: "generated", Path: attr.Path{"config", "system", "build", "generated"}, Kind: nixeval.KindPending}}
	if err := ev.Kinds(ctx, children); err != nil {
		t.Fatal(err)
	}
	if children[0].Kind != nixeval.KindAttrs {
		t.Errorf("kind %q (%s)", children[0].Kind, children[0].Error)
	}
	mu.Lock()
	defer mu.Unlock()
	if strings.Join(heard, ",") != "gen-foo" {
		t.Errorf("heard %v", heard)
	}
}

// TestIFDRefusedIsTheChildsError: with --option
// allow-import-from-derivation false, the child that needs the build is an
// error naming the derivation, beside its siblings.
func TestIFDRefusedIsTheChildsError(t *testing.T) {
	testnix.Setup(t)
	t.Setenv("NIXPLORE_SALT", fmt.Sprintf("evalbuild-refused-%d", time.Now().UnixNano()))
	flags := testnix.ClassicFlags("ifd", "")
	flags.Options = []nixeval.Option{{Name: "allow-import-from-derivation", Value: "false"}}
	tg, err := resolve.Target(flags, testnix.Env(t))
	if err != nil {
		t.Fatal(err)
	}
	for name, b := range map[string]nixeval.Backend{"warm": warm.NewPool(tg, nixeval.Tools{}, 2, 0), "one-shot": warm.NewTrackedOneShot(tg, nixeval.Tools{})} {
		t.Run(name, func(t *testing.T) {
			ev := nixeval.New(tg, nixeval.Tools{})
			ev.Backend = b
			defer ev.Close()
			ls, err := ev.List(context.Background(), attr.DefaultPath)
			if err != nil {
				t.Fatal(err)
			}
			kinds := map[string]nixeval.Child{}
			for _, c := range ls[0].Children {
				kinds[c.Name] = c
			}
			g := kinds["generated"]
			if g.Kind != nixeval.KindError || !strings.Contains(g.Error, "gen-foo") || !strings.Contains(g.Error, "allow-import-from-derivation") {
				t.Errorf("generated: %+v", g)
			}
			if kinds["plain"].Kind != nixeval.KindDerivation || kinds["toplevel"].Kind != nixeval.KindDerivation {
				t.Errorf("siblings: plain %+v toplevel %+v", kinds["plain"], kinds["toplevel"])
			}
		})
	}
}

// TestEvalBuildWaitingForLock: when another Nix process already builds
// the derivation (a nix-build in another terminal, or a second warm
// evaluator), Nix prints `waiting for lock on '…'` instead of `building`.
// The request's listener hears that it waits, and for which output, and
// cancelling it leaves the other process's build alone.
func TestEvalBuildWaitingForLock(t *testing.T) {
	testnix.Setup(t)
	t.Setenv("NIXPLORE_IFD_SLEEP", "300")
	for name, mk := range evalBuildBackends {
		t.Run(name, func(t *testing.T) {
			salt := fmt.Sprintf("evalbuild-lock-%s-%d", name, time.Now().UnixNano())
			t.Setenv("NIXPLORE_SALT", salt)
			testnix.AnotherNixBuilding(t, "ifd", "generated", ifdMarker, salt)
			tg := testnix.Classic(t, "ifd", "")
			ev := nixeval.New(tg, nixeval.Tools{})
			ev.Backend = mk(tg)
			defer ev.Close()
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			heard := make(chan diag.EvalBuild, 4)
			ctx = nixeval.WithEvalBuilds(ctx, func(b diag.EvalBuild) {
				heard <- b
				cancel()
			})
			_, err := ev.Describe(ctx, attr.Path{"config", "system", "build", "generated"})
			var ce *nixproc.CancelledError
			if !errors.As(err, &ce) {
				t.Errorf("after cancelling: %T %v", err, err)
			}
			select {
			case b := <-heard:
				if b.Drv != "" || b.Name != "gen-foo" || !strings.HasPrefix(b.Locked, "/nix/store/") || !strings.HasSuffix(b.Locked, "-gen-foo") {
					t.Errorf("heard %+v", b)
				}
				if got := b.String(); got != "waiting for gen-foo for evaluation (another Nix process builds it)" {
					t.Errorf("said %q", got)
				}
				if got := b.LogCommand(); got != "nix-store -l "+b.Locked {
					t.Errorf("log command %q", got)
				}
			default:
				t.Fatal("the listener heard nothing")
			}
			if left := testnix.Marked(ifdMarker, salt); len(left) != 1 {
				t.Errorf("the other process's builder: %+v (want it alone, still running)", left)
			}
		})
	}
}
