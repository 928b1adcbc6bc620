package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/nixeval/diag"
)

// traceJSON is `show --trace --json`: the chain outermost first, as Nix
// 2.26 and later print it.
type traceJSON struct {
	Path   string       `json:"path"`
	Error  string       `json:"error,omitempty"`
	Where  string       `json:"where,omitempty"`
	Option string       `json:"option,omitempty"`
	File   string       `json:"file,omitempty"`
	Line   int          `json:"line,omitempty"`
	Column int          `json:"column,omitempty"`
	Frames []diag.Frame `json:"frames"`
}

// showTrace is `show --trace PATH`: the value evaluated again with Nix's
// --show-trace, the chain on stdout with the option and the user's file
// read from it; the error itself goes to stderr once, as for show. A value
// that evaluates now is described as show does.
func showTrace(ctx context.Context, s *verbEnv, p attr.Path, asJSON bool, stdout, stderr io.Writer) error {
	stop := stillEvaluating(stderr, "evaluating "+pathOrTop(p)+" with --show-trace")
	tr, err := s.eval.Trace(ctx, p)
	stop()
	if err != nil {
		return err
	}
	if tr.Err == nil {
		fmt.Fprintf(stderr, "nixplore: %s evaluates without an error: there is no trace to show\n", attr.Printable(pathOrTop(p)))
		d, err := s.eval.Describe(ctx, p)
		if err != nil {
			return err
		}
		if asJSON {
			return writeJSONLine(stdout, describeJSON(d))
		}
		writeDescription(stdout, d)
		return nil
	}
	frames := outermostFirst(tr.Frames)
	if asJSON {
		out := traceJSON{Path: p.String(), Error: nixeval.ErrorText(tr.Err), Where: tr.Where(), Option: tr.Option,
			File: tr.File, Line: tr.Line, Column: tr.Column, Frames: frames}
		if err := writeJSONLine(stdout, out); err != nil {
			return err
		}
		return tr.Err
	}
	writeTraceText(stdout, tr, frames)
	return tr.Err
}

func writeJSONLine(w io.Writer, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", b)
	return err
}

// outermostFirst is the chain in the order a reader follows it: from what
// was asked down to the error.
func outermostFirst(frames []diag.Frame) []diag.Frame {
	out := make([]diag.Frame, len(frames))
	for i, f := range frames {
		out[len(frames)-1-i] = f
	}
	return out
}

// writeTraceText prints where the error comes from, then the chain: one
// line per frame, the location beside it (nixpkgs files relative to
// nixpkgs), and the source lines Nix quoted at the user's own place.
func writeTraceText(w io.Writer, tr *diag.Trace, frames []diag.Frame) {
	fmt.Fprintf(w, "%-12s %s\n", "path:", attr.Printable(tr.Path.String()))
	where := tr.Where()
	if where == "" {
		where = "(the trace names no option and no file outside nixpkgs)"
	}
	fmt.Fprintf(w, "%-12s %s\n", "where:", attr.Printable(where))
	for _, f := range frames {
		if f.User {
			for _, l := range dedentLines(f.Excerpt) {
				fmt.Fprintf(w, "%-12s %s\n", "", attr.Printable(l))
			}
		}
	}
	inNixpkgs := 0
	for _, f := range frames {
		if f.Nixpkgs {
			inNixpkgs++
		}
	}
	fmt.Fprintf(w, "trace:       %s, the outermost first (%d inside nixpkgs, shown relative to it):\n", nixeval.Count(len(frames), "frame"), inNixpkgs)
	for _, f := range frames {
		fmt.Fprintf(w, "  %s\n", attr.Printable(frameLine(f)))
	}
}

// frameLine is one frame on one line: Nix's words, then where.
func frameLine(f diag.Frame) string {
	text := f.Text
	if !strings.HasPrefix(text, "error:") {
		text = "… " + text
	}
	if loc := f.Location(); loc != "" {
		text += "  (" + loc + ")"
	}
	if f.User {
		text += "  ← your file"
	}
	return text
}

// dedentLines takes off the indentation the lines share.
func dedentLines(lines []string) []string {
	cut := -1
	for _, l := range lines {
		if strings.TrimSpace(l) == "" {
			continue
		}
		if n := len(l) - len(strings.TrimLeft(l, " ")); cut < 0 || n < cut {
			cut = n
		}
	}
	out := make([]string, len(lines))
	for i, l := range lines {
		if cut > 0 && len(l) >= cut {
			l = l[cut:]
		}
		out[i] = l
	}
	return out
}
