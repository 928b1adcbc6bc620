package nixeval

import (
	"strings"

	"github.com/nixplore/nixplore/nixeval/attr"
)

// Commands are the equivalent commands a user could type to build a node.
type Commands struct {
	Build string   `json:"build"` // shell-quoted, ready to paste
	Argv  []string `json:"-"`     // the same, unquoted
	// Portable is false when a name cannot be written with -A (it holds a
	// double quote) and the command selects the attribute with an
	// expression instead.
	Portable bool `json:"-"`
}

// nixList writes names as a Nix list of string literals: data, escaped.
func nixList(p attr.Path) string {
	q := make([]string, len(p))
	for i, n := range p {
		q[i] = attr.NixString(n)
	}
	return "[ " + strings.Join(q, " ") + " ]"
}

// selectExpr picks nixplorePath out of a root; the names arrive with --arg
// as a list of string literals, so no name is ever part of the code.
const selectExpr = `builtins.foldl' (v: n: v.${n})`

// BuildCommands returns the command that builds path of target exactly as
// nixplore evaluates it.
func BuildCommands(t *Target, path attr.Path) Commands {
	var argv []string
	portable := true
	switch t.Kind {
	case Flake:
		full := append(append(attr.Path{}, t.RootPrefix()...), path...)
		if a, ok := attr.ForA(full); ok && attr.FlakeFragmentSafe(full) {
			argv = []string{"nix", "--extra-experimental-features", "nix-command flakes", "build", t.FlakeRef + "#" + a}
			if t.NoWriteLockFile {
				argv = append(argv, "--no-write-lock-file")
			}
		} else {
			portable = false
			argv = []string{"nix-build", "-E",
				"{ nixploreFlake, nixplorePath }: " + selectExpr + " (builtins.getFlake nixploreFlake) nixplorePath",
				"--argstr", "nixploreFlake", t.FlakeRef, "--arg", "nixplorePath", nixList(full),
				"--option", "extra-experimental-features", "nix-command flakes"}
		}
		for _, o := range t.Options {
			argv = append(argv, "--option", o.Name, o.Value)
		}
		if t.Builders != "" {
			argv = append(argv, "--builders", t.Builders)
		}
		return Commands{Build: attr.ShellJoin(argv), Argv: argv, Portable: portable}
	case Expr:
		argv = []string{"nix-build", "-E", t.ExprText}
	default:
		argv = []string{"nix-build", t.File}
	}
	if len(path) == 0 {
		// The whole evaluation: nix-build without -A (every derivation at
		// the top level, which is what the printed command says).
	} else if a, ok := attr.ForA(path); ok {
		argv = append(argv, "-A", a)
	} else {
		portable = false
		formal, root := "nixploreFile", "import nixploreFile"
		if t.Kind == Expr {
			formal, root = "nixploreExpr", "nixploreExpr"
		}
		argv = []string{"nix-build", "-E",
			"{ nixplorePath, " + formal + ", ... }@args: let f = " + root + "; in " + selectExpr +
				" (if builtins.isFunction f then f (builtins.intersectAttrs (builtins.functionArgs f) args) else f) nixplorePath",
			"--arg", "nixplorePath", nixList(path)}
		if t.Kind == Expr {
			argv = append(argv, "--arg", "nixploreExpr", t.ExprText)
		} else if strings.HasPrefix(t.File, "<") {
			argv = append(argv, "--arg", "nixploreFile", t.File)
		} else {
			argv = append(argv, "--arg", "nixploreFile", "/. + "+attr.NixString(t.File))
		}
	}
	argv = append(argv, commandTargetArgs(t)...)
	return Commands{Build: attr.ShellJoin(argv), Argv: argv, Portable: portable}
}

// commandTargetArgs are the target's flags as a user would pass them to
// nix-build, with the chosen nixos-config made explicit.
func commandTargetArgs(t *Target) []string {
	var a []string
	if t.ConfigFile != "" && ConfigFromSearchPath(t.SearchPath) == "" {
		a = append(a, "-I", "nixos-config="+t.ConfigFile)
	}
	return append(a, CommonArgs(t)...)
}
