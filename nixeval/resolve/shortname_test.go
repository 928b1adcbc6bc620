package resolve_test

import (
	"context"
	"testing"

	"github.com/nixplore/nixplore/internal/testnix"
	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/nixeval/resolve"
)

func TestShortName(t *testing.T) {
	testnix.Setup(t)
	ev := nixeval.New(testnix.Classic(t, "pi", "aarch64-linux"), nixeval.Tools{})
	for in, want := range map[string]string{
		"sdImage":                  "config.system.build.sdImage",
		"toplevel":                 "config.system.build.toplevel",
		"images.iso":               "config.system.build.images.iso",
		"vm":                       "", // <nixpkgs/nixos> has vm at its root
		"system":                   "", // and system
		"config.system.build.etc":  "",
		"nothingOfTheName":         "",
		"config.system.build.sdim": "",
	} {
		p, err := attr.Parse(in)
		if err != nil {
			t.Fatal(err)
		}
		got, ok, err := resolve.ShortName(context.Background(), ev, p)
		if err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		if (want == "") == ok || (ok && got.String() != want) {
			t.Errorf("ShortName(%s) = %s, %v; want %q", in, got, ok, want)
		}
	}
}
