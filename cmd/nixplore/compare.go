package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"

	"github.com/charmbracelet/x/term"

	"github.com/nixplore/nixplore/cmd/nixplore/cmdline"
	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/nixeval/compare"
	"github.com/nixplore/nixplore/nixeval/diag"
)

// cmdCompare weighs outputs side by side: what each is, whether this
// machine builds it, what Nix would build and fetch, whether it is built,
// what running it needs and its command. The outputs are gathered in
// parallel, as many at once as there are evaluators (Comparer.Parallel).
func cmdCompare(ctx context.Context, o *cmdline.Options, stdout, stderr io.Writer) error {
	if len(o.Paths) == 0 {
		return &nixeval.UsageError{Msg: "compare needs attribute PATHs, e.g. nixplore compare config.system.build.sdImage config.system.build.toplevel config.system.build.vm"}
	}
	var paths []attr.Path
	for _, w := range o.Paths {
		p, err := attr.Parse(w)
		if err != nil {
			return err
		}
		paths = append(paths, p)
	}
	s, err := openVerbEnv(ctx, o, stderr, !o.JSON)
	if err != nil {
		return err
	}
	defer s.Close()
	c := &compare.Comparer{Tools: s.tools, Target: s.target, Eval: s.eval, Parallel: s.eval.Workers()}
	cols := make([]compare.Column, len(paths))
	errs := make([]error, len(paths))
	var wg sync.WaitGroup
	for i, p := range paths {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cols[i], errs[i] = c.Column(ctx, p)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	if o.JSON {
		b, err := json.MarshalIndent(cols, "", "  ")
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s\n", b)
		return columnErrors(cols)
	}
	width := 120
	if f, ok := stdout.(*os.File); ok {
		if w, _, err := term.GetSize(f.Fd()); err == nil && w > 40 {
			width = w
		}
	}
	for _, l := range compare.Table(cols, width) {
		fmt.Fprintln(stdout, l)
	}
	fmt.Fprintln(stdout)
	fmt.Fprintln(stdout, "commands:")
	for _, col := range cols {
		if col.Command == "" {
			continue
		}
		fmt.Fprintf(stdout, "  %s\n    %s\n", col.Path, col.Command)
		if col.CommandWarning != "" {
			fmt.Fprintf(stdout, "    ⚠ %s\n", col.CommandWarning)
		}
	}
	if space, ok := compare.SharedSpace(cols); ok {
		fmt.Fprintf(stdout, "\n%s\n", space)
	}
	return columnErrors(cols)
}

// columnErrors makes the exit status 1 when an output could not be
// compared; the others are printed all the same.
func columnErrors(cols []compare.Column) error {
	var failed []string
	for _, c := range cols {
		if c.Error != "" {
			failed = append(failed, c.Path+": "+diag.FirstLine(c.Error))
		}
	}
	if len(failed) == 0 {
		return nil
	}
	return fmt.Errorf("%d of %d outputs could not be compared:\n  %s", len(failed), len(cols), strings.Join(failed, "\n  "))
}
