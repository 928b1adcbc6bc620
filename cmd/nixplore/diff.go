package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/nixplore/nixplore/cmd/nixplore/cmdline"
	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/nixeval/changes"
	"github.com/nixplore/nixplore/nixeval/flakehosts"
	"github.com/nixplore/nixplore/nixeval/warm"
)

// differError is `diff --exit-code` finding differences: exit 1, nothing
// more to say (as git diff --exit-code).
type differError struct{}

func (differError) Error() string { return "" }

// diffFailure is an error of `diff --exit-code`: it exits 2, as 1 means
// "differs" there.
type diffFailure struct{ err error }

func (e diffFailure) Error() string { return e.err.Error() }
func (e diffFailure) Unwrap() error { return e.err }

// cmdDiff says which outputs an edit changes, and why, before any build:
// the configuration on disk against a git revision or a built system.
func cmdDiff(ctx context.Context, o *cmdline.Options, stdout, stderr io.Writer) error {
	err := diff(ctx, o, stdout, stderr)
	if err != nil && o.ExitCode && !errors.As(err, new(differError)) {
		return diffFailure{err}
	}
	return err
}

func diff(ctx context.Context, o *cmdline.Options, stdout, stderr io.Writer) error {
	if len(o.Paths) > 1 {
		return &nixeval.UsageError{Msg: "diff compares one PATH (default config.system.build), e.g. nixplore diff config.system.build.toplevel"}
	}
	var path attr.Path
	if len(o.Paths) == 1 {
		p, err := attr.Parse(o.Paths[0])
		if err != nil {
			return err
		}
		path = p
	}
	// Two sides open at once: each gets half the evaluators and memory;
	// with room for one evaluation only, the sides take turns.
	maxMem := o.MaxMem
	if maxMem < 0 {
		maxMem = warm.DefaultMaxMemory()
	}
	sequential := o.Workers == 1 || (o.Workers == 0 && warm.DefaultWorkers(maxMem) < 2)
	s, _, err := openVerbEnvShare(ctx, o, stderr, !o.JSON, 2)
	if err != nil {
		return err
	}
	defer s.Close()
	if path != nil {
		path = s.fullPath(ctx, path, stderr)
	}
	hosts := []string{""}
	if o.AllHosts {
		if s.target.Kind != nixeval.Flake {
			return &nixeval.UsageError{Msg: "--all-hosts compares every host of a flake: give one with --flake REF"}
		}
		if hosts, err = flakehosts.List(ctx, s.target.FlakeRef, nil); err != nil {
			return fmt.Errorf("listing the hosts of %s: %w", s.target.FlakeRef, err)
		}
	}
	compareHost := func(ctx context.Context, host string) (*changes.Result, error) {
		t, ev := s.target, s.eval
		if host != "" && host != s.target.Host {
			h := *s.target
			h.Host = host
			t, ev = &h, newEvaluator(&h, s.tools, o, stderr, !o.JSON, 2)
			defer ev.Close()
		}
		return changes.Diff(ctx, changes.Request{Target: t, Tools: s.tools, Path: path, Against: o.Against, Sequential: sequential,
			Before: func(b *changes.Before) {
				if b.Note != "" {
					fmt.Fprintln(stderr, "nixplore: note: "+b.Note)
				}
			},
			Open: func(old *nixeval.Target) (*nixeval.Evaluator, func()) {
				if old == t {
					return ev, func() {}
				}
				e := newEvaluator(old, s.tools, o, stderr, !o.JSON, 2)
				return e, func() { _ = e.Close() }
			}})
	}
	differs := false
	var firstErr error
	// Hosts one after another: each already evaluates its two sides at
	// once within the memory bound.
	changes.Fleet(ctx, hosts, 1, func(ctx context.Context, host string) ([]changes.Entry, error) {
		res, err := compareHost(ctx, host)
		if err != nil {
			return nil, err
		}
		if !o.JSON {
			heading := "comparing " + attr.Printable(res.Path.String()) + ": " + res.Before + " → now"
			if host != "" {
				heading = "host " + host + ": " + heading
			}
			fmt.Fprintln(stderr, "nixplore: "+heading)
		}
		return res.Entries, nil
	}, func(r changes.HostResult) {
		d, err := printHost(o, r, stdout, stderr)
		differs = differs || d
		if err != nil && firstErr == nil {
			firstErr = err
		}
	})
	if firstErr != nil {
		return firstErr
	}
	if differs && o.ExitCode {
		return differError{}
	}
	return nil
}

// printHost prints one host's comparison (the only one without
// --all-hosts); it reports whether anything differs, or the host's error.
func printHost(o *cmdline.Options, r changes.HostResult, stdout, stderr io.Writer) (differs bool, err error) {
	switch {
	case r.Err != nil:
		if o.AllHosts {
			fmt.Fprintf(stderr, "nixplore: host %s: %v\n", r.Host, r.Err)
		}
		return false, r.Err
	case o.JSON:
		_ = changes.WriteJSON(stdout, r.Host, r.Entries)
	default:
		if o.AllHosts {
			fmt.Fprintf(stdout, "== %s ==\n", r.Host)
		}
		_ = changes.WriteText(stdout, r.Entries)
	}
	for _, e := range r.Entries {
		differs = differs || (e.Status != changes.Unchanged && e.Status != changes.NotCompared)
	}
	return differs, nil
}
