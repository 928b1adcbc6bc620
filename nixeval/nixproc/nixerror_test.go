package nixproc_test

import (
	"strings"
	"testing"

	"github.com/nixplore/nixplore/nixeval/diag"
	"github.com/nixplore/nixplore/nixeval/nixproc"
)

// FuzzLastErrorBlock: on any text, the error block found is Nix's own
// words (each of its lines is in the text, once escape sequences are
// stripped), no block is found where no line starts with `error:`, and
// then the message says it was not recognised instead of being empty:
// recognise or refuse. Classifying the message never panics.
func FuzzLastErrorBlock(f *testing.F) {
	f.Add("error: attribute 'x' missing\n\n       at «string»:1:1:\n")
	f.Add("\x1b[31;1merror:\x1b[0m\n       … while evaluating\n       error: boom")
	f.Add("warning: Git tree is dirty\nsomething Nix has not said before\n")
	f.Add("\x1b]8;;file:///etc/nixos/configuration.nix\x07error:\x1b]8;;\x07 boom\n")
	f.Fuzz(func(t *testing.T, s string) {
		plain := nixproc.StripANSI(s)
		block, ok := nixproc.ErrorBlock(s)
		if ok {
			for _, l := range strings.Split(block, "\n") {
				if l = strings.TrimSpace(l); !strings.Contains(plain, l) {
					t.Fatalf("error block line %q is not in the text %q", l, plain)
				}
			}
		} else {
			for _, l := range strings.Split(plain, "\n") {
				if nixproc.IsErrorLine(l) {
					t.Fatalf("no block found, yet %q starts one", l)
				}
			}
		}
		msg := nixproc.LastErrorBlock(s)
		switch {
		case ok && msg != block:
			t.Fatalf("LastErrorBlock %q differs from ErrorBlock %q", msg, block)
		case !ok && strings.TrimSpace(plain) != "" && !strings.HasPrefix(msg, nixproc.Unrecognised):
			t.Fatalf("unrecognised text %q read as %q", plain, msg)
		case !ok && strings.TrimSpace(plain) == "" && msg != "":
			t.Fatalf("text with nothing in it read as %q", msg)
		}
		_ = diag.Classify(&nixproc.NixError{Message: msg})
	})
}

// StripANSI removes every kind of escape sequence Nix and the tools it
// runs print, not only colours, and keeps the text's layout.
func TestStripANSI(t *testing.T) {
	for _, c := range []struct{ name, in, want string }{
		{"colour", "\x1b[31;1merror:\x1b[0m boom", "error: boom"},
		{"cursor", "\x1b[2K\x1b[1Gbuilding", "building"},
		{"hyperlink", "\x1b]8;;file:///etc/nixos/configuration.nix\x07configuration.nix\x1b]8;;\x07", "configuration.nix"},
		{"hyperlink ended by ST", "\x1b]8;;file:///x\x1b\\x\x1b]8;;\x1b\\", "x"},
		{"title", "\x1b]0;nix build\x07done", "done"},
		{"layout kept", "a\tb\r\nc\n", "a\tb\r\nc\n"},
		{"plain", "«string»:1:1", "«string»:1:1"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := nixproc.StripANSI(c.in); got != c.want {
				t.Errorf("StripANSI(%q) = %q, want %q", c.in, got, c.want)
			}
		})
	}
}
