package buildlog

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/nixplore/nixplore/internal/fuzzdata"
)

// The build-log state machine takes any line without panicking; every
// derivation, path, line, phase and message it reports is in the input;
// every `@nix` line it cannot read is counted, not dropped in silence.
func FuzzBuildLog(f *testing.F) {
	fuzzdata.AddSeeds(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		hay := fuzzdata.Haystack(b)
		p := NewProgress()
		var evs []Event
		bad := 0
		for _, line := range fuzzdata.SplitLines(b) {
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
				fuzzdata.Found(t, hay, ev.Kind.String()+" "+what, s)
			}
		}
		planFound(t, hay, p.Plan())
	})
}

func planFound(t *testing.T, hay string, pl Plan) {
	t.Helper()
	for _, list := range [][]string{pl.Build, pl.Fetch, pl.Unknown} {
		for _, s := range list {
			fuzzdata.Found(t, hay, "planned path", s)
		}
	}
	if pl.DownloadSize < 0 || pl.UnpackedSize < 0 {
		t.Fatalf("negative sizes in %+v", pl)
	}
}

// ParsePlan and the log-line reader take any text: a planned path is in
// it, and a line is an `@nix` line exactly when it starts so, its JSON
// read only when valid.
func FuzzPlanAndLogLines(f *testing.F) {
	fuzzdata.AddSeeds(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		hay := fuzzdata.Haystack(b)
		planFound(t, hay, *ParsePlan(b))
		for _, line := range fuzzdata.SplitLines(b) {
			_, ok, err := parseLogLine(line)
			if ok != bytes.HasPrefix(bytes.TrimRight(line, "\r\n"), nixLogPrefix) {
				t.Fatalf("parseLogLine(%q): ok %v", line, ok)
			}
			if ok && err == nil && !json.Valid(bytes.TrimPrefix(bytes.TrimRight(line, "\r\n"), nixLogPrefix)) {
				t.Fatalf("parseLogLine(%q) read invalid JSON", line)
			}
		}
	})
}
