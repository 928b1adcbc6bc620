package main

import (
	"context"
	"fmt"
	"io"
	"sync"

	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/nixeval/diag"
)

// warningOut says each warning Nix printed during a run once: on stderr
// in Nix's words (`warning: MSG`, `trace: MSG`), or in the JSON object of
// the answer that produced it. Every request of the run reports to its
// sink, so a warning printed before an error, or by a request whose answer
// has no place for it, is still said (flush).
type warningOut struct {
	w    io.Writer
	sink *diag.WarningSink
	mu   sync.Mutex
	said map[string]bool
}

type warningOutKey struct{}

// withWarningOut returns a context whose requests' warnings the returned
// warningOut hears.
func withWarningOut(ctx context.Context, stderr io.Writer) (context.Context, *warningOut) {
	ctx, sink := diag.CollectWarnings(ctx)
	wo := &warningOut{w: stderr, sink: sink, said: map[string]bool{}}
	return context.WithValue(ctx, warningOutKey{}, wo), wo
}

// runWarnings is the run's warningOut; one that writes nowhere when ctx
// has none (a verb called on its own in a test).
func runWarnings(ctx context.Context) *warningOut {
	if wo, ok := ctx.Value(warningOutKey{}).(*warningOut); ok {
		return wo
	}
	return &warningOut{w: io.Discard, said: map[string]bool{}}
}

func warningKey(w diag.Warning) string { return string(w.Kind) + "\x00" + w.Message }

// print writes the warnings not said yet on stderr.
func (o *warningOut) print(ws []diag.Warning) {
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, w := range ws {
		if !o.said[warningKey(w)] {
			o.said[warningKey(w)] = true
			fmt.Fprintln(o.w, attr.Printable(w.Text()))
		}
	}
}

// inJSON notes warnings said in a JSON answer, and returns them in the
// form JSON carries them.
func (o *warningOut) inJSON(ws []diag.Warning) []warningJSON {
	o.mu.Lock()
	defer o.mu.Unlock()
	var out []warningJSON
	for _, w := range ws {
		o.said[warningKey(w)] = true
		j := warningJSON{Kind: string(w.Kind), Message: w.Message}
		if w.Path != nil {
			j.Path = w.Path.String()
		}
		out = append(out, j)
	}
	return out
}

// flush says on stderr what the run's requests printed and no answer said.
func (o *warningOut) flush() {
	if o.sink != nil {
		o.print(diag.UniqueWarnings(o.sink.Warnings()))
	}
}

// warningJSON is a warning in `--json` output: kind "warning" (lib.warn,
// config.warnings) or "trace" (builtins.trace), the message, and the
// attribute whose evaluation printed it.
type warningJSON struct {
	Kind    string `json:"kind"`
	Message string `json:"message"`
	Path    string `json:"path,omitempty"`
}
