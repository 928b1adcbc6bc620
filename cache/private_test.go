package cache

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/nixplore/nixplore/internal/testsys"
)

// The cache is the running user's alone: every directory 0700, every
// entry 0600, whatever the umask; a directory an older nixplore made 0755
// is closed.
func TestCacheIsPrivate(t *testing.T) {
	old := setUmask(0o022)
	defer setUmask(old)
	dir := filepath.Join(t.TempDir(), "nixplore")
	c := open(t, dir)
	for i, key := range []string{"a", "b", "c"} {
		if err := c.Put(key, nil, before(), json.RawMessage(`{"i":`+string(rune('0'+i))+`}`)); err != nil {
			t.Fatal(err)
		}
	}
	checkPrivate(t, dir)
	// A directory an older nixplore made 0755.
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	open(t, dir)
	if fi, _ := os.Stat(dir); fi.Mode().Perm() != 0o700 {
		t.Errorf("an existing 0755 cache directory stayed %v", fi.Mode().Perm())
	}
}

func checkPrivate(t *testing.T, dir string) {
	t.Helper()
	entries := 0
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		want := fs.FileMode(0o600)
		if d.IsDir() {
			want = 0o700
		} else {
			entries++
		}
		if fi.Mode().Perm() != want {
			t.Errorf("%s is %v, want %v", p, fi.Mode().Perm(), want)
		}
		if owner, _ := ownerOf(fi); owner != os.Geteuid() {
			t.Errorf("%s belongs to uid %d", p, owner)
		}
		return nil
	})
	if err != nil || entries == 0 {
		t.Fatalf("walk: %v, %d entries", err, entries)
	}
}

// A cache directory that belongs to another user is not used: Open says
// whose it is.
func TestCacheOfAnotherUserIsRefused(t *testing.T) {
	if os.Geteuid() != 0 {
		testsys.Missing(t, "giving a directory to another user needs root")
	}
	dir := filepath.Join(t.TempDir(), "nixplore")
	if err := os.MkdirAll(filepath.Join(dir, format), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(dir, 65534, 65534); err != nil {
		t.Fatal(err)
	}
	_, err := Open(dir)
	var no *NotOwnedError
	if !errors.As(err, &no) || no.Owner != 65534 || no.You != 0 {
		t.Fatalf("Open of another user's directory: %v", err)
	}
}

// Where the cache lives: XDG_CACHE_HOME, else ~/.cache; neither, or a
// relative one, means no cache (never a shared /tmp directory, nor one
// that depends on the working directory); root whose HOME is another
// user's (sudo keeping HOME) uses root's own home. The environment is the
// process's own, read through os.UserCacheDir as DefaultDir does.
func TestDefaultDir(t *testing.T) {
	other := t.TempDir()
	if os.Geteuid() == 0 {
		if err := os.Chown(other, 65534, 65534); err != nil {
			t.Fatal(err)
		}
	}
	mine := t.TempDir()
	rootHome := func() (string, error) { return "/root-home", nil }
	user := os.Geteuid()
	if user == 0 {
		user = 1000 // an ordinary user's view of the same environment
	}
	cases := []struct {
		name string
		env  map[string]string
		euid int
		want string
	}{
		{"XDG_CACHE_HOME", map[string]string{"XDG_CACHE_HOME": mine, "HOME": other}, user, filepath.Join(mine, "nixplore")},
		{"HOME", map[string]string{"HOME": mine}, user, filepath.Join(mine, ".cache", "nixplore")},
		{"relative XDG_CACHE_HOME", map[string]string{"XDG_CACHE_HOME": "rel", "HOME": mine}, user, ""},
		{"relative HOME", map[string]string{"HOME": "rel"}, user, ""},
		{"neither", map[string]string{}, user, ""},
		{"root with another user's HOME", map[string]string{"HOME": other}, 0, "/root-home/.cache/nixplore"},
		{"root with another user's XDG_CACHE_HOME", map[string]string{"XDG_CACHE_HOME": other, "HOME": other}, 0, "/root-home/.cache/nixplore"},
		{"root without HOME", map[string]string{}, 0, ""},
	}
	if os.Geteuid() == 0 {
		cases = append(cases, struct {
			name string
			env  map[string]string
			euid int
			want string
		}{"root with its own HOME", map[string]string{"HOME": mine}, 0, filepath.Join(mine, ".cache", "nixplore")})
	} else {
		testsys.Missing(t, "the root cases need a directory of another user, and so root")
	}
	for _, c := range cases {
		for _, k := range []string{"XDG_CACHE_HOME", "HOME"} {
			t.Setenv(k, c.env[k])
		}
		got, err := defaultDir(os.UserCacheDir, c.euid, rootHome)
		if c.want == "" {
			if err == nil {
				t.Errorf("%s: %q, want no cache", c.name, got)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("%s: %q %v, want %q", c.name, got, err, c.want)
		}
	}
}
