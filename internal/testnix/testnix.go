// Package testnix sets up tests that run the real Nix on the project's
// fixtures (testdata/): the environment Nix needs here and targets for each
// fixture configuration.
package testnix

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nixplore/nixplore/internal/procfs"
	"github.com/nixplore/nixplore/internal/testsys"
	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/resolve"
)

// Root is the repository root.
func Root() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

// Testdata returns a path under testdata/.
func Testdata(parts ...string) string {
	return filepath.Join(append([]string{Root(), "testdata"}, parts...)...)
}

// NixConfig is what tests run Nix with: no binary cache (there is no
// network) and no build sandbox (Debian's Nix has none in containers).
const NixConfig = "substituters =\nsandbox = false"

// Missing ends a test that cannot run here (see testsys.Missing): it
// fails under CI=true and skips elsewhere.
func Missing(t testing.TB, format string, args ...any) {
	t.Helper()
	testsys.Missing(t, format, args...)
}

// Setup ends the test through Missing when Nix is missing and sets the
// environment Nix needs. It returns Nix's version string.
func Setup(t testing.TB) string {
	t.Helper()
	if _, err := exec.LookPath("nix-instantiate"); err != nil {
		Missing(t, "nix is not installed: nix-instantiate is not on PATH (run `make test`, which installs it)")
	}
	t.Setenv("NIX_CONFIG", NixConfig)
	t.Setenv("NIXOS_CONFIG", "")
	t.Setenv("NIX_PATH", "")
	// Never read or fill the user's nixplore cache.
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	out, err := exec.Command("nix", "--version").Output()
	if err != nil {
		t.Fatalf("nix --version: %v", err)
	}
	return strings.TrimSpace(string(out))
}

// Classic returns a target for testdata/configs/<config>/configuration.nix
// through the stand-in <nixpkgs/nixos>, with --argstr system when system
// is not empty.
func Classic(t testing.TB, config, system string) *nixeval.Target {
	t.Helper()
	tg, err := ResolveClassic(t, config, system)
	if err != nil {
		t.Fatal(err)
	}
	return tg
}

// ResolveClassic is Classic returning the resolution error.
func ResolveClassic(t testing.TB, config, system string) (*nixeval.Target, error) {
	return resolve.Target(ClassicFlags(config, system), Env(t))
}

// Env is a resolution environment with an empty /etc/nixos.
func Env(t testing.TB) resolve.Environment {
	return resolve.Environment{Getenv: os.Getenv, Hostname: os.Hostname, EtcNixOS: t.TempDir(), Cwd: Root()}
}

// ClassicFlags are the flags a user would type for Classic.
func ClassicFlags(config, system string) resolve.Flags {
	return resolve.Flags{
		SearchPath: []string{"nixpkgs=" + Testdata("nixpkgs"), "nixos-config=" + Testdata("configs", config, "configuration.nix")},
		System:     system,
	}
}

// ClassicArgs are the same flags as command-line words.
func ClassicArgs(config, system string) []string {
	a := []string{"-I", "nixpkgs=" + Testdata("nixpkgs"), "-I", "nixos-config=" + Testdata("configs", config, "configuration.nix")}
	if system != "" {
		a = append(a, "--system", system)
	}
	return a
}

// LongCheckout copies the stand-in nixpkgs and testdata/configs/<config>
// under a directory of more than 100 characters, as a checkout of the
// repository deep in a home directory would hold them, and returns a
// target for the copy as Classic does. Printed commands and Nix's
// messages then carry long paths, which a layout must still fit.
func LongCheckout(t testing.TB, config, system string) *nixeval.Target {
	t.Helper()
	root := filepath.Join(t.TempDir(), "a-checkout-directory-with-a-long-name", "of-the-nixplore-repository-as-cloned", "testdata")
	if len(root) < 100 {
		root = filepath.Join(root, strings.Repeat("x", 100-len(root)))
	}
	configs := filepath.Join(root, "configs")
	if err := os.MkdirAll(configs, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, c := range [][2]string{{Testdata("nixpkgs"), filepath.Join(root, "nixpkgs")}, {Testdata("configs", config), filepath.Join(configs, config)}} {
		if out, err := exec.Command("cp", "-r", c[0], c[1]).CombinedOutput(); err != nil {
			t.Fatalf("copy %s: %v\n%s", c[0], err, out)
		}
	}
	tg, err := resolve.Target(resolve.Flags{
		SearchPath: []string{"nixpkgs=" + filepath.Join(root, "nixpkgs"), "nixos-config=" + filepath.Join(configs, config, "configuration.nix")},
		System:     system,
	}, Env(t))
	if err != nil {
		t.Fatal(err)
	}
	return tg
}

// InputFlake is the text of a flake.nix whose one input is the stand-in
// nixpkgs at np (a path: input, so Nix writes a lock file for it) and
// whose nixosConfigurations.box is for this machine's platform.
func InputFlake(t testing.TB, np string) string {
	t.Helper()
	out, err := exec.Command("nix-instantiate", "--eval", "--json", "-E", "builtins.currentSystem").Output()
	if err != nil {
		t.Fatalf("builtins.currentSystem: %v", err)
	}
	return `{
  inputs.nixpkgs.url = "path:` + np + `";
  outputs = { self, nixpkgs }: {
    nixosConfigurations.box = nixpkgs.lib.nixosSystem { modules = [ {
      nixpkgs.hostPlatform = ` + strings.TrimSpace(string(out)) + `;
      boot.loader.grub.device = "/dev/sda";
      fileSystems."/" = { device = "/dev/disk/by-uuid/0000-box"; fsType = "ext4"; };
    } ]; };
  };
}
`
}

// FlakeDir copies testdata/flake with the stand-in nixpkgs inside it to a
// temporary directory and returns its path. A copy is needed because Nix
// copies a path flake into the store and the stand-in must be inside it;
// `path:` of the copy works on both Nix 2.8 and 2.26 (testdata/README.md).
func FlakeDir(t testing.TB) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "flake")
	for _, c := range [][2]string{{Testdata("flake"), dir}, {Testdata("nixpkgs"), filepath.Join(dir, "nixpkgs")}} {
		if out, err := exec.Command("cp", "-r", c[0], c[1]).CombinedOutput(); err != nil {
			t.Fatalf("copy %s: %v\n%s", c[0], err, out)
		}
	}
	return dir
}

// Flake returns a target for nixosConfigurations.<host> of a copy of the
// test flake.
func Flake(t testing.TB, host string) *nixeval.Target {
	t.Helper()
	tg, err := resolve.Target(resolve.Flags{Flake: "path:" + FlakeDir(t) + "#" + host}, Env(t))
	if err != nil {
		t.Fatal(err)
	}
	return tg
}

// Tmpfs mounts a small tmpfs with the given mount options (see
// testsys.Tmpfs) and unmounts it when the test ends.
func Tmpfs(t testing.TB, opts string) string {
	t.Helper()
	return testsys.Tmpfs(t, opts)
}

// Proc is one process from /proc.
type Proc = procfs.Proc

// Processes reads the process table (zombies included, State "Z").
func Processes() []Proc { return procfs.All() }

// Cmdline is a process's command line with its arguments joined by
// spaces, or "" when it is gone.
func Cmdline(pid int) string {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	if err != nil {
		return ""
	}
	return strings.TrimRight(strings.ReplaceAll(string(b), "\x00", " "), " ")
}

// Marked lists the live processes (no zombies) whose command line holds
// marker and, when salt is not empty, whose environment holds salt=SALT:
// the fixtures put a test's salt into its builders' environment, so a
// parallel run of the suite elsewhere does not count.
func Marked(marker, salt string) []Proc {
	var out []Proc
	for _, p := range Processes() {
		if p.State == "Z" || !strings.Contains(Cmdline(p.PID), marker) {
			continue
		}
		if salt != "" {
			env, err := os.ReadFile(fmt.Sprintf("/proc/%d/environ", p.PID))
			if err != nil || !strings.Contains(string(env), "salt="+salt+"\x00") {
				continue
			}
		}
		out = append(out, p)
	}
	return out
}

// Process is process pid as Processes reads it; ok is false when it is gone
// or a zombie.
func Process(pid int) (p Proc, ok bool) {
	for _, p := range Processes() {
		if p.PID == pid {
			return p, p.State != "Z"
		}
	}
	return Proc{}, false
}

// Descendants lists the live processes below pid (children, theirs, …).
func Descendants(pid int) []Proc { return procfs.Descendants(pid) }

// GroupAlive lists the live processes (no zombies) of process group pgid.
func GroupAlive(pgid int) []Proc {
	var out []Proc
	for _, p := range Processes() {
		if p.PGID == pgid && p.State != "Z" {
			out = append(out, p)
		}
	}
	return out
}

// WriteFile writes a fixture file of a test, failing the test on error.
func WriteFile(t testing.TB, path, text string, mode os.FileMode) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), mode); err != nil {
		t.Fatal(err)
	}
}

// AnotherNixBuilding starts, as a user's other terminal would, a plain
// nix-instantiate evaluating config.system.build.<attr> of configs/<config>
// and waits until the builder carrying marker (and the test's salt) runs:
// from then on Nix holds the lock on that derivation's output, and any
// other evaluation needing it waits for the lock. The process is
// interrupted when the test ends, and the test fails if its builder
// outlives it.
func AnotherNixBuilding(t testing.TB, config, attr, marker, salt string) {
	t.Helper()
	args := append([]string{"--eval", "--strict", "--read-write-mode", "-E",
		"(import <nixpkgs/nixos> {}).config.system.build." + attr}, ClassicArgs(config, "")...)
	other := exec.Command("nix-instantiate", args...)
	other.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := other.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = syscall.Kill(-other.Process.Pid, syscall.SIGINT)
		_ = other.Wait()
		for end := time.Now().Add(10 * time.Second); len(Marked(marker, salt)) > 0 && time.Now().Before(end); {
			time.Sleep(20 * time.Millisecond)
		}
		if left := Marked(marker, salt); len(left) > 0 {
			t.Errorf("the other nix-instantiate's builder outlived it: %+v", left)
		}
	})
	for end := time.Now().Add(time.Minute); len(Marked(marker, salt)) == 0; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(end) {
			t.Fatalf("the other nix-instantiate never started building %s", attr)
		}
	}
}

// CommittedConfig copies testdata/configs/<config> into a git repository
// of its own named nixos, commits it, and returns the copy's
// configuration.nix: a user's /etc/nixos in git, for tests that compare
// the work tree with a revision.
func CommittedConfig(t testing.TB, config string) string {
	t.Helper()
	repo := filepath.Join(t.TempDir(), "nixos")
	if out, err := exec.Command("cp", "-r", Testdata("configs", config), repo).CombinedOutput(); err != nil {
		t.Fatalf("copy %s: %v\n%s", config, err, out)
	}
	testsys.Git(t, repo, "init", "-q")
	testsys.Git(t, repo, "add", ".")
	testsys.Git(t, repo, "commit", "-qm", config)
	return filepath.Join(repo, "configuration.nix")
}
