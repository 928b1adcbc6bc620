package diag

import (
	"strings"
	"testing"

	"github.com/nixplore/nixplore/nixeval/attr"
)

// The wrapper's marks move the path each warning is given to: "I" is the
// request's I-th path, "I NAME" a child of it; the marks themselves are
// not warnings.
func TestWarningScannerFollowsMarks(t *testing.T) {
	paths := []attr.Path{{"a"}, {"b"}}
	s := NewWarningScanner(nil, paths, "M:")
	for _, l := range []string{
		"trace: warning: before any mark",
		"trace: M:0",
		"trace: warning: in a",
		`trace: M:1 "c d"`,
		"evaluation warning: in b's child",
		"trace: M:7",
		"trace: still b's child (no path 7)",
	} {
		s.Line(l)
	}
	got := s.Warnings()
	want := []struct {
		kind WarningKind
		msg  string
		path attr.Path
	}{
		{WarningEval, "before any mark", nil},
		{WarningEval, "in a", attr.Path{"a"}},
		{WarningEval, "in b's child", attr.Path{"b", "c d"}},
		{WarningTrace, "still b's child (no path 7)", attr.Path{"b", "c d"}},
	}
	if len(got) != len(want) {
		t.Fatalf("%d warnings, want %d: %+v", len(got), len(want), got)
	}
	for i, w := range want {
		if got[i].Kind != w.kind || got[i].Message != w.msg || !got[i].Path.Equal(w.path) {
			t.Errorf("warning %d: %+v, want %+v", i, got[i], w)
		}
	}
}

// A scanner for one path gives it to every warning; a memo hands back
// those of one path only, once each, and forgets them on Reset.
func TestWarningMemo(t *testing.T) {
	s := NewWarningScanner(nil, []attr.Path{{"x"}}, "")
	s.Line("trace: warning: w")
	var m WarningMemo
	m.Note(s.Warnings())
	m.Note(s.Warnings())
	m.Note([]Warning{{Kind: WarningTrace, Message: "no path"}})
	if got := m.At(attr.Path{"x"}); len(got) != 1 || got[0].Message != "w" {
		t.Fatalf("At(x) = %+v, want the one warning", got)
	}
	if got := m.At(attr.Path{"x", "y"}); len(got) != 0 {
		t.Errorf("At(x.y) = %+v: a warning of x is not one of its child", got)
	}
	m.Reset()
	if got := m.At(attr.Path{"x"}); len(got) != 0 {
		t.Errorf("after Reset: %+v", got)
	}
}

func TestMissingFile(t *testing.T) {
	for msg, want := range map[string]string{
		"error: getting status of '/nix/store/x-source/hw.nix': No such file or directory": "/nix/store/x-source/hw.nix",
		"error: path '/home/me/cfg/missing.nix' does not exist":                            "/home/me/cfg/missing.nix",
		"error: attribute 'x' missing":                                                     "",
	} {
		got, ok := MissingFile(msg)
		if got != want || ok != (want != "") {
			t.Errorf("MissingFile(%q) = %q, %v; want %q", msg, got, ok, want)
		}
	}
}

// The wrapper's own lines are recognised by the text given, whatever it
// is: a «string» location whose excerpt is that text goes, with its
// excerpt; one showing other text (a user's --expr) stays.
func TestHideWrapperLocationsOfTheGivenText(t *testing.T) {
	wrapper := "{ request }:\n  let v = run request;\n  in v"
	ours := "error: boom\n\n       at «string»:2:11:\n\n            1| { request }:\n            2|   let v = run request;\n             |           ^\n"
	theirs := "error: boom\n\n       at «string»:2:11:\n\n            2|   let v = somethingElse;\n             |           ^\n"
	if got := HideWrapperLocations(ours, wrapper); strings.Contains(got, "«string»") || strings.Contains(got, "run request") {
		t.Errorf("the wrapper's location stayed:\n%s", got)
	}
	if got := HideWrapperLocations(theirs, wrapper); !strings.Contains(got, "at «string»:2:11:") || !strings.Contains(got, "somethingElse") {
		t.Errorf("the user's location went:\n%s", got)
	}
}
