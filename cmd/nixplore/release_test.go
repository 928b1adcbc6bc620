package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"debug/elf"
	"encoding/hex"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/nixplore/nixplore/internal/testnix"
)

// needTool finds a program a test cannot do without. Outside CI a missing
// one skips the test; in CI (CI=true) it fails it, so a machine without
// it never passes by skipping.
func needTool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		testnix.Missing(t, "%s is not installed (make test installs it: make shells / make nix)", name)
	}
	return p
}

// packageExpr calls package.nix with stand-ins for what nixpkgs passes:
// buildGoModule returns its arguments, so the test sees exactly what
// package.nix would build. The repository root comes in as a string
// argument, never as code.
const packageExpr = `{ root }:
let
  fakeLib = {
    cleanSource = p: p;
    optionalString = c: s: if c then s else "";
    licenses.mit = { spdxId = "MIT"; };
    platforms = { linux = [ "x86_64-linux" "aarch64-linux" ]; darwin = [ "x86_64-darwin" "aarch64-darwin" ]; };
    genAttrs = names: f: builtins.listToAttrs (map (n: { name = n; value = f n; }) names);
    getExe = p: "${p.outPath}/bin/${p.meta.mainProgram}";
  };
  pkgsFor = system: rec {
    lib = fakeLib;
    stdenv = { hostPlatform = { inherit system; }; buildPlatform.canExecute = _: true; };
    buildGoModule = args: args // { outPath = "/nix/store/fake-${args.pname}-${args.version}"; };
    installShellFiles = "installShellFiles";
    callPackage = f: extra: import f ({ inherit lib stdenv buildGoModule installShellFiles; } // extra);
    mkShell = args: args;
    go = "go"; gopls = "gopls"; nix = "nix"; tmux = "tmux"; zsh = "zsh"; fish = "fish";
  };
  pkg = (pkgsFor "x86_64-linux").callPackage (/. + root + "/package.nix") { };
  flake = import (/. + root + "/flake.nix");
  systems = [ "x86_64-linux" "aarch64-linux" "x86_64-darwin" "aarch64-darwin" ];
  outputs = flake.outputs {
    self = outputs;
    nixpkgs = { lib = fakeLib; legacyPackages = fakeLib.genAttrs systems pkgsFor; };
  };
  overlaid = outputs.overlays.default (pkgsFor "aarch64-linux") { };
in {
  package = {
    inherit (pkg) pname version vendorHash ldflags subPackages postInstall doCheck;
    src = toString pkg.src;
    meta = pkg.meta // { license = pkg.meta.license.spdxId; };
  };
  flake = {
    inherit (flake) description;
    nixpkgsUrl = flake.inputs.nixpkgs.url;
    packages = builtins.mapAttrs (s: v: v.default.pname) outputs.packages;
    apps = builtins.mapAttrs (s: v: v.default) outputs.apps;
    devShells = builtins.mapAttrs (s: v: v.default.packages) outputs.devShells;
    overlay = overlaid.nixplore.pname;
  };
}`

type packageInfo struct {
	Package struct {
		Pname, Version, VendorHash, PostInstall, Src string
		Ldflags, SubPackages                         []string
		DoCheck                                      bool
		Meta                                         struct {
			Description, Homepage, License, MainProgram string
			Platforms                                   []string
		}
	}
	Flake struct {
		Description string
		NixpkgsURL  string `json:"nixpkgsUrl"`
		Packages    map[string]string
		Apps        map[string]struct{ Type, Program string }
		DevShells   map[string][]string
		Overlay     string
	}
}

// evalPackage evaluates package.nix and flake.nix with stand-ins for
// nixpkgs (nixpkgs itself cannot be fetched here).
func evalPackage(t *testing.T) packageInfo {
	t.Helper()
	testnix.Setup(t)
	out, err := exec.Command("nix-instantiate", "--eval", "--strict", "--json", "-E", packageExpr,
		"--argstr", "root", testnix.Root()).Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		t.Fatalf("evaluating package.nix and flake.nix: %v\n%s", err, stderr)
	}
	var info packageInfo
	if err := json.Unmarshal(out, &info); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	return info
}

// Both files parse with every Nix version, and say what the issue asks:
// package.nix a buildGoModule with the version stamped, completions, the
// man page and meta; flake.nix the package, an app, a dev shell and an
// overlay for Linux and Darwin on x86_64 and aarch64.
func TestPackageAndFlake(t *testing.T) {
	testnix.Setup(t)
	for _, f := range []string{"package.nix", "flake.nix"} {
		if out, err := exec.Command("nix-instantiate", "--parse", filepath.Join(testnix.Root(), f)).CombinedOutput(); err != nil {
			t.Fatalf("%s does not parse: %v\n%s", f, err, out)
		}
	}
	info := evalPackage(t)
	p := info.Package
	if p.Pname != "nixplore" || p.Version != version {
		t.Errorf("package.nix: pname %q version %q; want nixplore %s (cmd/nixplore/version.go)", p.Pname, p.Version, version)
	}
	if !contains(p.Ldflags, "-X main.version="+p.Version) {
		t.Errorf("package.nix does not stamp the version: ldflags %q", p.Ldflags)
	}
	if len(p.SubPackages) != 1 || p.SubPackages[0] != "cmd/nixplore" || p.Src != testnix.Root() {
		t.Errorf("subPackages %q src %q", p.SubPackages, p.Src)
	}
	for _, want := range []string{"installManPage nixplore.1", "completion bash", "completion zsh", "completion fish"} {
		if !strings.Contains(p.PostInstall, want) {
			t.Errorf("postInstall does not run %q:\n%s", want, p.PostInstall)
		}
	}
	m := p.Meta
	if m.Description == "" || m.Homepage == "" || m.License == "" || m.MainProgram != "nixplore" || len(m.Platforms) != 4 {
		t.Errorf("meta %+v", m)
	}
	f := info.Flake
	if f.Description == "" || !strings.HasPrefix(f.NixpkgsURL, "github:NixOS/nixpkgs") || f.Overlay != "nixplore" {
		t.Errorf("flake: %+v", f)
	}
	for _, sys := range []string{"x86_64-linux", "aarch64-linux", "x86_64-darwin", "aarch64-darwin"} {
		if f.Packages[sys] != "nixplore" {
			t.Errorf("packages.%s.default: %q", sys, f.Packages[sys])
		}
		if a := f.Apps[sys]; a.Type != "app" || a.Program != "/nix/store/fake-nixplore-"+version+"/bin/nixplore" {
			t.Errorf("apps.%s.default: %+v", sys, a)
		}
		for _, tool := range []string{"go", "gopls", "nix", "tmux"} {
			if !contains(f.DevShells[sys], tool) {
				t.Errorf("devShells.%s.default lacks %s: %q", sys, tool, f.DevShells[sys])
			}
		}
	}
	if len(f.Packages) != 4 || len(f.Apps) != 4 || len(f.DevShells) != 4 {
		t.Errorf("systems: packages %d apps %d devShells %d, want 4", len(f.Packages), len(f.Apps), len(f.DevShells))
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// vendorHash is the NAR hash of `go mod vendor`, as buildGoModule computes
// it: when go.mod or go.sum change without `make vendor-hash`, the package
// would fail to build, so this test fails first.
func TestVendorHash(t *testing.T) {
	info := evalPackage(t)
	goBin := needTool(t, "go")
	dir := filepath.Join(t.TempDir(), "vendor")
	cmd := exec.Command(goBin, "mod", "vendor", "-o", dir)
	cmd.Dir = testnix.Root()
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go mod vendor: %v\n%s", err, out)
	}
	out, err := exec.Command("nix", "--extra-experimental-features", "nix-command", "hash", "path", dir).Output()
	if err != nil {
		t.Fatalf("nix hash path: %v", err)
	}
	if got := strings.TrimSpace(string(out)); got != info.Package.VendorHash {
		t.Fatalf("package.nix has vendorHash %q, go.mod/go.sum give %q: run make vendor-hash", info.Package.VendorHash, got)
	}
}

func TestVersionUnstamped(t *testing.T) {
	t.Setenv("PATH", "/nonexistent")
	out, _, code := runCLI(t, "--version")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || lines[0] != "nixplore "+version || lines[len(lines)-1] != "nix: not found on PATH" {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	if version == "dev" || strings.Count(version, ".") != 2 {
		t.Fatalf("version %q is not X.Y.Z", version)
	}
}

func TestVersionNamesNix(t *testing.T) {
	testnix.Setup(t)
	want, err := exec.Command("nix", "--version").Output()
	if err != nil {
		t.Fatal(err)
	}
	out, _, code := runCLI(t, "version")
	if code != 0 || !strings.Contains(out, "nix: "+strings.TrimSpace(string(want))+" (") {
		t.Fatalf("exit %d, want the line of `nix --version` (%s):\n%s", code, want, out)
	}
}

// A nix that never answers --version is given up after a few seconds.
func TestVersionNixHangs(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "nix"), []byte("#!/bin/sh\nsleep 8\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir+":/usr/bin:/bin")
	out, _, code := runCLI(t, "version")
	if code != 0 || !strings.Contains(out, "did not answer --version within") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
}

func TestCommitLine(t *testing.T) {
	s := func(kv ...string) []debug.BuildSetting {
		var out []debug.BuildSetting
		for i := 0; i < len(kv); i += 2 {
			out = append(out, debug.BuildSetting{Key: kv[i], Value: kv[i+1]})
		}
		return out
	}
	for _, c := range []struct {
		name     string
		settings []debug.BuildSetting
		want     string
	}{
		{"not from git", s("-trimpath", "true"), ""},
		{"clean", s("vcs", "git", "vcs.revision", "abc123", "vcs.time", "2026-11-25T10:00:00Z", "vcs.modified", "false"), "commit abc123 (2026-11-25T10:00:00Z)"},
		{"modified", s("vcs.revision", "abc123", "vcs.modified", "true"), "commit abc123 with uncommitted changes"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := commitLine(c.settings); got != c.want {
				t.Fatalf("got %q want %q", got, c.want)
			}
		})
	}
}

// The version stamp end to end: a copy of the source in a fresh git
// repository, built with package.nix's own ldflags (a different version
// put in, so the stamp is seen to work), prints that version and the
// commit.
func TestVersionStamped(t *testing.T) {
	info := evalPackage(t)
	goBin, gitBin := needTool(t, "go"), needTool(t, "git")
	src := filepath.Join(t.TempDir(), "src")
	root := testnix.Root()
	if err := os.Mkdir(src, 0o755); err != nil {
		t.Fatal(err)
	}
	ents, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		switch e.Name() {
		case ".git", "testdata", "bin", "dist":
			continue // not needed to build, or this checkout's own repository
		}
		if out, err := exec.Command("cp", "-r", filepath.Join(root, e.Name()), filepath.Join(src, e.Name())).CombinedOutput(); err != nil {
			t.Fatalf("%v %s", err, out)
		}
	}
	git := func(args ...string) string {
		cmd := exec.Command(gitBin, append([]string{"-c", "user.name=t", "-c", "user.email=t@example.org", "-c", "commit.gpgsign=false"}, args...)...)
		cmd.Dir = src
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	git("init", "-q")
	git("add", ".")
	git("commit", "-qm", "test")
	head := git("rev-parse", "HEAD")
	var ldflags []string
	for _, f := range info.Package.Ldflags {
		ldflags = append(ldflags, strings.Replace(f, "main.version="+info.Package.Version, "main.version=9.8.7-stamped", 1))
	}
	bin := filepath.Join(t.TempDir(), "nixplore")
	build := exec.Command(goBin, "build", "-trimpath", "-buildvcs=true", "-ldflags", strings.Join(ldflags, " "), "-o", bin, "./cmd/nixplore")
	build.Dir = src
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, err := exec.CommandContext(context.Background(), bin, "--version").Output()
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != 3 || lines[0] != "nixplore 9.8.7-stamped" || !strings.HasPrefix(lines[1], "commit "+head+" (") ||
		strings.Contains(lines[1], "uncommitted") || !strings.HasPrefix(lines[2], "nix: ") {
		t.Fatalf("want the stamped version, commit %s and the Nix line, got:\n%s", head, out)
	}
}

// The man page is generated from the text --help prints (package
// cmdline); the checked-in one must be what `make man` writes now.
func TestManPageIsCurrent(t *testing.T) {
	var b bytes.Buffer
	if code := run([]string{"__man"}, &b, io.Discard); code != 0 {
		t.Fatalf("__man: exit %d", code)
	}
	have, err := os.ReadFile(filepath.Join(testnix.Root(), "nixplore.1"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(have, b.Bytes()) {
		t.Fatal("nixplore.1 is not what cmd/nixplore/cmdline/manual.go gives: run make man")
	}
}

// make dist builds static Linux binaries for amd64 and arm64 and their
// checksums.
func TestDist(t *testing.T) {
	needTool(t, "make")
	goBin := needTool(t, "go")
	dist := t.TempDir()
	cmd := exec.Command("make", "-s", "dist", "DIST="+dist, "GO="+goBin)
	cmd.Dir = testnix.Root()
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("make dist: %v\n%s", err, out)
	}
	sums, err := os.ReadFile(filepath.Join(dist, "SHA256SUMS"))
	if err != nil {
		t.Fatal(err)
	}
	machines := map[string]elf.Machine{"amd64": elf.EM_X86_64, "arm64": elf.EM_AARCH64}
	for arch, machine := range machines {
		name := "nixplore-" + version + "-linux-" + arch
		b, err := os.ReadFile(filepath.Join(dist, name))
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(b)
		if !strings.Contains(string(sums), hex.EncodeToString(sum[:])+"  "+name+"\n") {
			t.Errorf("SHA256SUMS has no correct line for %s:\n%s", name, sums)
		}
		f, err := elf.NewFile(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if f.Machine != machine {
			t.Errorf("%s is for %v", name, f.Machine)
		}
		for _, p := range f.Progs {
			if p.Type == elf.PT_INTERP || p.Type == elf.PT_DYNAMIC {
				t.Errorf("%s is not static: it has %v", name, p.Type)
			}
		}
		if arch == runtime.GOARCH { // the one this machine runs
			out, err := exec.Command(filepath.Join(dist, name), "--version").Output()
			if err != nil || !strings.HasPrefix(string(out), "nixplore "+version+"\n") {
				t.Errorf("%s --version: %v\n%s", name, err, out)
			}
		}
	}
	if n := strings.Count(string(sums), "\n"); n != len(machines) {
		t.Errorf("SHA256SUMS has %d lines, want %d", n, len(machines))
	}
}
