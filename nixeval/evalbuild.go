package nixeval

import (
	"context"
	"regexp"
	"strings"
)

// EvalBuild is a derivation Nix builds in the middle of an evaluation
// (import from derivation: `import "${drv}"`, `builtins.readFile drv`):
// the evaluation waits for it, which can take minutes.
type EvalBuild struct {
	Drv  string // /nix/store/…-gen-foo.drv
	Name string // gen-foo
}

// LogCommand is the command that prints the build's whole log once it has
// ended (every Nix version has it).
func (b EvalBuild) LogCommand() string { return "nix-store -l " + b.Drv }

// evalBuildRE is the line Nix prints on stderr before it builds a
// derivation, the same from 2.8 to 2.34.
var evalBuildRE = regexp.MustCompile(`^building '(/[^']+\.drv)'\.\.\.$`)

// storeNameRE takes the hash off a store path's base name.
var storeNameRE = regexp.MustCompile(`^[0-9a-z]{32}-`)

// ParseEvalBuild reads Nix's `building '/nix/store/…drv'...` line.
func ParseEvalBuild(line string) (EvalBuild, bool) {
	m := evalBuildRE.FindStringSubmatch(strings.TrimSpace(line))
	if m == nil {
		return EvalBuild{}, false
	}
	base := m[1][strings.LastIndexByte(m[1], '/')+1:]
	name := strings.TrimSuffix(storeNameRE.ReplaceAllString(base, ""), ".drv")
	return EvalBuild{Drv: m[1], Name: name}, true
}

type evalBuildsKey struct{}

// WithEvalBuilds returns ctx carrying f: every request made with it calls
// f, as soon as Nix says so, for each derivation Nix builds to answer it.
// f runs on the goroutine reading Nix's output and must not block.
func WithEvalBuilds(ctx context.Context, f func(EvalBuild)) context.Context {
	return context.WithValue(ctx, evalBuildsKey{}, f)
}

// EvalBuildLines returns a function for each line of Nix's stderr while
// it answers a request made with ctx (nil when nobody listens).
func EvalBuildLines(ctx context.Context) func(string) {
	f, _ := ctx.Value(evalBuildsKey{}).(func(EvalBuild))
	if f == nil {
		return nil
	}
	return func(line string) {
		if b, ok := ParseEvalBuild(line); ok {
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

// ifdRefusedRE is Nix refusing to build during evaluation: 2.8 names the
// .drv, 2.26 and later the output (`….drv^out`).
var ifdRefusedRE = regexp.MustCompile(`cannot build '(/[^'^]+\.drv)(?:\^[^']*)?' during evaluation because the option 'allow-import-from-derivation' is disabled`)

// IFDRefused reads that refusal: the derivation the evaluation needed.
func IFDRefused(msg string) (EvalBuild, bool) {
	m := ifdRefusedRE.FindStringSubmatch(msg)
	if m == nil {
		return EvalBuild{}, false
	}
	b, _ := ParseEvalBuild("building '" + m[1] + "'...")
	return b, true
}
