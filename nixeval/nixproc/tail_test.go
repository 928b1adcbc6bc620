package nixproc_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/nixplore/nixplore/nixeval/nixproc"
)

// A command printing megabytes on stderr with StderrTail keeps only its
// end, from a whole line, with the error Nix puts last; with and without
// a line callback (builds use one).
func TestCommandStderrTail(t *testing.T) {
	// About 20 MB of numbered lines, then the error.
	script := `seq -f 'builder output line %.0f' 1 700000 >&2; echo 'error: the end of it' >&2; exit 1`
	for _, withLines := range []bool{false, true} {
		name := "collected"
		if withLines {
			name = "with OnStderrLine"
		}
		t.Run(name, func(t *testing.T) {
			const keep = 4096
			c := &nixproc.Command{Path: "sh", Args: []string{"-c", script}, StderrTail: keep}
			lines := 0
			if withLines {
				c.OnStderrLine = func(string) { lines++ }
			}
			res, err := c.Run(context.Background())
			var ne *nixproc.NixError
			if !errors.As(err, &ne) {
				t.Fatalf("%T %v", err, err)
			}
			if withLines && lines != 700001 {
				t.Errorf("the callback saw %d lines", lines)
			}
			if len(res.Stderr) > keep || len(ne.Stderr) > keep {
				t.Errorf("kept %d bytes (error %d), want at most %d", len(res.Stderr), len(ne.Stderr), keep)
			}
			if len(res.Stderr) < keep/2 {
				t.Errorf("kept only %d bytes", len(res.Stderr))
			}
			if !strings.HasPrefix(string(res.Stderr), "builder output line ") || !strings.HasSuffix(string(res.Stderr), "builder output line 700000\nerror: the end of it\n") {
				t.Errorf("not the whole-line end of stderr: %q … %q", res.Stderr[:40], res.Stderr[len(res.Stderr)-60:])
			}
			if ne.Message != "error: the end of it" {
				t.Errorf("message %q", ne.Message)
			}
		})
	}
}
