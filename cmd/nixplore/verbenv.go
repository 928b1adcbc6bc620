package main

import (
	"context"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/nixplore/nixplore/cmd/nixplore/cmdline"
	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/nixeval/build"
	"github.com/nixplore/nixplore/nixeval/diag"
	"github.com/nixplore/nixplore/nixeval/flakelock"
	"github.com/nixplore/nixplore/nixeval/resolve"
	"github.com/nixplore/nixplore/nixeval/warm"
)

// verbEnv is what every verb needs: the resolved target and an evaluator.
type verbEnv struct {
	target *nixeval.Target
	eval   *nixeval.Evaluator
	tools  nixeval.Tools
	caps   *build.Capabilities // read once, by capabilities()
}

func openVerbEnv(ctx context.Context, o *cmdline.Options, stderr io.Writer, announce bool) (*verbEnv, error) {
	s, _, err := openVerbEnvNotes(ctx, o, stderr, announce)
	return s, err
}

// openVerbEnvNotes is openVerbEnv returning what preparing a local flake
// had to say (a dirty work tree, a lock file written); announce prints
// them on stderr, once, before any evaluation.
func openVerbEnvNotes(ctx context.Context, o *cmdline.Options, stderr io.Writer, announce bool) (*verbEnv, []string, error) {
	return openVerbEnvShare(ctx, o, stderr, announce, 1)
}

// openVerbEnvShare is openVerbEnvNotes for a verb that opens share
// evaluators at once (newEvaluator).
func openVerbEnvShare(ctx context.Context, o *cmdline.Options, stderr io.Writer, announce bool, share int) (*verbEnv, []string, error) {
	t, err := resolve.Target(o.Target, resolve.SystemEnvironment())
	if err != nil {
		return nil, nil, err
	}
	tools := nixeval.Tools{}
	if err := tools.LookPath(); err != nil {
		return nil, nil, err
	}
	if announce {
		fmt.Fprintf(stderr, "nixplore: target %s (chosen by %s)\n", t.Label(), t.ChosenBy)
	}
	// Before the first evaluation: it needs the lock file nix build would
	// write, and the warm evaluators must read the written one.
	notes, err := flakelock.Prepare(ctx, t, tools)
	if announce {
		for _, n := range notes {
			fmt.Fprintln(stderr, "nixplore: "+n)
		}
	}
	if err != nil {
		return nil, notes, err
	}
	ev := newEvaluator(t, tools, o, stderr, announce, share)
	return &verbEnv{target: t, eval: ev, tools: tools}, notes, nil
}

// newEvaluator opens the evaluator of a verb for t as the flags ask: warm
// evaluators (or one-shot processes) and the disk cache. share divides
// the workers and the memory bound between that many evaluators open at
// once (diff's two sides).
func newEvaluator(t *nixeval.Target, tools nixeval.Tools, o *cmdline.Options, stderr io.Writer, announce bool, share int) *nixeval.Evaluator {
	ev := nixeval.New(t, tools)
	switch {
	case !o.OneShot:
		// Warm `nix repl`s answer every question of this run, several at
		// once; each falls back to one-shot processes by itself when it
		// cannot start.
		maxMem := o.MaxMem
		if maxMem < 0 {
			maxMem = warm.DefaultMaxMemory()
		}
		workers := o.Workers
		if workers == 0 {
			workers = warm.DefaultWorkers(maxMem)
		}
		workers, maxMem = max(1, workers/share), maxMem/int64(share)
		pool := warm.NewPool(t, tools, workers, maxMem)
		if announce {
			var once sync.Once
			pool.OnMemoryRestart = func(r warm.MemoryRestart) {
				once.Do(func() {
					fmt.Fprintf(stderr, "nixplore: %s: it is replaced by a fresh one between requests (answers are kept)\n", r)
				})
			}
		}
		ev.Backend = pool
		ev.Parallel = workers
	case !o.NoCache:
		ev.Backend = warm.NewTrackedOneShot(t, tools) // names its files, so answers can be cached
	}
	if !o.NoCache {
		c, err := nixeval.OpenCache()
		if err != nil {
			fmt.Fprintf(stderr, "nixplore: warning: running without a cache: %v\n", diag.FirstLine(err.Error()))
		} else {
			ev.Cache, ev.Refresh = c, o.Refresh
			if announce { // the CLI; the explorer owns the terminal
				ev.OnCacheError = func(err error) {
					fmt.Fprintf(stderr, "nixplore: warning: could not write the cache in %s: %v\n", c.Dir(), diag.FirstLine(err.Error()))
				}
			}
		}
	}
	return ev
}

// fullPath reads a short name the user typed (sdImage, images.iso) as the
// output it names under config.system.build, saying so on note; any
// other path is returned as it is (its own evaluation then says what is
// wrong with it).
func (s *verbEnv) fullPath(ctx context.Context, p attr.Path, note io.Writer) attr.Path {
	full, ok, err := resolve.ShortName(ctx, s.eval, p)
	if err != nil || !ok {
		return p
	}
	if note != nil {
		fmt.Fprintf(note, "nixplore: %s is not at the top level: taking %s\n", attr.Printable(p.String()), attr.Printable(full.String()))
	}
	return full
}

func (s *verbEnv) Close() { _ = s.eval.Close() }

// fromCacheNote tells a CLI user that an answer was not re-evaluated.
const fromCacheNote = "nixplore: from the cache (no file it was computed from has changed; --refresh re-evaluates)"

// peekListings returns every listing from the cache, or false if any is
// missing there.
func peekListings(ev *nixeval.Evaluator, paths []attr.Path) ([]nixeval.Listing, bool) {
	out := make([]nixeval.Listing, 0, len(paths))
	for _, p := range paths {
		l, ok := ev.PeekList(p)
		if !ok {
			return nil, false
		}
		out = append(out, *l)
	}
	return out, true
}

// startPaths parses the PATH words, defaulting to config.system.build.
func startPaths(words []string) ([]attr.Path, error) {
	if len(words) == 0 {
		return []attr.Path{attr.DefaultPath}, nil
	}
	var out []attr.Path
	for _, w := range words {
		p, err := attr.Parse(w)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

func onePath(o *cmdline.Options, verb string) (attr.Path, error) {
	if len(o.Paths) != 1 {
		return nil, &nixeval.UsageError{Msg: fmt.Sprintf("%s needs exactly one attribute PATH, e.g. nixplore %s config.system.build.toplevel", verb, verb)}
	}
	return attr.Parse(o.Paths[0])
}

// stillEvaluating tells a person at a terminal, once an evaluation has
// taken a few seconds, that nixplore is working and how to stop it: a
// request that produces nothing is never waited on in silence. It returns
// the function that ends the notice.
func stillEvaluating(stderr io.Writer, what string) (stop func()) {
	if !isTerminal(stderr) {
		return func() {}
	}
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		start := time.Now()
		select {
		case <-done:
			return
		case <-time.After(3 * time.Second):
		}
		fmt.Fprintf(stderr, "nixplore: still %s (%s so far; Ctrl-C cancels)\n", attr.Printable(what), time.Since(start).Truncate(time.Second))
	}()
	return func() {
		close(done)
		<-finished
	}
}

func pathOrTop(p attr.Path) string {
	if len(p) == 0 {
		return "the top level"
	}
	return p.String()
}
