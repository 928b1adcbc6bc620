package nixproc_test

import (
	"testing"

	"github.com/nixplore/nixplore/nixeval/diag"
	"github.com/nixplore/nixplore/nixeval/nixproc"
)

// FuzzLastErrorBlock: any text Nix could print gives an error block, and
// classifying it never panics.
func FuzzLastErrorBlock(f *testing.F) {
	f.Add("error: attribute 'x' missing\n\n       at «string»:1:1:\n")
	f.Add("\x1b[31;1merror:\x1b[0m\n       … while evaluating\n       error: boom")
	f.Fuzz(func(t *testing.T, s string) {
		msg := nixproc.LastErrorBlock(s)
		_ = diag.Classify(&nixproc.NixError{Message: msg})
	})
}
