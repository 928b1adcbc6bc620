package warm

import (
	"context"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/nixplore/nixplore/internal/testnix"
	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/nixeval/resolve"
)

// evaluationMark is what TestNamesCostOnlyTheSet's module traces, once
// per evaluation of the module system.
const evaluationMark = "trace: nixplore-test: one evaluation of the module system"

// TestNamesCostOnlyTheSet: listing the names of images forces no variant,
// where each variant's kind costs one whole evaluation (extendModules).
// Evaluations are counted, not timed: the configuration is heavy's with a
// module whose condition on system.build traces once per evaluation of
// the module system (as eval-cost.nix pays its cost), and every line the
// repl prints is read.
func TestNamesCostOnlyTheSet(t *testing.T) {
	testnix.Setup(t)
	conf := filepath.Join(t.TempDir(), "configuration.nix")
	testnix.WriteFile(t, conf, `{ lib, ... }: {
  imports = [ `+testnix.Testdata("configs", "heavy", "configuration.nix")+` ];
  config.system.build = lib.mkIf (builtins.trace "`+strings.TrimPrefix(evaluationMark, "trace: ")+`" true) { };
}
`, 0o644)
	tg, err := resolve.Target(resolve.Flags{SearchPath: []string{"nixpkgs=" + testnix.Testdata("nixpkgs"), "nixos-config=" + conf}}, testnix.Env(t))
	if err != nil {
		t.Fatal(err)
	}
	s := NewSession(tg, nixeval.Tools{})
	ev := nixeval.New(tg, nixeval.Tools{})
	ev.Backend = s
	t.Cleanup(func() { ev.Close() })
	// Every line of the repl (a request's own listener, none here, would
	// take its place while the request runs).
	var traced atomic.Int32
	count := func(l string) {
		if l == evaluationMark {
			traced.Add(1)
		}
	}
	s.lines.Store(&count)
	// A request that evaluates nothing new (the names of config.system.
	// build again, past the evaluator's own memory): once it is answered,
	// what Nix printed for the requests before it has been read (Nix may
	// print a trace after the answer it belongs to).
	settled := func() int {
		t.Helper()
		if _, err := s.Eval(context.Background(), nixeval.Request{Op: "names", Path: attr.DefaultPath}); err != nil {
			t.Fatal(err)
		}
		return int(traced.Load())
	}
	run := func(what string, f func(context.Context) error) int {
		t.Helper()
		before := settled()
		if err := f(context.Background()); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		return settled() - before
	}
	images := attr.DefaultPath.Child("images")
	var l *nixeval.Listing
	names := run("names of config.system.build", func(ctx context.Context) error { _, err := ev.Names(ctx, attr.DefaultPath); return err })
	names += run("names of images", func(ctx context.Context) (err error) { l, err = ev.Names(ctx, images); return err })
	if len(l.Children) != 25 {
		t.Fatalf("%d names", len(l.Children))
	}
	// The base evaluation is paid by the first settled(); the names then
	// cost at most its system.build merged once more for the names of
	// images (seen on every Nix here; not a variant): a variant forced
	// would add one each, 25 for all.
	if names > 1 {
		t.Errorf("the names of config.system.build and of images cost %d evaluations: the names must not force variants", names)
	}
	for _, want := range []int{1, 2} {
		some := append([]nixeval.Child(nil), l.Children[want:2*want]...)
		if n := run("kinds", func(ctx context.Context) error { return ev.Kinds(ctx, some) }); n != want {
			t.Errorf("the kinds of %d variants cost %d evaluations, want one each", want, n)
		}
	}
}
