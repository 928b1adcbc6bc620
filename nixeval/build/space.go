package build

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/build/buildlog"
)

// Space is the free space where a build writes: the file system of the
// Nix store, where every fetched and built path lands, and the one of the
// build directory (TMPDIR, else /tmp), where builders work. Both are the
// same entry's numbers when they share a file system.
type Space struct {
	Store DiskSpace `json:"store"`
	Build DiskSpace `json:"build"`
	// Same is set when both lie on one file system.
	Same bool `json:"sameFileSystem"`
}

// ReadSpace reads the free space of the store the target's Nix uses (its
// `store` setting: a chroot store such as `--store /mnt` keeps its files
// under that root) and of the build directory.
func ReadSpace(ctx context.Context, tools nixeval.Tools, t *nixeval.Target) Space {
	store := ""
	var opts []string
	if t != nil {
		opts = nixeval.OptionArgs(t.Options)
	}
	if settings, err := nixSettings(ctx, tools, opts); err == nil {
		store = settings["store"]
	}
	if t != nil {
		for _, o := range t.Options {
			if o.Name == "store" {
				store = o.Value
			}
		}
	}
	return spaceOf(StoreDir(store, os.Getenv), os.TempDir())
}

// StoreDir is the directory holding the store's files for Nix's `store`
// setting: the store directory itself (NIX_STORE_DIR, else /nix/store)
// for the local store or a daemon, under the root of a chroot store
// (`/mnt`, `local?root=/mnt`, `local:///mnt`).
func StoreDir(store string, getenv func(string) string) string {
	dir := getenv("NIX_STORE_DIR")
	if dir == "" {
		dir = "/nix/store"
	}
	root := ""
	switch {
	case strings.HasPrefix(store, "/"):
		root = store
	case strings.HasPrefix(store, "local://"):
		root = strings.TrimPrefix(store, "local://")
	case strings.HasPrefix(store, "local?"):
		if q, err := url.ParseQuery(strings.TrimPrefix(store, "local?")); err == nil {
			root = q.Get("root")
		}
	}
	if i := strings.IndexByte(root, '?'); i >= 0 {
		root = root[:i]
	}
	if root == "" {
		return dir
	}
	return filepath.Join(root, dir)
}

// spaceOf measures the two directories, each at its nearest existing
// ancestor (a chroot store's directory appears with its first path).
func spaceOf(storeDir, buildDir string) Space {
	s, sdev := diskSpace(existing(storeDir))
	b, bdev := diskSpace(existing(buildDir))
	s.Dir, b.Dir = storeDir, buildDir
	return Space{Store: s, Build: b, Same: sdev == bdev && sdev != 0}
}

func existing(dir string) string {
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(d); err == nil || d == filepath.Dir(d) {
			return d
		}
	}
}

// String says it in one line: "free: 12.3 GiB in /nix/store, 2.0 GiB in
// /tmp (build directory)".
func (s Space) String() string {
	if s.Same {
		return fmt.Sprintf("free: %s in %s (the store and the build directory %s share it)", HumanBytes(int64(s.Store.Free)), s.Store.Dir, s.Build.Dir)
	}
	return fmt.Sprintf("free: %s in %s (the store), %s in %s (the build directory)",
		HumanBytes(int64(s.Store.Free)), s.Store.Dir, HumanBytes(int64(s.Build.Free)), s.Build.Dir)
}

// NoRoomError says that what Nix would fetch alone does not fit in the
// store's file system: nixplore stops before Nix starts.
type NoRoomError struct {
	Need  int64     `json:"need"`  // bytes the fetched paths take unpacked
	Fetch int       `json:"fetch"` // how many paths
	Space DiskSpace `json:"space"` // the store's file system
}

func (e *NoRoomError) Error() string {
	return fmt.Sprintf("not enough space: the %s Nix would fetch take %s unpacked, but %s has %s free, "+
		"so the build would stop with a full disk before anything is built (and builds need room on top of that). "+
		"Free space in the store (nix-collect-garbage -d deletes what no root uses), build where there is room "+
		"(a remote builder: --builders), or pass --force to build anyway.",
		nixeval.Count(e.Fetch, "path"), HumanBytes(e.Need), e.Space.Dir, HumanBytes(int64(e.Space.Free)))
}

// CheckRoom reports a *NoRoomError when the plan's downloads alone, once
// unpacked, exceed the free space of the store's file system. Builds'
// own sizes are not known before they run, so they are not counted.
func CheckRoom(p *buildlog.Plan, s Space) error {
	if p == nil || p.UnpackedSize <= 0 || s.Store.Size == 0 {
		return nil
	}
	if uint64(p.UnpackedSize) > s.Store.Free {
		return &NoRoomError{Need: p.UnpackedSize, Fetch: len(p.Fetch), Space: s.Store}
	}
	return nil
}
