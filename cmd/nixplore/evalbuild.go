package main

import (
	"context"
	"fmt"
	"io"
	"sync"

	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/nixeval/diag"
)

// reportEvalBuilds makes every evaluation under ctx say on stderr, as Nix
// starts it, each derivation it must build before it can go on (import
// from derivation): such a build can take minutes, and a CLI that waits in
// silence looks hung. Each derivation is said once.
func reportEvalBuilds(ctx context.Context, stderr io.Writer) context.Context {
	var mu sync.Mutex
	said := map[string]bool{}
	return nixeval.WithEvalBuilds(ctx, func(b diag.EvalBuild) {
		mu.Lock()
		defer mu.Unlock()
		if said[b.Key()] {
			return
		}
		said[b.Key()] = true
		fmt.Fprintf(stderr, "nixplore: %s… (Ctrl-C cancels; its log: %s)\n", attr.Printable(b.String()), attr.Printable(b.LogCommand()))
	})
}
