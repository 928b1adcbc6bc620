package main

import (
	"context"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/term"

	"github.com/nixplore/nixplore/cmd/nixplore/cmdline"
	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/nixeval/build"
	"github.com/nixplore/nixplore/nixeval/changes"
	"github.com/nixplore/nixplore/nixeval/flakelock"
	"github.com/nixplore/nixplore/nixeval/gitwork"
	"github.com/nixplore/nixplore/nixeval/warm"
	"github.com/nixplore/nixplore/tui"
)

// cmdTUI opens the explorer when stdout is a terminal and lists like `ls`
// otherwise, so `nixplore … | less` still prints something useful.
func cmdTUI(ctx context.Context, o *cmdline.Options, stdout, stderr io.Writer) error {
	out, ok := stdout.(*os.File)
	if !ok || !term.IsTerminal(out.Fd()) || !term.IsTerminal(os.Stdin.Fd()) {
		return cmdLs(ctx, o, stdout, stderr)
	}
	if len(o.Paths) > 1 {
		return &nixeval.UsageError{Msg: "the explorer opens on one attribute PATH; use `nixplore ls` to list several"}
	}
	start, err := startPaths(o.Paths)
	if err != nil {
		return err
	}
	lg := log.New(io.Discard, "", 0)
	if o.LogFile != "" {
		f, err := os.OpenFile(o.LogFile, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
		if err != nil {
			return fmt.Errorf("--log: %w", err)
		}
		defer f.Close()
		lg = log.New(f, "", log.LstdFlags|log.Lmicroseconds)
	}
	s, notes, err := openVerbEnvNotes(ctx, o, stderr, false)
	if err != nil {
		return err
	}
	defer s.Close()
	lg.Printf("target %s (chosen by %s)", s.target.Label(), s.target.ChosenBy)
	start[0] = s.fullPath(ctx, start[0], lg.Writer())
	for _, n := range notes {
		lg.Printf("%s", n)
	}
	cfg := tui.Config{
		Target: s.target, Eval: s.eval, Tools: s.tools, Start: start[0],
		Clipboard: out, Log: lg, PreviewDelay: 60 * time.Millisecond,
		Workers: s.eval.Workers(),
	}
	// A dirty tree stays in the header (Target.Dirty); a written lock file
	// is said once in the footer, through the channel the pool's notice
	// uses too (buffered for all, so no send blocks).
	lock := lockNotes(notes)
	notices := make(chan string, 1+len(lock))
	for _, n := range lock {
		notices <- n
	}
	cfg.Notices = notices
	// R: the evaluator forgets this run (the warm repls restart, a flake's
	// locked source, the cache's key, is asked for again, so an edited
	// flake's answers are neither shown from nor stored under the old key).
	cfg.Restart = s.eval.Reload
	// R also checks a local flake again as at start: the work tree may
	// have become dirty or clean, the lock file out of date. On a copy of
	// the target: the explorer reads its own from another goroutine.
	cfg.Recheck = func() (bool, []string, error) {
		t := *s.target
		t.Dirty, t.LockUnwritten = false, false
		notes, err := flakelock.Prepare(ctx, &t, s.tools)
		for _, n := range notes {
			lg.Printf("R: %s", n)
		}
		return t.Dirty, lockNotes(notes), err
	}
	if !o.NoWatch {
		cfg.Watch = watchConfig(s)
		if o.LogFile != "" {
			cfg.Watch.Ignore = []string{o.LogFile}
		}
	}
	if pool, ok := s.eval.Backend.(*warm.Pool); ok {
		cfg.Memory, cfg.Fallen = pool.Memory, pool.Fallen
		var once sync.Once // the footer says it once; the header keeps showing the memory
		pool.OnMemoryRestart = func(r warm.MemoryRestart) {
			lg.Printf("evaluator %d replaced at %s (share %s of %s)", r.Worker, build.HumanBytes(r.RSS), build.HumanBytes(r.Share), build.HumanBytes(r.Max))
			once.Do(func() {
				notices <- r.String() + ": replaced by a fresh one (answers are kept)"
			})
		}
	}

	m := tui.New(cfg)
	// ctx ends on SIGINT, SIGTERM and SIGHUP (main's signalContext).
	// bubbletea's own SIGINT/SIGTERM handler is off: racing ctx, it could
	// block on sending its QuitMsg after the event loop had returned, and
	// Run then never returned, leaving Nix running (found by the e2e
	// SIGTERM test).
	p := tea.NewProgram(m, tea.WithAltScreen(), tea.WithMouseCellMotion(), tea.WithContext(ctx), tea.WithOutput(out),
		tea.WithoutSignalHandler())
	final, err := p.Run()
	return endExplorer(ctx, final, err, lg)
}

// endExplorer waits, after the explorer's program ended, for every Nix
// process it started to be gone, so none outlives nixplore.
func endExplorer(ctx context.Context, final tea.Model, err error, lg *log.Logger) error {
	if ctx.Err() != nil {
		// SIGHUP (the terminal closed), SIGTERM or SIGINT: the explorer
		// never saw q, so its requests and build are stopped here.
		lg.Printf("ended by a signal: stopping every request and build")
	}
	// Every request was cancelled on quit; wait for the Nix processes to
	// be gone before returning.
	if fm, ok := final.(tui.Model); ok {
		fm.Close()
		if fm.Wait(5 * time.Second) {
			lg.Printf("every Nix process has ended")
		} else {
			lg.Printf("some Nix processes did not end within 5s")
		}
	}
	if err != nil && ctx.Err() == nil {
		return err
	}
	return nil
}

// lockNotes are the notes other than the dirty-tree warning, which the
// explorer's header shows by itself.
func lockNotes(notes []string) []string {
	var out []string
	for _, n := range notes {
		if !strings.HasPrefix(n, "warning: Git tree ") {
			out = append(out, n)
		}
	}
	return out
}

// watchConfig is what the explorer watches to follow edits: the files the
// warm evaluators read, and the configuration's directories (files read
// with readFile, path literals and new imports are not all among Nix's
// files); for a flake, the directories of its tracked .nix files, its
// flake.lock and .git (a `git add` changes what Nix sees). Never the store.
func watchConfig(s *verbEnv) *tui.WatchConfig {
	t := s.target
	var base []string
	var restart func()
	switch {
	case t.Kind == nixeval.Flake && t.FlakeDir != "":
		base = append(base, t.FlakeDir)
		if t.GitRoot != "" {
			base = append(base, filepath.Join(t.GitRoot, ".git"))
		}
		if files, ok := gitwork.NixFiles(t.FlakeDir, t.GitRoot != ""); ok {
			for _, f := range files {
				base = append(base, filepath.Dir(filepath.Join(t.FlakeDir, f)))
			}
		}
		// A flake is read from its copy in the store: the evaluators
		// start afresh to see the edit.
		restart = s.eval.Reload
	case t.ConfigFile != "":
		base = append(base, filepath.Dir(t.ConfigFile))
	}
	pool, _ := s.eval.Backend.(*warm.Pool)
	var head func(ctx context.Context, paths []attr.Path) ([]nixeval.Value, string, error)
	inGit := t.GitRoot != ""
	if t.Kind == nixeval.Classic && t.ConfigFile != "" {
		_, root := gitwork.FlakeRef(filepath.Dir(t.ConfigFile))
		inGit = root != ""
	}
	if inGit {
		// D: the rows on screen as they are at git HEAD, evaluated by a
		// one-shot Nix of the revision's tree (nixplore diff's old side).
		head = func(ctx context.Context, paths []attr.Path) ([]nixeval.Value, string, error) {
			before, err := changes.AtRevision(ctx, t, "HEAD")
			if err != nil {
				return nil, "", err
			}
			defer before.Remove()
			ev := nixeval.New(before.Target, s.tools)
			defer ev.Close()
			vs, err := ev.Values(ctx, paths)
			return vs, before.Label, err
		}
	}
	return &tui.WatchConfig{
		Quiet:   150 * time.Millisecond,
		Restart: restart,
		Head:    head,
		Watched: func() (files, dirs []string) {
			if pool != nil {
				files = pool.Deps()
			}
			dirs = append(dirs, base...)
			// The directories of the configuration's own files that Nix
			// read (imports next to it), not nixpkgs'.
			for _, f := range files {
				for _, b := range base {
					if strings.HasPrefix(f, b+"/") {
						dirs = append(dirs, filepath.Dir(f))
					}
				}
			}
			return files, dirs
		},
	}
}
