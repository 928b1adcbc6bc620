package nixeval

import (
	"testing"

	"github.com/nixplore/nixplore/nixeval/attr"
)

func TestBuildCommandsClassic(t *testing.T) {
	tg := &Target{Kind: Classic, File: "<nixpkgs/nixos>", SearchPath: []string{"nixos-config=/c/sd image.nix"},
		Args: []Arg{{Name: "system", Value: "aarch64-linux", Str: true}}}
	c := BuildCommands(tg, attr.Path{"config", "system", "build", "sdImage"})
	want := `nix-build '<nixpkgs/nixos>' -A config.system.build.sdImage -I 'nixos-config=/c/sd image.nix' --argstr system aarch64-linux`
	if c.Build != want || !c.Portable {
		t.Fatalf("got  %s\nwant %s", c.Build, want)
	}
}
