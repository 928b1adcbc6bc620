package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nixplore/nixplore/internal/testnix"
)

// gitFlake makes a git repository whose subdirectory sub is the test flake
// (the stand-in nixpkgs inside it), its laptop importing hosts/extra.nix,
// which is written but not tracked; everything else is committed.
func gitFlake(t *testing.T) (root, dir string) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		testnix.Missing(t, "git is not installed")
	}
	root = filepath.Join(t.TempDir(), "repo")
	dir = filepath.Join(root, "sub")
	sh := func(d string, argv ...string) {
		t.Helper()
		c := exec.Command(argv[0], argv[1:]...)
		c.Dir = d
		if out, err := c.CombinedOutput(); err != nil {
			t.Fatalf("%v: %v\n%s", argv, err, out)
		}
	}
	if err := os.MkdirAll(root, 0o755); err != nil {
		t.Fatal(err)
	}
	sh("", "cp", "-r", testnix.Testdata("flake"), dir)
	sh("", "cp", "-r", testnix.Testdata("nixpkgs"), filepath.Join(dir, "nixpkgs"))
	testnix.WriteFile(t, filepath.Join(dir, "hosts", "laptop.nix"), `{ pkgs, ... }:
{
  imports = [ ./extra.nix ];
  nixpkgs.hostPlatform = "x86_64-linux";
  boot.loader.grub.device = "/dev/sda";
  fileSystems."/" = { device = "/dev/disk/by-uuid/0000-laptop"; fsType = "ext4"; };
}
`, 0o644)
	sh(root, "git", "init", "-q")
	sh(root, "git", "config", "user.name", "nixplore test")
	sh(root, "git", "config", "user.email", "test@nixplore.invalid")
	sh(root, "git", "add", ".")
	sh(root, "git", "commit", "-q", "-m", "flake")
	testnix.WriteFile(t, filepath.Join(dir, "hosts", "extra.nix"),
		`{ pkgs, ... }: { system.build.extraThing = pkgs.writeScript "extra-thing" "#!/bin/sh\necho extra\n"; }`+"\n", 0o644)
	return root, dir
}

// TestFlakeGitWorkTreeCLI is the walk-through, typed in the flake's
// directory: an untracked module is explained with its fix; once added
// (not committed) the tree is dirty, said once on stderr in Nix's words,
// and `cmd` prints the git+file command that builds the listed output.
func TestFlakeGitWorkTreeCLI(t *testing.T) {
	testnix.Setup(t)
	root, dir := gitFlake(t)
	t.Chdir(dir)

	_, stderr, code := runCLI(t, "ls", "--no-cache", "--flake", ".#laptop")
	if code != 1 || !strings.Contains(stderr, "hosts/extra.nix is not tracked by git") || !strings.Contains(stderr, "git add hosts/extra.nix") {
		t.Fatalf("untracked: exit %d\n%s", code, stderr)
	}

	if out, err := exec.Command("git", "-C", root, "add", "sub/hosts/extra.nix").CombinedOutput(); err != nil {
		t.Fatalf("git add: %v %s", err, out)
	}
	stdout, stderr, code := runCLI(t, "ls", "--no-cache", "--flake", ".#laptop")
	warning := "warning: Git tree '" + root + "' is dirty"
	if code != 0 || !strings.Contains(stdout, "extraThing") || strings.Count(stderr, warning) != 1 {
		t.Fatalf("added: exit %d, want %q once on stderr\nstdout:\n%s\nstderr:\n%s", code, warning, stdout, stderr)
	}

	stdout, _, code = runCLI(t, "cmd", "--no-cache", "--flake", ".#laptop", "config.system.build.extraThing")
	want := "'git+file://" + root + "?dir=sub#nixosConfigurations.laptop.config.system.build.extraThing'"
	if code != 0 || !strings.Contains(stdout, want) {
		t.Fatalf("cmd: exit %d, want %s in\n%s", code, want, stdout)
	}
	words, err := shellWords(strings.TrimSpace(firstLine(stdout)))
	if err != nil {
		t.Fatal(err)
	}
	c := exec.Command(words[0], words[1:]...)
	c.Dir = t.TempDir()
	if out, err := c.CombinedOutput(); err != nil {
		t.Fatalf("the printed command failed: %v\n%s", err, out)
	}
	b, err := os.ReadFile(filepath.Join(c.Dir, "result"))
	if err != nil || !strings.Contains(string(b), "echo extra") {
		t.Fatalf("result: %v %q", err, b)
	}
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}

// TestFlakeLockFileCLI: a flake without flake.lock is locked as nix build
// locks it, and said once; with --no-write-lock-file (and the disk cache,
// whose key reads the flake's metadata) nothing is written.
func TestFlakeLockFileCLI(t *testing.T) {
	version := testnix.Setup(t)
	np := filepath.Join(t.TempDir(), "nixpkgs")
	if out, err := exec.Command("cp", "-r", testnix.Testdata("nixpkgs"), np).CombinedOutput(); err != nil {
		t.Fatalf("cp: %v %s", err, out)
	}
	dir := t.TempDir()
	testnix.WriteFile(t, filepath.Join(dir, "flake.nix"), `{
  inputs.nixpkgs.url = "path:`+np+`";
  outputs = { self, nixpkgs }: {
    nixosConfigurations.box = nixpkgs.lib.nixosSystem { modules = [ {
      nixpkgs.hostPlatform = "x86_64-linux";
      boot.loader.grub.device = "/dev/sda";
      fileSystems."/" = { device = "/dev/disk/by-uuid/0000-box"; fsType = "ext4"; };
    } ]; };
  };
}
`, 0o644)
	lock := filepath.Join(dir, "flake.lock")
	_, stderr, code := runCLI(t, "ls", "--flake", dir+"#box", "--no-write-lock-file")
	if _, err := os.Stat(lock); err == nil {
		t.Fatalf("--no-write-lock-file wrote %s\n%s", lock, stderr)
	}
	if !strings.Contains(stderr, "not writing "+lock+" (--no-write-lock-file)") {
		t.Fatalf("not said:\n%s", stderr)
	}
	if strings.Contains(version, " 2.8.") {
		if code != 1 || !strings.Contains(stderr, "Drop --no-write-lock-file") {
			t.Fatalf("Nix 2.8: exit %d\n%s", code, stderr)
		}
	} else if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	stdout, stderr, code := runCLI(t, "ls", "--flake", dir+"#box")
	if code != 0 || !strings.Contains(stdout, "toplevel") || strings.Count(stderr, "wrote the lock file "+lock) != 1 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	if _, err := os.Stat(lock); err != nil {
		t.Fatal(err)
	}
}

// TestFlakeFreshGitInitCLI: a flake in a fresh `git init`, nothing added
// or committed, is explained in one message whose fix tracks every file
// (not flake.nix, then the next file, and so on); once added, with still
// nothing committed, it evaluates.
func TestFlakeFreshGitInitCLI(t *testing.T) {
	testnix.Setup(t)
	dir := testnix.FlakeDir(t)
	if out, err := exec.Command("git", "-C", dir, "init", "-q").CombinedOutput(); err != nil {
		testnix.Missing(t, "git init: %v %s", err, out)
	}
	_, stderr, code := runCLI(t, "ls", "--no-cache", "--flake", dir+"#laptop")
	if code != 1 || !strings.Contains(stderr, "git tracks no file in "+dir+" yet") || !strings.Contains(stderr, "git -C "+dir+" add .") {
		t.Fatalf("fresh git init: exit %d\n%s", code, stderr)
	}
	if out, err := exec.Command("git", "-C", dir, "add", ".").CombinedOutput(); err != nil {
		t.Fatalf("git add: %v %s", err, out)
	}
	stdout, stderr, code := runCLI(t, "ls", "--no-cache", "--flake", dir+"#laptop")
	if code != 0 || !strings.Contains(stdout, "toplevel") {
		t.Fatalf("added, nothing committed: exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
}
