package nixeval_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nixplore/nixplore/cache"
	"github.com/nixplore/nixplore/internal/testnix"
	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/nixeval/resolve"
	"github.com/nixplore/nixplore/nixeval/warm"
)

// cachedEvaluator is what one nixplore process has: a warm session and
// its own handle on the shared cache directory.
func cachedEvaluator(t *testing.T, tg *nixeval.Target, dir string) *nixeval.Evaluator {
	t.Helper()
	c, err := cache.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	ev := nixeval.New(tg, nixeval.Tools{})
	ev.Backend = warm.NewSession(tg, nixeval.Tools{})
	ev.Cache = c
	t.Cleanup(func() { ev.Close() })
	return ev
}

func names(l *nixeval.Listing) []string {
	var out []string
	for _, c := range l.Children {
		out = append(out, c.Name)
	}
	return out
}

func list(t *testing.T, ev *nixeval.Evaluator, p attr.Path) *nixeval.Listing {
	t.Helper()
	ls, err := ev.List(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	return &ls[0]
}

// tempConfig is a configuration importing a module, both in a fresh
// directory, written long enough ago that answers about them are stored.
func tempConfig(t *testing.T) (tg *nixeval.Target, conf, mod string) {
	t.Helper()
	dir := t.TempDir()
	conf = filepath.Join(dir, "configuration.nix")
	mod = filepath.Join(dir, "module.nix")
	testnix.WriteFile(t, conf, `{ ... }: { imports = [ ./module.nix ]; system.build.fromConf = 1; }`, 0o644)
	testnix.WriteFile(t, mod, `{ ... }: { system.build.fromModule = 1; }`, 0o644)
	slack := cache.RacySlack
	t.Cleanup(func() { cache.RacySlack = slack })
	cache.RacySlack = 50 * time.Millisecond // local file systems here have a fine clock
	// Not synchronisation: file times are only told apart from a later
	// computation's start past RacySlack, so the files must age that long.
	time.Sleep(2 * cache.RacySlack)
	tg, err := resolve.Target(resolve.Flags{SearchPath: []string{"nixpkgs=" + testnix.Testdata("nixpkgs"), "nixos-config=" + conf}},
		resolve.Environment{Getenv: os.Getenv, Hostname: os.Hostname, EtcNixOS: dir, Cwd: dir})
	if err != nil {
		t.Fatal(err)
	}
	return tg, conf, mod
}

// tempConfig's shorter cache.RacySlack ends with the test that asked for
// it: the next test (or package) sees the cache's own.
func TestTempConfigRestoresRacySlack(t *testing.T) {
	before := cache.RacySlack
	t.Run("config", func(t *testing.T) {
		tempConfig(t)
		if cache.RacySlack == before {
			t.Fatalf("RacySlack is still %s inside the test", before)
		}
	})
	if cache.RacySlack != before {
		t.Errorf("RacySlack is %s after the test, want %s back", cache.RacySlack, before)
	}
}

// TestCacheNeverServesChangedFiles lists a configuration, then edits the
// module it imports and then the configuration itself: a second process
// must never get the old listing from the cache.
func TestCacheNeverServesChangedFiles(t *testing.T) {
	testnix.Setup(t)
	dir := t.TempDir()
	tg, conf, mod := tempConfig(t)
	first := cachedEvaluator(t, tg, dir)
	fresh := list(t, first, attr.DefaultPath)

	info, err := first.Info(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	second := cachedEvaluator(t, tg, dir)
	if got, ok := second.PeekInfo(); !ok || !reflect.DeepEqual(got, info) {
		t.Fatalf("cached info %+v (%v), fresh %+v", got, ok, info)
	}
	got, ok := second.PeekList(attr.DefaultPath)
	if !ok || !got.FromCache {
		t.Fatal("no cached listing for a second process")
	}
	if !reflect.DeepEqual(got.Children, fresh.Children) {
		t.Fatalf("cached %v\nfresh  %v", got.Children, fresh.Children)
	}
	if second.Backend.(*warm.Session).Starts() != 0 {
		t.Error("peeking started Nix")
	}

	testnix.WriteFile(t, mod, `{ ... }: { system.build.fromModuleChanged = 1; }`, 0o644)
	if l, ok := cachedEvaluator(t, tg, dir).PeekList(attr.DefaultPath); ok {
		t.Fatalf("served after the imported module changed: %v", names(l))
	}
	if l := list(t, second, attr.DefaultPath); !contains(names(l), "fromModuleChanged") {
		t.Fatalf("re-check after the module changed: %v", names(l))
	}

	testnix.WriteFile(t, conf, `{ ... }: { imports = [ ./module.nix ]; system.build.confChanged = 1; }`, 0o644)
	if l, ok := cachedEvaluator(t, tg, dir).PeekList(attr.DefaultPath); ok {
		t.Fatalf("served after the configuration changed: %v", names(l))
	}
	if l := list(t, first, attr.DefaultPath); !contains(names(l), "confChanged") || contains(names(l), "fromConf") {
		t.Fatalf("first process after the configuration changed: %v", names(l))
	}
}

func contains(xs []string, x string) bool {
	for _, s := range xs {
		if s == x {
			return true
		}
	}
	return false
}

// TestCacheRoundTripsEveryKind stores listings and descriptions of kinds
// and hostile (invalid UTF-8, newlines, escapes in names) and reads them
// back identical from another process's handle.
func TestCacheRoundTripsEveryKind(t *testing.T) {
	testnix.Setup(t)
	for _, config := range []string{"kinds", "hostile"} {
		t.Run(config, func(t *testing.T) {
			dir := t.TempDir()
			tg := testnix.Classic(t, config, "")
			ev := cachedEvaluator(t, tg, dir)
			fresh := list(t, ev, attr.DefaultPath)
			other := cachedEvaluator(t, tg, dir)
			got, ok := other.PeekList(attr.DefaultPath)
			if !ok {
				t.Fatal("listing not cached")
			}
			if !reflect.DeepEqual(got.Children, fresh.Children) {
				t.Fatalf("cached %+v\nfresh  %+v", got.Children, fresh.Children)
			}
			for _, c := range fresh.Children {
				if c.Kind == nixeval.KindError {
					continue
				}
				d, err := ev.Describe(context.Background(), c.Path)
				if err != nil {
					t.Fatalf("%s: %v", c.Path, err)
				}
				cd, ok := other.PeekDescribe(c.Path)
				if !ok {
					t.Fatalf("%s: description not cached", c.Path)
				}
				if !cd.FromCache {
					t.Errorf("%s: not marked FromCache", c.Path)
				}
				cd.FromCache = false
				if !reflect.DeepEqual(cd, d) {
					t.Errorf("%s:\ncached %+v\nfresh  %+v", c.Path, cd, d)
				}
			}
		})
	}
}

// poisonListing replaces the stored listing of path with one child no
// configuration has, as the cache's own Put would write it, and returns
// that child's name.
func poisonListing(t *testing.T, dir string, path attr.Path) string {
	t.Helper()
	p, _ := json.Marshal(path)
	suffix := "\x00list\x00" + string(p)
	var key string
	var deps []string
	_ = filepath.WalkDir(dir, func(f string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(f, ".json") {
			return err
		}
		b, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		var e struct {
			Key  string `json:"key"`
			Deps []struct {
				Path string `json:"path"`
			} `json:"deps"`
		}
		if json.Unmarshal(b, &e) == nil && strings.HasSuffix(e.Key, suffix) {
			key = e.Key
			for _, d := range e.Deps {
				deps = append(deps, d.Path)
			}
		}
		return nil
	})
	if key == "" {
		t.Fatalf("no stored listing of %s in %s", path, dir)
	}
	c, err := cache.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	const poison = "poisonedByTheTest"
	if err := c.Put(key, deps, time.Now(), json.RawMessage(`{"children":[{"name":"`+poison+`","kind":"int"}]}`)); err != nil {
		t.Fatal(err)
	}
	return poison
}

// TestRefreshIgnoresTheCache: with Refresh, Peek misses and the answer
// comes from Nix even where the cache holds another one for unchanged
// files; that answer replaces the cached one.
func TestRefreshIgnoresTheCache(t *testing.T) {
	testnix.Setup(t)
	dir := t.TempDir()
	tg, _, _ := tempConfig(t)
	fresh := names(list(t, cachedEvaluator(t, tg, dir), attr.DefaultPath))
	poison := poisonListing(t, dir, attr.DefaultPath)
	// The poisoned entry is what the cache serves without Refresh.
	if l, ok := cachedEvaluator(t, tg, dir).PeekList(attr.DefaultPath); !ok || !reflect.DeepEqual(names(l), []string{poison}) {
		t.Fatalf("the poisoned entry is not served (%v): %v", ok, l)
	}

	ev := cachedEvaluator(t, tg, dir)
	ev.Refresh = true
	if l, ok := ev.PeekList(attr.DefaultPath); ok {
		t.Fatalf("Refresh served from the cache: %v", names(l))
	}
	l := list(t, ev, attr.DefaultPath)
	if l.FromCache || !reflect.DeepEqual(names(l), fresh) {
		t.Fatalf("with Refresh: %v (from cache %v), Nix's answer %v", names(l), l.FromCache, fresh)
	}
	if ev.Backend.(*warm.Session).Starts() != 1 {
		t.Errorf("with Refresh, %d repls started, want 1", ev.Backend.(*warm.Session).Starts())
	}
	// Nix's answer replaced the poisoned one for the next process.
	if l, ok := cachedEvaluator(t, tg, dir).PeekList(attr.DefaultPath); !ok || !reflect.DeepEqual(names(l), fresh) {
		t.Fatalf("after the refresh the cache serves %v (%v), want %v", l, ok, fresh)
	}
}

// TestCacheFlakeKeysOnLockedSource: a flake's files live in the store, so
// its entries are keyed on the locked source Nix reports; editing a host
// file changes it and the old listing is not served.
func TestCacheFlakeKeysOnLockedSource(t *testing.T) {
	testnix.Setup(t)
	dir := t.TempDir()
	tg := testnix.Flake(t, "laptop")
	fresh := list(t, cachedEvaluator(t, tg, dir), attr.DefaultPath)
	got, ok := cachedEvaluator(t, tg, dir).PeekList(attr.DefaultPath)
	if !ok || !reflect.DeepEqual(got.Children, fresh.Children) {
		t.Fatalf("flake listing not served from the cache (%v)", ok)
	}
	host := filepath.Join(strings.TrimPrefix(tg.FlakeRef, "path:"), "hosts", "laptop.nix")
	src, err := os.ReadFile(host)
	if err != nil {
		t.Fatal(err)
	}
	testnix.WriteFile(t, host, strings.Replace(string(src), "system.build.myScript", "system.build.addedByEdit = 1;\n  system.build.myScript", 1), 0o644)
	if l, ok := cachedEvaluator(t, tg, dir).PeekList(attr.DefaultPath); ok {
		t.Fatalf("served after the flake changed: %v", names(l))
	}
	if l := list(t, cachedEvaluator(t, tg, dir), attr.DefaultPath); !contains(names(l), "addedByEdit") {
		t.Fatalf("after the edit: %v", names(l))
	}
}

// answerOnly answers every request at once and names no file, so the
// evaluator stores the answer and needs its cache key: for a flake, the
// `nix flake metadata` of flakeFingerprint.
type answerOnly struct{}

func (answerOnly) Eval(context.Context, nixeval.Request) (json.RawMessage, error) {
	return json.RawMessage(`{"status":"ok","nixVersion":"fake"}`), nil
}
func (answerOnly) Close() error { return nil }
func (answerOnly) Deps() []string {
	return []string{"/nix/store/00000000000000000000000000000000-source/flake.nix"}
}

// hungFlakeEvaluator is a cached evaluator of a flake whose `nix` never
// answers (a stuck daemon, a lock); marker is in the fake's command line.
func hungFlakeEvaluator(t *testing.T) (ev *nixeval.Evaluator, marker string) {
	t.Helper()
	marker = fmt.Sprintf("hungmetadata%d", time.Now().UnixNano())
	dir := filepath.Join(t.TempDir(), marker)
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	testnix.WriteFile(t, filepath.Join(dir, "nix"), "#!/bin/sh\nsleep 1000\n", 0o755)
	tg := &nixeval.Target{Kind: nixeval.Flake, FlakeRef: "path:" + t.TempDir(), Host: "h", Dir: t.TempDir()}
	ev = nixeval.New(tg, nixeval.Tools{Dir: dir})
	ev.Backend = answerOnly{}
	c, err := cache.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	ev.Cache = c
	t.Cleanup(func() {
		// A failing run must not leave the fake behind.
		for _, p := range testnix.Marked(marker, "") {
			_ = syscall.Kill(-p.PGID, syscall.SIGKILL)
		}
	})
	return ev, marker
}

// awaitMarked waits until the fake `nix` runs and returns its process group.
func awaitMarked(t *testing.T, marker string) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if len(testnix.Marked(marker, "")) > 0 {
			return
		}
	}
	t.Fatal("flake metadata was never asked for")
}

// awaitGone checks, polling, that the fake `nix` marked with marker and
// every process under it end within 2 s of since (the bound the README
// gives for a cancelled request's Nix). It follows the processes
// themselves, not a process group: under `make test` a group can hold
// processes of other tests (a daemonized tmux server), which never end.
func awaitGone(t *testing.T, marker string, since time.Time) {
	t.Helper()
	alive := func() []testnix.Proc {
		var out []testnix.Proc
		for _, p := range testnix.Marked(marker, "") {
			out = append(append(out, p), testnix.Descendants(p.PID)...)
		}
		return out
	}
	for time.Since(since) < 2*time.Second && len(alive()) > 0 {
		time.Sleep(10 * time.Millisecond)
	}
	if left := alive(); len(left) > 0 {
		t.Fatalf("the flake metadata process is still running 2 s after the cancel: %v", left)
	}
}

// The flake key's `nix flake metadata` runs on the request's context: a
// cancelled request (or a quit) ends it, instead of a background context
// that outlives them. Peek, which has no request, runs it on the
// evaluator's own context, which Close ends.
func TestFlakeKeyEndsWithItsContext(t *testing.T) {
	t.Run("request", func(t *testing.T) {
		ev, marker := hungFlakeEvaluator(t)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		done := make(chan error, 1)
		go func() {
			_, err := ev.Info(ctx)
			done <- err
		}()
		awaitMarked(t, marker)
		cancelled := time.Now()
		cancel()
		select {
		case err := <-done:
			// The answer came before the key was wanted; only storing it
			// was cut short.
			if err != nil {
				t.Errorf("Info: %v", err)
			}
		case <-time.After(2 * time.Second):
			t.Fatal("Info still waits for flake metadata 2 s after its request was cancelled")
		}
		awaitGone(t, marker, cancelled)
	})
	t.Run("peek", func(t *testing.T) {
		ev, marker := hungFlakeEvaluator(t)
		done := make(chan bool, 1)
		go func() {
			_, ok := ev.PeekInfo()
			done <- ok
		}()
		awaitMarked(t, marker)
		closed := time.Now()
		ev.Close()
		select {
		case ok := <-done:
			if ok {
				t.Error("a peek without a key was served")
			}
		case <-time.After(2 * time.Second):
			t.Fatal("PeekInfo still waits for flake metadata 2 s after Close")
		}
		awaitGone(t, marker, closed)
	})
}

// depsOnly answers every request and reports deps as the files evaluated.
type depsOnly struct{ deps []string }

func (d depsOnly) Eval(context.Context, nixeval.Request) (json.RawMessage, error) {
	return json.RawMessage(`{"status":"ok","nixVersion":"fake"}`), nil
}
func (depsOnly) Close() error     { return nil }
func (d depsOnly) Deps() []string { return d.deps }

// TestCacheRefusesAnswersWithoutTheConfiguration: an answer whose file
// list is empty or lacks the configuration file is never stored (being
// served from the cache rests on those files being unchanged), and one
// whose list has it is.
func TestCacheRefusesAnswersWithoutTheConfiguration(t *testing.T) {
	tg, conf, mod := tempConfig(t)
	for _, c := range []struct {
		name   string
		deps   []string
		stored bool
	}{
		{"no files", []string{}, false},
		{"only an import", []string{mod}, false},
		{"the configuration", []string{conf, mod}, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			cacheDir := t.TempDir()
			ev := cachedEvaluator(t, tg, cacheDir)
			ev.Backend = depsOnly{c.deps}
			if _, err := ev.Info(context.Background()); err != nil {
				t.Fatal(err)
			}
			ents, _ := os.ReadDir(cacheDir)
			var files int
			_ = filepath.WalkDir(cacheDir, func(p string, d os.DirEntry, err error) error {
				if err == nil && !d.IsDir() {
					files++
				}
				return nil
			})
			if (files > 0) != c.stored {
				t.Errorf("deps %v: %d cache files (%d entries at the top), want stored %v", c.deps, files, len(ents), c.stored)
			}
		})
	}
}
