package build_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/nixplore/nixplore/internal/testnix"
	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/build"
)

// narinfo reads one field of the only .narinfo in a file:// cache.
func narinfo(t *testing.T, dir, field string) int64 {
	t.Helper()
	m, _ := filepath.Glob(filepath.Join(dir, "*.narinfo"))
	if len(m) != 1 {
		t.Fatalf("narinfo files %v", m)
	}
	b, err := os.ReadFile(m[0])
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, field+": "); ok {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
	}
	t.Fatalf("no %s in %s", field, b)
	return 0
}

// The plan's sizes come from a real binary cache: the dry run of an empty
// chroot store that substitutes from a file:// cache says what it would
// download and unpack, and those are the cache's own FileSize and NarSize
// (as Nix rounds them: MiB with two decimals, or one decimal in 2.34).
func TestDryRunSizesFromBinaryCache(t *testing.T) {
	testnix.Setup(t)
	salt(t)
	cache, out := testnix.BinaryCache(t, "buildfail", "config.system.build.sized")
	root := t.TempDir()
	testnix.UseCacheAndStore(t, cache, root)
	p, err := build.DryRun(context.Background(), nixeval.Tools{}, testnix.Classic(t, "buildfail", ""), buildPath(t, "config.system.build.sized"))
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Build) != 0 || len(p.Fetch) != 1 || p.Fetch[0] != out {
		t.Fatalf("plan %+v, want only %s fetched", p, out)
	}
	near := func(what string, got, want int64) {
		// Nix prints 0.01 MiB (2.8, 2.26) or 0.1 of a unit (2.34) at best.
		if d := got - want; d > 6<<10 && d*20 > want || -d > 6<<10 && -d*20 > want {
			t.Errorf("%s %d, the cache says %d", what, got, want)
		}
	}
	near("download", p.DownloadSize, narinfo(t, cache, "FileSize"))
	near("unpacked", p.UnpackedSize, narinfo(t, cache, "NarSize"))
	if p.UnpackedSize < 3<<20 || p.DownloadSize > 64<<10 {
		t.Errorf("3 MiB of zeros: download %d, unpacked %d", p.DownloadSize, p.UnpackedSize)
	}
	// The free space is the chroot store's, where the path would land.
	s := build.ReadSpace(context.Background(), nixeval.Tools{}, nil)
	if s.Store.Dir != filepath.Join(root, "nix", "store") || s.Store.Size == 0 || s.Build.Dir != os.TempDir() {
		t.Errorf("space %+v", s)
	}
}

// A store on a 1 MiB file system cannot take the 3 MiB the plan fetches:
// CheckRoom says so with the numbers ReadSpace measured there.
func TestCheckRoomOnASmallStore(t *testing.T) {
	testnix.Setup(t)
	salt(t)
	cache, _ := testnix.BinaryCache(t, "buildfail", "config.system.build.sized")
	root := testnix.SmallStore(t, "1m")
	testnix.UseCacheAndStore(t, cache, root)
	tg := testnix.Classic(t, "buildfail", "")
	p, err := build.DryRun(context.Background(), nixeval.Tools{}, tg, buildPath(t, "config.system.build.sized"))
	if err != nil {
		t.Fatal(err)
	}
	s := build.ReadSpace(context.Background(), nixeval.Tools{}, tg)
	if s.Store.Size > 1<<20 || s.Same {
		t.Fatalf("the store is not the small tmpfs: %+v", s)
	}
	err = build.CheckRoom(p, s)
	if nr, ok := err.(*build.NoRoomError); !ok || nr.Need < 3<<20 || nr.Space.Dir != filepath.Join(root, "nix", "store") {
		t.Fatalf("CheckRoom: %v", err)
	}
}
