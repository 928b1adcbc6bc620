// Package fuzzdata holds what the fuzz targets of Nix's output parsers
// (nixeval/build, nixeval/build/buildlog) share: the captured output they
// start from, and the haystack a parsed answer must come from.
package fuzzdata

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nixplore/nixplore/internal/testnix"
	"github.com/nixplore/nixplore/nixeval/nixproc"
)

// logPrefix starts every line of Nix's --log-format internal-json.
var logPrefix = []byte("@nix ")

// AddSeeds seeds f with every captured sample from every Nix version
// (testdata/nixout), so fuzzing starts from real output, and a few lines
// of each shape the parsers read. The samples are checked in: none found
// is a broken checkout, not a reason to fuzz from nothing.
func AddSeeds(f *testing.F) {
	files, err := filepath.Glob(testnix.Testdata("nixout", "*", "*.txt"))
	if err != nil || len(files) == 0 {
		f.Fatalf("no captured Nix output under testdata/nixout (%v)", err)
	}
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`@nix {"action":"start","id":1,"type":105,"fields":["/nix/store/x.drv","",1,1]}`))
	f.Add([]byte(`@nix {"action":"result","id":1,"type":105,"fields":[1,"x",null,-1]}`))
	f.Add([]byte(`@nix {"action":"result","id":1,"type":101,"fields":["\u001b[1mbuilding \u0041"]}`))
	f.Add([]byte("these 3 derivations will be built:\n  /nix/store/a-b.drv\nthese 2 paths will be fetched (1.50 MiB download, 7.25 MiB unpacked):\n"))
	f.Add([]byte("@nix {\"action\":\"start\",\n@nix {\"action\":\"stop\",\"id\":1}"))
	f.Add([]byte(`{"system":{"value":"x86_64-linux"},"cores":{"value":4}}`))
	f.Add([]byte(`{"settings":{"system":{"value":"x86_64-linux"}}}`))
	f.Add([]byte(`{"cores":{"value":4}}`))
	f.Add([]byte(`[{"drvPath":"/nix/store/a.drv","outputs":{"out":"/nix/store/a"}}]`))
}

// Haystack is everything a parser may legitimately answer with: each
// line as printed and without escape sequences, and for `@nix` lines
// every string of their JSON, decoded, with and without them. A parsed
// answer that is not in it was made up.
func Haystack(b []byte) string {
	var hay strings.Builder
	for _, l := range SplitLines(b) {
		hay.WriteString(string(l) + "\n" + nixproc.StripANSI(string(l)) + "\n")
		rest, ok := bytes.CutPrefix(bytes.TrimRight(l, "\r\n"), logPrefix)
		if !ok {
			rest = l
		}
		var v any
		if json.Unmarshal(rest, &v) == nil {
			jsonStrings(v, func(s string) { hay.WriteString(s + "\n" + nixproc.StripANSI(s) + "\n") })
		}
	}
	var v any
	if json.Unmarshal(b, &v) == nil {
		jsonStrings(v, func(s string) { hay.WriteString(s + "\n") })
	}
	return hay.String()
}

func jsonStrings(v any, yield func(string)) {
	switch v := v.(type) {
	case string:
		yield(v)
	case []any:
		for _, e := range v {
			jsonStrings(e, yield)
		}
	case map[string]any:
		for k, e := range v {
			yield(k)
			jsonStrings(e, yield)
		}
	}
}

// Found fails t when a parsed value (trimmed) is not in hay.
func Found(t *testing.T, hay, what, s string) {
	t.Helper()
	if s = strings.TrimSpace(s); s != "" && !strings.Contains(hay, s) {
		t.Fatalf("%s %q is not in the input", what, s)
	}
}

// SplitLines splits b at newlines, keeping an unterminated last line.
func SplitLines(b []byte) [][]byte {
	var out [][]byte
	start := 0
	for i, c := range b {
		if c == '\n' {
			out = append(out, b[start:i])
			start = i + 1
		}
	}
	return append(out, b[start:])
}

// SplitStrings is SplitLines as strings.
func SplitStrings(b []byte) []string {
	var out []string
	for _, l := range SplitLines(b) {
		out = append(out, string(l))
	}
	return out
}
