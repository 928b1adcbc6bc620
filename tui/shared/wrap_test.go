package shared

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// A command wrapped to the screen breaks between its words only: each
// screen line, copied, holds whole tokens.
func TestWrapBreaksBetweenWordsOnly(t *testing.T) {
	cmd := "nix-build '<nixpkgs/nixos>' -A config.system.build.sdImage -I nixpkgs=/work/testdata/nixpkgs -I nixos-config=/work/testdata/configs/pi/configuration.nix --argstr system aarch64-linux --builders 'ssh://pi aarch64-linux'"
	words := strings.Fields(cmd)
	for w := 20; w <= 120; w++ {
		lines := Wrap(cmd, w)
		var got []string
		for _, l := range lines {
			if ansi.StringWidth(l) > w {
				t.Fatalf("width %d: line %q is wider", w, l)
			}
			got = append(got, strings.Fields(l)...)
		}
		// Words longer than the line may be cut; every other word stays
		// whole, as a field of one line.
		have := map[string]int{}
		for _, g := range got {
			have[g]++
		}
		for _, word := range words {
			if len(word) > w {
				continue
			}
			if have[word] == 0 {
				t.Fatalf("width %d: word %q broken; lines:\n%s", w, word, strings.Join(lines, "\n"))
			}
			have[word]--
		}
	}
	if got := Wrap("one two", 80); len(got) != 1 || got[0] != "one two" {
		t.Errorf("%q", got)
	}
	if got := Wrap("a\n\nb", 80); len(got) != 3 || got[1] != "" {
		t.Errorf("blank lines kept: %q", got)
	}
	long := "/nix/store/an1mfmg7crb4fipih51207qgr2zj5i6m-nixos-sd-image-25.05.20250101.0000000-aarch64-linux.img/sd-image/x.img"
	for _, l := range Wrap(long, 40) {
		if ansi.StringWidth(l) > 40 {
			t.Errorf("%q wider than 40", l)
		}
	}
	if strings.Join(Wrap(long, 40), "") != long {
		t.Errorf("a long path lost characters: %q", Wrap(long, 40))
	}
}

func TestWrapFitsAndKeepsEverything(t *testing.T) {
	for _, tc := range []struct {
		in string
		w  int
	}{
		{"nix-build '<nixpkgs/nixos>' -A config.system.build.sdImage -I nixpkgs=/work/wt/tui/testdata/nixpkgs -I nixos-config=/x", 37},
		{"/nix/store/iccp0q8c361zvdpq0mnil4kbpd9g3zjg-nixos-sd-image-25.05.20250101.0000000-aarch64-linux.img.drv", 20},
		{strings.Repeat("x", 50), 7},
		{"a b c", 1},
	} {
		lines := Wrap(tc.in, tc.w)
		for _, l := range lines {
			if n := len([]rune(l)); n > tc.w {
				t.Errorf("wrap(%q, %d): line %q is %d wide", tc.in, tc.w, l, n)
			}
		}
		if got := strings.ReplaceAll(strings.Join(lines, ""), " ", ""); got != strings.ReplaceAll(tc.in, " ", "") {
			t.Errorf("wrap(%q, %d) lost text: %q", tc.in, tc.w, lines)
		}
	}
}
