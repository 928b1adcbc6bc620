package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/nixplore/nixplore/cmd/nixplore/cmdline"
	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/nixeval/catalogue"
	"github.com/nixplore/nixplore/nixeval/diag"
)

func cmdShow(ctx context.Context, o *cmdline.Options, stdout, stderr io.Writer) error {
	p, err := onePath(o, "show")
	if err != nil {
		return err
	}
	s, err := openVerbEnv(ctx, o, stderr, true)
	if err != nil {
		return err
	}
	defer s.Close()
	p = s.fullPath(ctx, p, stderr)
	if o.Trace {
		return showTrace(ctx, s, p, o.JSON, stdout, stderr)
	}
	d, ok := s.eval.PeekDescribe(p)
	if ok {
		fmt.Fprintln(stderr, fromCacheNote)
	} else {
		stop := stillEvaluating(stderr, "describing "+pathOrTop(p))
		d, err = s.eval.Describe(ctx, p)
		stop()
	}
	if err != nil {
		// The value fails, but where it comes from and what it is meant
		// to be are still worth saying before the error.
		showFailed(ctx, s, p, o.JSON, stdout, err)
		return err
	}
	if o.JSON {
		out := describeJSON(d)
		out.Warnings = runWarnings(ctx).inJSON(d.Warnings)
		b, err := json.Marshal(out)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(stdout, "%s\n", b)
		return err
	}
	writeDescription(stdout, d)
	runWarnings(ctx).print(d.Warnings)
	return nil
}

// showFailed prints what is known of a node whose value fails: the
// catalogue's entry and the files that define it.
func showFailed(ctx context.Context, s *verbEnv, p attr.Path, asJSON bool, stdout io.Writer, cause error) {
	var def *nixeval.Definition
	var missing *diag.MissingAttrError
	if !errors.As(cause, &missing) {
		// A missing attribute has no definition to look for; a value
		// that throws still has the files that define it.
		if d, err := s.eval.DefinedIn(ctx, p); err == nil {
			def = d
		}
	}
	var files []string
	if def != nil {
		files = def.Files
	}
	// The value throws, so its facts (read by describe) are unknown: the
	// catalogue's current text, unqualified.
	doc, hasDoc := nixeval.DocFor(s.target, p, files, nil)
	if def == nil && !hasDoc {
		return
	}
	var docp *catalogue.Entry
	if hasDoc {
		docp = &doc
	}
	kind := nixeval.KindError
	if missing != nil {
		kind = nixeval.KindAbsent
	}
	if asJSON {
		out := showJSON{Path: p.String(), Kind: kind, Error: nixeval.ErrorText(cause), Doc: newDocJSON(docp, ""),
			Commands: map[string]string{"build": nixeval.BuildCommands(s.target, p).Build}}
		if wo := runWarnings(ctx); wo.sink != nil {
			// What Nix printed before the value failed.
			out.Warnings = wo.inJSON(diag.UniqueWarnings(wo.sink.Warnings()))
		}
		if def != nil {
			out.DefinedIn = def.Files
			out.Option = &optionJSON{Path: def.Option.String(), Declarations: def.Declarations, Type: def.Type, Description: def.Description}
		}
		if b, err := json.Marshal(out); err == nil {
			fmt.Fprintf(stdout, "%s\n", b)
		}
		return
	}
	fmt.Fprintf(stdout, "%-12s %s\n", "path:", attr.Printable(p.String()))
	fmt.Fprintf(stdout, "%-12s %s\n", "kind:", kind)
	writeOrigin(stdout, def)
	writeDoc(stdout, docp, "")
}
