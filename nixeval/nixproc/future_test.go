package nixproc_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nixplore/nixplore/nixeval/nixproc"
)

// capture reads testdata/nixout/<version>/<name>.txt without the command
// line and exit status the capture script adds.
func capture(t *testing.T, version, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "nixout", version, name+".txt"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "$ ") || strings.HasPrefix(l, "[exit ") {
			continue
		}
		out = append(out, l)
	}
	return strings.Join(out, "\n")
}

// Recognise or refuse: the error block of every captured Nix version is
// read; a "future Nix" that words `error:` differently is said to be
// unrecognised, with what it printed, never read as no error; and an
// empty stderr says nothing.
func TestErrorBlockFutureNix(t *testing.T) {
	for _, v := range []string{"2.8", "2.26", "2.34"} {
		got, ok := nixproc.ErrorBlock(capture(t, v, "eval-throws"))
		if !ok || got != "error: boom" {
			t.Errorf("%s: %q %v", v, got, ok)
		}
	}
	future := capture(t, "future", "eval-throws")
	if got, ok := nixproc.ErrorBlock(future); ok {
		t.Errorf("future Nix read as an error block: %q", got)
	}
	msg := nixproc.NewNixError("nix-instantiate", 1, []byte(future)).Error()
	if !strings.HasPrefix(msg, nixproc.Unrecognised) || !strings.Contains(msg, "Error (evaluation): boom") {
		t.Errorf("future Nix's failure: %q", msg)
	}
	if got := nixproc.LastErrorBlock(" \n"); got != "" {
		t.Errorf("empty stderr: %q", got)
	}
}
