package testnix

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// HostSystem is the Nix system of the machine the tests run on (nixplore
// is meant for the Raspberry Pi too: tests never assume x86_64).
func HostSystem() string {
	switch runtime.GOARCH {
	case "arm64":
		return "aarch64-linux"
	case "amd64":
		return "x86_64-linux"
	case "386":
		return "i686-linux"
	case "riscv64":
		return "riscv64-linux"
	}
	return runtime.GOARCH + "-linux"
}

// OtherSystem is a platform this machine does not run natively: aarch64
// on x86_64 (the seed's story), x86_64 elsewhere. The buildfail fixture
// reads it from NIXPLORE_OTHER_SYSTEM, which this sets for the test.
func OtherSystem(t testing.TB) string {
	other := "aarch64-linux"
	if HostSystem() == "aarch64-linux" {
		other = "x86_64-linux"
	}
	t.Setenv("NIXPLORE_OTHER_SYSTEM", other)
	return other
}

// CacheOf copies paths (with their closures) from the machine's store to
// a new uncompressed file:// binary cache, so its download sizes are the
// paths' own, and returns its directory.
func CacheOf(t testing.TB, paths ...string) string {
	t.Helper()
	dir := t.TempDir()
	args := append([]string{"--extra-experimental-features", "nix-command", "copy", "--to", "file://" + dir + "?compression=none"}, paths...)
	cmd := exec.Command("nix", args...)
	cmd.Env = append(os.Environ(), "NIX_CONFIG="+NixConfig)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("nix copy to %s: %v\n%s", dir, err, out)
	}
	return dir
}

// RecordNixBuild puts a nix-build in front of the real one on PATH that
// writes each command line it is run with to the returned file, one per
// line, then runs the real one: a test can then say whether a build was
// started, not only a dry run.
func RecordNixBuild(t testing.TB) (log string) {
	t.Helper()
	real, err := exec.LookPath("nix-build")
	if err != nil {
		Missing(t, "nix-build is not on PATH")
	}
	dir := t.TempDir()
	log = filepath.Join(dir, "nix-build.log")
	script := "#!/bin/sh\necho \"$*\" >> '" + log + "'\nexec '" + real + "' \"$@\"\n"
	WriteFile(t, filepath.Join(dir, "nix-build"), script, 0o755)
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
	return log
}

// Recorded are the command lines RecordNixBuild saw, with or without
// --dry-run.
func Recorded(t testing.TB, log string) (dryRuns, builds []string) {
	t.Helper()
	b, err := os.ReadFile(log)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		switch {
		case l == "":
		case strings.Contains(" "+l+" ", " --dry-run "):
			dryRuns = append(dryRuns, l)
		default:
			builds = append(builds, l)
		}
	}
	return dryRuns, builds
}

// BuildHere builds attribute path of testdata/configs/<config> into the
// machine's store with extraArgs (e.g. --option extra-platforms …, which
// lets the fixtures' /bin/sh builders build for another platform), and
// returns its output path.
func BuildHere(t testing.TB, config, path string, extraArgs ...string) string {
	t.Helper()
	args := append(append([]string{"<nixpkgs/nixos>", "-A", path, "--no-out-link"}, ClassicArgs(config, "")...), extraArgs...)
	cmd := exec.Command("nix-build", args...)
	cmd.Env = append(os.Environ(), "NIX_CONFIG="+NixConfig)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("nix-build %s: %v", path, err)
	}
	return strings.TrimSpace(string(out))
}

// SourceOnlyInCache is the seed's situation on a real Nix: the buildfail
// fixture's otherPlatformWithSource, an output of OtherSystem whose 8 MiB
// fixed-output input (source8m) sits only in a file:// binary cache, and
// an empty chroot store that would fetch from it. It returns the input's
// store path and the chroot store's root; a test asks whether the input
// was fetched with Valid(root, source).
func SourceOnlyInCache(t testing.TB) (source, root string) {
	t.Helper()
	other := OtherSystem(t)
	source = BuildHere(t, "buildfail", "config.system.build.source8m", "--option", "extra-platforms", other)
	cache := CacheOf(t, source)
	root = t.TempDir()
	UseCacheAndStore(t, cache, root)
	return source, root
}

// Valid reports whether path is in the chroot store at root.
func Valid(root, path string) bool {
	_, err := os.Stat(filepath.Join(root, path))
	return err == nil
}
