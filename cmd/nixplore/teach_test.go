package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/nixplore/nixplore/internal/testnix"
)

func runTeach(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, &out, &errb)
	return out.String(), errb.String(), code
}

func TestShowPrintsCatalogueDoc(t *testing.T) {
	testnix.Setup(t)
	args := append([]string{"show", "--json", "config.system.build.sdImage"}, testnix.ClassicArgs("pi", "aarch64-linux")...)
	out, stderr, code := runTeach(t, args...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var got struct {
		DefinedIn []string `json:"definedIn"`
		Doc       *struct {
			Name, Source, Summary, Result, Choose, HowToGet string
			Imports                                         []string
		} `json:"doc"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	if got.Doc == nil || got.Doc.Name != "sdImage" || got.Doc.Source != "nixos/modules/installer/sd-card/sd-image.nix" ||
		got.Doc.Summary == "" || !strings.Contains(got.Doc.HowToGet, "sd-image-aarch64.nix") {
		t.Fatalf("doc: %+v", got.Doc)
	}
	text, _, code := runTeach(t, append([]string{"show", "config.system.build.sdImage"}, testnix.ClassicArgs("pi", "aarch64-linux")...)...)
	if code != 0 {
		t.Fatal(code)
	}
	for _, want := range []string{"defined in:  nixos/modules/installer/sd-card/sd-image.nix", "What it builds:", "When to choose it:", "How to get it:"} {
		if !strings.Contains(text, want) {
			t.Errorf("show text lacks %q:\n%s", want, text)
		}
	}
	// A known output the configuration lacks: the missing-attribute error
	// (exit 1) as before, but first the doc says how to get it.
	text, _, code = runTeach(t, append([]string{"show", "config.system.build.isoImage"}, testnix.ClassicArgs("pi", "aarch64-linux")...)...)
	if code != 1 || !strings.Contains(text, "kind:        absent") || !strings.Contains(text, "installation-cd-minimal.nix") {
		t.Errorf("show of an absent known output, exit %d:\n%s", code, text)
	}
}

func TestLsKnownListsAbsentOutputs(t *testing.T) {
	testnix.Setup(t)
	out, stderr, code := runTeach(t, append([]string{"ls", "--known", "--json"}, testnix.ClassicArgs("laptop", "")...)...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var l struct {
		Children []struct {
			Name, Kind, HowToGet string
			Modules              []string
		} `json:"children"`
	}
	if err := json.Unmarshal([]byte(out), &l); err != nil {
		t.Fatal(err)
	}
	kinds := map[string]string{}
	for _, c := range l.Children {
		kinds[c.Name] = c.Kind
		if c.Name == "sdImage" && (len(c.Modules) == 0 || c.Modules[0] != "nixos/modules/installer/sd-card/sd-image-aarch64.nix") {
			t.Errorf("sdImage modules %v", c.Modules)
		}
	}
	if kinds["sdImage"] != "absent" || kinds["isoImage"] != "absent" || kinds["toplevel"] != "derivation" || kinds["myScript"] != "derivation" {
		t.Errorf("kinds: %v", kinds)
	}
	plain, _, _ := runTeach(t, append([]string{"ls", "--json"}, testnix.ClassicArgs("laptop", "")...)...)
	if strings.Contains(plain, `"absent"`) {
		t.Error("absent outputs listed without --known")
	}
}
