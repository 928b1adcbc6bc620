package nixeval_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/nixplore/nixplore/internal/testnix"
	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/nixeval/diag"
	"github.com/nixplore/nixplore/nixeval/warm"
)

// TestScanWarnings reads the warning lines each Nix version prints
// (captured from 2.8, 2.26 and 2.34 on the fixtures), with Nix's own
// lines and the repl's answer around them.
func TestScanWarnings(t *testing.T) {
	build := attr.Path{"config", "system", "build"}
	top, legacy := build.Child("toplevel"), build.Child("legacyTool")
	one := nixeval.Request{Op: "describe", Path: top}
	const mark = "nixplore-at-00ff:"
	batch := nixeval.Request{Op: "kinds", Paths: []attr.Path{legacy, top}, Mark: mark}
	list := nixeval.Request{Op: "list", Paths: []attr.Path{build}, Mark: mark}
	w := func(kind diag.WarningKind, msg string, p attr.Path) diag.Warning {
		return diag.Warning{Kind: kind, Message: msg, Path: p}
	}
	for _, c := range []struct {
		name  string
		req   nixeval.Request
		lines []string
		want  []diag.Warning
	}{
		{"2.8 lib.warn", one, []string{"evaluating file '/x/top-level.nix'", "trace: evaluation warning: renamed", `"tok-a1{}"`},
			[]diag.Warning{w(diag.WarningEval, "renamed", top)}},
		{"2.26 and 2.34 builtins.warn", one, []string{"evaluation warning: renamed"},
			[]diag.Warning{w(diag.WarningEval, "renamed", top)}},
		{"older lib's trace: warning:", one, []string{"trace: warning: Accessing nixos-enter is deprecated"},
			[]diag.Warning{w(diag.WarningEval, "Accessing nixos-enter is deprecated", top)}},
		{"builtins.trace", one, []string{"trace: { a = 1; }"},
			[]diag.Warning{w(diag.WarningTrace, "{ a = 1; }", top)}},
		{"colours stripped", one, []string{"trace: \x1b[1;31mevaluation warning:\x1b[0m renamed"},
			[]diag.Warning{w(diag.WarningEval, "renamed", top)}},
		{"2.26 indents further lines", one, []string{"evaluation warning: first", "                    second", "evaluating file '/x/y.nix'"},
			[]diag.Warning{w(diag.WarningEval, "first\nsecond", top)}},
		{"2.8 trace of several lines", one, []string{"trace: evaluation warning: first", "second", "", `"tok-a1{}"`},
			[]diag.Warning{w(diag.WarningEval, "first\nsecond", top)}},
		{"Nix's own lines end a message", one, []string{"trace: a", "evaluating file '/x'", "copied source '/a' -> '/nix/store/b'", "error: boom"},
			[]diag.Warning{w(diag.WarningTrace, "a", top)}},
		{"marks attribute a batch", batch, []string{"trace: " + mark + "0", "evaluation warning: old tool", "trace: " + mark + "1", "evaluation warning: renamed"},
			[]diag.Warning{w(diag.WarningEval, "old tool", legacy), w(diag.WarningEval, "renamed", top)}},
		{"a listing's marks name the child", list, []string{"trace: " + mark + "0", "trace: " + mark + `0 "legacyTool"`, "evaluation warning: old tool"},
			[]diag.Warning{w(diag.WarningEval, "old tool", legacy)}},
		{"a mark of another request is a trace", batch, []string{"trace: nixplore-at-1234:0", "trace: x"},
			[]diag.Warning{w(diag.WarningTrace, "nixplore-at-1234:0", nil), w(diag.WarningTrace, "x", nil)}},
		{"nothing", one, []string{"evaluating file '/x'", `"tok-a1{}"`}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := nixeval.ScanWarnings(c.req, c.lines)
			if !reflect.DeepEqual(got, c.want) {
				t.Fatalf("got  %#v\nwant %#v", got, c.want)
			}
		})
	}
}

func TestUniqueWarnings(t *testing.T) {
	a := diag.Warning{Kind: diag.WarningEval, Message: "a", Path: attr.Path{"x"}}
	a2 := diag.Warning{Kind: diag.WarningEval, Message: "a", Path: attr.Path{"y"}}
	tr := diag.Warning{Kind: diag.WarningTrace, Message: "a"}
	got := diag.UniqueWarnings([]diag.Warning{a, tr}, []diag.Warning{a2, tr})
	if !reflect.DeepEqual(got, []diag.Warning{a, tr}) {
		t.Fatalf("got %#v", got)
	}
}

const (
	renamedWarning = "The option `services.openssh.permitRootLogin' defined in"
	legacyWarning  = "system.build.legacyTool is deprecated; use pkgs.legacy-tool instead."
	enterWarning   = "Accessing nixos-enter through config.system.build is deprecated, use pkgs.nixos-enter instead."
)

// warningOf returns the one warning whose message starts with prefix.
func warningOf(t *testing.T, ws []diag.Warning, prefix string) diag.Warning {
	t.Helper()
	var found []diag.Warning
	for _, w := range ws {
		if strings.HasPrefix(w.Message, prefix) {
			found = append(found, w)
		}
	}
	if len(found) != 1 {
		t.Fatalf("want one warning %q, got %d in %#v", prefix, len(found), ws)
	}
	return found[0]
}

// warnEvaluators are the backends a warning must come through: one-shot
// processes (stderr) and warm repls (their output between sentinels).
func warnEvaluators(t *testing.T) map[string]func() *nixeval.Evaluator {
	tg := testnix.Classic(t, "warnings", "")
	return map[string]func() *nixeval.Evaluator{
		"one-shot": func() *nixeval.Evaluator { return nixeval.New(tg, nixeval.Tools{}) },
		"warm": func() *nixeval.Evaluator {
			ev := nixeval.New(tg, nixeval.Tools{})
			ev.Backend = warm.NewPool(tg, nixeval.Tools{}, 2, 0)
			ev.Parallel = 2
			return ev
		},
	}
}

// TestWarningsOnAnswers: config.warnings (printed by toplevel) and a
// child's lib.warn arrive on the child that printed them, once, in a
// listing; a description carries its own; the answers are whole.
func TestWarningsOnAnswers(t *testing.T) {
	testnix.Setup(t)
	build := attr.Path{"config", "system", "build"}
	for name, mk := range warnEvaluators(t) {
		t.Run(name, func(t *testing.T) {
			ev := mk()
			defer ev.Close()
			ls, err := ev.List(context.Background(), build)
			if err != nil {
				t.Fatal(err)
			}
			l := ls[0]
			kinds := map[string]nixeval.Child{}
			for _, c := range l.Children {
				kinds[c.Name] = c
			}
			if kinds["toplevel"].Kind != nixeval.KindDerivation || kinds["legacyTool"].Kind != nixeval.KindDerivation {
				t.Fatalf("warnings hid the answer: %+v", l.Children)
			}
			all := l.AllWarnings()
			if w := warningOf(t, all, renamedWarning); !w.Path.Equal(build.Child("toplevel")) || w.Kind != diag.WarningEval {
				t.Errorf("renamed option: %+v", w)
			}
			if w := warningOf(t, all, legacyWarning); !w.Path.Equal(build.Child("legacyTool")) || w.Kind != diag.WarningEval {
				t.Errorf("lib.warn: %+v", w)
			}
			if w := warningOf(t, all, enterWarning); !w.Path.Equal(build.Child("nixos-enter")) {
				t.Errorf("trace: warning: %+v", w)
			}
			warningOf(t, kinds["legacyTool"].Warnings, legacyWarning)
			if len(kinds["nixos-rebuild"].Warnings) != 0 {
				t.Errorf("a quiet child has warnings: %+v", kinds["nixos-rebuild"].Warnings)
			}

			fresh := mk()
			defer fresh.Close()
			d, err := fresh.Describe(context.Background(), build.Child("toplevel"))
			if err != nil {
				t.Fatal(err)
			}
			if d.DrvPath == "" {
				t.Fatalf("no drvPath: %+v", d)
			}
			warningOf(t, d.Warnings, renamedWarning)
		})
	}
}

// TestWarningsFromTheCache: an answer served from the disk cache reports
// the warnings Nix printed computing it.
func TestWarningsFromTheCache(t *testing.T) {
	testnix.Setup(t)
	tg := testnix.Classic(t, "warnings", "")
	dir := t.TempDir()
	build := attr.Path{"config", "system", "build"}
	first := cachedEvaluator(t, tg, dir)
	l := list(t, first, build)
	if _, err := first.Describe(context.Background(), build.Child("toplevel")); err != nil {
		t.Fatal(err)
	}
	want := l.AllWarnings()
	warningOf(t, want, legacyWarning)

	second := cachedEvaluator(t, tg, dir)
	cl, ok := second.PeekList(build)
	if !ok {
		t.Fatal("the listing is not in the cache")
	}
	if got := cl.AllWarnings(); !reflect.DeepEqual(got, want) {
		t.Fatalf("from the cache:\n%#v\nwant\n%#v", got, want)
	}
	d, ok := second.PeekDescribe(build.Child("toplevel"))
	if !ok {
		t.Fatal("the description is not in the cache")
	}
	warningOf(t, d.Warnings, renamedWarning)
}

// TestWarningsStayWithTheirRequest: requests sent at once to one warm repl
// each get only what Nix printed evaluating them, and a value evaluated
// once does not warn again in that repl.
func TestWarningsStayWithTheirRequest(t *testing.T) {
	testnix.Setup(t)
	tg := testnix.Classic(t, "warnings", "")
	ev := nixeval.New(tg, nixeval.Tools{})
	ev.Backend = warm.NewSession(tg, nixeval.Tools{})
	defer ev.Close()
	build := attr.Path{"config", "system", "build"}
	names := []string{"legacyTool", "nixos-rebuild", "toplevel", "nixos-generate-config", "nixos-enter"}
	got := make([][]diag.Warning, len(names))
	done := make(chan int)
	for i, n := range names {
		go func() {
			ctx, sink := diag.CollectWarnings(context.Background())
			if _, err := ev.Facts(ctx, build.Child(n)); err != nil {
				t.Error(err)
			}
			got[i] = sink.Warnings()
			done <- i
		}()
	}
	for range names {
		<-done
	}
	want := map[string]string{"legacyTool": legacyWarning, "toplevel": renamedWarning, "nixos-enter": enterWarning}
	for i, n := range names {
		if want[n] == "" {
			if len(got[i]) != 0 {
				t.Errorf("%s got another request's warnings: %+v", n, got[i])
			}
			continue
		}
		if w := warningOf(t, got[i], want[n]); !w.Path.Equal(build.Child(n)) {
			t.Errorf("%s: %+v", n, w)
		}
		if len(got[i]) != 1 {
			t.Errorf("%s: %+v", n, got[i])
		}
	}
	ctx, sink := diag.CollectWarnings(context.Background())
	if _, err := ev.Facts(ctx, build.Child("legacyTool")); err != nil {
		t.Fatal(err)
	}
	if ws := sink.Warnings(); len(ws) != 0 {
		t.Errorf("an evaluated value warned again in the same repl: %+v", ws)
	}
}

// TestWarningsRememberedByPath: a warm repl prints a value's warning only
// the first time; a later answer about that node still carries it, and an
// answer about its parent set (which does not force it) does not.
func TestWarningsRememberedByPath(t *testing.T) {
	testnix.Setup(t)
	tg := testnix.Classic(t, "warnings", "")
	ev := nixeval.New(tg, nixeval.Tools{})
	ev.Backend = warm.NewSession(tg, nixeval.Tools{})
	defer ev.Close()
	build := attr.Path{"config", "system", "build"}
	list(t, ev, build)
	d, err := ev.Describe(context.Background(), build.Child("toplevel"))
	if err != nil {
		t.Fatal(err)
	}
	if w := warningOf(t, d.Warnings, renamedWarning); !w.Path.Equal(build.Child("toplevel")) {
		t.Errorf("toplevel: %+v", w)
	}
	set, err := ev.Describe(context.Background(), build)
	if err != nil {
		t.Fatal(err)
	}
	if len(set.Warnings) != 0 {
		t.Errorf("the set carries its children's warnings: %+v", set.Warnings)
	}
	ev.Reload()
	ctx, sink := diag.CollectWarnings(context.Background())
	if _, err := ev.Describe(ctx, build.Child("legacyTool")); err != nil {
		t.Fatal(err)
	}
	warningOf(t, sink.Warnings(), legacyWarning) // a fresh repl prints it again
}

// Recognise or refuse: a warning in a wording nixplore does not know (a
// "future Nix" sample) is kept, said to be unrecognised, never dropped as
// if Nix had warned of nothing.
func TestScanWarningsFutureNix(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "testdata", "nixout", "future", "warnings.txt"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	ws := nixeval.ScanWarnings(nixeval.Request{Op: "names"}, lines)
	if len(ws) != 1 || !strings.HasPrefix(ws[0].Message, diag.UnrecognisedWarning) || !strings.Contains(ws[0].Message, "is renamed\n") {
		t.Fatalf("future Nix's warning: %+v", ws)
	}
}

// One answer keeps at most MaxWarnings warnings and says how many more.
func TestScanWarningsBounded(t *testing.T) {
	s := nixeval.NewWarningScanner(nixeval.Request{Op: "names"})
	for i := range 100000 {
		s.Line(fmt.Sprintf("trace: line %d %s", i, strings.Repeat("x", 100)))
	}
	s.Line("trace: evaluation warning: " + strings.Repeat("y", 1<<20))
	ws := s.Warnings()
	if len(ws) != diag.MaxWarnings+2 || ws[diag.MaxWarnings].Message != "and 1 more (not kept)" || ws[diag.MaxWarnings+1].Message != fmt.Sprintf("and %d more (not kept)", 100000-diag.MaxWarnings) {
		t.Fatalf("%d warnings, last %+v", len(ws), ws[len(ws)-2:])
	}
}
