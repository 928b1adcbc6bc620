package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/nixplore/nixplore/cmd/nixplore/cmdline"
	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/nixeval/diag"
	"github.com/nixplore/nixplore/nixeval/setbuild"
)

// checkCmdPath evaluates p before `cmd` prints its build command, so the
// command is never a trap: a path that does not exist fails as `show`
// fails (same error, same exit status); a string, number, boolean… has no
// command; a set or list gets a warning on stderr saying what the command
// builds (nix-build builds every derivation inside it).
// It returns the path the command builds: a short name (sdImage) is the
// output it names (config.system.build.sdImage).
func checkCmdPath(ctx context.Context, o *cmdline.Options, p attr.Path, stderr io.Writer) (attr.Path, error) {
	if err := (nixeval.Tools{}).LookPath(); err != nil {
		// The command can still be printed; it is only not checked.
		fmt.Fprintf(stderr, "nixplore: not checking %s: %s\n", pathOrTop(p), diag.FirstLine(err.Error()))
		return p, nil
	}
	s, err := openVerbEnv(ctx, o, stderr, false)
	if err != nil {
		return p, err
	}
	defer s.Close()
	p = s.fullPath(ctx, p, stderr)
	return p, checkCmdValue(ctx, s, p, stderr)
}

// checkCmdValue is checkCmdPath's look at the value itself.
func checkCmdValue(ctx context.Context, s *verbEnv, p attr.Path, stderr io.Writer) error {
	var err error
	d, ok := s.eval.PeekDescribe(p)
	if !ok {
		stop := stillEvaluating(stderr, "checking "+pathOrTop(p))
		d, err = s.eval.Describe(ctx, p)
		stop()
	}
	if err != nil {
		var missing *diag.MissingAttrError
		if errors.As(err, &missing) {
			return err
		}
		// A value that throws still has a command (the build shows the
		// error); say so.
		fmt.Fprintf(stderr, "nixplore: warning: %s fails to evaluate, so this command fails too: %s\n", pathOrTop(p), diag.FirstLine(nixeval.ErrorText(err)))
		return nil
	}
	if !setbuild.Buildable(d.Kind) {
		return errors.New(setbuild.NothingToBuild(attr.Printable(p.String()), d.Kind))
	}
	if d.Kind == nixeval.KindDerivation {
		return nil
	}
	fmt.Fprintf(stderr, "nixplore: warning: %s is %s, not a derivation: this command %s\n", pathOrTop(p), nixeval.AKind(d.Kind), setContents(s, p, d).Warning())
	return nil
}

// setContents counts the derivations inside p from its listing in the
// disk cache when every kind there is known, else says how many children
// it has.
func setContents(s *verbEnv, p attr.Path, d *nixeval.Description) setbuild.Contents {
	var c setbuild.Contents
	if l, ok := s.eval.PeekList(p); ok {
		c = setbuild.CountChildren(l.Children)
	}
	c.FromDescription(d)
	return c
}
