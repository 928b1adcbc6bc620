package cache

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nixplore/nixplore/internal/testsys"
)

// tmpfs mounts a small tmpfs that is unmounted when the test ends.
func tmpfs(t *testing.T, opts string) string { return testsys.Tmpfs(t, opts) }

// A full disk while writing an entry: Put fails, leaves no temporary file,
// and every entry written before stays whole and readable.
func TestFullDiskWhileWriting(t *testing.T) {
	dir := tmpfs(t, "size=64k")
	c := open(t, filepath.Join(dir, "cache"))
	small := json.RawMessage(`{"small":true}`)
	if err := c.Put("before", nil, before(), small); err != nil {
		t.Fatal(err)
	}
	big := json.RawMessage(`"` + strings.Repeat("x", 200<<10) + `"`)
	err := c.Put("big", nil, before(), big)
	if err == nil {
		t.Fatal("a 200 KiB entry fit on a 64 KiB file system")
	}
	if !strings.Contains(err.Error(), "no space left on device") {
		t.Errorf("error does not say the disk is full: %v", err)
	}
	if _, ok := c.Get("big"); ok {
		t.Fatal("a half-written entry is served")
	}
	if h, ok := c.Get("before"); !ok || string(h.Value) != string(small) {
		t.Fatalf("an earlier entry was damaged: %s %v", h.Value, ok)
	}
	var tmp []string
	_ = filepath.Walk(dir, func(p string, fi os.FileInfo, _ error) error {
		if fi != nil && strings.HasPrefix(fi.Name(), ".tmp-") {
			tmp = append(tmp, p)
		}
		return nil
	})
	if len(tmp) > 0 {
		t.Fatalf("temporary files left: %v", tmp)
	}
	// Space comes back: the same key can be written again.
	if err := c.Put("big", nil, before(), json.RawMessage(`"fits now"`)); err != nil {
		t.Fatal(err)
	}
	if h, ok := c.Get("big"); !ok || string(h.Value) != `"fits now"` {
		t.Fatalf("rewrite after a full disk: %s %v", h.Value, ok)
	}
}

// A read-only file system (root ignores permission bits, so a read-only
// mount stands for an unwritable directory): Open refuses it, so the
// program runs without a cache and says so once.
func TestReadOnlyFileSystem(t *testing.T) {
	dir := tmpfs(t, "size=64k,ro")
	_, err := Open(filepath.Join(dir, "nixplore"))
	if err == nil {
		t.Fatal("Open on a read-only file system succeeded")
	}
	if got := fmt.Sprint(err); !strings.Contains(got, "read-only") {
		t.Errorf("error does not name the cause: %v", got)
	}
}
