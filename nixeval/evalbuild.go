package nixeval

import (
	"context"
	"strings"

	"github.com/nixplore/nixplore/nixeval/diag"
	"github.com/nixplore/nixplore/nixeval/nixproc"
)

type evalBuildsKey struct{}

// WithEvalBuilds returns ctx carrying f: every request made with it calls
// f, as soon as Nix says so, for each derivation Nix builds to answer it.
// f runs on the goroutine reading Nix's output and must not block.
func WithEvalBuilds(ctx context.Context, f func(diag.EvalBuild)) context.Context {
	return context.WithValue(ctx, evalBuildsKey{}, f)
}

// EvalBuildLines returns a function for each line of Nix's stderr while
// it answers a request made with ctx (nil when nobody listens).
func EvalBuildLines(ctx context.Context) func(string) {
	f, _ := ctx.Value(evalBuildsKey{}).(func(diag.EvalBuild))
	if f == nil {
		return nil
	}
	return func(line string) {
		if b, ok := diag.ParseEvalBuild(line); ok {
			f(b)
		}
	}
}

// bothLines calls a then b; either may be nil.
func bothLines(a, b func(string)) func(string) {
	switch {
	case a == nil:
		return b
	case b == nil:
		return a
	}
	return func(l string) { a(l); b(l) }
}

// BuildLogKeep bounds how much of a build log BuildLog reads: a builder can
// print gigabytes, and the end is where it failed.
const BuildLogKeep = 256 << 10

// BuildLog is the log of build b once it has ended, as LogCommand prints
// it, with the target's --option settings: its last BuildLogKeep bytes, in
// lines; cut says the start was left out. Nix says when there is no log
// (the build is still running, or the output came from a cache).
func BuildLog(ctx context.Context, tools Tools, b diag.EvalBuild, settings ...Option) (lines []string, cut bool, err error) {
	args := append(append([]string{"-l"}, OptionArgs(settings)...), "--", b.Key())
	res, err := (&nixproc.Command{Path: tools.Program("nix-store"), Args: args, StdoutTail: BuildLogKeep}).Run(ctx)
	if err != nil {
		return nil, false, err
	}
	text := strings.TrimRight(nixproc.StripANSI(string(res.Stdout)), "\n")
	if text == "" {
		return nil, res.StdoutCut, nil
	}
	return strings.Split(text, "\n"), res.StdoutCut, nil
}
