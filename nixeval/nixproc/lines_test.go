package nixproc_test

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/nixplore/nixplore/nixeval/nixproc"
)

// A line longer than the limit is cut with a note, and the lines after it
// are still read: bufio.Scanner stopped at such a line, and Nix's final
// error after it was lost.
func TestReadLinesLongLine(t *testing.T) {
	in := strings.Repeat("a", 200) + "\nerror: after it\nlast without newline"
	var got []string
	if err := nixproc.ReadLines(strings.NewReader(in), 50, func(l string) { got = append(got, l) }); err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || !strings.HasPrefix(got[0], strings.Repeat("a", 50)+" … (") || got[1] != "error: after it" || got[2] != "last without newline" {
		t.Fatalf("%q", got)
	}
}

// A reader that fails is reported, not taken for the end of the output.
func TestReadLinesError(t *testing.T) {
	boom := errors.New("boom")
	r := io.MultiReader(strings.NewReader("one\ntw"), iotestErr{boom})
	var got []string
	err := nixproc.ReadLines(r, 1<<20, func(l string) { got = append(got, l) })
	if !errors.Is(err, boom) || len(got) != 1 {
		t.Fatalf("%v %q", err, got)
	}
}

type iotestErr struct{ err error }

func (e iotestErr) Read([]byte) (int, error) { return 0, e.err }

// A process printing a stderr line of 70 MB (past MaxStderrLine) and then
// its error: the error reaches NixError whole, with a line callback (as
// builds and one-shot evaluations use).
func TestCommandErrorAfterHugeLine(t *testing.T) {
	script := `head -c 70000000 /dev/zero | tr '\0' a >&2; echo >&2; echo 'error: after the long line' >&2; exit 1`
	lines := 0
	c := &nixproc.Command{Path: "sh", Args: []string{"-c", script}, OnStderrLine: func(string) { lines++ }}
	_, err := c.Run(context.Background())
	var ne *nixproc.NixError
	if !errors.As(err, &ne) || ne.Message != "error: after the long line" || lines != 2 {
		t.Fatalf("%d lines, %v", lines, err)
	}
	if len(ne.Stderr) > nixproc.DefaultStderrTail+1024 {
		t.Errorf("kept %d bytes of stderr", len(ne.Stderr))
	}
}
