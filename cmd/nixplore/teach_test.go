package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/nixplore/nixplore/internal/testnix"
)

func TestShowPrintsCatalogueDoc(t *testing.T) {
	testnix.Setup(t)
	args := append([]string{"show", "--json", "config.system.build.sdImage"}, testnix.ClassicArgs("pi", "aarch64-linux")...)
	out, stderr, code := runCLI(t, args...)
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
	text, _, code := runCLI(t, append([]string{"show", "config.system.build.sdImage"}, testnix.ClassicArgs("pi", "aarch64-linux")...)...)
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
	text, _, code = runCLI(t, append([]string{"show", "config.system.build.isoImage"}, testnix.ClassicArgs("pi", "aarch64-linux")...)...)
	if code != 1 || !strings.Contains(text, "kind:        absent") || !strings.Contains(text, "installation-cd-minimal.nix") {
		t.Errorf("show of an absent known output, exit %d:\n%s", code, text)
	}
}

func TestLsKnownListsAbsentOutputs(t *testing.T) {
	testnix.Setup(t)
	out, stderr, code := runCLI(t, append([]string{"ls", "--known", "--json"}, testnix.ClassicArgs("laptop", "")...)...)
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
	plain, _, _ := runCLI(t, append([]string{"ls", "--json"}, testnix.ClassicArgs("laptop", "")...)...)
	if strings.Contains(plain, `"absent"`) {
		t.Error("absent outputs listed without --known")
	}
}

func TestCmdExplain(t *testing.T) {
	testnix.Setup(t)
	// The silently ignored --argstr system is found by evaluating.
	out, stderr, code := runCLI(t, append([]string{"cmd", "--explain", "config.system.build.toplevel"}, testnix.ClassicArgs("hostplatform", "x86_64-linux")...)...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	lines := strings.Split(out, "\n")
	if !strings.HasPrefix(lines[0], "nix-build '<nixpkgs/nixos>' -A config.system.build.toplevel ") {
		t.Errorf("first line is not the command: %q", lines[0])
	}
	for _, want := range []string{
		"\n  '<nixpkgs/nixos>'\n", "\n  -A config.system.build.toplevel\n", "\n  --argstr system x86_64-linux\n",
		"The same with nixos-rebuild:\n  nixos-rebuild build -I nixpkgs=",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("explanation lacks %q:\n%s", want, out)
		}
	}
	// Meanings are wrapped: compare their words.
	words := strings.Join(strings.Fields(out), " ")
	for _, want := range []string{"Here it IS ignored: nixpkgs.hostPlatform is aarch64-linux", "Without -A", "<nixos-config>", "binfmt"} {
		if !strings.Contains(words, want) {
			t.Errorf("explanation lacks %q:\n%s", want, out)
		}
	}
	// JSON: the structured parts the explorer's panel shows.
	out, _, code = runCLI(t, append([]string{"cmd", "--explain", "--json", "config.system.build.sdImage"}, testnix.ClassicArgs("pi", "aarch64-linux")...)...)
	if code != 0 {
		t.Fatal(code)
	}
	var x struct {
		Command string
		Parts   []struct{ Text, Role, Meaning string }
	}
	if err := json.Unmarshal([]byte(out), &x); err != nil {
		t.Fatal(err)
	}
	roles := map[string]string{}
	for _, p := range x.Parts {
		roles[p.Role] += p.Text + " "
	}
	if roles["attribute"] != "-A config.system.build.sdImage " || roles["argument"] != "--argstr system aarch64-linux " || !strings.Contains(roles["search-path"], "nixos-config=") {
		t.Errorf("roles %v", roles)
	}
	// Plain cmd is unchanged: one line.
	out, _, _ = runCLI(t, append([]string{"cmd", "config.system.build.sdImage"}, testnix.ClassicArgs("pi", "aarch64-linux")...)...)
	if strings.Count(out, "\n") != 1 {
		t.Errorf("cmd without --explain: %q", out)
	}
}
