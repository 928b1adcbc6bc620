package testnix

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nixplore/nixplore/internal/testsys"
)

// BinaryCache builds attribute path of testdata/configs/<config> (with the
// test's NIXPLORE_SALT), copies its output to a new file:// binary cache
// and returns the cache's directory and the output path. The local store
// keeps its copy: tests ask for it from an empty chroot store (Store).
func BinaryCache(t testing.TB, config, path string) (dir, out string) {
	t.Helper()
	args := append([]string{"<nixpkgs/nixos>", "-A", path, "--no-out-link"}, ClassicArgs(config, "")...)
	b, err := exec.Command("nix-build", args...).Output()
	if err != nil {
		t.Fatalf("nix-build %s: %v", path, err)
	}
	out = strings.TrimSpace(string(b))
	dir = t.TempDir()
	if o, err := exec.Command("nix", "--extra-experimental-features", "nix-command", "copy", "--to", "file://"+dir, out).CombinedOutput(); err != nil {
		t.Fatalf("nix copy --to file://%s: %v\n%s", dir, err, o)
	}
	return dir, out
}

// UseCacheAndStore makes every Nix the test runs substitute from the
// binary cache at dir (unsigned) into the chroot store at root: NIX_CONFIG
// is the tests' own (NixConfig) plus these settings. A chroot store keeps
// its own pool of build users, so a build in it would take nixbld1 while
// the machine's store builds as nixbld1 too, and Nix kills every process of
// a build user it takes: builds there run without build users.
func UseCacheAndStore(t testing.TB, dir, root string) {
	t.Helper()
	t.Setenv("NIX_CONFIG", NixConfig+"\nsubstituters = file://"+dir+"\nrequire-sigs = false\nstore = "+root+"\nbuild-users-group =")
}

// SmallStore returns the root of a chroot store whose store directory
// (ROOT/nix/store) is a tmpfs of the given size (e.g. "1m"), its database
// beside it on the ordinary disk. Mounting needs root: without it the test
// ends through Missing (a failure under CI=true).
func SmallStore(t testing.TB, size string) string {
	t.Helper()
	if os.Geteuid() != 0 {
		Missing(t, "mounting a tmpfs for a small store needs root")
	}
	root := t.TempDir()
	dir := filepath.Join(root, "nix", "store")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size, "tmpfs", dir).CombinedOutput(); err != nil {
		testsys.Missing(t, "cannot mount a tmpfs here: %v %s", err, out)
	}
	// Registered after TempDir's cleanup, so it runs first.
	t.Cleanup(func() { _ = exec.Command("umount", "-l", dir).Run() })
	return root
}
