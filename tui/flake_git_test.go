package tui

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nixplore/nixplore/internal/testnix"
	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/flakelock"
	"github.com/nixplore/nixplore/nixeval/resolve"
)

// flakeInWorkTree makes a git repository that is the test flake, its
// laptop importing hosts/extra.nix, written but not tracked, and returns
// the target as `--flake .#laptop` typed at its top.
func flakeInWorkTree(t *testing.T) (*nixeval.Target, string) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		testnix.Missing(t, "git is not installed")
	}
	root := filepath.Join(t.TempDir(), "repo")
	sh := func(argv ...string) {
		t.Helper()
		c := exec.Command(argv[0], argv[1:]...)
		c.Dir = filepath.Dir(root)
		if strings.HasPrefix(argv[0], "git") {
			c.Dir = root
		}
		if out, err := c.CombinedOutput(); err != nil {
			t.Fatalf("%v: %v\n%s", argv, err, out)
		}
	}
	sh("cp", "-r", testnix.Testdata("flake"), root)
	sh("cp", "-r", testnix.Testdata("nixpkgs"), filepath.Join(root, "nixpkgs"))
	testnix.WriteFile(t, filepath.Join(root, "hosts", "laptop.nix"), `{ ... }:
{
  imports = [ ./extra.nix ];
  nixpkgs.hostPlatform = "x86_64-linux";
  boot.loader.grub.device = "/dev/sda";
  fileSystems."/" = { device = "/dev/disk/by-uuid/0000-laptop"; fsType = "ext4"; };
}
`, 0o644)
	sh("git", "init", "-q")
	sh("git", "config", "user.name", "nixplore test")
	sh("git", "config", "user.email", "test@nixplore.invalid")
	sh("git", "add", ".")
	sh("git", "commit", "-q", "-m", "flake")
	testnix.WriteFile(t, filepath.Join(root, "hosts", "extra.nix"), "{ ... }: { }\n", 0o644)
	env := resolve.Environment{Getenv: os.Getenv, Hostname: os.Hostname, EtcNixOS: t.TempDir(), Cwd: root}
	tg, err := resolve.Target(resolve.Flags{Flake: ".#laptop"}, env)
	if err != nil {
		t.Fatal(err)
	}
	return tg, root
}

func TestFlakeUntrackedFileOnFailureScreen(t *testing.T) {
	testnix.Setup(t)
	tg, _ := flakeInWorkTree(t)
	if _, err := flakelock.Prepare(context.Background(), tg, nixeval.Tools{}); err != nil {
		t.Fatal(err)
	}
	d := newDriver(t, Config{Target: tg, Eval: nixeval.New(tg, nixeval.Tools{}), Tools: nixeval.Tools{}}, 100, 30)
	d.settle()
	if d.m.State() != "failed" {
		t.Fatalf("state %s, want failed", d.m.State())
	}
	v := d.m.View()
	for _, w := range []string{"hosts/extra.nix is not tracked by git", "git add hosts/extra.nix"} {
		if !strings.Contains(v, w) {
			t.Errorf("failure screen lacks %q:\n%s", w, v)
		}
	}
	checkFits(t, v, 100, 30, "failure screen")
}

func TestFlakeDirtyTreeInHeader(t *testing.T) {
	testnix.Setup(t)
	tg, root := flakeInWorkTree(t)
	if out, err := exec.Command("git", "-C", root, "add", "hosts/extra.nix").CombinedOutput(); err != nil {
		t.Fatalf("git add: %v %s", err, out)
	}
	if _, err := flakelock.Prepare(context.Background(), tg, nixeval.Tools{}); err != nil {
		t.Fatal(err)
	}
	d := newDriver(t, Config{Target: tg, Eval: nixeval.New(tg, nixeval.Tools{}), Tools: nixeval.Tools{}}, 300, 30)
	d.settle()
	if d.m.State() != "ready" {
		t.Fatalf("state %s, want ready:\n%s", d.m.State(), d.m.View())
	}
	header := strings.Join(d.m.headerLines(300), "\n")
	if want := "⚠ Git tree '" + root + "' is dirty"; !strings.Contains(header, want) {
		t.Fatalf("header lacks %q:\n%s", want, header)
	}
}

// TestFlakeRecheckedOnReload: R checks a local flake again as nixplore
// does at start: the header's dirty warning follows the work tree, a lock
// file written again is said in the footer, and a flake Nix can no longer
// read (flake.nix untracked) fails the reload with the start's message.
func TestFlakeRecheckedOnReload(t *testing.T) {
	testnix.Setup(t)
	if _, err := exec.LookPath("git"); err != nil {
		testnix.Missing(t, "git is not installed")
	}
	np := filepath.Join(t.TempDir(), "nixpkgs")
	root := filepath.Join(t.TempDir(), "repo")
	git := func(args ...string) {
		t.Helper()
		if out, err := exec.Command("git", append([]string{"-C", root}, args...)...).CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	if out, err := exec.Command("cp", "-r", testnix.Testdata("nixpkgs"), np).CombinedOutput(); err != nil {
		t.Fatalf("cp: %v %s", err, out)
	}
	flake := testnix.InputFlake(t, np)
	if err := os.Mkdir(root, 0o755); err != nil {
		t.Fatal(err)
	}
	testnix.WriteFile(t, filepath.Join(root, "flake.nix"), flake, 0o644)
	git("init", "-q")
	git("config", "user.name", "nixplore test")
	git("config", "user.email", "test@nixplore.invalid")
	git("add", ".")
	git("commit", "-q", "-m", "flake")
	env := resolve.Environment{Getenv: os.Getenv, Hostname: os.Hostname, EtcNixOS: t.TempDir(), Cwd: root}
	tg, err := resolve.Target(resolve.Flags{Flake: ".#box"}, env)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := flakelock.Prepare(context.Background(), tg, nixeval.Tools{}); err != nil {
		t.Fatal(err)
	}
	git("add", "flake.lock")
	git("commit", "-q", "-m", "lock")
	tg.Dirty = false
	recheck := func() (bool, []string, error) {
		c := *tg
		c.Dirty = false
		notes, err := flakelock.Prepare(context.Background(), &c, nixeval.Tools{})
		var lock []string
		for _, n := range notes {
			if !strings.HasPrefix(n, "warning: Git tree ") {
				lock = append(lock, n)
			}
		}
		return c.Dirty, lock, err
	}
	d := newDriver(t, Config{Target: tg, Eval: nixeval.New(tg, nixeval.Tools{}), Tools: nixeval.Tools{}, Recheck: recheck}, 300, 30)
	d.settle()
	dirty := "⚠ Git tree '" + root + "' is dirty"
	header := func() string { return strings.Join(d.m.headerLines(300), "\n") }
	if d.m.State() != "ready" || strings.Contains(header(), dirty) {
		t.Fatalf("a clean tree at start: state %s\n%s", d.m.State(), d.m.View())
	}
	testnix.WriteFile(t, filepath.Join(root, "flake.nix"), "# edited\n"+flake, 0o644)
	d.key("R")
	d.settle()
	if d.m.State() != "ready" || !strings.Contains(header(), dirty) {
		t.Errorf("after an edit to a tracked file, R: state %s, no dirty warning\n%s", d.m.State(), d.m.View())
	}
	git("commit", "-q", "-am", "edited")
	d.key("R")
	d.settle()
	if d.m.State() != "ready" || strings.Contains(header(), dirty) {
		t.Errorf("after a commit, R: state %s, the dirty warning stays\n%s", d.m.State(), d.m.View())
	}
	if err := os.Remove(filepath.Join(root, "flake.lock")); err != nil {
		t.Fatal(err)
	}
	d.key("R")
	d.settle()
	if d.m.State() != "ready" || !strings.Contains(d.m.footer.Status(), "wrote the lock file "+filepath.Join(root, "flake.lock")) {
		t.Errorf("the lock file removed, R: state %s, status %q\n%s", d.m.State(), d.m.footer.Status(), d.m.View())
	}
	git("rm", "-q", "--cached", "flake.nix")
	d.key("R")
	d.settle()
	if v := d.m.View(); d.m.State() != "failed" || !strings.Contains(v, "flake.nix is not tracked by git") {
		t.Errorf("flake.nix untracked, R: state %s\n%s", d.m.State(), v)
	}
}
