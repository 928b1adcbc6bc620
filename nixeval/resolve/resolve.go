// Package resolve finds the target a user means, from the flags they
// typed and the machine (Environment), the way nixos-rebuild does: the
// nixeval.Target every evaluation, build and printed command starts from.
package resolve

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/nixeval/diag"
	"github.com/nixplore/nixplore/nixeval/gitwork"
	"github.com/nixplore/nixplore/nixeval/systems"
)

// Flags are the target flags as a user typed them.
type Flags struct {
	SearchPath []string
	Args       []nixeval.Arg
	System     string
	File       string
	Expr       string
	Flake      string
	Options    []nixeval.Option
	Builders   string
	Timeout    time.Duration
	// NoWriteLockFile is nix build's --no-write-lock-file.
	NoWriteLockFile bool
}

// HasTarget reports whether the flags name a target themselves.
func (f *Flags) HasTarget() bool {
	if f.File != "" || f.Expr != "" || f.Flake != "" {
		return true
	}
	for _, s := range f.SearchPath {
		if strings.HasPrefix(s, "nixos-config=") {
			return true
		}
	}
	return false
}

// Environment is what resolution reads from the machine; tests replace it.
type Environment struct {
	Getenv   func(string) string
	Hostname func() (string, error)
	EtcNixOS string // normally /etc/nixos
	Cwd      string
}

// SystemEnvironment reads the real machine.
func SystemEnvironment() Environment {
	cwd, _ := os.Getwd()
	return Environment{Getenv: os.Getenv, Hostname: os.Hostname, EtcNixOS: "/etc/nixos", Cwd: cwd}
}

// checkConfigFile explains a nixos-config that is missing or a directory
// before Nix reports it as a confusing search-path error.
func checkConfigFile(t *nixeval.Target) error {
	if t.ConfigFile == "" || strings.HasPrefix(t.ConfigFile, "<") || strings.Contains(t.ConfigFile, "://") {
		return nil
	}
	st, err := os.Stat(t.ConfigFile)
	switch {
	case err != nil:
		return &diag.EvalError{Kind: diag.ErrFileMissing, Summary: "configuration file not found: " + t.ConfigFile + " (chosen by " + t.ChosenBy + ")",
			Hint: "Check the path (relative paths are relative to the current directory), e.g. -I nixos-config=./configuration.nix"}
	case st.IsDir():
		if _, err := os.Stat(filepath.Join(t.ConfigFile, "default.nix")); err != nil {
			return &diag.EvalError{Kind: diag.ErrFileMissing, Summary: t.ConfigFile + " is a directory without a default.nix",
				Hint: "Give the configuration file itself, e.g. -I nixos-config=" + filepath.Join(t.ConfigFile, "configuration.nix")}
		}
	}
	return nil
}

// Target turns flags into a target the way nixos-rebuild finds a
// configuration: --flake, then NIXOS_CONFIG, then <nixos-config> on the
// search path (-I or NIX_PATH), then /etc/nixos/flake.nix (host = hostname),
// then /etc/nixos/configuration.nix.
func Target(f Flags, env Environment) (*nixeval.Target, error) {
	t, err := resolve(f, env)
	if err != nil {
		return nil, err
	}
	if err := checkConfigFile(t); err != nil {
		return nil, err
	}
	return t, nil
}

func resolve(f Flags, env Environment) (*nixeval.Target, error) {
	t := &nixeval.Target{
		SearchPath: absSearchPath(f.SearchPath, env.Cwd),
		Options:    f.Options,
		Builders:   f.Builders,
		Timeout:    f.Timeout,
		Dir:        env.Cwd,
		// Applies to a flake found in /etc/nixos too.
		NoWriteLockFile: f.NoWriteLockFile,
	}
	set := 0
	for _, b := range []bool{f.File != "", f.Expr != "", f.Flake != ""} {
		if b {
			set++
		}
	}
	if set > 1 {
		return nil, &nixeval.UsageError{Msg: "use only one of -f/--file, --expr and --flake"}
	}
	args := append([]nixeval.Arg(nil), f.Args...)
	// -f and --expr may name something else than a NixOS configuration.
	nixos := f.File == "" && f.Expr == ""
	if err := checkSystem(f.System, nixos); err != nil {
		return nil, err
	}
	for _, a := range f.Args {
		if a.Name == "system" && a.Str {
			if err := checkSystem(a.Value, nixos); err != nil {
				return nil, err
			}
		}
	}
	if f.System != "" {
		args = append(args, nixeval.Arg{Name: "system", Value: f.System, Str: true})
	}
	for _, a := range args {
		if strings.HasPrefix(a.Name, "nixplore") {
			return nil, &nixeval.UsageError{Msg: fmt.Sprintf("argument name %q is reserved by nixplore", a.Name)}
		}
	}
	t.Args = args
	switch {
	case f.Flake != "":
		if len(args) > 0 {
			return nil, &nixeval.UsageError{Msg: "--arg, --argstr and --system do not apply to a flake: its platform is fixed by the flake (nixpkgs.hostPlatform)"}
		}
		return resolveFlake(t, f.Flake, env, "--flake")
	case f.Expr != "":
		t.Kind = nixeval.Expr
		t.ExprText = f.Expr
		t.ChosenBy = "--expr"
		return t, nil
	case f.File != "":
		t.Kind = nixeval.Classic
		t.File = absFile(f.File, env.Cwd)
		t.ChosenBy = "-f " + f.File
		t.ConfigFile = nixeval.ConfigFromSearchPath(t.SearchPath)
		return t, nil
	}
	t.Kind = nixeval.Classic
	t.File = "<nixpkgs/nixos>"
	if c := nixeval.ConfigFromSearchPath(t.SearchPath); c != "" {
		t.ConfigFile = c
		t.ChosenBy = "-I nixos-config=" + c
		return t, nil
	}
	if c := env.Getenv("NIXOS_CONFIG"); c != "" {
		t.ConfigFile = absFile(c, env.Cwd)
		t.ChosenBy = "NIXOS_CONFIG=" + c
		return t, nil
	}
	if c := configFromNixPath(env.Getenv("NIX_PATH")); c != "" {
		t.ConfigFile = c
		t.ChosenBy = "<nixos-config> from NIX_PATH (" + c + ")"
		return t, nil
	}
	if _, err := os.Stat(filepath.Join(env.EtcNixOS, "flake.nix")); err == nil {
		return resolveFlake(t, env.EtcNixOS, env, filepath.Join(env.EtcNixOS, "flake.nix"))
	}
	conf := filepath.Join(env.EtcNixOS, "configuration.nix")
	if _, err := os.Stat(conf); err == nil {
		t.ConfigFile = conf
		t.SearchPath = append(t.SearchPath, "nixos-config="+conf)
		t.ChosenBy = conf
		return t, nil
	}
	return nil, &nixeval.UsageError{Msg: "no configuration found: none of --flake, -I nixos-config=, NIXOS_CONFIG, <nixos-config> in NIX_PATH, " +
		filepath.Join(env.EtcNixOS, "flake.nix") + " or " + conf + ".\n" +
		"Say which one to explore, e.g.\n  nixplore -I nixos-config=./configuration.nix\n  nixplore --flake .#myhost"}
}

func resolveFlake(t *nixeval.Target, ref string, env Environment, chosenBy string) (*nixeval.Target, error) {
	t.Kind = nixeval.Flake
	t.Args = nil
	flakeRef, host, hasHost := strings.Cut(ref, "#")
	if flakeRef == "" {
		flakeRef = "."
	}
	t.FlakeRef = absFlakeRef(flakeRef, env.Cwd)
	if filepath.IsAbs(t.FlakeRef) {
		t.FlakeRef, _ = gitwork.FlakeRef(t.FlakeRef)
	}
	setLocalFlake(t)
	if hasHost {
		// Accept the long form too: #nixosConfigurations.<host>.
		p, err := attr.Parse(host)
		if err != nil {
			return nil, &nixeval.UsageError{Msg: fmt.Sprintf("flake host %q: %v", host, err)}
		}
		if len(p) >= 2 && p[0] == "nixosConfigurations" {
			p = p[1:]
		}
		if len(p) != 1 {
			return nil, &nixeval.UsageError{Msg: fmt.Sprintf("flake reference %q: after # give the host name, e.g. %s#myhost", ref, flakeRef)}
		}
		t.Host = p[0]
		t.ChosenBy = chosenBy
	} else {
		h, err := env.Hostname()
		if err != nil || h == "" {
			return nil, &nixeval.UsageError{Msg: "the flake reference has no #host and the hostname is unknown; give one: --flake " + flakeRef + "#HOST"}
		}
		if i := strings.IndexByte(h, '.'); i > 0 {
			h = h[:i]
		}
		t.Host = h
		t.ChosenBy = chosenBy + " (host from hostname)"
	}
	return t, nil
}

func absSearchPath(entries []string, cwd string) []string {
	out := make([]string, len(entries))
	for i, e := range entries {
		if name, p, ok := strings.Cut(e, "="); ok && isLocalPath(p) {
			out[i] = name + "=" + absFile(p, cwd)
		} else if !ok && isLocalPath(e) {
			out[i] = absFile(e, cwd)
		} else {
			out[i] = e
		}
	}
	return out
}

func isLocalPath(p string) bool {
	return p != "" && !strings.Contains(p, "://") && !strings.HasPrefix(p, "channel:") && !strings.HasPrefix(p, "flake:")
}

func absFile(p, cwd string) string {
	if strings.HasPrefix(p, "<") && strings.HasSuffix(p, ">") {
		return p
	}
	if strings.HasPrefix(p, "~/") {
		if home, err := os.UserHomeDir(); err == nil {
			p = filepath.Join(home, p[2:])
		}
	}
	if !filepath.IsAbs(p) {
		p = filepath.Join(cwd, p)
	}
	return filepath.Clean(p)
}

// absFlakeRef makes a local flake path absolute, keeping "path:" and other
// schemes; "." in the shell means the directory nixplore started in.
func absFlakeRef(ref, cwd string) string {
	if strings.Contains(ref, ":") {
		if rest, ok := strings.CutPrefix(ref, "path:"); ok && !filepath.IsAbs(rest) {
			return "path:" + absFile(rest, cwd)
		}
		return ref
	}
	if strings.HasPrefix(ref, ".") || strings.HasPrefix(ref, "/") || strings.HasPrefix(ref, "~") {
		return absFile(ref, cwd)
	}
	return ref // a registry name such as "nixpkgs"
}

func configFromNixPath(np string) string {
	for _, e := range strings.Split(np, ":") {
		if p, ok := strings.CutPrefix(e, "nixos-config="); ok {
			return p
		}
	}
	return ""
}

// checkSystem refuses an unknown --system as a usage error, and for a
// NixOS configuration a platform NixOS does not run on.
func checkSystem(s string, nixos bool) error {
	check := systems.Check
	if nixos {
		check = systems.CheckNixOS
	}
	if err := check(s); err != nil {
		return &nixeval.UsageError{Msg: err.Error()}
	}
	return nil
}

// setLocalFlake fills the target's local-source facts from a reference
// nixplore made or a user gave as git+file:///… or path:/…: the work tree
// (for dirtiness and untracked files) and the flake's directory (for its
// lock file and missing files).
func setLocalFlake(t *nixeval.Target) {
	switch {
	case strings.HasPrefix(t.FlakeRef, "git+file:"):
		u, err := url.Parse(t.FlakeRef)
		if err != nil || u.Path == "" {
			return
		}
		t.GitRoot = filepath.Clean(u.Path)
		t.FlakeDir = filepath.Join(t.GitRoot, filepath.FromSlash(u.Query().Get("dir")))
	case strings.HasPrefix(t.FlakeRef, "path:"):
		p, q, _ := strings.Cut(strings.TrimPrefix(t.FlakeRef, "path:"), "?")
		if !filepath.IsAbs(p) {
			return
		}
		t.FlakeDir = filepath.Clean(p)
		if v, err := url.ParseQuery(q); err == nil && v.Get("dir") != "" {
			t.FlakeDir = filepath.Join(t.FlakeDir, filepath.FromSlash(v.Get("dir")))
		}
	}
}
