package build

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/nixproc"
)

// Seeds for the Nix-output parsers: every captured sample from every Nix
// version (testdata/nixout), so fuzzing starts from real output. The
// samples are checked in: none found is a broken checkout, not a reason
// to fuzz from nothing.
func addNixoutSeeds(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("..", "..", "testdata", "nixout", "*", "*.txt"))
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

// haystack is everything a parser may legitimately answer with: each
// line as printed and without escape sequences, and for `@nix` lines
// every string of their JSON, decoded, with and without them. A parsed
// answer that is not in it was made up.
func haystack(b []byte) string {
	var hay strings.Builder
	for _, l := range splitLines(b) {
		hay.WriteString(string(l) + "\n" + nixproc.StripANSI(string(l)) + "\n")
		rest, ok := bytes.CutPrefix(bytes.TrimRight(l, "\r\n"), nixLogPrefix)
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

// found fails t when a parsed value (trimmed) is not in hay.
func found(t *testing.T, hay, what, s string) {
	t.Helper()
	if s = strings.TrimSpace(s); s != "" && !strings.Contains(hay, s) {
		t.Fatalf("%s %q is not in the input", what, s)
	}
}

// The build-log state machine takes any line without panicking; every
// derivation, path, line, phase and message it reports is in the input;
// every `@nix` line it cannot read is counted, not dropped in silence.
func FuzzBuildLog(f *testing.F) {
	addNixoutSeeds(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		hay := haystack(b)
		p := NewProgress()
		var evs []Event
		bad := 0
		for _, line := range splitLines(b) {
			if _, _, err := parseLogLine(line); err != nil {
				bad++
			}
			evs = append(evs, p.Feed(line)...)
		}
		evs = append(evs, p.Flush()...)
		if p.BadLines != bad {
			t.Fatalf("%d unreadable @nix lines counted, %d in the input", p.BadLines, bad)
		}
		for _, ev := range evs {
			for what, s := range map[string]string{"drv": ev.Drv, "machine": ev.Machine, "phase": ev.Phase, "line": ev.Line, "path": ev.Path, "text": ev.Text} {
				found(t, hay, ev.Kind.String()+" "+what, s)
			}
		}
		planFound(t, hay, p.Plan())
	})
}

func planFound(t *testing.T, hay string, pl Plan) {
	t.Helper()
	for _, list := range [][]string{pl.Build, pl.Fetch, pl.Unknown} {
		for _, s := range list {
			found(t, hay, "planned path", s)
		}
	}
	if pl.DownloadSize < 0 || pl.UnpackedSize < 0 {
		t.Fatalf("negative sizes in %+v", pl)
	}
}

// The dry-run, out-path, settings and log-line parsers take any text:
// what they answer is in it, and settings that are not Nix's settings are
// refused with UnrecognisedError, never read as none.
func FuzzNixOutputParsers(f *testing.F) {
	addNixoutSeeds(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		hay := haystack(b)
		planFound(t, hay, *parsePlan(b))
		for _, o := range parseOutPaths(b) {
			found(t, hay, "out path", o.Path)
		}
		if outs, err := parseBuildJSON(b); err == nil {
			for _, o := range outs {
				found(t, hay, "output name", o.Name)
				found(t, hay, "output path", o.Path)
			}
		}
		settingsRecognisedOrRefused(t, hay, b)
		for k, v := range parseSettings(string(b)) {
			found(t, hay, "setting", k)
			found(t, hay, "setting value", v)
		}
		_ = nixeval.Classify(nixproc.NewNixError("nix", 1, b))
		for _, line := range splitLines(b) {
			_, ok, err := parseLogLine(line)
			if ok != bytes.HasPrefix(bytes.TrimRight(line, "\r\n"), nixLogPrefix) {
				t.Fatalf("parseLogLine(%q): ok %v", line, ok)
			}
			if ok && err == nil && !json.Valid(bytes.TrimPrefix(bytes.TrimRight(line, "\r\n"), nixLogPrefix)) {
				t.Fatalf("parseLogLine(%q) read invalid JSON", line)
			}
		}
		_ = diagnose(failureInput{errors: []string{string(b)}, allLog: string(b), lastLog: string(b),
			logs: func(string, int) []string { return splitStrings(b) }},
			func(string) *PlatformCheck { return &PlatformCheck{} })
	})
}

// settingsRecognisedOrRefused: parseSettingsJSON either reads settings
// holding `system`, each value from the input, or refuses with the typed
// error quoting the input.
func settingsRecognisedOrRefused(t *testing.T, hay string, b []byte) {
	t.Helper()
	s, err := parseSettingsJSON(b)
	if err != nil {
		var ue *UnrecognisedError
		if !errors.As(err, &ue) {
			t.Fatalf("settings refused with %T %v, not UnrecognisedError", err, err)
		}
		if !strings.HasPrefix(string(b), strings.TrimSuffix(ue.Text, "…")) {
			t.Fatalf("the refusal quotes %q, not the input", ue.Text)
		}
		return
	}
	if s["system"] == "" {
		t.Fatalf("settings without a system read as %v", s)
	}
	found(t, hay, "system", s["system"])
}

func splitLines(b []byte) [][]byte {
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

func splitStrings(b []byte) []string {
	var out []string
	for _, l := range splitLines(b) {
		out = append(out, string(l))
	}
	return out
}
