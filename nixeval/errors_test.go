package nixeval

import (
	"strings"
	"testing"

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
			got := hideWrapperLocations(nixproc.LastErrorBlock(tt.in))
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
