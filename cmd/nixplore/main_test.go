package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

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

func TestExitStatus(t *testing.T) {
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
	cases := []struct {
		name string
		args []string
		code int
		msg  string
		path string // PATH for this case, when not the test's
	}{
		{"config path is a directory", []string{"ls", "-I", "nixpkgs=" + testnix.Testdata("nixpkgs"), "-I", "nixos-config=" + testnix.Testdata("configs", "pi")}, 1, "is a directory without a default.nix", ""},
		{"failed assertion", append([]string{"show"}, append(testnix.ClassicArgs("assert", ""), "config.system.build.toplevel")...), 1, "failed assertions", ""},
		{"infinite recursion", append([]string{"show"}, append(testnix.ClassicArgs("kinds", ""), "config.system.build.infinite")...), 1, "infinite recursion", ""},
		{"unknown flake host", []string{"ls", "--flake", flake + "#nope"}, 1, "the hosts it has are", ""},
		{"flake without nixosConfigurations", []string{"ls", "--flake", "path:" + noConfigs + "#x"}, 1, "no nixosConfigurations output", ""},
		{"unknown --system", append([]string{"ls", "--system", "arm64-linux"}, testnix.ClassicArgs("pi", "")...), 2, "unknown system", ""},
		{"NIX_PATH without nixpkgs", []string{"ls", "-I", "nixos-config=" + testnix.Testdata("configs", "pi", "configuration.nix")}, 1, "no nixpkgs entry", ""},
		{"nix not installed", append([]string{"ls"}, testnix.ClassicArgs("pi", "")...), 1, "apt-get install nix-bin", "/nonexistent"},
		{"a nix that is not Nix", append([]string{"ls", "--one-shot"}, testnix.ClassicArgs("pi", "")...), 1, "garbage from a fake nix", notNix + ":/usr/bin:/bin"},
		{"unknown flag", []string{"ls", "--frobnicate"}, 2, "unknown flag", ""},
		{"malformed path", append([]string{"ls"}, append(testnix.ClassicArgs("pi", ""), "a..b")...), 2, "malformed attribute path", ""},
		{"unbalanced quote", append([]string{"show"}, append(testnix.ClassicArgs("pi", ""), `a."b`)...), 2, "unbalanced quote", ""},
		{"show needs a path", append([]string{"show"}, testnix.ClassicArgs("pi", "")...), 2, "exactly one attribute PATH", ""},
		{"missing attribute", append([]string{"ls"}, append(testnix.ClassicArgs("pi", "aarch64-linux"), "config.system.build.sdimage")...), 1, "Did you mean: config.system.build.sdImage", ""},
		{"syntax error", append([]string{"ls"}, testnix.ClassicArgs("syntax", "")...), 1, "syntax error", ""},
		{"bad --arg", append([]string{"ls", "--arg", "system", "((("}, testnix.ClassicArgs("pi", "")...), 1, "syntax error in an expression given on the command line", ""},
		{"missing config", append([]string{"ls"}, testnix.ClassicArgs("nope", "")...), 1, "configuration file not found", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tmp, cacheDir := isolate(t)
			if c.path != "" {
				t.Setenv("PATH", c.path)
			}
			out, errOut, code := runCLI(t, c.args...)
			assertNoLeftovers(t, tmp, cacheDir)
			if code != c.code {
				t.Fatalf("exit %d, want %d\nstdout %s\nstderr %s", code, c.code, out, errOut)
			}
			if !strings.Contains(errOut, c.msg) {
				t.Fatalf("stderr %q does not contain %q", errOut, c.msg)
			}
			if strings.Contains(errOut, "goroutine") || strings.Contains(errOut, "\x1b[") {
				t.Fatalf("stack trace or colour codes on stderr: %s", errOut)
			}
		})
	}
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
