package build

import (
	"strings"
	"testing"

	"github.com/nixplore/nixplore/nixeval/build/buildlog"
)

// Nix's dry run of a path in a binary cache, as each version prints it
// (2.34: "0.7 KiB download, 3.0 MiB unpacked"; older: MiB with two decimals).
func TestParsePlanFetchCaptured(t *testing.T) {
	for _, v := range nixVersions {
		t.Run(v, func(t *testing.T) {
			p := buildlog.ParsePlan([]byte(strings.Join(capture(t, v, "dry-run-fetch"), "\n")))
			if len(p.Fetch) != 1 || !strings.HasSuffix(p.Fetch[0], "-sized") || len(p.Build) != 0 {
				t.Fatalf("plan %+v", p)
			}
			if p.UnpackedSize != 3<<20 {
				t.Errorf("unpacked %d, want 3 MiB", p.UnpackedSize)
			}
			if p.DownloadSize > 1<<10 {
				t.Errorf("download %d, want under 1 KiB (zeros compress)", p.DownloadSize)
			}
		})
	}
}

func TestStoreDir(t *testing.T) {
	env := func(dir string) func(string) string {
		return func(k string) string {
			if k == "NIX_STORE_DIR" {
				return dir
			}
			return ""
		}
	}
	for _, tc := range []struct{ store, envDir, want string }{
		{"auto", "", "/nix/store"},
		{"daemon", "", "/nix/store"},
		{"", "/gnu/store", "/gnu/store"},
		{"/mnt", "", "/mnt/nix/store"},
		{"local?root=/mnt&state=/x", "", "/mnt/nix/store"},
		{"local:///mnt", "", "/mnt/nix/store"},
		{"local:///mnt?read-only=true", "", "/mnt/nix/store"},
		{"ssh://host", "", "/nix/store"},
	} {
		if got := StoreDir(tc.store, env(tc.envDir)); got != tc.want {
			t.Errorf("StoreDir(%q) = %q, want %q", tc.store, got, tc.want)
		}
	}
}

func TestCheckRoom(t *testing.T) {
	space := Space{Store: DiskSpace{Dir: "/s/nix/store", Free: 1 << 20, Size: 2 << 20}}
	fits := &buildlog.Plan{Fetch: []string{"/nix/store/a"}, UnpackedSize: 1 << 19}
	if err := CheckRoom(fits, space); err != nil {
		t.Errorf("half a MiB in 1 MiB free: %v", err)
	}
	big := &buildlog.Plan{Fetch: []string{"/nix/store/a", "/nix/store/b"}, UnpackedSize: 3 << 20}
	err := CheckRoom(big, space)
	nr, ok := err.(*NoRoomError)
	if !ok {
		t.Fatalf("3 MiB in 1 MiB free: %v", err)
	}
	for _, want := range []string{"the 2 paths Nix would fetch take 3.0 MiB unpacked", "/s/nix/store has 1.0 MiB free", "--force", "nix-collect-garbage"} {
		if !strings.Contains(nr.Error(), want) {
			t.Errorf("%q lacks %q", nr.Error(), want)
		}
	}
	// Builds alone, and an unreadable file system, are never refused.
	if err := CheckRoom(&buildlog.Plan{Build: []string{"/nix/store/x.drv"}}, space); err != nil {
		t.Error(err)
	}
	if err := CheckRoom(big, Space{}); err != nil {
		t.Error(err)
	}
}
