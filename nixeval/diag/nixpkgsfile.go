package diag

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// nixpkgsRoots caches, per candidate directory, whether it is a nixpkgs
// source tree.
var nixpkgsRoots sync.Map

// isNixpkgsRoot reports whether dir looks like a nixpkgs source: a
// nixos/modules/module-list.nix and a lib/default.nix. Both are needed so
// that a user's /etc/nixos/modules/… is not taken for nixpkgs.
func isNixpkgsRoot(dir string) bool {
	if v, ok := nixpkgsRoots.Load(dir); ok {
		return v.(bool)
	}
	_, e1 := os.Stat(filepath.Join(dir, "nixos", "modules", "module-list.nix"))
	_, e2 := os.Stat(filepath.Join(dir, "lib", "default.nix"))
	ok := e1 == nil && e2 == nil
	nixpkgsRoots.Store(dir, ok)
	return ok
}

// NixpkgsRelative returns file relative to the nixpkgs source it lies in
// (nixos/modules/installer/sd-card/sd-image.nix), and false for a file that
// is not under a nixpkgs source, such as the user's own configuration. The
// source is found from the file itself, so a nixpkgs on the search path, a
// flake input in the store and a checkout all count.
func NixpkgsRelative(file string) (string, bool) {
	if !filepath.IsAbs(file) {
		return "", false
	}
	for _, marker := range []string{"/nixos/", "/lib/", "/pkgs/"} {
		// The last occurrence first: the nixpkgs inside a checkout that
		// happens to sit under a directory called nixos.
		for i := strings.LastIndex(file, marker); i > 0; i = strings.LastIndex(file[:i], marker) {
			if root := file[:i]; isNixpkgsRoot(root) {
				return file[i+1:], true
			}
		}
	}
	return "", false
}
