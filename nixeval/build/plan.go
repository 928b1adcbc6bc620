package build

import (
	"context"
	"errors"

	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/nixeval/build/buildlog"
	"github.com/nixplore/nixplore/nixeval/diag"
	"github.com/nixplore/nixplore/nixeval/nixproc"
)

// DryRun asks Nix what building path would do, running exactly the build
// command of BuildCommands with --dry-run. Nothing is built; derivations are
// instantiated (their .drv files written).
//
// outputs, when the caller knows them (a description), are the output
// paths: an empty plan while one of them is not in the store is a
// contradiction (a Nix whose wording nixplore does not recognise), said
// with Nix's own text instead of "nothing to build".
func DryRun(ctx context.Context, tools nixeval.Tools, t *nixeval.Target, path attr.Path, outputs ...string) (*buildlog.Plan, error) {
	cmd := buildCommand(tools, t, path, "--dry-run")
	// Read line by line as Nix prints it: what Command keeps of stderr is
	// a bounded tail, and a plan of tens of thousands of paths is longer.
	var pp buildlog.PlanReader
	cmd.OnStderrLine = func(line string) { pp.Add(line) }
	res, err := cmd.Run(ctx)
	if err != nil {
		var ne *nixproc.NixError
		if errors.As(err, &ne) {
			return nil, diag.Classify(ne)
		}
		return nil, err
	}
	plan := pp.Plan()
	if plan.Empty() && len(outputs) > 0 {
		var opts []nixeval.Option
		if t != nil {
			opts = t.Options
		}
		valid, err := nixeval.ValidPaths(ctx, tools, outputs, opts...)
		if err != nil {
			return nil, err
		}
		for _, o := range outputs {
			if !valid[o] {
				e := unrecognised(cmd.String(), res.Stderr)
				e.Version = nixVersion(ctx, tools)
				e.Why = "its dry run lists nothing to build or fetch, yet " + o + " is not in the store"
				return nil, e
			}
		}
	}
	return plan, nil
}

// nixVersion is `nix --version` as Nix prints it (Lix and Determinate Nix
// word it their own way: it is quoted, never rebuilt).
func nixVersion(ctx context.Context, tools nixeval.Tools) string {
	res, err := (&nixproc.Command{Path: tools.Program("nix"), Args: []string{"--version"}}).Run(ctx)
	if err != nil {
		return ""
	}
	return res.Trimmed()
}

// buildCommand is BuildCommands' argv with the program taken from tools
// and extra flags appended.
func buildCommand(tools nixeval.Tools, t *nixeval.Target, path attr.Path, extra ...string) *nixproc.Command {
	argv := nixeval.BuildCommands(t, path).Argv
	args := append(append([]string{}, argv[1:]...), extra...)
	return &nixproc.Command{Path: tools.Program(argv[0]), Args: args}
}
