package nixeval_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nixplore/nixplore/internal/testnix"
	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/nixeval/diag"
	"github.com/nixplore/nixplore/nixeval/flakelock"
	"github.com/nixplore/nixplore/nixeval/resolve"
)

// needGit ends a test that needs the git program (testnix.Missing: a
// failure under CI=true).
func needGit(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		testnix.Missing(t, "git is not installed")
	}
}

func run(t *testing.T, dir string, argv ...string) string {
	t.Helper()
	c := exec.Command(argv[0], argv[1:]...)
	c.Dir = dir
	out, err := c.CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(argv, " "), err, out)
	}
	return string(out)
}

// extraLaptop is the fixture's laptop host importing ./extra.nix, the
// module a user forgets to `git add`.
const extraLaptop = `{ pkgs, ... }:
{
  imports = [ ./extra.nix ];
  nixpkgs.hostPlatform = "x86_64-linux";
  networking.hostName = "laptop";
  boot.loader.grub.device = "/dev/sda";
  fileSystems."/" = { device = "/dev/disk/by-uuid/0000-laptop"; fsType = "ext4"; };
}
`

const extraModule = `{ pkgs, ... }: { system.build.extraThing = pkgs.writeScript "extra-thing" "#!/bin/sh\necho extra\n"; }
`

// gitFlakeRepo makes a git repository holding the test flake (with the
// stand-in nixpkgs inside it) in the subdirectory sub ("" = the top),
// its laptop importing hosts/extra.nix, everything committed except
// hosts/extra.nix, which is written but left untracked. It returns the
// repository's top and the flake's directory.
func gitFlakeRepo(t *testing.T, sub string) (root, dir string) {
	t.Helper()
	needGit(t)
	root = filepath.Join(t.TempDir(), "repo")
	dir = filepath.Join(root, sub)
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		t.Fatal(err)
	}
	run(t, "", "cp", "-r", testnix.Testdata("flake"), dir)
	run(t, "", "cp", "-r", testnix.Testdata("nixpkgs"), filepath.Join(dir, "nixpkgs"))
	testnix.WriteFile(t, filepath.Join(dir, "hosts", "laptop.nix"), extraLaptop, 0o644)
	// The flake has no inputs, so Nix writes no lock file for it (checked
	// on 2.8, 2.26 and 2.34): the lock-file tests make their own flakes.
	run(t, root, "git", "init", "-q")
	run(t, root, "git", "config", "user.name", "nixplore test")
	run(t, root, "git", "config", "user.email", "test@nixplore.invalid")
	run(t, root, "git", "add", ".")
	run(t, root, "git", "commit", "-q", "-m", "flake")
	testnix.WriteFile(t, filepath.Join(dir, "hosts", "extra.nix"), extraModule, 0o644)
	return root, dir
}

// resolveIn resolves --flake ref as typed in directory cwd.
func resolveIn(t *testing.T, cwd, ref string) *nixeval.Target {
	t.Helper()
	env := testnix.Env(t)
	env.Cwd = cwd
	tg, err := resolve.Target(resolve.Flags{Flake: ref}, env)
	if err != nil {
		t.Fatal(err)
	}
	return tg
}

func TestFlakeReferenceLikeNix(t *testing.T) {
	needGit(t)
	root, dir := gitFlakeRepo(t, "sub")
	plain := t.TempDir()
	for _, c := range []struct {
		name, cwd, ref, want, gitRoot, flakeDir string
	}{
		{"top of a work tree", "/", root + "#box", "git+file://" + root, root, root},
		{"flake in a subdirectory", "/", dir + "#box", "git+file://" + root + "?dir=sub", root, dir},
		{"--flake .#host from inside the work tree", dir, ".#box", "git+file://" + root + "?dir=sub", root, dir},
		{"relative path from the top", root, "./sub#box", "git+file://" + root + "?dir=sub", root, dir},
		{"plain directory", "/", plain + "#box", "path:" + plain, "", plain},
		{"path: kept as given", "/", "path:" + dir + "#box", "path:" + dir, "", dir},
		{"git+file kept as given", "/", "git+file://" + root + "?dir=sub#box", "git+file://" + root + "?dir=sub", root, dir},
		{"registry name kept", "/", "nixpkgs#box", "nixpkgs", "", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			tg := resolveIn(t, c.cwd, c.ref)
			if tg.FlakeRef != c.want || tg.GitRoot != c.gitRoot || tg.FlakeDir != c.flakeDir || tg.Host != "box" {
				t.Fatalf("ref %q in %s: got FlakeRef %q GitRoot %q FlakeDir %q host %q; want %q %q %q",
					c.ref, c.cwd, tg.FlakeRef, tg.GitRoot, tg.FlakeDir, tg.Host, c.want, c.gitRoot, c.flakeDir)
			}
			cmd := nixeval.BuildCommands(tg, attr.Path{"config", "system", "build", "toplevel"})
			if want := c.want + "#nixosConfigurations.box.config.system.build.toplevel"; !containsWord(cmd.Argv, want) {
				t.Fatalf("printed command %s does not build %s", cmd.Build, want)
			}
		})
	}
}

func containsWord(argv []string, w string) bool {
	for _, a := range argv {
		if a == w {
			return true
		}
	}
	return false
}

// listBuild lists config.system.build of the laptop through the real Nix.
func listBuild(t *testing.T, tg *nixeval.Target) ([]string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	if _, err := flakelock.Prepare(ctx, tg, nixeval.Tools{}); err != nil {
		t.Fatalf("prepare: %v", err)
	}
	ev := nixeval.New(tg, nixeval.Tools{})
	defer ev.Close()
	ls, err := ev.List(ctx, attr.DefaultPath)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, c := range ls[0].Children {
		names = append(names, c.Name)
	}
	return names, nil
}

// buildPrinted runs the printed command for path in a scratch directory
// (its ./result link lands there) and returns its output and error.
func buildPrinted(t *testing.T, tg *nixeval.Target, path attr.Path) (string, error) {
	t.Helper()
	cmd := nixeval.BuildCommands(tg, path)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	c := exec.CommandContext(ctx, cmd.Argv[0], cmd.Argv[1:]...)
	c.Dir = t.TempDir()
	out, err := c.CombinedOutput()
	if err == nil {
		b, rerr := os.ReadFile(filepath.Join(c.Dir, "result"))
		if rerr != nil {
			t.Fatalf("%s succeeded but left no ./result: %v", cmd.Build, rerr)
		}
		return string(b), nil
	}
	return string(out), err
}

var extraPath = attr.Path{"config", "system", "build", "extraThing"}

func TestFlakeUntrackedFileLikeNixBuild(t *testing.T) {
	testnix.Setup(t)
	root, dir := gitFlakeRepo(t, "sub")
	tg := resolveIn(t, dir, ".#laptop")
	_, err := listBuild(t, tg)
	var ee *diag.EvalError
	if !errors.As(err, &ee) || ee.Kind != diag.ErrUntracked {
		t.Fatalf("want an untracked-file error, got %v", err)
	}
	if !strings.Contains(ee.Summary, filepath.Join("sub", "hosts", "extra.nix")+" is not tracked by git") {
		t.Errorf("summary does not name the file: %q", ee.Summary)
	}
	// Typed in the flake's directory, the fix is relative to it.
	if ee.Hint != "Track it (committing is not needed): git add hosts/extra.nix" {
		t.Errorf("hint: %q", ee.Hint)
	}
	// From elsewhere the command says which work tree.
	tg2 := resolveIn(t, "/", dir+"#laptop")
	_, err = listBuild(t, tg2)
	if !errors.As(err, &ee) || !strings.HasSuffix(ee.Hint, "git -C "+root+" add sub/hosts/extra.nix") {
		t.Errorf("from / : %v / hint %q", err, ee.Hint)
	}
	// nix build fails the same way: nixplore promised nothing it cannot build.
	if out, err := buildPrinted(t, tg, extraPath); err == nil {
		t.Fatalf("the printed command built an output of an untracked file: %s", out)
	}
}

func TestFlakeAddedButUncommittedIsDirty(t *testing.T) {
	testnix.Setup(t)
	root, dir := gitFlakeRepo(t, "sub")
	run(t, root, "git", "add", "sub/hosts/extra.nix")
	tg := resolveIn(t, dir, ".#laptop")
	ctx := context.Background()
	notes, err := flakelock.Prepare(ctx, tg, nixeval.Tools{})
	if err != nil {
		t.Fatal(err)
	}
	want := "warning: Git tree '" + root + "' is dirty"
	if !tg.Dirty || len(notes) != 1 || notes[0] != want {
		t.Fatalf("dirty %v, notes %q; want one note %q", tg.Dirty, notes, want)
	}
	// Nix says it in the same words.
	c := exec.Command("nix", "--extra-experimental-features", "nix-command flakes", "flake", "metadata", tg.FlakeRef)
	out, _ := c.CombinedOutput()
	if !strings.Contains(string(out), want) {
		t.Fatalf("Nix does not say %q:\n%s", want, out)
	}
	names, err := listBuild(t, tg)
	if err != nil || !containsWord(names, "extraThing") {
		t.Fatalf("added file not seen: %v %v", names, err)
	}
	out2, err := buildPrinted(t, tg, extraPath)
	if err != nil || !strings.Contains(out2, "echo extra") {
		t.Fatalf("printed command: %v\n%s", err, out2)
	}
}

func TestFlakeCommittedIsCleanAndBuilds(t *testing.T) {
	testnix.Setup(t)
	root, dir := gitFlakeRepo(t, "")
	run(t, root, "git", "add", "hosts/extra.nix")
	run(t, root, "git", "commit", "-q", "-m", "extra")
	// An untracked file elsewhere does not make the tree dirty, for Nix.
	testnix.WriteFile(t, filepath.Join(root, "notes.txt"), "x\n", 0o644)
	tg := resolveIn(t, dir, ".#laptop")
	if tg.FlakeRef != "git+file://"+root {
		t.Fatalf("ref %q", tg.FlakeRef)
	}
	notes, err := flakelock.Prepare(context.Background(), tg, nixeval.Tools{})
	if err != nil || tg.Dirty || len(notes) != 0 {
		t.Fatalf("clean tree: dirty %v notes %q err %v", tg.Dirty, notes, err)
	}
	names, err := listBuild(t, tg)
	if err != nil || !containsWord(names, "extraThing") {
		t.Fatalf("listing %v %v", names, err)
	}
	out, err := buildPrinted(t, tg, extraPath)
	if err != nil || !strings.Contains(out, "echo extra") {
		t.Fatalf("printed command: %v\n%s", err, out)
	}
}

func TestFlakeMissingFileNamesItsImporter(t *testing.T) {
	testnix.Setup(t)
	root, dir := gitFlakeRepo(t, "sub")
	if err := os.Remove(filepath.Join(dir, "hosts", "extra.nix")); err != nil {
		t.Fatal(err)
	}
	tg := resolveIn(t, root, "./sub#laptop")
	_, err := listBuild(t, tg)
	var ee *diag.EvalError
	if !errors.As(err, &ee) || ee.Kind != diag.ErrFileMissing {
		t.Fatalf("want file missing, got %v", err)
	}
	if !strings.Contains(ee.Summary, "sub/hosts/extra.nix is not in the flake's source") ||
		!strings.Contains(ee.Summary, "imported from sub/hosts/laptop.nix") {
		t.Fatalf("summary %q", ee.Summary)
	}
	if strings.Contains(ee.Hint, "nixos-config") {
		t.Fatalf("hint points at the wrong thing: %q", ee.Hint)
	}
}

// inputFlake writes, in dir, a flake whose nixpkgs input is url and whose
// box host has system.build.extraThing. No lock file.
func inputFlake(t *testing.T, dir, url string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	testnix.WriteFile(t, filepath.Join(dir, "flake.nix"), `{
  inputs.nixpkgs.url = `+attr.NixString(url)+`;
  outputs = { self, nixpkgs }: {
    nixosConfigurations.box = nixpkgs.lib.nixosSystem { modules = [ ./box.nix ]; };
  };
}
`, 0o644)
	testnix.WriteFile(t, filepath.Join(dir, "box.nix"), `{ pkgs, ... }: {
  imports = [ ./extra.nix ];
  nixpkgs.hostPlatform = "x86_64-linux";
  networking.hostName = "box";
  boot.loader.grub.device = "/dev/sda";
  fileSystems."/" = { device = "/dev/disk/by-uuid/0000-box"; fsType = "ext4"; };
}
`, 0o644)
	testnix.WriteFile(t, filepath.Join(dir, "extra.nix"), extraModule, 0o644)
}

// standInInput is a copy of the stand-in nixpkgs outside any work tree,
// as a path: input URL.
func standInInput(t *testing.T) string {
	t.Helper()
	np := filepath.Join(t.TempDir(), "nixpkgs")
	run(t, "", "cp", "-r", testnix.Testdata("nixpkgs"), np)
	return "path:" + np
}

func exists(p string) bool { _, err := os.Stat(p); return err == nil }

func TestFlakeLockFile(t *testing.T) {
	version := testnix.Setup(t)
	// Nix 2.8's builtins.getFlake cannot use inputs that are not locked in
	// the file (it refuses "due to '--no-update-lock-file'"); 2.26 and
	// later lock them in memory.
	old := strings.Contains(version, " 2.8.")
	input := standInInput(t)
	ctx := context.Background()

	t.Run("missing lock file is written, as nix build does", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "f")
		inputFlake(t, dir, input)
		tg := resolveIn(t, "/", dir+"#box")
		notes, err := flakelock.Prepare(ctx, tg, nixeval.Tools{})
		lock := filepath.Join(dir, "flake.lock")
		want := "wrote the lock file " + lock + ", as nix build does (--no-write-lock-file leaves it alone)"
		if err != nil || len(notes) != 1 || notes[0] != want || !exists(lock) {
			t.Fatalf("notes %q err %v lock written %v", notes, err, exists(lock))
		}
		names, err := listBuild(t, tg)
		if err != nil || !containsWord(names, "extraThing") {
			t.Fatalf("listing %v %v", names, err)
		}
		out, err := buildPrinted(t, tg, extraPath)
		if err != nil || !strings.Contains(out, "echo extra") {
			t.Fatalf("printed command: %v\n%s", err, out)
		}
		// Locked now: nothing more to say.
		if notes, err := flakelock.Prepare(ctx, tg, nixeval.Tools{}); err != nil || len(notes) != 0 {
			t.Fatalf("second time: %q %v", notes, err)
		}
	})

	t.Run("changed inputs update the lock file", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "f")
		inputFlake(t, dir, input)
		tg := resolveIn(t, "/", dir+"#box")
		if _, err := flakelock.Prepare(ctx, tg, nixeval.Tools{}); err != nil {
			t.Fatal(err)
		}
		inputFlake(t, dir, standInInput(t)) // another copy: another input
		notes, err := flakelock.Prepare(ctx, tg, nixeval.Tools{})
		if err != nil || len(notes) != 1 || !strings.HasPrefix(notes[0], "wrote the lock file "+filepath.Join(dir, "flake.lock")) {
			t.Fatalf("notes %q err %v", notes, err)
		}
	})

	t.Run("in a git work tree the written lock file is tracked", func(t *testing.T) {
		needGit(t)
		root := filepath.Join(t.TempDir(), "repo")
		inputFlake(t, root, input)
		run(t, root, "git", "init", "-q")
		run(t, root, "git", "config", "user.name", "nixplore test")
		run(t, root, "git", "config", "user.email", "test@nixplore.invalid")
		run(t, root, "git", "add", ".")
		run(t, root, "git", "commit", "-q", "-m", "flake")
		tg := resolveIn(t, root, ".#box")
		notes, err := flakelock.Prepare(ctx, tg, nixeval.Tools{})
		if err != nil || len(notes) == 0 || !strings.HasPrefix(notes[len(notes)-1], "wrote the lock file "+filepath.Join(root, "flake.lock")) {
			t.Fatalf("notes %q err %v", notes, err)
		}
		if out := run(t, root, "git", "ls-files", "flake.lock"); strings.TrimSpace(out) != "flake.lock" {
			t.Fatalf("Nix did not git add the lock file: %q", out)
		}
		names, err := listBuild(t, tg)
		if err != nil || !containsWord(names, "extraThing") {
			t.Fatalf("listing %v %v", names, err)
		}
		out, err := buildPrinted(t, tg, extraPath)
		if err != nil || !strings.Contains(out, "echo extra") {
			t.Fatalf("printed command: %v\n%s", err, out)
		}
	})

	t.Run("--no-write-lock-file writes nothing and says so", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "f")
		inputFlake(t, dir, input)
		env := testnix.Env(t)
		tg, err := resolve.Target(resolve.Flags{Flake: dir + "#box", NoWriteLockFile: true}, env)
		if err != nil {
			t.Fatal(err)
		}
		lock := filepath.Join(dir, "flake.lock")
		notes, err := flakelock.Prepare(ctx, tg, nixeval.Tools{})
		if err != nil || len(notes) != 1 || !strings.Contains(notes[0], "not writing "+lock+" (--no-write-lock-file)") || exists(lock) {
			t.Fatalf("notes %q err %v lock written %v", notes, err, exists(lock))
		}
		cmd := nixeval.BuildCommands(tg, extraPath)
		if !containsWord(cmd.Argv, "--no-write-lock-file") {
			t.Fatalf("printed command %s would write the lock file", cmd.Build)
		}
		names, err := listBuild(t, tg)
		if old {
			var ee *diag.EvalError
			if !errors.As(err, &ee) || ee.Kind != diag.ErrFlakeInput || !strings.Contains(ee.Hint, "Drop --no-write-lock-file") {
				t.Fatalf("Nix 2.8: want the lock-file explanation, got %v", err)
			}
		} else {
			if err != nil || !containsWord(names, "extraThing") {
				t.Fatalf("listing %v %v", names, err)
			}
			out, err := buildPrinted(t, tg, extraPath)
			if err != nil || !strings.Contains(out, "echo extra") {
				t.Fatalf("printed command: %v\n%s", err, out)
			}
		}
		if exists(lock) {
			t.Fatal("a lock file was written despite --no-write-lock-file")
		}
	})

	t.Run("an input that cannot be fetched is named with its URL", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "f")
		// No network here (and 127.0.0.1:9 refuses at once elsewhere).
		inputFlake(t, dir, "git+http://127.0.0.1:9/nowhere/nixpkgs.git")
		tg := resolveIn(t, "/", dir+"#box")
		_, err := flakelock.Prepare(ctx, tg, nixeval.Tools{})
		var ee *diag.EvalError
		if !errors.As(err, &ee) || ee.Kind != diag.ErrFlakeInput {
			t.Fatalf("want a flake input error, got %v", err)
		}
		if !strings.Contains(ee.Summary, "'nixpkgs'") || !strings.Contains(ee.Summary, "127.0.0.1:9/nowhere/nixpkgs.git") {
			t.Fatalf("summary does not name the input and its URL: %q", ee.Summary)
		}
	})
}

// TestFlakeUntrackedFlakeNix: a flake never added to its repository fails
// while it is locked, before any evaluation; the error says to add it.
// 2.8 names the flake's directory, later versions flake.nix.
func TestFlakeUntrackedFlakeNix(t *testing.T) {
	version := testnix.Setup(t)
	root, _ := gitFlakeRepo(t, "sub")
	dir := filepath.Join(root, "other")
	inputFlake(t, dir, standInInput(t))
	tg := resolveIn(t, dir, ".#box")
	_, err := flakelock.Prepare(context.Background(), tg, nixeval.Tools{})
	var ee *diag.EvalError
	if !errors.As(err, &ee) || ee.Kind != diag.ErrUntracked {
		t.Fatalf("want an untracked-file error, got %v", err)
	}
	want := "Track it (committing is not needed): git add flake.nix"
	if strings.Contains(version, " 2.8.") {
		want = "Track it (committing is not needed): git add ."
	}
	if ee.Hint != want {
		t.Fatalf("hint %q, want %q", ee.Hint, want)
	}
}
