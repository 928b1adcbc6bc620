package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
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
	for i := range paths {
		paths[i] = s.fullPath(ctx, paths[i], stderr)
	}
	paths = sameRoot(s.target, paths, stderr)
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

// rootAliases are the outputs <nixpkgs/nixos> also has at its top level:
// system is config.system.build.toplevel, vm and vmWithBootLoader the
// outputs of the same names.
var rootAliases = map[string]string{"system": "toplevel", "vm": "vm", "vmWithBootLoader": "vmWithBootLoader"}

// sameRoot keeps compare from mixing roots silently: beside outputs of
// config.system.build, a classic top-level alias (vm, system) is compared
// as the config.system.build output it is, saying so; any other mix is
// compared as asked, with a note naming the sets.
func sameRoot(t *nixeval.Target, paths []attr.Path, stderr io.Writer) []attr.Path {
	under := 0
	for _, p := range paths {
		if len(p) > len(attr.DefaultPath) && p.HasPrefix(attr.DefaultPath) {
			under++
		}
	}
	if under == 0 || under == len(paths) {
		return paths
	}
	out := make([]attr.Path, len(paths))
	parents := map[string]bool{}
	for i, p := range paths {
		out[i] = p
		if alias, ok := rootAliases[p.Last()]; ok && len(p) == 1 && t.Kind == nixeval.Classic {
			out[i] = attr.DefaultPath.Child(alias)
			fmt.Fprintf(stderr, "nixplore: %s is <nixpkgs/nixos>'s shortcut for %s: comparing that\n", p, out[i])
		}
		parents[attr.Printable(out[i].Parent().String())] = true
	}
	if len(parents) > 1 {
		var names []string
		for n := range parents {
			if n == "" {
				n = "the top level"
			}
			names = append(names, n)
		}
		sort.Strings(names)
		fmt.Fprintf(stderr, "nixplore: note: these outputs come from different sets (%s)\n", strings.Join(names, ", "))
	}
	return out
}
