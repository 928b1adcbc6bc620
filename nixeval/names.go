package nixeval

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/nixeval/diag"
	"github.com/nixplore/nixplore/nixeval/nixproc"
)

// KindPending is the kind of a child whose name is known and whose kind
// is not evaluated yet: names come first, at the cost of reaching the set
// (one builtins.attrNames); a child's kind may cost a whole evaluation of
// the configuration (an images.* variant, vm).
const KindPending = "pending"

// Concurrent is a Backend of warm evaluators that answer Workers requests
// at once. Listing through one asks for names first and kinds after, a few
// children per request, so the first answer never waits for the last kind.
type Concurrent interface {
	Backend
	Workers() int
}

type priorityKey struct{}

// InBackground marks ctx's requests as background work the user did not
// ask for (the kinds of children they may look at next): a warm pool runs
// them only on evaluators no foreground request needs, and interrupts them
// when one does.
func InBackground(ctx context.Context) context.Context {
	return context.WithValue(ctx, priorityKey{}, true)
}

// IsBackground reports whether ctx was marked by InBackground.
func IsBackground(ctx context.Context) bool {
	b, _ := ctx.Value(priorityKey{}).(bool)
	return b
}

// Names lists the names of path's children, every kind KindPending: one
// builtins.attrNames, nothing forced below the set itself.
func (e *Evaluator) Names(ctx context.Context, p attr.Path) (*Listing, error) {
	ctx, sink := diag.CollectWarnings(ctx)
	var a struct {
		walkStatus
		Names []attr.Wire `json:"names"`
	}
	if err := e.eval(ctx, Request{Op: "names", Path: p}, &a); err != nil {
		return nil, err
	}
	if a.Status != "ok" {
		return nil, e.pathError(p, a.walkStatus)
	}
	l := &Listing{Path: p, Children: make([]Child, len(a.Names)), Warnings: diag.UniqueWarnings(sink.Warnings())}
	for i, w := range a.Names {
		n := string(w)
		l.Children[i] = Child{Name: n, Path: p.Child(n), Kind: KindPending}
	}
	return l, nil
}

// Kinds evaluates the kind of each child (of any sets), each alone under
// tryEval, in one request; a child that fails gets Nix's message. The
// children are updated in place, each with the warnings Nix printed
// evaluating it.
func (e *Evaluator) Kinds(ctx context.Context, children []Child) error {
	if len(children) == 0 {
		return nil
	}
	ctx, sink := diag.CollectWarnings(ctx)
	err := e.kinds(ctx, children)
	for i := range children {
		children[i].Warnings = diag.UniqueWarnings(children[i].Warnings, e.warned.At(children[i].Path))
	}
	if rest := claimWarnings(children, sink.Warnings()); len(rest) > 0 {
		// Printed before the first child's mark: its evaluation began.
		children[0].Warnings = diag.UniqueWarnings(children[0].Warnings, rest)
	}
	return err
}

func (e *Evaluator) kinds(ctx context.Context, children []Child) error {
	paths := make([]attr.Path, len(children))
	for i, c := range children {
		paths[i] = c.Path
	}
	var answers []walkStatus
	err := e.eval(ctx, Request{Op: "kinds", Paths: paths}, &answers)
	if err == nil && len(answers) != len(paths) {
		err = fmt.Errorf("nix answered %d kinds for %d paths", len(answers), len(paths))
	}
	if err != nil {
		if !fallbackHelps(err) || len(children) == 1 && ctx.Err() != nil {
			return err
		}
		// An error tryEval cannot catch (abort, a missing file) ended the
		// request: each child alone, so it stays that child's error.
		for i := range children {
			if ctx.Err() != nil {
				return &nixproc.CancelledError{Command: "evaluating kinds", Cause: context.Cause(ctx)}
			}
			var w walkStatus
			if err := e.eval(ctx, Request{Op: "force", Path: children[i].Path}, &w); err != nil {
				if ctx.Err() != nil {
					return err
				}
				children[i].Kind, children[i].Error = KindError, ErrorText(err)
				continue
			}
			children[i].Kind = w.Kind
		}
		return nil
	}
	for i, a := range answers {
		if a.Status != "ok" {
			children[i].Kind, children[i].Error = KindError, ErrorText(e.pathError(children[i].Path, a))
			continue
		}
		children[i].Kind = a.Kind
	}
	for i := range children {
		if children[i].Kind == KindError && children[i].Error == "" {
			children[i].Error = ErrorText(e.forceError(ctx, children[i].Path))
		}
	}
	return nil
}

// Workers is how many requests the backend answers at once (1 unless it
// is Concurrent).
func (e *Evaluator) Workers() int {
	if c, ok := e.Backend.(Concurrent); ok && c.Workers() > 0 {
		return c.Workers()
	}
	return 1
}

// ListStream lists p names first: names is called once with every child
// KindPending, then kinds with each batch of children whose kinds are
// known (in no particular order; the same Child values, updated), from as
// many requests at once as the backend has workers. The whole listing is
// returned, and stored in the cache, when every kind is known.
func (e *Evaluator) ListStream(ctx context.Context, p attr.Path, names func(Listing), kinds func([]Child)) (*Listing, error) {
	since := time.Now()
	l, err := e.Names(ctx, p)
	if err != nil {
		return nil, err
	}
	if names != nil {
		names(*l)
	}
	if err := e.kindsInBatches(ctx, l.Children, kinds); err != nil {
		return nil, err
	}
	e.storeListings(ctx, []Listing{*l}, since)
	return l, nil
}

// kindBatch is how many children one kinds request carries: small enough
// that workers share the work and answers stream, large enough that ten
// thousand cheap children do not cost ten thousand round trips.
func kindBatch(children, workers int) int {
	return max(1, children/(workers*8))
}

// kindsInBatches evaluates the kinds of children in batches, Workers()
// requests at a time; the first error (a cancelled context) ends it.
func (e *Evaluator) kindsInBatches(ctx context.Context, children []Child, done func([]Child)) error {
	workers := e.Workers()
	size := kindBatch(len(children), workers)
	batches := make(chan []Child)
	var mu sync.Mutex
	var firstErr error
	var wg sync.WaitGroup
	for w := 0; w < min(workers, (len(children)+size-1)/size); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range batches {
				// Kinds fills its children step by step (the kind, then an
				// error's message): work on a copy, so the caller only ever
				// sees whole answers.
				work := append([]Child(nil), b...)
				err := e.Kinds(ctx, work)
				mu.Lock()
				if err != nil {
					if firstErr == nil {
						firstErr = err
					}
				} else {
					copy(b, work)
					if done != nil {
						done(b)
					}
				}
				mu.Unlock()
			}
		}()
	}
	for i := 0; i < len(children); i += size {
		if ctx.Err() != nil {
			break
		}
		batches <- children[i:min(i+size, len(children))]
	}
	close(batches)
	wg.Wait()
	if firstErr == nil && ctx.Err() != nil {
		firstErr = &nixproc.CancelledError{Command: "evaluating kinds", Cause: context.Cause(ctx)}
	}
	return firstErr
}
