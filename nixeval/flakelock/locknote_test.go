package flakelock

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Recognise or refuse: what `nix flake lock` says when it writes a lock
// file (captured from 2.8, 2.26 and 2.34) is read with the file's path; a
// "future Nix" wording of it is quoted as unrecognised, never read as
// "no lock file written".
func TestLockNoteFutureNix(t *testing.T) {
	read := func(v string) string {
		b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "nixout", v, "flake-lock-created.txt"))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	for _, v := range []string{"2.8", "2.26", "2.34"} {
		note, written, unwritten := lockNote(read(v), false)
		if written != "@FLAKE@/flake.lock" || note != "" || unwritten {
			t.Errorf("%s: %q %q %v", v, note, written, unwritten)
		}
	}
	note, written, _ := lockNote(read("future"), false)
	if written != "" || !strings.Contains(note, "did not recognise") || !strings.Contains(note, "notice: wrote new lockfile @FLAKE@/flake.lock") {
		t.Errorf("future Nix: %q %q", note, written)
	}
	if note, written, unwritten := lockNote("", false); note != "" || written != "" || unwritten {
		t.Errorf("nothing said: %q %q %v", note, written, unwritten)
	}
}
