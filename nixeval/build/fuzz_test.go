package build

import (
	"errors"
	"strings"
	"testing"

	"github.com/nixplore/nixplore/internal/fuzzdata"
	"github.com/nixplore/nixplore/nixeval/diag"
	"github.com/nixplore/nixplore/nixeval/nixproc"
)

// The out-path, settings and failure parsers take any text:
// what they answer is in it, and settings that are not Nix's settings are
// refused with UnrecognisedError, never read as none.
func FuzzNixOutputParsers(f *testing.F) {
	fuzzdata.AddSeeds(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		hay := fuzzdata.Haystack(b)
		for _, o := range parseOutPaths(b) {
			fuzzdata.Found(t, hay, "out path", o.Path)
		}
		if outs, err := parseBuildJSON(b); err == nil {
			for _, o := range outs {
				fuzzdata.Found(t, hay, "output name", o.Name)
				fuzzdata.Found(t, hay, "output path", o.Path)
			}
		}
		settingsRecognisedOrRefused(t, hay, b)
		for k, v := range parseSettings(string(b)) {
			fuzzdata.Found(t, hay, "setting", k)
			fuzzdata.Found(t, hay, "setting value", v)
		}
		_ = diag.Classify(nixproc.NewNixError("nix", 1, b))
		_ = diagnose(failureInput{errors: []string{string(b)}, allLog: string(b), lastLog: string(b),
			logs: func(string, int) []string { return fuzzdata.SplitStrings(b) }},
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
	fuzzdata.Found(t, hay, "system", s["system"])
}
