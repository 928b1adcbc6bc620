package build_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nixplore/nixplore/internal/testnix"
	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/build"
)

// TestDryRunOfAFutureNix: a Nix that words its dry run differently (here
// the real nix-build's stderr, reworded on its way) gives a plan nixplore
// cannot read. With the output not in the store, an empty plan is a
// contradiction: DryRun says so, quoting Nix's text and `nix --version`,
// instead of "nothing to build or fetch".
func TestDryRunOfAFutureNix(t *testing.T) {
	testnix.Setup(t)
	salt(t)
	real, err := exec.LookPath("nix-build")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	script := "#!/bin/sh\n'" + real + "' \"$@\" 2>&1 >/dev/null | sed -e 's/will be built/are going to be made/' -e 's/will be fetched/are going to be downloaded/' >&2\n"
	testnix.WriteFile(t, filepath.Join(dir, "nix-build"), script, 0o755)
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))

	tg := testnix.Classic(t, "buildfail", "")
	path := buildPath(t, "config.system.build.chain")
	d, err := nixeval.New(tg, nixeval.Tools{}).Describe(context.Background(), path)
	if err != nil || len(d.Outputs) == 0 || d.Outputs[0].Built {
		t.Fatalf("describe: %+v %v", d, err)
	}
	_, err = build.DryRun(context.Background(), nixeval.Tools{}, tg, path, d.Outputs[0].Path)
	var ue *build.UnrecognisedError
	if !errors.As(err, &ue) {
		t.Fatalf("a reworded dry run read as %v", err)
	}
	if !strings.Contains(ue.Text, "are going to be made") || !strings.HasPrefix(ue.Version, "nix") || !strings.Contains(err.Error(), "is not in the store") {
		t.Errorf("the error does not quote Nix: %v", err)
	}
	// Without the outputs nothing contradicts the empty plan (the old
	// behaviour, which this test shows is a silent wrong answer).
	if p, err := build.DryRun(context.Background(), nixeval.Tools{}, tg, path); err != nil || !p.Empty() {
		t.Errorf("without outputs: %+v %v", p, err)
	}
}

// TestSettingsOfAFutureNix: settings output that is not the settings
// (no `system`) is refused, not read as no settings.
func TestSettingsOfAFutureNix(t *testing.T) {
	testnix.Setup(t)
	dir := t.TempDir()
	testnix.WriteFile(t, filepath.Join(dir, "nix"), "#!/bin/sh\necho '{\"settings\":{\"system\":{\"value\":\"x86_64-linux\"}}}'\n", 0o755)
	pc := build.CheckPlatform(context.Background(), nixeval.Tools{Dir: dir}, "x86_64-linux")
	var ue *build.UnrecognisedError
	if !errors.As(pc.Err, &ue) || !strings.Contains(ue.Text, `"settings"`) {
		t.Errorf("reworded settings read as %+v (err %v)", pc, pc.Err)
	}
}
