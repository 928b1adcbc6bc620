package warm

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/nixeval/diag"
	"github.com/nixplore/nixplore/nixeval/nixproc"
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
	line, err := f.requestLine(nixeval.Request{Op: "list", Paths: []attr.Path{{"config", "a\"b", "${x}", "new\nline"}}})
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
			raw, err := os.ReadFile(filepath.Join(filepath.Dir(file), "..", "..", "testdata", "nixout", v, "repl-session.txt"))
			if err != nil {
				// Checked in: missing is a broken checkout, not a machine
				// without something, so it fails rather than skips.
				t.Fatalf("captured repl output: %v", err)
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
			var ne *nixproc.NixError
			if !errors.As(err, &ne) || diag.Classify(ne).Kind != diag.ErrThrow || diag.Classify(ne).Summary != "boom" {
				t.Errorf("throws: %v", err)
			}
			_, err = parseReplAnswer(blocks["x.config.system.build.missingAttr"], "tok-a1", "nix repl")
			if !errors.As(err, &ne) || diag.Classify(ne).Kind != diag.ErrMissingAttr || !strings.Contains(diag.Classify(ne).Location, "configs/kinds/configuration.nix:23:19") {
				t.Errorf("missingAttr: %v (%+v)", err, diag.Classify(ne))
			}
		})
	}
	got, err := parseReplAnswer([]string{"evaluating file '/x.nix'", "trace: \"tok-a1", `"tok-a1{\"a\":\"b\\\"c\"}"`, ""}, "tok-a1", "nix repl")
	if err != nil || string(got) != `{"a":"b\"c"}` {
		t.Fatalf("answer: %s, %v", got, err)
	}
}

// replBlocks splits a captured repl session into what each input printed,
// as the session reads it; prompt matches the session's prompt.
func replBlocks(t *testing.T, version string, prompt *regexp.Regexp) map[string][]string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	raw, err := os.ReadFile(filepath.Join(filepath.Dir(file), "..", "..", "testdata", "nixout", version, "repl-session.txt"))
	if err != nil {
		t.Fatal(err)
	}
	blocks := map[string][]string{}
	cur := ""
	for _, l := range strings.Split(string(raw), "\n") {
		if loc := prompt.FindStringIndex(l); loc != nil {
			cur = l[loc[1]:]
			continue
		}
		l, _ = cleanReplLine(l)
		blocks[cur] = append(blocks[cur], l)
	}
	return blocks
}

// Recognise or refuse: the repl's answer to `:l` is recognised on every
// captured Nix version, and a "future Nix" that words it differently is
// refused with what it printed (the session then answers one-shot and
// says why), never taken for a loaded expression.
func TestLoadReplyFutureNix(t *testing.T) {
	const load = ":l testdata/configs/kinds/inc.nix"
	for _, v := range []string{"2.8", "2.26", "2.34"} {
		if err := loadReply(replBlocks(t, v, regexp.MustCompile(`^nix-repl> `))[load], "nix repl"); err != nil {
			t.Errorf("%s: %v", v, err)
		}
	}
	block := replBlocks(t, "future", regexp.MustCompile(`^nix-repl\[2\.40\]> `))[load]
	if len(block) == 0 {
		t.Fatal("the future sample has no :l")
	}
	err := loadReply(block, "nix repl")
	if err == nil || !strings.Contains(err.Error(), "did not recognise") || !strings.Contains(err.Error(), "Loaded 1 binding into scope.") {
		t.Errorf("future Nix's :l: %v", err)
	}
}
