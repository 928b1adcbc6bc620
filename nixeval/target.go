package nixeval

import (
	"strings"
	"time"

	"github.com/nixplore/nixplore/nixeval/attr"
)

// TargetKind says how the evaluation is reached.
type TargetKind int

const (
	// Classic is a file such as <nixpkgs/nixos>, called with --arg/--argstr
	// and a nixos-config on the search path, as nix-build does.
	Classic TargetKind = iota
	// Flake is nixosConfigurations.<host> of a flake.
	Flake
	// Expr is an expression given with --expr.
	Expr
)

func (k TargetKind) String() string {
	return [...]string{"classic", "flake", "expr"}[k]
}

// Arg is one --arg or --argstr.
type Arg struct {
	Name  string
	Value string
	Str   bool // --argstr: Value is a string, not an expression
}

// Option is one --option name value passed to Nix.
type Option struct{ Name, Value string }

// Target is everything an evaluation depends on besides the attribute path,
// in the words of nix-build and nixos-rebuild.
type Target struct {
	Kind       TargetKind
	File       string   // Classic: "<nixpkgs/nixos>" or an absolute file
	ExprText   string   // Expr: the expression
	FlakeRef   string   // Flake: reference without #host
	Host       string   // Flake: nixosConfigurations.<Host>
	SearchPath []string // -I entries, in order ("name=path" or "path")
	Args       []Arg
	Options    []Option
	Builders   string
	Timeout    time.Duration
	ChosenBy   string // how the target was found, for the header / stderr
	ConfigFile string // the nixos-config in use (classic), for display and commands
	Dir        string // working directory the target's relative paths were resolved in
	// A local flake: FlakeDir holds its flake.nix; GitRoot is the work
	// tree it is read from as git+file ("" for path:).
	FlakeDir, GitRoot string
	// NoWriteLockFile is --no-write-lock-file: lock in memory only.
	NoWriteLockFile bool
	// Set by flakelock.Prepare: the work tree has uncommitted changes to
	// tracked files; the lock file was out of date and not written.
	Dirty, LockUnwritten bool
}

// UsageError is a mistake in the flags: exit status 2.
type UsageError struct{ Msg string }

func (e *UsageError) Error() string { return e.Msg }

// RequestedSystem is the value of --argstr system, if any.
func (t *Target) RequestedSystem() string {
	for _, a := range t.Args {
		if a.Name == "system" && a.Str {
			return a.Value
		}
	}
	return ""
}

// Label is a short name of the target for headers.
func (t *Target) Label() string {
	switch t.Kind {
	case Flake:
		return t.FlakeRef + "#" + t.Host
	case Expr:
		e := strings.Join(strings.Fields(t.ExprText), " ")
		if len(e) > 40 {
			e = e[:39] + "…"
		}
		return "--expr " + e
	}
	if t.ConfigFile != "" {
		return t.File + " with nixos-config=" + t.ConfigFile
	}
	return t.File
}

// RootPrefix is the attribute path of the evaluation root as a user sees it
// in commands: nixosConfigurations.<host> for flakes, nothing otherwise.
func (t *Target) RootPrefix() attr.Path {
	if t.Kind == Flake {
		return attr.Path{"nixosConfigurations", t.Host}
	}
	return nil
}

// ConfigFromSearchPath is the nixos-config entry of a search path (-I).
func ConfigFromSearchPath(sp []string) string {
	c := ""
	for _, e := range sp {
		if p, ok := strings.CutPrefix(e, "nixos-config="); ok && c == "" {
			c = p // the first -I wins, as Nix prepends them in order
		}
	}
	return c
}
