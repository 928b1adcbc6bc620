package compare

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"

	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/nixeval/catalogue"
)

func TestWrap(t *testing.T) {
	for _, tc := range []struct {
		text  string
		width int
		want  []string
	}{
		{"", 5, []string{""}},
		{"one two three", 7, []string{"one two", "three"}},
		{"abcdefghij kl", 4, []string{"abcd", "efgh", "ij", "kl"}},
		{"ünï cödé", 3, []string{"ünï", "cöd", "é"}},
	} {
		got := Wrap(tc.text, tc.width)
		if strings.Join(got, "|") != strings.Join(tc.want, "|") {
			t.Errorf("Wrap(%q, %d) = %q, want %q", tc.text, tc.width, got, tc.want)
		}
	}
}

// Every line of the table fits its width, every word of every cell is
// in it, and each column starts at the same place on every line.
func TestTableFitsAndKeepsEverything(t *testing.T) {
	cols := []Column{
		{Path: "config.system.build.sdImage", Summary: "A bootable SD card image of this configuration.", Result: "sd-image/x.img",
			Platform: &Platform{System: "aarch64-linux", Ways: []string{"emulation: a", "a remote builder: b", "cross compilation: c"}},
			RunNeeds: []Need{{What: "an SD card"}, {What: "dd"}}},
		{Path: "config.system.build.toplevel", Summary: "The NixOS system itself.", Built: true, ClosureBytes: 1 << 20,
			Platform: &Platform{System: "aarch64-linux", BuildableHere: true}},
	}
	for _, w := range []int{40, 60, 80, 120, 200} {
		lines := Table(cols, w)
		for _, l := range lines {
			if n := utf8.RuneCountInString(l); n > w {
				t.Errorf("width %d: line of %d: %q", w, n, l)
			}
		}
		all := strings.Join(lines, " ")
		for _, word := range strings.Fields("sdImage toplevel bootable SD card ways emulation, remote builder, cross compilation already built closure 1.0 MiB") {
			if !strings.Contains(all, word) {
				t.Errorf("width %d: %q missing:\n%s", w, word, strings.Join(lines, "\n"))
			}
		}
		if !strings.HasPrefix(lines[0], strings.Repeat(" ", 12)+"sdImage") {
			t.Errorf("width %d: title line %q", w, lines[0])
		}
	}
}

// A cell of wide characters (CJK, emoji: two terminal cells each) is
// measured in cells: every line fits the width on a terminal, and the
// next column starts in the same cell on every line.
func TestLayoutMeasuresCells(t *testing.T) {
	header := []string{"日本語の画像", "next"}
	rows := []Row{
		{Label: "what", Cells: []string{"画像 🚀 起動 ディスク 日本語 テキスト", "b"}},
		{Label: "sizes", Cells: []string{"ascii only", "c"}},
	}
	const width = 40
	lines := Layout(header, rows, width)
	start := -1
	for _, l := range lines {
		if w := ansi.StringWidth(l); w > width {
			t.Errorf("line of %d cells, width %d: %q", w, width, l)
		}
		for _, cell := range []string{"next", "b", "c"} {
			if i := strings.Index(l, "  "+cell); i >= 0 && strings.HasSuffix(l, cell) {
				at := ansi.StringWidth(l[:i])
				if start >= 0 && at != start {
					t.Errorf("second column at cell %d, %d before:\n%s", at, start, strings.Join(lines, "\n"))
				}
				start = at
			}
		}
	}
	if start < 0 {
		t.Fatalf("no second column:\n%s", strings.Join(lines, "\n"))
	}
	for _, w := range Wrap("画像 🚀 起動ディスク日本語テキスト", 5) {
		if ansi.StringWidth(w) > 5 {
			t.Errorf("Wrap: %q is %d cells wide, more than 5", w, ansi.StringWidth(w))
		}
	}
}

func TestShortPath(t *testing.T) {
	for in, want := range map[string]string{
		"config.system.build.sdImage":            "sdImage",
		"config.system.build.images.\"sd-card\"": "images.\"sd-card\"",
		"vm":                                     "vm",
	} {
		if got := ShortPath(in); got != want {
			t.Errorf("ShortPath(%q) = %q", in, got)
		}
	}
}

// The siblings come from the catalogue's own "choose" text, in its order,
// and only those the configuration has.
func TestSiblings(t *testing.T) {
	sd, _ := catalogue.Best("sdImage", nil, "25.05")
	if got := catalogue.Alternatives(sd); strings.Join(got, " ") != "sdImage toplevel vm isoImage" {
		t.Errorf("Alternatives(sdImage) = %v", got)
	}
	present := map[string]bool{"toplevel": true, "vm": true, "sdImage": true}
	has := func(p attr.Path) bool { return present[p.Last()] }
	path := attr.DefaultPath.Child("sdImage")
	if got := Siblings(path, &sd, has); len(got) != 3 || got[1].Last() != "toplevel" || got[2].Last() != "vm" {
		t.Errorf("Siblings(sdImage) = %v", got)
	}
	// An output the catalogue does not know: toplevel's alternatives.
	odd := attr.DefaultPath.Child("myScript")
	if got := Siblings(odd, nil, has); len(got) < 3 || !got[0].Equal(odd) {
		t.Errorf("Siblings(myScript) = %v", got)
	}
}
