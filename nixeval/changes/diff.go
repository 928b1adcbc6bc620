package changes

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/attr"
)

// Request is one `nixplore diff`: the configuration as it is now, what to
// compare it with, and where.
type Request struct {
	Target *nixeval.Target
	Tools  nixeval.Tools
	// Path is what to compare: a set's children, or one output
	// (attr.DefaultPath when nil).
	Path attr.Path
	// Against is a git revision (HEAD when "") or a built system: a store
	// path or a link to one (/run/current-system).
	Against string
	// Open returns the evaluator for a target and the function that ends
	// it (the caller's warm pool settings and memory bound).
	Open func(*nixeval.Target) (*nixeval.Evaluator, func())
	// WhyLimit caps the leaves of each why (0: 5).
	WhyLimit int
	// Sequential evaluates the old side, then the new (Options.Sequential).
	Sequential bool
	// Before, when set, hears what the old side is before anything is
	// evaluated (a note on inputs Nix would fetch comes before it does).
	Before func(*Before)
}

// Result is a diff's answer.
type Result struct {
	Before  string // what the old side is, for the heading
	Note    string // what the old side costs (Before.Note)
	Path    attr.Path
	Entries []Entry
}

// IsSystem says whether against names a built system rather than a
// revision: a path that exists and resolves into the store.
func IsSystem(against string) bool {
	if !strings.Contains(against, "/") {
		return false
	}
	p, err := filepath.EvalSymlinks(against)
	return err == nil && strings.HasPrefix(p, "/nix/store/")
}

// Diff compares the configuration now with req.Against.
func Diff(ctx context.Context, req Request) (*Result, error) {
	path := req.Path
	if path == nil {
		path = attr.DefaultPath
	}
	rev := req.Against
	if rev == "" {
		rev = "HEAD"
	}
	var before *Before
	var err error
	if IsSystem(rev) {
		path, err = systemPath(req.Target, path)
		if err != nil {
			return nil, err
		}
		before, err = AtSystem(ctx, req.Tools, rev)
	} else {
		before, err = AtRevision(ctx, req.Target, rev)
	}
	if err != nil {
		return nil, err
	}
	defer before.Remove()
	if req.Before != nil {
		req.Before(before)
	}
	now, closeNow := req.Open(req.Target)
	defer closeNow()
	var old Side = before.System
	if before.Target != nil {
		ev, closeOld := req.Open(before.Target)
		defer closeOld()
		old = Evaluated{ev}
	}
	opts := Options{WhyLimit: req.WhyLimit, Sequential: req.Sequential, Costly: func(p attr.Path) string { return costly(req.Target, p) }}
	if before.Rev != "" {
		opts.Revisions = []string{before.Rev}
	}
	entries, err := Compare(ctx, old, Evaluated{now}, path, opts)
	if err != nil {
		return nil, err
	}
	return &Result{Before: before.Label, Note: before.Note, Path: path, Entries: entries}, nil
}

// systemPath is what a built system can be compared on: its toplevel.
func systemPath(t *nixeval.Target, p attr.Path) (attr.Path, error) {
	top := attr.DefaultPath.Child("toplevel")
	switch {
	case p.Equal(attr.DefaultPath) || p.Equal(top):
		return top, nil
	case t.Kind == nixeval.Classic && p.Equal(attr.Path{"system"}):
		return p, nil
	}
	return nil, fmt.Errorf("a built system holds only the derivation of its toplevel, so --against a system compares %s, not %s", top, p)
}

// costly says why comparing the children of the set at p costs whole
// evaluations: the catalogue says its children re-evaluate the
// configuration (images.*).
func costly(t *nixeval.Target, p attr.Path) string {
	if why := nixeval.EvaluationCost(t, p.Child("NAME")); why != "" {
		return "each child " + why + "; compare one by its path: nixplore diff " + p.Child("NAME").String()
	}
	return ""
}
