package build

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/nixplore/nixplore/nixeval/build/buildlog"
	"github.com/nixplore/nixplore/nixeval/diag"
	"github.com/nixplore/nixplore/nixeval/nixproc"
)

// Seeds for the Nix-output parsers: every captured sample from every Nix
// version (testdata/nixout), so fuzzing starts from real output.
func addNixoutSeeds(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("..", "..", "testdata", "nixout", "*", "*.txt"))
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(`@nix {"action":"start","id":1,"type":105,"fields":["/nix/store/x.drv","",1,1]}`))
	f.Add([]byte(`@nix {"action":"result","id":1,"type":105,"fields":[1,"x",null,-1]}`))
	f.Add([]byte("these 3 derivations will be built:\n  /nix/store/a-b.drv\nthese 2 paths will be fetched (1.50 MiB download, 7.25 MiB unpacked):\n"))
}

// The build-log state machine must take any line without panicking.
func FuzzBuildLog(f *testing.F) {
	addNixoutSeeds(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		p := buildlog.NewProgress()
		for _, line := range splitLines(b) {
			p.Feed(line)
		}
		p.Flush()
		_ = p.Plan()
	})
}

// The dry-run parser and error-block extraction take any text.
func FuzzNixOutputParsers(f *testing.F) {
	addNixoutSeeds(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		_ = buildlog.ParsePlan(b)
		_ = parseOutPaths(b)
		_, _ = parseBuildJSON(b)
		_ = parseSettings(string(b))
		_ = diag.Classify(nixproc.NewNixError("nix", 1, b))
		_ = buildlog.NewProgress().Feed(b) // parseLogLine is buildlog's own
		_ = diagnose(failureInput{errors: []string{string(b)}, allLog: string(b), lastLog: string(b),
			logs: func(string, int) []string { return splitStrings(b) }},
			func(string) *PlatformCheck { return &PlatformCheck{} })
	})
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
