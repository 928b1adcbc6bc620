package warm

import (
	"context"

	"github.com/nixplore/nixplore/nixeval"
)

// onLine receives every line the repl prints: the files it evaluates go to
// the session's dependencies, and the request in flight hears the rest as
// it arrives (a build during evaluation, nixeval.WithEvalBuilds), not only
// with its answer.
func (s *Session) onLine(l string) {
	s.deps.line(l)
	if f := s.lines.Load(); f != nil {
		(*f)(l)
	}
}

// listen points the repl's output at ctx's listener while the request
// runs; the returned func stops it. Requests run one at a time.
func (s *Session) listen(ctx context.Context) (stop func()) {
	f := nixeval.EvalBuildLines(ctx)
	if f == nil {
		return func() {}
	}
	s.lines.Store(&f)
	return func() { s.lines.Store(nil) }
}
