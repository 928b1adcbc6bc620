package nixeval

import (
	"context"
	_ "embed"
	"encoding/json"
	"os/exec"
	"strings"

	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/nixeval/diag"
	"github.com/nixplore/nixplore/nixeval/nixproc"
)

//go:embed nixplore.nix
var wrapperSource string

// wrapperExpr is the wrapper with its byte table filled in.
var wrapperExpr = strings.Replace(wrapperSource, "@BYTES@", attr.NixBytesList(), 1)

// WrapperExpr is the constant Nix expression every request is answered by.
func WrapperExpr() string { return wrapperExpr }

// Request is one question to the wrapper expression; it travels as JSON.
type Request struct {
	Op    string      `json:"op"`
	Path  attr.Path   `json:"path,omitempty"`
	Paths []attr.Path `json:"paths,omitempty"`
	// Mark, for a request about several paths, makes the wrapper trace
	// Mark+index as it begins each one, so what Nix prints is attributed
	// to its path (ScanWarnings).
	Mark string `json:"mark,omitempty"`
}

// Backend answers requests about one target. OneShot starts a Nix process
// per request; the warm session keeps one evaluator alive.
type Backend interface {
	Eval(ctx context.Context, req Request) (json.RawMessage, error)
	Close() error
}

// Tools names the Nix programs to run; empty fields mean the ones on PATH.
type Tools struct {
	Dir string // directory holding nix, nix-build, …; "" = PATH
}

// Program returns the path of a Nix program.
func (t Tools) Program(name string) string {
	if t.Dir != "" {
		return t.Dir + "/" + name
	}
	return name
}

// LookPath reports whether the main nix program can be found.
func (t Tools) LookPath() error {
	_, err := exec.LookPath(t.Program("nix-instantiate"))
	if err != nil {
		return &nixproc.NixMissingError{Program: "nix-instantiate", Err: err}
	}
	return nil
}

// targetJSON is the target as the wrapper expression reads it.
func targetJSON(t *Target) string {
	m := map[string]string{"kind": t.Kind.String()}
	switch t.Kind {
	case Classic:
		m["file"] = t.File
	case Flake:
		m["flake"] = t.FlakeRef
		m["host"] = t.Host
	}
	b, _ := json.Marshal(m)
	return string(b)
}

// EvalArgs are the arguments, after the program name, that every
// evaluation of the target shares: the user's -I, --arg, --argstr and
// --option, plus the wrapper's own arguments.
func EvalArgs(t *Target) []string {
	var a []string
	a = append(a, "--argstr", "nixploreTarget", targetJSON(t))
	if t.Kind == Expr {
		a = append(a, "--arg", "nixploreExpr", t.ExprText)
	}
	a = append(a, CommonArgs(t)...)
	if t.Kind == Flake {
		a = append(a, "--option", "extra-experimental-features", "nix-command flakes")
	}
	return a
}

// CommonArgs are the flags a user gave that Nix itself must see.
func CommonArgs(t *Target) []string {
	var a []string
	for _, s := range t.SearchPath {
		a = append(a, "-I", s)
	}
	for _, arg := range t.Args {
		if arg.Str {
			a = append(a, "--argstr", arg.Name, arg.Value)
		} else {
			a = append(a, "--arg", arg.Name, arg.Value)
		}
	}
	a = append(a, OptionArgs(t.Options)...)
	if t.Builders != "" {
		a = append(a, "--builders", t.Builders)
	}
	return a
}

// OptionArgs are --option settings as Nix's words: every Nix nixplore runs
// for a target gets the user's (evaluations, builds, flake locking, store
// queries, the platform check).
func OptionArgs(opts []Option) []string {
	var a []string
	for _, o := range opts {
		a = append(a, "--option", o.Name, o.Value)
	}
	return a
}

// OneShot answers each request with its own nix-instantiate process: the
// reference path, and the fallback when no warm session can start.
type OneShot struct {
	Target *Target
	Tools  Tools
	// OnStderrLine, when set, sees Nix's stderr line by line (with Verbose
	// it names the files evaluated, which the disk cache keys on).
	OnStderrLine func(string)
	// Verbose adds -v, so Nix names every file it evaluates on stderr.
	Verbose bool
	// ShowTrace adds --show-trace: an error comes with the whole chain of
	// what Nix was evaluating (trace.go).
	ShowTrace bool
}

// Eval runs one request.
func (o *OneShot) Eval(ctx context.Context, req Request) (json.RawMessage, error) {
	reqJSON, err := json.Marshal(req)
	if err != nil {
		return nil, err
	}
	// --read-write-mode: describing a derivation writes its .drv, as
	// nix-instantiate without --eval would, so `nix log`, `nix-store -q` and
	// a dry run can use it. Listing never touches drvPath, so writes nothing.
	args := []string{"--eval", "--strict", "--json", "--read-write-mode", "-E", wrapperExpr, "--argstr", "nixploreRequest", string(reqJSON)}
	args = append(args, EvalArgs(o.Target)...)
	if o.Verbose {
		args = append(args, "-v")
	}
	if o.ShowTrace {
		args = append(args, "--show-trace")
	}
	// Builds during evaluation are reported as Nix starts them; warnings
	// are read as they come (bounded: WarningScanner), and Command keeps
	// a bounded tail of stderr with the error whole.
	warnings := NewWarningScanner(req)
	evalBuilds := EvalBuildLines(ctx)
	cmd := &nixproc.Command{Path: o.Tools.Program("nix-instantiate"), Args: args, OnStderrLine: bothLines(func(l string) {
		warnings.Line(l)
		if o.OnStderrLine != nil {
			o.OnStderrLine(l)
		}
	}, evalBuilds)}
	res, err := cmd.Run(ctx)
	diag.NoteWarnings(ctx, warnings.Warnings())
	if err != nil {
		return nil, err
	}
	out := res.Trimmed()
	if !json.Valid([]byte(out)) {
		return nil, &diag.EvalError{Kind: diag.ErrNotNix, Summary: "the nix program printed something that is not JSON",
			Hint:    "Is `nix-instantiate` on PATH really Nix? It printed: " + diag.Clip(out, 200),
			Details: nil}
	}
	return json.RawMessage(out), nil
}

// Close does nothing: one-shot processes end with their request.
func (o *OneShot) Close() error { return nil }
