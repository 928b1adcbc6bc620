package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nixplore/nixplore/internal/testnix"
)

func runCLI(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(args, &out, &errb)
	return out.String(), errb.String(), code
}

func TestLsJSON(t *testing.T) {
	testnix.Setup(t)
	args := append([]string{"ls", "--json"}, testnix.ClassicArgs("kinds", "")...)
	args = append(args, "config.system.build", "config.system.build.attrs")
	out, errOut, code := runCLI(t, args...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(errOut, "target <nixpkgs/nixos> with nixos-config=") {
		t.Errorf("the chosen target is not announced on stderr: %q", errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 {
		t.Fatalf("want one JSON object per path, got %d lines:\n%s", len(lines), out)
	}
	var first struct {
		Path     string `json:"path"`
		Children []struct{ Name, Path, Kind, Error string }
	}
	if err := json.Unmarshal([]byte(lines[0]), &first); err != nil {
		t.Fatal(err)
	}
	if first.Path != "config.system.build" {
		t.Fatalf("path %q", first.Path)
	}
	found := map[string]string{}
	for _, c := range first.Children {
		found[c.Name] = c.Kind
		if c.Name == "throws" && !strings.Contains(c.Error, "boom") {
			t.Errorf("throws: error %q", c.Error)
		}
		if c.Name == "derivation" && c.Path != "config.system.build.derivation" {
			t.Errorf("path %q", c.Path)
		}
	}
	if found["derivation"] != "derivation" || found["throws"] != "error" || found["int"] != "int" {
		t.Fatalf("kinds %v", found)
	}
	if !strings.Contains(lines[1], `"path":"config.system.build.attrs"`) {
		t.Fatalf("second line %s", lines[1])
	}
}

func TestShowJSON(t *testing.T) {
	testnix.Setup(t)
	args := append([]string{"show", "--json"}, testnix.ClassicArgs("pi", "aarch64-linux")...)
	out, errOut, code := runCLI(t, append(args, "config.system.build.sdImage")...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var s struct {
		Path, Kind, Name, System, DrvPath string
		Outputs                           map[string]struct {
			Path  string
			Built bool
		}
		DefinedIn []string
		Commands  map[string]string
	}
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		t.Fatal(err, out)
	}
	if s.Kind != "derivation" || s.System != "aarch64-linux" || !strings.HasSuffix(s.DrvPath, ".drv") ||
		s.Outputs["out"].Path == "" || len(s.DefinedIn) != 1 || !strings.HasPrefix(s.Commands["build"], "nix-build '<nixpkgs/nixos>' -A config.system.build.sdImage") {
		t.Fatalf("%+v", s)
	}
}

// halfEdited are files cut off in the middle of an expression, one per way
// a file is left while its author types (the same set as nixeval's test).
var halfEdited = map[string]string{
	"open brace":       "{ config, ... }:\n{\n  networking.hostName = \"half\";\n",
	"open bracket":     "{ ... }:\n{\n  imports = [\n    ./nothing-yet.nix\n",
	"open parenthesis": "{ ... }:\n({\n  networking.hostName = \"half\";\n}\n",
	"open string":      "{ ... }:\n{\n  networking.hostName = \"half;\n}\n",
	"open '' string":   "{ ... }:\n{\n  environment.etc.motd.text = ''\n    hello\n}\n",
}

// halfEditedArgs writes a configuration that is body itself (where
// "config") or imports a module that is body (where "import").
func halfEditedArgs(t *testing.T, where, body string) (args []string, broken string) {
	t.Helper()
	dir := t.TempDir()
	conf := filepath.Join(dir, "configuration.nix")
	broken = conf
	if where == "import" {
		broken = filepath.Join(dir, "module.nix")
		if err := os.WriteFile(conf, []byte("{ ... }:\n{\n  imports = [ ./module.nix ];\n}\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(broken, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return []string{"-I", "nixpkgs=" + testnix.Testdata("nixpkgs"), "-I", "nixos-config=" + conf}, broken
}

// sweepBound is how long any answer or error may take on the fixtures; a
// request that hangs (the warm repl waiting for more input) fails here.
const sweepBound = 60 * time.Second

// runBounded runs the CLI in process and fails the test when it does not
// return within sweepBound.
func runBounded(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	type result struct {
		out, err string
		code     int
	}
	done := make(chan result, 1)
	go func() {
		var out, errb bytes.Buffer
		c := run(args, &out, &errb)
		done <- result{out.String(), errb.String(), c}
	}()
	select {
	case r := <-done:
		return r.out, r.err, r.code
	case <-time.After(sweepBound):
		t.Fatalf("nixplore %s gave no answer within %s", strings.Join(args, " "), sweepBound)
		return "", "", -1
	}
}

// TestSweepBadAndEdgeInputs runs every bad or edge input through the CLI,
// with the warm evaluator and with --one-shot: each gives an answer or a
// clear error within sweepBound, the right exit status, a message that
// never points into nixplore's own temporary files or expression, and
// leaves no process or temporary file behind.
func TestSweepBadAndEdgeInputs(t *testing.T) {
	testnix.Setup(t)
	flake := "path:" + testnix.FlakeDir(t)
	noConfigs := t.TempDir()
	if err := os.WriteFile(filepath.Join(noConfigs, "flake.nix"), []byte(`{ outputs = { self }: { lib.x = 1; }; }`), 0o644); err != nil {
		t.Fatal(err)
	}
	notNix := t.TempDir()
	for _, prog := range []string{"nix", "nix-instantiate", "nix-store"} {
		if err := os.WriteFile(filepath.Join(notNix, prog), []byte("#!/bin/sh\necho garbage from a fake nix\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	pi := testnix.ClassicArgs("pi", "aarch64-linux")
	with := func(verb string, args []string, extra ...string) []string {
		return append(append([]string{verb}, args...), extra...)
	}
	aborts := []string{"--expr", `{ fine = 1; aborts = abort "stopped here"; throws = throw "thrown here"; set = { }; }`}
	type sweepCase struct {
		name string
		args []string
		code int
		msg  string // on stderr when code != 0, on stdout when 0
		path string // PATH for this case, when not the test's
		// userString: the error is in the user's own --arg, which Nix
		// places in a «string» too; that location is the user's.
		userString bool
	}
	cases := []sweepCase{
		{"config path is a directory", []string{"ls", "-I", "nixpkgs=" + testnix.Testdata("nixpkgs"), "-I", "nixos-config=" + testnix.Testdata("configs", "pi")}, 1, "is a directory without a default.nix", "", false},
		{"failed assertion", with("show", testnix.ClassicArgs("assert", ""), "config.system.build.toplevel"), 1, "failed assertions", "", false},
		{"infinite recursion", with("show", testnix.ClassicArgs("kinds", ""), "config.system.build.infinite"), 1, "infinite recursion", "", false},
		{"unknown flake host", []string{"ls", "--flake", flake + "#nope"}, 1, "the hosts it has are", "", false},
		{"flake without nixosConfigurations", []string{"ls", "--flake", "path:" + noConfigs + "#x"}, 1, "no nixosConfigurations output", "", false},
		{"unknown --system", with("ls", testnix.ClassicArgs("pi", ""), "--system", "arm64-linux"), 2, "unknown system", "", false},
		{"--system arm64-linux suggests aarch64-linux", with("ls", testnix.ClassicArgs("pi", ""), "--system", "arm64-linux"), 2, "Did you mean aarch64-linux?", "", false},
		{"--system aarch64 suggests aarch64-linux", with("ls", testnix.ClassicArgs("pi", ""), "--system", "aarch64"), 2, "Did you mean aarch64-linux?", "", false},
		{"--system aarch64-darwin refused for NixOS", with("ls", testnix.ClassicArgs("pi", ""), "--system", "aarch64-darwin"), 2, "NixOS runs on Linux only", "", false},
		{"NIX_PATH without nixpkgs", []string{"ls", "-I", "nixos-config=" + testnix.Testdata("configs", "pi", "configuration.nix")}, 1, "no nixpkgs entry", "", false},
		{"NIX_PATH without nixpkgs, show", []string{"show", "-I", "nixos-config=" + testnix.Testdata("configs", "pi", "configuration.nix"), "config.system.build.toplevel"}, 1, "no nixpkgs entry", "", false},
		{"nix not installed", with("ls", pi), 1, "apt-get install nix-bin", "/nonexistent", false},
		{"a nix that is not Nix", with("ls", pi), 1, "garbage from a fake nix", notNix + ":/usr/bin:/bin", false},
		{"unknown flag", []string{"ls", "--frobnicate"}, 2, "unknown flag", "", false},
		{"malformed path", with("ls", pi, "a..b"), 2, "malformed attribute path", "", false},
		{"trailing dot", with("ls", pi, "config.system."), 2, "malformed attribute path", "", false},
		{"unbalanced quote", with("show", pi, `a."b`), 2, "unbalanced quote", "", false},
		{"show needs a path", with("show", pi), 2, "exactly one attribute PATH", "", false},
		{"missing attribute", with("ls", pi, "config.system.build.sdimage"), 1, "Did you mean: config.system.build.sdImage", "", false},
		{"missing attribute at the root", with("show", pi, "nosuch"), 1, "List what is there with: nixplore ls ''", "", false},
		{"a path through a derivation's string", with("ls", pi, "config.system.build.etcActivationCommands.x"), 1, "not an attribute set", "", false},
		{"syntax error", with("ls", testnix.ClassicArgs("syntax", "")), 1, "syntax error", "", false},
		{"bad --arg", with("ls", testnix.ClassicArgs("pi", ""), "--arg", "system", "((("), 1, "syntax error in an expression given on the command line", "", true},
		{"missing config", with("ls", testnix.ClassicArgs("nope", "")), 1, "configuration file not found", "", false},
		{"--timeout 0s", with("ls", pi, "--timeout", "0s"), 2, "longer than zero", "", false},
		{"--timeout -5s", with("ls", pi, "--timeout", "-5s"), 2, "longer than zero", "", false},
		{"--timeout 0", with("ls", pi, "--timeout", "0"), 2, "longer than zero", "", false},
		{"--timeout words", with("ls", pi, "--timeout", "soon"), 2, "give a duration", "", false},
		{"--timeout without a value", with("ls", pi, "--timeout"), 2, "--timeout", "", false},
		{"ls of the root", with("ls", pi, ""), 0, "config", "", false},
		{"show of the root", with("show", pi, ""), 0, "attrs", "", false},
		{"cmd of the root", with("cmd", pi, ""), 0, "nix-build '<nixpkgs/nixos>' -I", "", false},
		{"ls of the root with an abort", with("ls", aborts, ""), 0, "stopped here", "", false},
		{"ls of a path with an abort", with("ls", aborts, "--json", ""), 0, `"name":"fine"`, "", false},
		{"show of an abort", with("show", aborts, "aborts"), 1, "stopped here", "", false},
	}
	for kind, body := range halfEdited {
		for _, where := range []string{"config", "import"} {
			for _, verb := range []string{"ls", "show"} {
				args, broken := halfEditedArgs(t, where, body)
				if verb == "show" {
					args = append(args, "config.system.build.toplevel")
				}
				cases = append(cases, sweepCase{name: "half-edited " + where + ", " + kind + ", " + verb, args: with(verb, args), code: 1, msg: broken + ":"})
			}
		}
	}
	for _, mode := range []string{"warm", "one-shot"} {
		for _, c := range cases {
			t.Run(mode+"/"+c.name, func(t *testing.T) {
				tmp, cacheDir := isolate(t)
				if c.path != "" {
					t.Setenv("PATH", c.path)
				}
				args := c.args
				if mode == "one-shot" {
					args = append([]string{args[0], "--one-shot"}, args[1:]...)
				}
				out, errOut, code := runBounded(t, args...)
				assertNoLeftovers(t, tmp, cacheDir)
				if code != c.code {
					t.Fatalf("exit %d, want %d\nstdout %s\nstderr %s", code, c.code, out, errOut)
				}
				where := errOut
				if c.code == 0 {
					where = out
				}
				if !strings.Contains(where, c.msg) {
					t.Fatalf("output does not contain %q\nstdout %s\nstderr %s", c.msg, out, errOut)
				}
				if strings.Contains(errOut, "goroutine") || strings.Contains(errOut, "\x1b[") {
					t.Fatalf("stack trace or colour codes on stderr: %s", errOut)
				}
				// The checkout's own path may hold "/nixplore-" (a clone
				// named nixplore-something): only what is left counts.
				said := strings.ReplaceAll(errOut+out, testnix.Root(), "<checkout>")
				for _, internal := range []string{"/nixplore-", "«string»", "nixploreRequest", "nixploreTarget", "attribute 'path' missing"} {
					if strings.Contains(said, internal) && !(c.userString && internal == "«string»") {
						t.Errorf("the output shows nixplore's internals (%q):\nstdout %s\nstderr %s", internal, out, errOut)
					}
				}
			})
		}
	}
}

// TestMissingAttributeHintWorks runs the hint a missing attribute prints,
// as printed: it must list what is there.
func TestMissingAttributeHintWorks(t *testing.T) {
	testnix.Setup(t)
	pi := testnix.ClassicArgs("pi", "aarch64-linux")
	for _, path := range []string{"nosuch", "config.system.build.sdimage"} {
		_, errOut, code := runCLI(t, append(append([]string{"show"}, pi...), path)...)
		if code != 1 {
			t.Fatalf("%s: exit %d: %s", path, code, errOut)
		}
		_, hint, ok := strings.Cut(errOut, "List what is there with: nixplore ls ")
		if !ok {
			t.Fatalf("%s: no hint in %s", path, errOut)
		}
		words, err := shellWords(strings.TrimSpace(strings.SplitN(hint, "\n", 2)[0]))
		if err != nil || len(words) != 1 {
			t.Fatalf("%s: hint %q is not one shell word: %v", path, hint, err)
		}
		out, errOut, code := runCLI(t, append(append([]string{"ls"}, pi...), words[0])...)
		if code != 0 || strings.TrimSpace(out) == "" {
			t.Fatalf("the hint's command failed: exit %d\n%s%s", code, out, errOut)
		}
	}
}

// shellWords splits a line of single-quoted or bare words the way sh does
// for the quoting nixplore prints (ShellQuote uses single quotes only).
func shellWords(s string) ([]string, error) {
	var words []string
	var cur strings.Builder
	in, any := false, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\'':
			in, any = !in, true
		case c == ' ' && !in:
			if any {
				words = append(words, cur.String())
			}
			cur.Reset()
			any = false
		case c == '\\' && !in && i+1 < len(s):
			i++
			cur.WriteByte(s[i])
			any = true
		default:
			cur.WriteByte(c)
			any = true
		}
	}
	if in {
		return nil, fmt.Errorf("unbalanced quote in %q", s)
	}
	if any {
		words = append(words, cur.String())
	}
	return words, nil
}

func TestCmdPrintsCommand(t *testing.T) {
	out, errOut, code := runCLI(t, append([]string{"cmd"}, append(testnix.ClassicArgs("pi", "aarch64-linux"), `config.system.build.units."sshd.service"`)...)...)
	if code != 0 {
		t.Fatal(errOut)
	}
	if !strings.Contains(out, `-A 'config.system.build.units."sshd.service"'`) || !strings.Contains(out, "--argstr system aarch64-linux") {
		t.Fatal(out)
	}
}

// A first word one slip from a verb is a usage error (exit 2) said on
// stderr, before any evaluation (cmdline's TestVerbTypo has the words).
func TestVerbTypoExit(t *testing.T) {
	for _, word := range []string{"shwo", "list"} {
		var stdout, stderr bytes.Buffer
		code := run([]string{word, "config.system.build"}, &stdout, &stderr)
		if code != 2 || !strings.Contains(stderr.String(), "did you mean ") || stdout.Len() != 0 {
			t.Errorf("nixplore %s: exit %d\nstdout %s\nstderr %s", word, code, stdout.String(), stderr.String())
		}
	}
}
