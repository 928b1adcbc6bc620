package changes

import (
	"context"
	"errors"

	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/attr"
)

// Evaluated is a Side answered by an evaluator (warm or one-shot).
type Evaluated struct{ Eval *nixeval.Evaluator }

// Names lists the set at path; a path that is missing or no set is not an
// error here: the comparison then compares the value itself.
func (s Evaluated) Names(ctx context.Context, path attr.Path) ([]string, bool, error) {
	l, err := s.Eval.Names(ctx, path)
	var missing *nixeval.MissingAttrError
	if errors.As(err, &missing) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	names := make([]string, len(l.Children))
	for i, c := range l.Children {
		names[i] = c.Name
	}
	return names, true, nil
}

// Values asks the evaluator what each path is.
func (s Evaluated) Values(ctx context.Context, paths []attr.Path) ([]Value, error) {
	return s.Eval.Values(ctx, paths)
}
