// Package changes compares what two evaluations of a configuration can
// build (before and after an edit, or two revisions): each child of a
// path is changed, added, removed, unchanged, failing on a side, or not
// compared, and a changed derivation says why (drvdiff). It reads
// derivations; it builds nothing.
package changes

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/nixeval/diag"
	"github.com/nixplore/nixplore/nixeval/drvdiff"
)

// Value is what one side says of one path.
type Value = nixeval.Value

// Side is one evaluation as the comparison asks it.
type Side interface {
	// Names lists the children of the set at path (Values said "attrs").
	Names(ctx context.Context, path attr.Path) ([]string, error)
	// Values says what each path is, one answer per path, in order. A
	// child that throws is an answer with Error, never an error here.
	Values(ctx context.Context, paths []attr.Path) ([]Value, error)
}

// Status is what became of one child.
type Status string

const (
	Changed   Status = "changed"
	Added     Status = "added"
	Removed   Status = "removed"
	Unchanged Status = "unchanged"
	Failed    Status = "error"
	// NotCompared: a set, whose children the comparison does not walk
	// (Entry.Note says why and how to compare it).
	NotCompared Status = "not compared"
)

// Entry is one child's comparison.
type Entry struct {
	Path   attr.Path `json:"-"`
	Name   string    `json:"name"`
	Status Status    `json:"status"`
	Before *Value    `json:"before,omitempty"`
	After  *Value    `json:"after,omitempty"`
	// FailedOn says which side failed: "before", "after" or "both".
	FailedOn string       `json:"failedOn,omitempty"`
	Why      *drvdiff.Why `json:"why,omitempty"`
	// WhyError is why the why-walk could not read the derivations.
	WhyError string `json:"whyError,omitempty"`
	Note     string `json:"note,omitempty"`
}

// Options tune a comparison.
type Options struct {
	// Load reads derivations for the why-walk (drvdiff.ReadFile when nil).
	Load drvdiff.Load
	// WhyLimit caps the leaves each changed derivation lists (0: 5).
	WhyLimit int
	// Sequential asks the old side, then the new one, instead of both at
	// once: on a machine whose memory holds one evaluation at a time.
	Sequential bool
	// Revisions are the old side's commit hashes: a difference whose old
	// text holds one is the configuration's revision (a flake's
	// system.configurationRevision = self.rev), which changes on every
	// commit, and is named so.
	Revisions []string
	// depth is how many sets down from the path asked the comparison is.
	depth int
	// Costly says, for a set, why comparing its children costs whole
	// evaluations ("" when it does not): such a set is compared only when
	// asked for by path.
	Costly func(path attr.Path) string
}

// Compare compares the children of path on both sides, or path itself
// when it is a derivation (or any value that is not a set) on either side,
// or not there on one.
// The two sides are asked at the same time: each Side decides whether
// that means two evaluators or one after the other.
func Compare(ctx context.Context, before, after Side, path attr.Path, opts Options) ([]Entry, error) {
	if opts.Load == nil {
		opts.Load = drvdiff.ReadFile
	}
	if opts.WhyLimit == 0 {
		opts.WhyLimit = 5
	}
	// What path is on each side first: a derivation is a set too, but
	// one output, compared whole.
	top, err := compareValues(ctx, before, after, []attr.Path{path}, []string{path.Last()}, opts)
	if err != nil {
		return nil, err
	}
	if b, a := top[0].Before, top[0].After; b == nil || a == nil || b.Kind != "attrs" || a.Kind != "attrs" {
		return top, nil
	}
	var bNames, aNames []string
	err = both(opts.Sequential,
		func() (err error) { bNames, err = before.Names(ctx, path); return sideErr("before", err) },
		func() (err error) { aNames, err = after.Names(ctx, path); return sideErr("after", err) },
	)
	if err != nil {
		return nil, err
	}
	names := union(bNames, aNames)
	inB, inA := set(bNames), set(aNames)
	var paths []attr.Path
	var shared []string
	var entries []Entry
	for _, n := range names {
		p := path.Child(n)
		switch {
		case !inA[n]:
			entries = append(entries, Entry{Path: p, Name: n, Status: Removed})
		case !inB[n]:
			entries = append(entries, Entry{Path: p, Name: n, Status: Added})
		default:
			paths, shared = append(paths, p), append(shared, n)
		}
	}
	compared, err := compareValues(ctx, before, after, paths, shared, opts)
	if err != nil {
		return nil, err
	}
	// A set that costs nothing much (units, manual) is compared by its
	// children, one level down: changed when any of them is.
	for i := range compared {
		e := &compared[i]
		if e.Status != NotCompared || e.Note != setNote || opts.depth >= 1 {
			continue
		}
		deeper := opts
		deeper.depth++
		sub, err := Compare(ctx, before, after, e.Path, deeper)
		if err != nil {
			e.Note = "its children could not be compared: " + diag.FirstLine(err.Error())
			continue
		}
		summarizeSet(e, sub)
	}
	// The added and removed children's values complete their lines (what
	// was there, what is new) at the cost of one request per side.
	if err := fillOneSided(ctx, before, after, entries, opts.Sequential); err != nil {
		return nil, err
	}
	entries = append(entries, compared...)
	sort.SliceStable(entries, func(i, j int) bool { return entries[i].Name < entries[j].Name })
	return entries, nil
}

func compareValues(ctx context.Context, before, after Side, paths []attr.Path, names []string, opts Options) ([]Entry, error) {
	if len(paths) == 0 {
		return nil, nil
	}
	var bv, av []Value
	err := both(opts.Sequential,
		func() (err error) { bv, err = before.Values(ctx, paths); return sideErr("before", err) },
		func() (err error) { av, err = after.Values(ctx, paths); return sideErr("after", err) },
	)
	if err != nil {
		return nil, err
	}
	if len(bv) != len(paths) || len(av) != len(paths) {
		return nil, fmt.Errorf("asked for %d values, got %d before and %d after", len(paths), len(bv), len(av))
	}
	out := make([]Entry, len(paths))
	for i := range paths {
		out[i] = judge(paths[i], names[i], bv[i], av[i], opts)
	}
	return out, nil
}

// judge decides one child's status from both sides' values.
func judge(p attr.Path, name string, b, a Value, opts Options) Entry {
	e := Entry{Path: p, Name: name, Before: &b, After: &a}
	switch {
	case b.Kind == "" && a.Kind == "":
		e.Status, e.FailedOn, e.Note = Failed, "both", "not there on either side"
	case b.Kind == "":
		e.Status, e.Before = Added, nil
	case a.Kind == "":
		e.Status, e.After = Removed, nil
	case b.Error != "" || a.Error != "":
		e.Status = Failed
		e.FailedOn = map[[2]bool]string{{true, false}: "before", {false, true}: "after", {true, true}: "both"}[[2]bool{b.Error != "", a.Error != ""}]
	case b.Kind == "attrs" && a.Kind == "attrs":
		e.Status = NotCompared
		if opts.Costly != nil {
			e.Note = opts.Costly(p)
		}
		if e.Note == "" {
			e.Note = setNote
		}
	case b.Kind != a.Kind:
		e.Status = Changed
		e.Note = fmt.Sprintf("was %s, is %s", nixeval.AKind(b.Kind), nixeval.AKind(a.Kind))
	case b.Kind == "derivation":
		if b.DrvPath == a.DrvPath {
			e.Status = Unchanged
			break
		}
		e.Status = Changed
		why, err := drvdiff.Explain(opts.Load, b.DrvPath, a.DrvPath, opts.WhyLimit)
		if err != nil {
			e.WhyError = err.Error()
		} else {
			markRevisions(why, opts.Revisions)
			e.Why = why
		}
	case b.ValueHash == a.ValueHash:
		e.Status = Unchanged
	default:
		e.Status = Changed
	}
	return e
}

// fillOneSided asks the side that has each added or removed child what it
// is there.
func fillOneSided(ctx context.Context, before, after Side, entries []Entry, sequential bool) error {
	var bIdx, aIdx []int
	var bPaths, aPaths []attr.Path
	for i, e := range entries {
		if e.Status == Removed {
			bIdx, bPaths = append(bIdx, i), append(bPaths, e.Path)
		} else {
			aIdx, aPaths = append(aIdx, i), append(aPaths, e.Path)
		}
	}
	var bv, av []Value
	err := both(sequential,
		func() (err error) { bv, err = values(ctx, before, bPaths); return sideErr("before", err) },
		func() (err error) { av, err = values(ctx, after, aPaths); return sideErr("after", err) },
	)
	if err != nil {
		return err
	}
	for k, i := range bIdx {
		entries[i].Before = &bv[k]
	}
	for k, i := range aIdx {
		entries[i].After = &av[k]
	}
	return nil
}

func values(ctx context.Context, s Side, paths []attr.Path) ([]Value, error) {
	if len(paths) == 0 {
		return nil, nil
	}
	vs, err := s.Values(ctx, paths)
	if err == nil && len(vs) != len(paths) {
		err = fmt.Errorf("asked for %d values, got %d", len(paths), len(vs))
	}
	return vs, err
}

// SideError is a side that could not be evaluated at all (a syntax error
// in the old revision, a missing input): which side, and Nix's error.
type SideError struct {
	Side string // "before" or "after"
	Err  error
}

func (e *SideError) Error() string { return "evaluating the " + e.Side + " side: " + e.Err.Error() }
func (e *SideError) Unwrap() error { return e.Err }

func sideErr(side string, err error) error {
	if err == nil {
		return nil
	}
	return &SideError{Side: side, Err: err}
}

// both runs f and g at once (or f then g when sequential) and returns the
// first error, f's first.
func both(sequential bool, f, g func() error) error {
	if sequential {
		if err := f(); err != nil {
			return err
		}
		return g()
	}
	var wg sync.WaitGroup
	var ge error
	wg.Add(1)
	go func() { defer wg.Done(); ge = g() }()
	fe := f()
	wg.Wait()
	if fe != nil {
		return fe
	}
	return ge
}

func union(a, b []string) []string {
	s := set(a)
	for _, n := range b {
		s[n] = true
	}
	out := make([]string, 0, len(s))
	for n := range s {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

func set(ns []string) map[string]bool {
	s := make(map[string]bool, len(ns))
	for _, n := range ns {
		s[n] = true
	}
	return s
}

// Summary counts entries by status, for a line such as "3 changed, 1
// added".
func Summary(entries []Entry) map[Status]int {
	c := map[Status]int{}
	for _, e := range entries {
		c[e.Status]++
	}
	return c
}

// RevisionNote names a difference that is the configuration's revision.
const RevisionNote = "the configuration's git revision (system.configurationRevision = self.rev): it changes on every commit"

func markRevisions(why *drvdiff.Why, revs []string) {
	for i := range why.Leaves {
		for j := range why.Leaves[i].Differs {
			d := &why.Leaves[i].Differs[j]
			for _, r := range revs {
				if len(r) >= 12 && strings.Contains(d.Old, r) {
					d.Note = RevisionNote
				}
			}
		}
	}
}

// setNote marks a set not compared because it lies deeper than one level.
const setNote = "a set: compare its children by path"

// summarizeSet gives a set the status of its children: changed when any
// child is not unchanged, with their names and the first one's why.
func summarizeSet(e *Entry, sub []Entry) {
	var differ []string
	for _, c := range sub {
		if c.Status == Unchanged || c.Status == NotCompared {
			continue
		}
		if e.Why == nil && c.Why != nil {
			e.Why = c.Why
		}
		differ = append(differ, c.Name+" "+string(c.Status))
	}
	if len(differ) == 0 {
		e.Status, e.Note = Unchanged, ""
		return
	}
	shown := differ
	if len(shown) > 3 {
		shown = append(shown[:3:3], "…")
	}
	e.Status = Changed
	e.Note = fmt.Sprintf("%d of its %d children differ: %s (nixplore diff %s lists them)", len(differ), len(sub), strings.Join(shown, ", "), e.Path)
}
