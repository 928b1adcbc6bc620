package tui

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/nixplore/nixplore/internal/testnix"
	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/resolve"
	"github.com/nixplore/nixplore/tui/shared"
)

// TestHalfEditedImportErrorOnce: after an imported file is left half
// edited, r on a node shows Nix's syntax error once (the explanation with
// its location, then the code excerpt), and the excerpt's lines are cut
// to the preview's width, not wrapped, so the ^ stays under its column.
func TestHalfEditedImportErrorOnce(t *testing.T) {
	testnix.Setup(t)
	dir := t.TempDir()
	conf, hw := filepath.Join(dir, "configuration.nix"), filepath.Join(dir, "hardware.nix")
	testnix.WriteFile(t, conf, "{ pkgs, ... }:\n{\n  imports = [ ./hardware.nix ];\n  system.build.fine = pkgs.writeText \"fine\" \"fine\";\n}\n", 0o644)
	testnix.WriteFile(t, hw, "{ ... }:\n{\n  networking.hostName = \"half\";\n}\n", 0o644)
	tg, err := resolve.Target(resolve.Flags{SearchPath: []string{"nixpkgs=" + testnix.Testdata("nixpkgs"), "nixos-config=" + conf}}, testnix.Env(t))
	if err != nil {
		t.Fatal(err)
	}
	d := targetDriver(t, tg, 160, 40)
	d.settle()
	d.selectName("fine")
	d.settle()
	// Half edited: the error is far to the right of a long line.
	testnix.WriteFile(t, hw, "{ ... }:\n{\n  networking.hostName = \"half\"; boot.kernelParams = [ \"quiet\" \"splash\" \"loglevel=3\" ]; boot.\n", 0o644)
	d.key("r")
	d.settle()
	if d.m.preview.Err == nil {
		t.Fatalf("r after the half edit: no error in the preview:\n%s", d.m.View())
	}
	text := nixeval.ErrorText(d.m.preview.Err)
	if v := d.m.View(); strings.Count(v, "unexpected end of file") != 1 {
		t.Errorf("the error is not said once:\n%s", v)
	}
	var excerpt []string
	for _, l := range strings.Split(text, "\n") {
		if shared.IsExcerpt(l) {
			excerpt = append(excerpt, l)
		}
	}
	if len(excerpt) < 2 || !strings.Contains(excerpt[len(excerpt)-1], "^") {
		t.Fatalf("no code excerpt with a caret in the message:\n%s", text)
	}
	for _, w := range []int{30, 50, 80, 200} {
		lines := d.m.preview.Lines(w)
		first, last := -1, -1
		for i, l := range lines {
			if strings.Contains(l, "|") && shared.IsExcerpt(strings.TrimPrefix(l, strings.Repeat(" ", 8))) {
				if first < 0 {
					first = i
				}
				last = i
			}
		}
		if first < 0 || last-first+1 != len(excerpt) {
			t.Errorf("width %d: the %d excerpt lines take %d lines (wrapped?):\n%s", w, len(excerpt), last-first+1, strings.Join(lines, "\n"))
			continue
		}
		caret := lines[last]
		if w == 200 && strings.Index(caret, "^")-strings.Index(caret, "|") != strings.Index(excerpt[len(excerpt)-1], "^")-strings.Index(excerpt[len(excerpt)-1], "|") {
			t.Errorf("width %d: the caret moved:\n%s\nNix:\n%s", w, strings.Join(lines, "\n"), text)
		}
	}
}

// The preview of images.sd-card on aarch64, whose variant module does not
// exist (as upstream 25.05), says its error once.
func TestFailingVariantErrorOnce(t *testing.T) {
	d := nixDriver(t, "pi", "aarch64-linux", 120, 40)
	d.settle()
	d.selectName("images")
	d.key("l")
	d.settle()
	d.selectName("sd-card")
	d.settle()
	v := strings.Join(d.m.preview.Lines(70), "\n")
	if n := strings.Count(v, "does not exist"); n != 1 {
		t.Errorf("the error is said %d times:\n%s", n, v)
	}
}

// "defined" names the user's files absolute, the home directory as ~,
// and nixpkgs' files as <nixpkgs>/…: never relative to wherever nixplore
// was started, which would read like relative to nixpkgs.
func TestDefinedInIsUnambiguous(t *testing.T) {
	home := filepath.Dir(testnix.Root())
	t.Setenv("HOME", home)
	d := nixDriver(t, "laptop", "", 140, 40)
	d.settle()
	d.selectName("myScript")
	d.settle()
	v := strings.Join(d.m.preview.Lines(130), "\n")
	own := "~/" + strings.TrimPrefix(testnix.Testdata("configs", "laptop", "configuration.nix"), home+"/")
	if !strings.Contains(v, "defined "+own) {
		t.Errorf("the user's file is not shown as %s:\n%s", own, v)
	}
	d.selectName("toplevel")
	d.settle()
	v = strings.Join(d.m.preview.Lines(130), "\n")
	if !strings.Contains(v, "defined <nixpkgs>/nixos/modules/system/activation/top-level.nix") {
		t.Errorf("nixpkgs' file is not shown relative to <nixpkgs>:\n%s", v)
	}
}
