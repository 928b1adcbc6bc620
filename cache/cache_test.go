package cache

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"
)

// fineClock shortens RacySlack for one test, local file systems here
// having a fine clock, and puts it back when the test ends so no other
// test sees a slack it did not ask for.
func fineClock(t *testing.T) {
	t.Helper()
	saved := RacySlack
	RacySlack = 50 * time.Millisecond
	t.Cleanup(func() { RacySlack = saved })
}

// TestFineClockIsRestored: a test that shortens RacySlack leaves the
// default to the tests after it.
func TestFineClockIsRestored(t *testing.T) {
	saved := RacySlack
	t.Run("shortened", func(t *testing.T) {
		fineClock(t)
		if RacySlack == saved {
			t.Fatalf("RacySlack still %v", RacySlack)
		}
	})
	if RacySlack != saved {
		t.Errorf("RacySlack %v after the test that shortened it, want %v", RacySlack, saved)
	}
}

func open(t *testing.T, dir string) *Cache {
	t.Helper()
	c, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func write(t *testing.T, p, s string) {
	t.Helper()
	if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

// before is a start time safely before any file written by the test.
func before() time.Time { return time.Now().Add(-time.Minute) }

// settle waits until a write made now is older than a computation that
// starts after it (file times can be coarser than the clock).
func settle() time.Time { time.Sleep(2 * RacySlack); return time.Now() }

func TestGetValidatesDependencies(t *testing.T) {
	fineClock(t)
	dir := t.TempDir()
	c := open(t, filepath.Join(dir, "cache"))
	conf := filepath.Join(dir, "configuration.nix")
	mod := filepath.Join(dir, "module.nix")
	write(t, conf, "{ imports = [ ./module.nix ]; }")
	write(t, mod, "{ a = 1; }")
	since := settle()
	val := json.RawMessage(`{"children":["a"]}`)
	if err := c.Put("k", []string{conf, mod, "/nix/store/abc-nixpkgs/lib.nix"}, since, val); err != nil {
		t.Fatal(err)
	}
	if h, ok := c.Get("k"); !ok || string(h.Value) != string(val) {
		t.Fatalf("fresh entry: %s %v", h.Value, ok)
	}
	if _, ok := c.Get("other"); ok {
		t.Fatal("hit for a key never stored")
	}

	t.Run("touched file with the same content is still valid", func(t *testing.T) {
		now := time.Now()
		if err := os.Chtimes(mod, now, now); err != nil {
			t.Fatal(err)
		}
		if _, ok := c.Get("k"); !ok {
			t.Fatal("miss after touch")
		}
	})
	t.Run("changed imported file is never served", func(t *testing.T) {
		write(t, mod, "{ a = 2; }")
		if _, ok := open(t, filepath.Join(dir, "cache")).Get("k"); ok {
			t.Fatal("served after the imported file changed")
		}
	})
	t.Run("same size, mtime set back", func(t *testing.T) {
		write(t, mod, "{ a = 1; }")
		if err := c.Put("k", []string{conf, mod}, settle(), val); err != nil {
			t.Fatal(err)
		}
		fi, _ := os.Stat(mod)
		write(t, mod, "{ a = 3; }")
		if err := os.Chtimes(mod, fi.ModTime(), fi.ModTime()); err != nil {
			t.Fatal(err)
		}
		if _, ok := c.Get("k"); ok {
			t.Fatal("served after an edit that kept size and mtime")
		}
	})
	t.Run("changed configuration file is never served", func(t *testing.T) {
		write(t, mod, "{ a = 1; }")
		if err := c.Put("k", []string{conf, mod}, settle(), val); err != nil {
			t.Fatal(err)
		}
		write(t, conf, "{ imports = [ ./module.nix ./other.nix ]; }")
		if _, ok := c.Get("k"); ok {
			t.Fatal("served after the configuration changed")
		}
	})
	t.Run("deleted file is never served", func(t *testing.T) {
		if err := c.Put("k", []string{conf, mod}, settle(), val); err != nil {
			t.Fatal(err)
		}
		os.Remove(mod)
		if _, ok := c.Get("k"); ok {
			t.Fatal("served after a dependency was deleted")
		}
	})
}

func TestPutRefusesFilesChangedDuringEvaluation(t *testing.T) {
	fineClock(t)
	dir := t.TempDir()
	c := open(t, filepath.Join(dir, "cache"))
	f := filepath.Join(dir, "configuration.nix")
	since := time.Now()
	write(t, f, "{ }") // written after the evaluation began
	if err := c.Put("k", []string{f}, since, json.RawMessage(`1`)); err != ErrRacy {
		t.Fatalf("Put = %v, want ErrRacy", err)
	}
	if _, ok := c.Get("k"); ok {
		t.Fatal("racy answer stored")
	}
}

func TestCorruptEntriesAreMissesAndRewritten(t *testing.T) {
	dir := t.TempDir()
	c := open(t, dir)
	val := json.RawMessage(`{"children":[{"name":"sdImage","kind":"derivation"}]}`)
	cases := map[string]func([]byte) []byte{
		"truncated":       func(b []byte) []byte { return b[:len(b)/2] },
		"empty":           func([]byte) []byte { return nil },
		"garbage":         func([]byte) []byte { return []byte("\x00\xffnot json") },
		"value altered":   func(b []byte) []byte { return []byte(replaceOnce(string(b), "sdImage", "sdImagf")) },
		"other key":       func(b []byte) []byte { return []byte(replaceOnce(string(b), `"key":"k"`, `"key":"x"`)) },
		"no value at all": func([]byte) []byte { return []byte(`{"key":"k","deps":[],"sum":"","value":null}`) },
	}
	for name, corrupt := range cases {
		t.Run(name, func(t *testing.T) {
			if err := c.Put("k", nil, before(), val); err != nil {
				t.Fatal(err)
			}
			p := c.path("k")
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			write(t, p, string(corrupt(b)))
			if h, ok := c.Get("k"); ok {
				t.Fatalf("corrupt entry served: %s", h.Value)
			}
			if err := c.Put("k", nil, before(), val); err != nil {
				t.Fatal(err)
			}
			if h, ok := c.Get("k"); !ok || string(h.Value) != string(val) {
				t.Fatalf("rewritten entry: %s %v", h.Value, ok)
			}
		})
	}
}

func replaceOnce(s, old, new string) string {
	for i := 0; i+len(old) <= len(s); i++ {
		if s[i:i+len(old)] == old {
			return s[:i] + new + s[i+len(old):]
		}
	}
	return s
}

func TestUnwritableDirectory(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "a-file")
	write(t, file, "")
	if _, err := Open(filepath.Join(file, "nixplore")); err == nil {
		t.Fatal("Open under a regular file succeeded")
	}
	ro := filepath.Join(dir, "ro")
	if err := os.MkdirAll(filepath.Join(ro, format), 0o500); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(ro, 0o500); err != nil {
		t.Fatal(err)
	}
	if os.Geteuid() != 0 {
		if _, err := Open(ro); err == nil {
			t.Fatal("Open of a read-only directory succeeded")
		}
	}
}

func TestTrimEvictsOldEntries(t *testing.T) {
	c := open(t, t.TempDir())
	c.MaxBytes = 20 << 10
	val := json.RawMessage(`"` + fmt.Sprintf("%01000d", 0) + `"`)
	for i := 0; i < 100; i++ {
		if err := c.Put("k"+strconv.Itoa(i), nil, before(), val); err != nil {
			t.Fatal(err)
		}
		old := time.Now().Add(time.Duration(i-100) * time.Minute)
		_ = os.Chtimes(c.path("k"+strconv.Itoa(i)), old, old)
	}
	c.Trim()
	var total int64
	_ = filepath.Walk(c.dir, func(_ string, fi os.FileInfo, _ error) error {
		if fi != nil && !fi.IsDir() {
			total += fi.Size()
		}
		return nil
	})
	if total > c.MaxBytes {
		t.Fatalf("cache holds %d bytes, bound %d", total, c.MaxBytes)
	}
	if _, ok := c.Get("k99"); !ok {
		t.Error("the newest entry was evicted")
	}
	if _, ok := c.Get("k0"); ok {
		t.Error("the oldest entry survived")
	}
}

// TestInstancesShareACache has two, then four processes (this test binary
// run as a helper) rewrite the same entries while this one reads them:
// every read is a miss or one complete value, never a torn one.
func TestInstancesShareACache(t *testing.T) {
	if os.Getenv("NIXPLORE_CACHE_HELPER") != "" {
		c := open(t, os.Getenv("NIXPLORE_CACHE_HELPER"))
		for i := 0; i < 300; i++ {
			v := fmt.Sprintf(`{"writer":%q,"i":%d,"pad":%q}`, os.Getenv("NIXPLORE_CACHE_WRITER"), i, fmt.Sprintf("%02000d", i))
			if err := c.Put("shared"+strconv.Itoa(i%5), nil, before(), json.RawMessage(v)); err != nil {
				t.Fatal(err)
			}
		}
		return
	}
	for _, writers := range [][]string{{"a", "b"}, {"a", "b", "c", "d"}} {
		t.Run(strconv.Itoa(len(writers)), func(t *testing.T) { shareACache(t, writers) })
	}
}

func shareACache(t *testing.T, writers []string) {
	dir := t.TempDir()
	var wg sync.WaitGroup
	errs := make(chan error, len(writers))
	known := map[string]bool{}
	for _, w := range writers {
		known[w] = true
		wg.Add(1)
		go func() {
			defer wg.Done()
			cmd := exec.Command(os.Args[0], "-test.run=^TestInstancesShareACache$", "-test.count=1")
			cmd.Env = append(os.Environ(), "NIXPLORE_CACHE_HELPER="+dir, "NIXPLORE_CACHE_WRITER="+w)
			if out, err := cmd.CombinedOutput(); err != nil {
				errs <- fmt.Errorf("writer %s: %v\n%s", w, err, out)
			}
		}()
	}
	reader := open(t, dir)
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	reads := 0
	for running := true; running; {
		select {
		case <-done:
			running = false
		default:
		}
		for k := 0; k < 5; k++ {
			h, ok := reader.Get("shared" + strconv.Itoa(k))
			if !ok {
				continue
			}
			reads++
			var v struct {
				Writer string
				I      int
				Pad    string
			}
			if err := json.Unmarshal(h.Value, &v); err != nil || !known[v.Writer] || v.I%5 != k || len(v.Pad) != 2000 {
				t.Fatalf("torn or foreign entry: %s", h.Value)
			}
		}
	}
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if reads == 0 {
		t.Fatal("the reader never saw an entry")
	}
	leftovers, _ := filepath.Glob(filepath.Join(dir, format, "*", ".tmp-*"))
	if len(leftovers) != 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}
}
