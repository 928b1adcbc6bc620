package watch

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"
)

const quiet = 100 * time.Millisecond

func write(t *testing.T, p, text string) {
	t.Helper()
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// next waits for a Change, or fails after a generous time.
func next(t *testing.T, w *Watcher) Change {
	t.Helper()
	select {
	case c := <-w.Changes():
		return c
	case err := <-w.Errors():
		t.Fatal(err)
	case <-time.After(10 * time.Second):
		t.Fatal("no change reported")
	}
	return Change{}
}

// none checks that no Change comes within a few quiet periods.
func none(t *testing.T, w *Watcher, why string) {
	t.Helper()
	select {
	case c := <-w.Changes():
		t.Errorf("%s: reported %v", why, c.Files)
	case <-time.After(5 * quiet):
	}
}

func setup(t *testing.T) (*Watcher, string) {
	t.Helper()
	w, err := New(quiet)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	return w, t.TempDir()
}

// vim's way: probe file 4913, swap file, backup, then a new file renamed
// over the old one. One change, of the configuration only.
func TestRenameSaveIsOneChange(t *testing.T) {
	w, dir := setup(t)
	conf := filepath.Join(dir, "configuration.nix")
	other := filepath.Join(dir, "notes.txt")
	write(t, conf, "{ }\n")
	write(t, other, "x")
	if err := w.Set([]string{conf}, nil); err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(dir, "4913"), "")
	os.Remove(filepath.Join(dir, "4913"))
	write(t, filepath.Join(dir, ".configuration.nix.swp"), "swap")
	write(t, filepath.Join(dir, "configuration.nix~"), "{ }\n")
	write(t, other, "y") // in the directory, not watched
	log := filepath.Join(dir, "nixplore.log")
	if err := w.Set([]string{conf}, []string{dir}); err != nil {
		t.Fatal(err)
	}
	w.Ignore(log, other)
	write(t, log, "a log line") // nixplore's own log: never a change
	write(t, other, "z")
	tmp := filepath.Join(dir, ".configuration.nix.tmp")
	write(t, tmp, "{ networking.hostName = \"pi\"; }\n")
	if err := os.Rename(tmp, conf); err != nil {
		t.Fatal(err)
	}
	if c := next(t, w); !reflect.DeepEqual(c.Files, []string{conf}) {
		t.Errorf("change %v, want only %s", c.Files, conf)
	}
	none(t, w, "after the burst")
	// The watch survives the rename: the next in-place write is seen.
	write(t, conf, "{ }\n")
	if c := next(t, w); !reflect.DeepEqual(c.Files, []string{conf}) {
		t.Errorf("second save: %v", c.Files)
	}
}

// A directory of the configuration counts whole: a file read with
// readFile or a new import appears there.
func TestDirectoryCounts(t *testing.T) {
	w, dir := setup(t)
	sub := filepath.Join(dir, "hosts")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := w.Set(nil, []string{dir, "/nix/store"}); err != nil {
		t.Fatal(err)
	}
	if w.watched["/nix/store"] {
		t.Error("the store is watched")
	}
	write(t, filepath.Join(dir, "motd.txt"), "hello")
	write(t, filepath.Join(dir, "extra.nix"), "{ }")
	if c := next(t, w); len(c.Files) != 2 {
		t.Errorf("change %v, want motd.txt and extra.nix", c.Files)
	}
	write(t, filepath.Join(sub, "pi.nix"), "{ }") // below, not in
	none(t, w, "a file below a watched directory")
	// Set replaces: the old directory no longer counts.
	if err := w.Set(nil, []string{sub}); err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(dir, "motd.txt"), "bye")
	none(t, w, "a directory no longer watched")
	write(t, filepath.Join(sub, "pi.nix"), "{ x = 1; }")
	if c := next(t, w); !reflect.DeepEqual(c.Files, []string{filepath.Join(sub, "pi.nix")}) {
		t.Errorf("change %v", c.Files)
	}
}

func TestScratch(t *testing.T) {
	for name, want := range map[string]bool{
		"4913": true, "5036": true, ".configuration.nix.swp": true, "configuration.nix~": true,
		".#configuration.nix": true, "#configuration.nix#": true, ".flake.nix.kate-swp": true,
		"configuration.nix": false, "flake.lock": false, "index": false, "hardware-configuration.nix": false, "v4.nix": false,
	} {
		if Scratch(name) != want {
			t.Errorf("Scratch(%q) = %v", name, !want)
		}
	}
}

// Closing twice (on q, then as the program ends) is no panic.
func TestCloseTwice(t *testing.T) {
	w, err := New(quiet)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if _, ok := <-w.Changes(); ok {
		t.Error("Changes still open after Close")
	}
}
