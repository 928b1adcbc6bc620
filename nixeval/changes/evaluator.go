package changes

import (
	"context"

	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/attr"
)

// Evaluated is a Side answered by an evaluator (warm or one-shot).
type Evaluated struct{ Eval *nixeval.Evaluator }

// Names lists the set at path.
func (s Evaluated) Names(ctx context.Context, path attr.Path) ([]string, error) {
	l, err := s.Eval.Names(ctx, path)
	if err != nil {
		return nil, err
	}
	names := make([]string, len(l.Children))
	for i, c := range l.Children {
		names[i] = c.Name
	}
	return names, nil
}

// Values asks the evaluator what each path is.
func (s Evaluated) Values(ctx context.Context, paths []attr.Path) ([]Value, error) {
	return s.Eval.Values(ctx, paths)
}
