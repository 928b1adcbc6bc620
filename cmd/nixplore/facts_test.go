package main

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/nixplore/nixplore/internal/testnix"
)

// ownImageArgs target testdata/configs/ownimage/<file>: a configuration
// with an image variant of its own (image.modules.myboard) whose SD image
// is not compressed.
func ownImageArgs(file string) []string {
	return []string{"-I", "nixpkgs=" + testnix.Testdata("nixpkgs"), "-I", "nixos-config=" + testnix.Testdata("configs", "ownimage", file)}
}

type factsShow struct {
	Facts map[string]any `json:"facts"`
	Doc   *struct {
		Name, Result, Note, Until string
	} `json:"doc"`
}

func showJSONOf(t *testing.T, file, path string) factsShow {
	t.Helper()
	out, stderr, code := runCLI(t, append([]string{"show", "--json", path}, ownImageArgs(file)...)...)
	if code != 0 {
		t.Fatalf("show --json %s: exit %d: %s", path, code, stderr)
	}
	var s factsShow
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	return s
}

func TestFactsOfTheConfigurationComeFirstAndAgree(t *testing.T) {
	testnix.Setup(t)
	const file = "sd-image/nixos-sd-image-25.05.20250101.0000000-x86_64-linux.img"

	images := showJSONOf(t, "configuration.nix", "config.system.build.images")
	variants, _ := images.Facts["variants"].([]any)
	if len(variants) != 26 || !containsAny(variants, "myboard") || !containsAny(variants, "sd-card") {
		t.Errorf("variants read from the configuration: %v", images.Facts["variants"])
	}
	if images.Facts["system.nixos.release"] != "25.05" {
		t.Errorf("release: %v", images.Facts["system.nixos.release"])
	}
	// The general text's fixed list of nixpkgs' variants would contradict
	// the variants read: it is gone.
	if images.Doc == nil || strings.Contains(images.Doc.Result, "vmware") {
		t.Errorf("images doc: %+v", images.Doc)
	}

	mine := showJSONOf(t, "configuration.nix", "config.system.build.images.myboard")
	if mine.Facts["filePath"] != file || mine.Facts["sdImage.compressImage"] != false {
		t.Errorf("facts of the configuration's own variant: %v", mine.Facts)
	}
	// Its configuration has sdImage's options: described as sdImage, with
	// the sentence about .img.zst replaced.
	if mine.Doc == nil || mine.Doc.Name != "sdImage" || strings.Contains(mine.Doc.Result, ".img.zst") || !strings.Contains(mine.Doc.Result, "uncompressed .img") {
		t.Errorf("doc of myboard: %+v", mine.Doc)
	}
	if mine.Doc != nil && mine.Doc.Note != "" {
		t.Errorf("25.05 is not newer than the catalogue's check, yet: %q", mine.Doc.Note)
	}

	text, stderr, code := runCLI(t, append([]string{"show", "config.system.build.images.myboard"}, ownImageArgs("configuration.nix")...)...)
	if code != 0 {
		t.Fatalf("show: exit %d: %s", code, stderr)
	}
	here, general := strings.Index(text, "in this configuration:"), strings.Index(text, "in general: sdImage")
	if here < 0 || general < here {
		t.Fatalf("the facts do not come before the general text:\n%s", text)
	}
	for _, want := range []string{"- the file inside the result:\n    " + file, "- sdImage.compressImage = false", "- NixOS 25.05 (system.nixos.release)"} {
		if !strings.Contains(text[here:general], want) {
			t.Errorf("show text lacks %q among the facts:\n%s", want, text)
		}
	}
	if strings.Contains(text, ".img.zst") || strings.Contains(text, "zstdcat") {
		t.Errorf("show contradicts compressImage = false:\n%s", text)
	}

	// cmd --explain carries the very same facts.
	out, stderr, code := runCLI(t, append([]string{"cmd", "--explain", "--json", "config.system.build.images.myboard"}, ownImageArgs("configuration.nix")...)...)
	if code != 0 {
		t.Fatalf("cmd --explain --json: exit %d: %s", code, stderr)
	}
	var x struct {
		Facts map[string]any `json:"facts"`
	}
	if err := json.Unmarshal([]byte(out), &x); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(x.Facts, mine.Facts) {
		t.Errorf("cmd --explain facts %v, show --json facts %v", x.Facts, mine.Facts)
	}
	text, _, code = runCLI(t, append([]string{"cmd", "--explain", "config.system.build.images.myboard"}, ownImageArgs("configuration.nix")...)...)
	if code != 0 || !strings.Contains(text, "In this configuration:") || !strings.Contains(text, file) || !strings.Contains(text, "sdImage.compressImage = false") {
		t.Errorf("cmd --explain text, exit %d:\n%s", code, text)
	}
}

func TestCatalogueFollowsTheConfigurationsRelease(t *testing.T) {
	testnix.Setup(t)
	// The kexec variant is described by kexecTarball, whose result changed
	// in 25.05: each release gets its own text.
	for _, tc := range []struct{ file, release, want string }{
		{"older.nix", "23.11", ".tar.zst"},
		{"configuration.nix", "25.05", "tarball/<image.baseName>.tar.xz"},
	} {
		s := showJSONOf(t, tc.file, "config.system.build.images.kexec")
		if s.Facts["system.nixos.release"] != tc.release || s.Doc == nil || s.Doc.Name != "kexecTarball" || !strings.Contains(s.Doc.Result, tc.want) {
			t.Errorf("%s: release %v, doc %+v; want a result with %q", tc.file, s.Facts["system.nixos.release"], s.Doc, tc.want)
		}
	}
	// A release newer than the catalogue's last check is said to be.
	s := showJSONOf(t, "newer.nix", "config.system.build.images")
	if s.Doc == nil || !strings.Contains(s.Doc.Note, "99.05") {
		t.Errorf("newer release, doc %+v", s.Doc)
	}
	text, _, _ := runCLI(t, append([]string{"show", "config.system.build.images"}, ownImageArgs("newer.nix")...)...)
	if !strings.Contains(text, "Note: this configuration is NixOS 99.05, newer than") {
		t.Errorf("show text lacks the note:\n%s", text)
	}
}

func containsAny(list []any, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// The variants that fail are a fact once their kinds are known: the wrapper
// never forces a variant for the facts (each is a whole evaluation), so
// `show` names them after `ls` listed the set (from the disk cache's
// listing), and `show --json` and `cmd --explain` agree.
func TestFailingVariantsAreFactsOnceKnown(t *testing.T) {
	testnix.Setup(t)
	const images = "config.system.build.images"
	before := showJSONOf(t, "failing.nix", images)
	if v, ok := before.Facts["failingVariants"]; ok {
		t.Errorf("nothing evaluated the variants yet, but failingVariants = %v", v)
	}
	if variants, _ := before.Facts["variants"].([]any); !containsAny(variants, "broken") {
		t.Fatalf("variants: %v", before.Facts["variants"])
	}
	out, stderr, code := runCLI(t, append([]string{"ls", images}, ownImageArgs("failing.nix")...)...)
	if code != 0 || !strings.Contains(out, "broken") || !strings.Contains(out, "the broken variant has no image") {
		t.Fatalf("ls: exit %d:\n%s\n%s", code, out, stderr)
	}
	after := showJSONOf(t, "failing.nix", images)
	if !reflect.DeepEqual(after.Facts["failingVariants"], []any{"broken"}) {
		t.Errorf("after ls, failingVariants = %v", after.Facts["failingVariants"])
	}
	text, stderr, code := runCLI(t, append([]string{"show", images}, ownImageArgs("failing.nix")...)...)
	if code != 0 || !strings.Contains(text, "- variants known to fail: broken") {
		t.Errorf("show text, exit %d:\n%s\n%s", code, text, stderr)
	}
	out, stderr, code = runCLI(t, append([]string{"cmd", "--explain", "--json", images}, ownImageArgs("failing.nix")...)...)
	var x struct {
		Facts map[string]any `json:"facts"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &x) != nil || !reflect.DeepEqual(x.Facts, after.Facts) {
		t.Errorf("cmd --explain facts %v (exit %d, %s), show --json facts %v", x.Facts, code, stderr, after.Facts)
	}
}
