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
	env := nixeval.Environment{Getenv: os.Getenv, Hostname: os.Hostname, EtcNixOS: t.TempDir(), Cwd: root}
	tg, err := nixeval.Resolve(nixeval.Flags{Flake: ".#laptop"}, env)
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
