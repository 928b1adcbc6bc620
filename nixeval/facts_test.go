package nixeval_test

import (
	"errors"
	"reflect"
	"testing"

	"github.com/nixplore/nixplore/internal/testnix"
	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/diag"
)

// A fact that throws is just absent: on aarch64 the sd-card variant
// throws (there is no sd-image-arm64.nix, as upstream), yet its facts
// answer with what can be read, and a Describe of a working variant
// carries the same facts as Facts.
func TestFactsReadWhatTheConfigurationSays(t *testing.T) {
	testnix.Setup(t)
	ev := cachedEvaluator(t, testnix.Classic(t, "pi", "aarch64-linux"), t.TempDir())
	throwing, err := ev.Facts(ctx(t), outputPath("images").Child("sd-card"))
	if err != nil {
		t.Fatalf("facts of a throwing variant: %v", err)
	}
	if len(throwing) != 1 || throwing.Release() != "25.05" {
		t.Errorf("facts of a throwing variant: %v, want the release alone", throwing)
	}

	sd, err := ev.Describe(ctx(t), outputPath("sdImage"))
	if err != nil {
		t.Fatal(err)
	}
	want := nixeval.Facts{
		{Name: "system.nixos.release", Value: "25.05"},
		{Name: "outputs", Value: []string{"out"}},
		{Name: "filePath", Value: "sd-image/nixos-sd-image-25.05.20250101.0000000-aarch64-linux.img"},
		{Name: "sdImage.compressImage", Value: false},
	}
	if !reflect.DeepEqual(sd.Facts, want) {
		t.Errorf("sdImage facts:\n got %#v\nwant %#v", sd.Facts, want)
	}
	alone, err := ev.Facts(ctx(t), outputPath("sdImage"))
	if err != nil || !reflect.DeepEqual(alone, sd.Facts) {
		t.Errorf("Facts %v (%v), Describe's %v", alone, err, sd.Facts)
	}
	// From the disk cache the facts, and so the qualified doc, are the same.
	cached, ok := ev.PeekDescribe(outputPath("sdImage"))
	if !ok || !reflect.DeepEqual(cached.Facts, sd.Facts) || cached.Doc == nil || cached.Doc.Result != sd.Doc.Result {
		t.Errorf("cached description: ok %v, facts %v, doc %+v", ok, cached.Facts, cached.Doc)
	}

	var missing *diag.MissingAttrError
	if _, err := ev.Facts(ctx(t), outputPath("noSuchOutput")); !errors.As(err, &missing) {
		t.Errorf("facts of a missing attribute: %v", err)
	}
}
