package nixeval

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nixplore/nixplore/nixeval/diag"
	"github.com/nixplore/nixplore/nixeval/nixproc"
)

// TestHideWrapperLocations: a location in nixplore's own expression (its
// temporary file in the repl, its -E text, the request line) is dropped
// with its excerpt; the user's files and --arg text keep theirs.
func TestHideWrapperLocations(t *testing.T) {
	wrapperLine := strings.Split(wrapperExpr, "\n")[22] // line 23
	tests := []struct {
		name, in string
		keep     []string
		drop     []string
	}{
		{"repl temporary file (2.8)",
			"error: file 'nixpkgs/nixos' was not found in the Nix search path (add it using $NIX_PATH or -I)\n\n       at /tmp/nixplore-2006701840.nix:23:10:\n\n           22|     if x\n           23|" + wrapperLine + "\n             |          ^\n",
			[]string{"was not found in the Nix search path"}, []string{"nixplore-2006701840", "23|"}},
		{"-E text (2.26)",
			"error:\n       … while calling the 'findFile' builtin\n       error: file 'nixpkgs/nixos' was not found in the Nix search path (add it using $NIX_PATH or -I)\n       at «string»:23:10:\n           22|     if x\n           23|" + wrapperLine + "\n             |          ^\n           24|     else /. + file;\n",
			[]string{"was not found"}, []string{"«string»", "findFile builtins"}},
		{"the request line",
			"error: attribute 'x' missing\n\n       at «string»:1:47:\n\n            1| \"tok-\" + \"a5\" + builtins.toJSON (run (builtins.fromJSON \"{}\"))\n             |                                               ^\n",
			[]string{"attribute 'x' missing"}, []string{"«string»", "fromJSON"}},
		{"the user's file",
			"error: syntax error, unexpected end of file\n\n       at /home/me/configuration.nix:4:46:\n\n            3|   networking.hostName = \"x\";\n            4|   imports = [ ./hw.nix ];\n             |                          ^\n",
			[]string{"at /home/me/configuration.nix:4:46:", "imports = [ ./hw.nix ];"}, nil},
		{"the user's --arg",
			"error: syntax error, unexpected end of file\n\n       at «string»:1:4:\n\n            1| (((\n             |    ^\n",
			[]string{"at «string»:1:4:", "1| ((("}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := diag.HideWrapperLocations(nixproc.LastErrorBlock(tt.in), wrapperExpr)
			for _, k := range tt.keep {
				if !strings.Contains(got, k) {
					t.Errorf("lost %q:\n%s", k, got)
				}
			}
			for _, d := range tt.drop {
				if strings.Contains(got, d) {
					t.Errorf("kept %q:\n%s", d, got)
				}
			}
		})
	}
}

// stderrCapture is a captured command's stderr as Nix printed it, without
// the command line and the [exit N] line the capture script adds.
func stderrCapture(t *testing.T, version, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", "nixout", version, name+".txt"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, l := range strings.Split(strings.TrimRight(string(b), "\n"), "\n") {
		if !strings.HasPrefix(l, "$ ") && !strings.HasPrefix(l, "[exit ") {
			out = append(out, l)
		}
	}
	return []byte(strings.Join(out, "\n"))
}

// TestClassifyCaptured classifies the evaluation errors captured from every
// Nix version (testdata/nixout/<version>).
func TestClassifyCaptured(t *testing.T) {
	tests := []struct {
		capture string
		kind    diag.ErrKind
		summary string // a part of the summary
	}{
		{"eval-missingAttr", diag.ErrMissingAttr, "attribute 'does' missing"},
		{"eval-infinite", diag.ErrInfiniteRecursion, "infinite recursion"},
		{"eval-typeError", diag.ErrType, "type error: cannot add a string to an integer"},
		{"eval-throws", diag.ErrThrow, "boom"},
		{"eval-abortChild", diag.ErrThrow, "aborted on purpose"},
		{"syntax-error", diag.ErrSyntax, "unexpected '='"},
		{"assertion", diag.ErrAssertion, "failed assertions"},
	}
	for _, v := range []string{"2.8", "2.26", "2.34"} {
		for _, tc := range tests {
			t.Run(v+"/"+tc.capture, func(t *testing.T) {
				e := diag.Classify(nixproc.NewNixError("nix-instantiate", 1, stderrCapture(t, v, tc.capture)))
				if e.Kind != tc.kind || !strings.Contains(e.Summary, tc.summary) {
					t.Errorf("got %v %q, want %v with %q", e.Kind, e.Summary, tc.kind, tc.summary)
				}
			})
		}
	}
}

// TestClassifyTypeErrors: the same type errors in the words of each Nix
// version (printed by `nix-instantiate --eval -E` on 2.8, 2.26 and 2.34;
// 2.26 and 2.34 print the same), and messages that only look similar.
func TestClassifyTypeErrors(t *testing.T) {
	tests := []struct {
		name, stderr string
		kind         diag.ErrKind
	}{
		{"2.8 select on a string", "error: value is a string while a set was expected\n\n       at «string»:1:17:\n\n            1| let s = \"x\"; in s.a\n             |                 ^\n", diag.ErrType},
		{"2.8 null", "error: value is null while a set was expected\n", diag.ErrType},
		{"2.8 builtin", "error: value is the built-in function 'map' while a set was expected\n", diag.ErrType},
		{"2.8 condition", "error: value is an integer while a Boolean was expected\n", diag.ErrType},
		{"2.34 select on a string", "error:\n       … while selecting an attribute\n         at «string»:1:17:\n            1| let s = \"x\"; in s.a\n             |                 ^\n\n       error: expected a set but found a string: \"x\"\n", diag.ErrType},
		{"2.34 builtin argument", "error:\n       … while calling the 'length' builtin\n         at «string»:1:1:\n            1| builtins.length 3\n             | ^\n\n       … while evaluating the first argument passed to builtins.length\n\n       error: expected a list but found an integer: 3\n", diag.ErrType},
		{"2.34 null", "error:\n       error: expected a set but found null: null\n", diag.ErrType},
		{"2.34 builtin", "error:\n       error: expected a set but found the built-in function 'map': «primop map»\n", diag.ErrType},
		{"coerce", "error:\n       error: cannot coerce a set to a string: { }\n", diag.ErrType},
		{"not a function", "error: attempt to call something which is not a function but an integer: 1\n       at «string»:1:1:\n", diag.ErrType},
		{"a throw that says expected", "error: expected value but found nothing\n", diag.ErrThrow},
		{"a throw about a set", "error: the set was expected to hold foo\n", diag.ErrThrow},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := diag.Classify(nixproc.NewNixError("nix-instantiate", 1, []byte(tc.stderr)))
			if e.Kind != tc.kind {
				t.Errorf("kind %v (%q), want %v", e.Kind, e.Summary, tc.kind)
			}
			if tc.kind == diag.ErrType && !strings.HasPrefix(e.Summary, "type error: ") {
				t.Errorf("summary %q", e.Summary)
			}
		})
	}
}

// TestClassifyPlatform: a derivation for another system, in the old
// sentence and in 2.34's "Cannot build" with its reason.
func TestClassifyPlatform(t *testing.T) {
	for v, stderr := range map[string]string{
		"2.26": "error: a 'aarch64-linux' with features {} is required to build '/nix/store/vp8qbk7ziggf1klcdfxyviyq3x4iwvjz-etc.drv', but I am a 'x86_64-linux' with features {benchmark, big-parallel, kvm, nixos-test, uid-range}\n",
		"2.34": "error: Cannot build '/nix/store/vp8qbk7ziggf1klcdfxyviyq3x4iwvjz-etc.drv'.\n       Reason: platform mismatch\n       Required system: 'aarch64-linux'\n       Current system: 'x86_64-linux'\n",
	} {
		e := diag.Classify(nixproc.NewNixError("nix-build", 1, []byte(stderr)))
		if e.Kind != diag.ErrPlatform || e.Summary != "this machine (x86_64-linux) cannot build for aarch64-linux" {
			t.Errorf("%s: %v %q", v, e.Kind, e.Summary)
		}
	}
}

// TestErrorTextSaysItOnce: a node's message (ErrorText) of a syntax error,
// captured from every Nix version, holds the explanation and its location
// once, then Nix's code excerpt, whose caret line is kept as Nix wrote it.
func TestErrorTextSaysItOnce(t *testing.T) {
	for _, v := range []string{"2.8", "2.26", "2.34"} {
		t.Run(v, func(t *testing.T) {
			e := diag.Classify(nixproc.NewNixError("nix-instantiate", 1, stderrCapture(t, v, "syntax-error")))
			got := ErrorText(e)
			if n := strings.Count(got, "unexpected '='"); n != 1 {
				t.Errorf("%q said %d times:\n%s", "unexpected '='", n, got)
			}
			if n := strings.Count(got, e.Location); e.Location == "" || n != 1 {
				t.Errorf("location %q said %d times:\n%s", e.Location, n, got)
			}
			if !strings.Contains(got, "= broken;") || !strings.Contains(got, "|   ^") {
				t.Errorf("the code excerpt is lost:\n%s", got)
			}
		})
	}
}
