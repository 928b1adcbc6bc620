package completion

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/nixplore/nixplore/internal/testnix"
	"github.com/nixplore/nixplore/nixeval/attr"
)

// Completion that needs no Nix: verbs, flags and their values.
func TestCompleteWords(t *testing.T) {
	texts := func(a answer) []string {
		var out []string
		for _, c := range a.Cands {
			out = append(out, c.Text)
		}
		return out
	}
	for _, c := range []struct {
		name      string
		words     []string // the current word last
		directive string
		want      []string
	}{
		{"verbs", []string{""}, directivePlain, []string{"ls", "show", "cmd", "build", "compare", "diff", "completion", "version", "help"}},
		{"verb prefix", []string{"c"}, directivePlain, []string{"cmd", "compare", "completion"}},
		{"flags of build", []string{"build", "--dr"}, directivePlain, []string{"--dry-run"}},
		{"flags only where they apply", []string{"ls", "--dr"}, directivePlain, nil},
		{"long names", []string{"build", "--o"}, directivePlain, []string{"--option", "--one-shot", "--out-link"}},
		{"short names", []string{"build", "-o"}, directivePlain, []string{"-o"}},
		{"--system", []string{"--system", "aarch64-l"}, directivePlain, []string{"aarch64-linux"}},
		{"--system=", []string{"--system=armv7"}, directivePlain, []string{"--system=armv7a-linux", "--system=armv7l-linux"}},
		{"after a flag's value", []string{"--system", "x86_64-linux", "l"}, directivePlain, []string{"ls"}},
		{"-I names", []string{"-I", "nixos"}, directiveNoSpace, []string{"nixos-config="}},
		{"-I path", []string{"ls", "-I", "nixos-config=./c"}, directiveFiles, nil},
		{"--file", []string{"--file", "./"}, directiveFiles, nil},
		{"flake without a host", []string{"--flake", "./"}, directiveDirs, nil},
		{"--arg name is free", []string{"--arg", ""}, "", nil},
		{"--arg value is free", []string{"--arg", "x", ""}, "", nil},
		{"completion shells", []string{"completion", ""}, directivePlain, []string{"bash", "zsh", "fish"}},
		{"one shell only", []string{"completion", "zsh", ""}, "", nil},
		{"version takes nothing", []string{"version", ""}, "", nil},
		{"show takes one path", []string{"show", "config.system.build.toplevel", ""}, "", nil},
		{"unknown --flag=", []string{"--nope=x"}, "", nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			a := completeWords(context.Background(), c.words[:len(c.words)-1], c.words[len(c.words)-1])
			if a.Directive != c.directive || !reflect.DeepEqual(texts(a), c.want) {
				t.Fatalf("got %q %q, want %q %q", a.Directive, texts(a), c.directive, c.want)
			}
		})
	}
	a := completeWords(context.Background(), []string{"-I"}, "nixos-config=./c")
	if a.FilePrefix != "nixos-config=" || a.FilePart != "./c" {
		t.Fatalf("-I file prefix %q part %q", a.FilePrefix, a.FilePart)
	}
}

func TestSplitPartialPath(t *testing.T) {
	for _, c := range []struct {
		in, parentText string
		parent         attr.Path
		partial        string
		ok             bool
	}{
		{"", "", nil, "", true},
		{"con", "", nil, "con", true},
		{"config.system.build.", "config.system.build.", attr.Path{"config", "system", "build"}, "", true},
		{"config.system.build.sd", "config.system.build.", attr.Path{"config", "system", "build"}, "sd", true},
		{`units."ssh`, "units.", attr.Path{"units"}, "ssh", true},
		{`units."a.b`, "units.", attr.Path{"units"}, "a.b", true},
		{`units."a\"b`, "units.", attr.Path{"units"}, `a"b`, true},
		{`"dot.ted".x`, `"dot.ted".`, attr.Path{"dot.ted"}, "x", true},
		{`units."done"`, "units.", attr.Path{"units"}, "done", true},
		{"a..b", "", nil, "", false},
		{`units."a\`, "", nil, "", false},
	} {
		t.Run(c.in, func(t *testing.T) {
			pt, p, partial, ok := splitPartialPath(c.in)
			if ok != c.ok || pt != c.parentText || !p.Equal(c.parent) || partial != c.partial {
				t.Fatalf("got %q %q %q %v", pt, p, partial, ok)
			}
		})
	}
}

// TestFlakeHostsTakeOptions: the Nix that lists a flake's hosts gets the
// --option settings typed before --flake, as every Nix nixplore runs does:
// with `--option store DIR` the flake is read into that store, not into
// /nix/store.
func TestFlakeHostsTakeOptions(t *testing.T) {
	testnix.Setup(t)
	dir := testnix.FlakeDir(t)
	store := t.TempDir()
	prev := []string{"--option", "store", store, "--flake"}
	a := completeWords(context.Background(), prev, "path:"+dir+"#")
	var got []string
	for _, c := range a.Cands {
		got = append(got, c.Text)
	}
	if !reflect.DeepEqual(got, []string{"path:" + dir + "#laptop", "path:" + dir + "#pi"}) {
		t.Fatalf("hosts with --option store: %q", got)
	}
	entries, err := os.ReadDir(filepath.Join(store, "nix", "store"))
	if err != nil || len(entries) == 0 {
		t.Errorf("the store given with --option holds nothing (%v): the listing did not use it", err)
	}
	if w := optionWords([]string{"--option", "a", "1", "--flake", ".", "--", "--option", "b", "2"}); !reflect.DeepEqual(w, []string{"--option", "a", "1"}) {
		t.Errorf("optionWords: %q", w)
	}
}
