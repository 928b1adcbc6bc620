// Package testnix sets up tests that run the real Nix on the project's
// fixtures (testdata/): the environment Nix needs here and targets for each
// fixture configuration.
package testnix

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/nixplore/nixplore/nixeval"
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

// Setup skips the test when Nix is missing and sets the environment Nix
// needs. It returns Nix's version string.
func Setup(t testing.TB) string {
	t.Helper()
	if _, err := exec.LookPath("nix-instantiate"); err != nil {
		t.Skip("nix is not installed (run `make test`, which installs it)")
	}
	t.Setenv("NIX_CONFIG", NixConfig)
	t.Setenv("NIXOS_CONFIG", "")
	t.Setenv("NIX_PATH", "")
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
	f := ClassicFlags(config, system)
	tg, err := nixeval.Resolve(f, nixeval.Environment{Getenv: os.Getenv, Hostname: os.Hostname, EtcNixOS: t.TempDir(), Cwd: Root()})
	if err != nil {
		t.Fatal(err)
	}
	return tg
}

// ClassicFlags are the flags a user would type for Classic.
func ClassicFlags(config, system string) nixeval.Flags {
	return nixeval.Flags{
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
