package warm

import (
	"context"
	"encoding/json"
	"time"

	"github.com/nixplore/nixplore/nixeval"
)

// TrackedOneShot is a one-shot backend that runs Nix with -v and reports
// the files it evaluated, so its answers can be cached.
type TrackedOneShot struct {
	*nixeval.OneShot
	deps *depSet
}

// NewTrackedOneShot returns a TrackedOneShot for t.
func NewTrackedOneShot(t *nixeval.Target, tools nixeval.Tools) *TrackedOneShot {
	return newTrackedOneShot(t, tools, newDepSet())
}

func newTrackedOneShot(t *nixeval.Target, tools nixeval.Tools, d *depSet) *TrackedOneShot {
	return &TrackedOneShot{OneShot: &nixeval.OneShot{Target: t, Tools: tools, Verbose: true, OnStderrLine: d.line}, deps: d}
}

// Eval runs one request, noting when it began (see depSet).
func (o *TrackedOneShot) Eval(ctx context.Context, req nixeval.Request) (json.RawMessage, error) {
	o.deps.begin(time.Now())
	return o.OneShot.Eval(ctx, req)
}

// Deps reports every file the one-shot processes evaluated.
func (o *TrackedOneShot) Deps() []string { return o.deps.list() }
