package nixeval

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/nixplore/nixplore/internal/testsys"
)

func TestUnquoteNix(t *testing.T) {
	tests := []struct{ in, want string }{
		{`""`, ""},
		{`"plain"`, "plain"},
		{`"a\"b"`, `a"b`},
		{`"back\\slash"`, `back\slash`},
		{`"new\nline\ttab\rcr"`, "new\nline\ttab\rcr"},
		{`"\${x}"`, "${x}"},
		{`"{\"name\":\"a\\\"b\"}"`, `{"name":"a\"b"}`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := unquoteNix(tt.in)
			if err != nil || string(got) != tt.want {
				t.Fatalf("unquoteNix(%s) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
	for _, bad := range []string{``, `"`, `abc`, `"ends\"`} {
		if _, err := unquoteNix(bad); err == nil {
			t.Errorf("unquoteNix(%s) gave no error", bad)
		}
	}
}

func TestASCIIJSON(t *testing.T) {
	in := []string{"plain", "new⏎line", "emoji 😀", "\x1b[31mred", "bad\xffname", `quote"back\`}
	b, _ := json.Marshal(in)
	s := asciiJSON(b)
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] >= 0x7f {
			t.Fatalf("byte %#x at %d is not printable ASCII: %s", s[i], i, s)
		}
	}
	var back []string
	if err := json.Unmarshal([]byte(s), &back); err != nil {
		t.Fatal(err)
	}
	var want []string
	_ = json.Unmarshal(b, &want)
	if strings.Join(back, "|") != strings.Join(want, "|") {
		t.Fatalf("round trip: %q, want %q", back, want)
	}
}

func TestFrameNeverEchoesItsMarks(t *testing.T) {
	f := frame{token: newToken(), seq: 7}
	line, err := f.requestLine(Request{Op: "list", Paths: []AttrPath{{"config", "a\"b", "${x}", "new\nline"}}})
	if err != nil {
		t.Fatal(err)
	}
	in := f.input(line)
	for _, k := range []string{"b", "e", "a"} {
		if strings.Contains(in, f.mark(k)) {
			t.Errorf("input contains mark %q: %s", f.mark(k), in)
		}
	}
	if strings.Count(in, "\n") != 3 {
		t.Errorf("input is not three lines: %q", in)
	}
}

func TestCleanReplLine(t *testing.T) {
	tests := []struct {
		in, want string
		echo     bool
	}{
		{"nix-repl> 1 + 1", "1 + 1", true},
		{"nix-repl> nix-repl> x", "x", true},
		{"\x1b[35;1m\"s\"\x1b[0m", `"s"`, false},
		{"error: boom\r", "error: boom", false},
	}
	for _, tt := range tests {
		if got, echo := cleanReplLine(tt.in); got != tt.want || echo != tt.echo {
			t.Errorf("cleanReplLine(%q) = %q, %v; want %q, %v", tt.in, got, echo, tt.want, tt.echo)
		}
	}
}

func TestEvaluatedFile(t *testing.T) {
	tests := []struct {
		in   string
		want string
		ok   bool
	}{
		{"evaluating file '/etc/nixos/configuration.nix'", "/etc/nixos/configuration.nix", true},
		{"evaluating file '/a/it's.nix'", "/a/it's.nix", true},
		{"evaluating file '<nix/derivation-internal.nix>'", "", false},
		{"trace: evaluating file '/x.nix'", "", false},
		{"evaluating file '/x.nix", "", false},
	}
	for _, tt := range tests {
		got, ok := evaluatedFile(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("evaluatedFile(%q) = %q, %v", tt.in, got, ok)
		}
	}
}

// TestParseReplAnswerCaptured reads the errors in the repl sessions captured
// from every Nix version as parseReplAnswer would receive them.
func TestParseReplAnswerCaptured(t *testing.T) {
	_, file, _, _ := runtime.Caller(0)
	for _, v := range []string{"2.8", "2.26", "2.34"} {
		t.Run(v, func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join(filepath.Dir(file), "..", "testdata", "nixout", v, "repl-session.txt"))
			if err != nil {
				testsys.Missing(t, "captured repl output missing: %v", err)
			}
			blocks := map[string][]string{}
			cur := ""
			for _, l := range strings.Split(string(raw), "\n") {
				if strings.HasPrefix(l, "nix-repl> ") {
					cur = strings.TrimPrefix(l, "nix-repl> ")
					continue
				}
				l, _ = cleanReplLine(l)
				blocks[cur] = append(blocks[cur], l)
			}
			_, err = parseReplAnswer(blocks["x.config.system.build.throws"], "tok-a1", "nix repl")
			var ne *NixError
			if !errors.As(err, &ne) || Classify(ne).Kind != ErrThrow || Classify(ne).Summary != "boom" {
				t.Errorf("throws: %v", err)
			}
			_, err = parseReplAnswer(blocks["x.config.system.build.missingAttr"], "tok-a1", "nix repl")
			if !errors.As(err, &ne) || Classify(ne).Kind != ErrMissingAttr || !strings.Contains(Classify(ne).Location, "configs/kinds/configuration.nix:23:19") {
				t.Errorf("missingAttr: %v (%+v)", err, Classify(ne))
			}
		})
	}
	got, err := parseReplAnswer([]string{"evaluating file '/x.nix'", "trace: \"tok-a1", `"tok-a1{\"a\":\"b\\\"c\"}"`, ""}, "tok-a1", "nix repl")
	if err != nil || string(got) != `{"a":"b\"c"}` {
		t.Fatalf("answer: %s, %v", got, err)
	}
}

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
			got := hideWrapperLocations(LastErrorBlock(tt.in))
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
