package nixeval

import (
	"context"
	"fmt"

	"github.com/nixplore/nixplore/nixeval/attr"
)

// Value is what an evaluation says of one path when two evaluations are
// compared (nixplore diff): its kind, a derivation's .drv path, a hash of
// a plain value.
type Value struct {
	// Kind is KindDerivation, "attrs", "string", …; "" when not there.
	Kind      string `json:"kind"`
	DrvPath   string `json:"drvPath,omitempty"`
	ValueHash string `json:"valueHash,omitempty"`
	// Error is Nix's message when the value or its drvPath throws.
	Error string `json:"error,omitempty"`
}

type valueAnswer struct {
	walkStatus
	DrvPath   string `json:"drvPath"`
	ValueHash string `json:"valueHash"`
	Failed    bool   `json:"failed"`
}

// Values says what each path is, in one evaluation; each path is forced
// alone, so a throwing one is an answer with its Error (Nix's message,
// asked again unprotected), never an error of the whole request. Nothing
// is built: a derivation's drvPath is computed, not realised.
func (e *Evaluator) Values(ctx context.Context, paths []attr.Path) ([]Value, error) {
	if len(paths) == 0 {
		return nil, nil
	}
	var answers []valueAnswer
	if err := e.eval(ctx, Request{Op: "values", Paths: paths}, &answers); err != nil {
		return nil, err
	}
	if len(answers) != len(paths) {
		return nil, fmt.Errorf("asked for %d values, Nix answered %d", len(paths), len(answers))
	}
	out := make([]Value, len(paths))
	for i, a := range answers {
		if a.Status != "ok" {
			return nil, e.pathError(paths[i], a.walkStatus)
		}
		out[i] = Value{Kind: a.Kind, DrvPath: a.DrvPath, ValueHash: a.ValueHash}
		if a.Failed {
			out[i].Error = e.valueError(ctx, paths[i])
		}
	}
	return out, ctx.Err()
}

// valueError is Nix's message for a value (or its drvPath) that throws:
// the trace request forces both unprotected.
func (e *Evaluator) valueError(ctx context.Context, p attr.Path) string {
	var w walkStatus
	err := e.eval(ctx, Request{Op: "trace", Path: p}, &w)
	if err == nil {
		return fmt.Sprintf("%s failed to evaluate once but not again", p)
	}
	return ErrorText(err)
}
