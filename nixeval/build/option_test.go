package build_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/nixplore/nixplore/internal/testnix"
	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/build"
)

// TestOptionReachesPlatformCheck: --option extra-platforms reaches the Nix
// whose settings the platform check reads; the platform counts only where
// a binfmt registration lets this machine run its programs (Nix would
// otherwise fetch the inputs and fail at the first program), and then it
// is not refused.
func TestOptionReachesPlatformCheck(t *testing.T) {
	testnix.Setup(t)
	ctx := context.Background()
	tg := &nixeval.Target{Options: []nixeval.Option{{Name: "extra-platforms", Value: "mmix-mmixware"}}}
	if pc := build.CheckPlatformFor(ctx, nixeval.Tools{}, nil, "mmix-mmixware"); pc.CanBuild {
		t.Fatalf("this Nix builds mmix-mmixware by itself (extra-platforms %v): the test needs a platform it does not", pc.ExtraPlatforms)
	}
	binfmt := t.TempDir()
	saved := build.BinfmtDir
	build.BinfmtDir = binfmt
	t.Cleanup(func() { build.BinfmtDir = saved })

	pc := build.CheckPlatformFor(ctx, nixeval.Tools{}, tg, "mmix-mmixware")
	if pc.Err != nil || !slices.Contains(pc.ExtraPlatforms, "mmix-mmixware") {
		t.Fatalf("--option extra-platforms did not reach the check: %+v", pc)
	}
	if pc.CanBuild || !slices.Contains(pc.Caps.Unbacked, "mmix-mmixware") || !strings.Contains(pc.Explain(), "no binfmt registration") {
		t.Errorf("an extra platform nothing runs was counted: %+v\n%s", pc, pc.Explain())
	}
	testnix.WriteFile(t, filepath.Join(binfmt, "register"), "", 0o200)
	testnix.WriteFile(t, filepath.Join(binfmt, "mmix-mmixware"), "enabled\ninterpreter /run/binfmt/mmix\n", 0o644)
	if pc = build.CheckPlatformFor(ctx, nixeval.Tools{}, tg, "mmix-mmixware"); !pc.CanBuild || !pc.Local {
		t.Errorf("with a binfmt registration: %+v", pc)
	}
	// A registration alone, without extra-platforms, is not used by Nix.
	if pc = build.CheckPlatformFor(ctx, nixeval.Tools{}, nil, "mmix-mmixware"); pc.CanBuild {
		t.Errorf("binfmt without extra-platforms counted: %+v", pc)
	}
	_ = os.Remove(filepath.Join(binfmt, "register"))
}
