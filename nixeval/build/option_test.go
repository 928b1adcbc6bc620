package build_test

import (
	"context"
	"testing"

	"github.com/nixplore/nixplore/internal/testnix"
	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/build"
)

// TestOptionReachesPlatformCheck: --option extra-platforms reaches the Nix
// whose settings the platform check reads, so a platform the user's
// setting lets this Nix build is not refused.
func TestOptionReachesPlatformCheck(t *testing.T) {
	testnix.Setup(t)
	tg := &nixeval.Target{Options: []nixeval.Option{{Name: "extra-platforms", Value: "mmix-mmixware"}}}
	if pc := build.CheckPlatformFor(context.Background(), nixeval.Tools{}, nil, "mmix-mmixware"); pc.CanBuild {
		t.Fatalf("this Nix builds mmix-mmixware by itself (extra-platforms %v): the test needs a platform it does not", pc.ExtraPlatforms)
	}
	pc := build.CheckPlatformFor(context.Background(), nixeval.Tools{}, tg, "mmix-mmixware")
	if !pc.CanBuild || pc.Err != nil {
		t.Errorf("with --option extra-platforms mmix-mmixware: %+v", pc)
	}
}
