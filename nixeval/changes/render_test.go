package changes

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/nixeval/drvdiff"
)

func sampleEntries() []Entry {
	p := func(n string) attr.Path { return attr.DefaultPath.Child(n) }
	return []Entry{
		{Path: p("etc"), Name: "etc", Status: Changed, Before: &Value{Kind: "derivation", DrvPath: "/nix/store/a-etc.drv"}, After: &Value{Kind: "derivation", DrvPath: "/nix/store/b-etc.drv"},
			Why: &drvdiff.Why{Leaves: []drvdiff.Leaf{{Chain: []string{"etc", "etc-hosts"}, Differs: []drvdiff.Difference{{What: "env.text", Old: "::1 localhost", New: "10.0.0.2 nas"}}}}, More: 1}},
		{Path: p("kernel"), Name: "kernel", Status: Unchanged},
		{Path: p("initialRamdisk"), Name: "initialRamdisk", Status: Unchanged},
		{Path: p("vm"), Name: "vm", Status: Added, After: &Value{Kind: "derivation"}},
		{Path: p("broken"), Name: "broken", Status: Failed, FailedOn: "after", Before: &Value{Kind: "derivation"}, After: &Value{Kind: "error", Error: "error: assertion failed\n  at x.nix:1"}},
		{Path: p("images"), Name: "images", Status: NotCompared, Note: "each variant evaluates the whole configuration again"},
		{Path: p("a\x01b"), Name: "a\x01b", Status: Removed, Before: &Value{Kind: "string"}},
	}
}

func TestWriteText(t *testing.T) {
	var b bytes.Buffer
	if err := WriteText(&b, sampleEntries()); err != nil {
		t.Fatal(err)
	}
	want := `changed      etc     ← etc-hosts: text (and 1 more)
    etc → etc-hosts:
      env.text: "::1 localhost" → "10.0.0.2 nas"
    … and 1 more derivations that differ
added        vm      new: a derivation
error        broken  fails after the edit: error: assertion failed
not compared images  each variant evaluates the whole configuration again
removed      a\x01b  gone: was a string
unchanged    kernel, initialRamdisk
1 changed, 1 added, 1 removed, 1 error, 1 not compared, 2 unchanged
`
	if b.String() != want {
		t.Errorf("text:\n%s\nwant:\n%s", b.String(), want)
	}
}

func TestWriteJSONLines(t *testing.T) {
	var b bytes.Buffer
	if err := WriteJSON(&b, "pi", sampleEntries()); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	if len(lines) != 7 {
		t.Fatalf("%d lines", len(lines))
	}
	var first map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &first); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"host", "path", "name", "status", "before", "after", "why"} {
		if _, ok := first[k]; !ok {
			t.Errorf("the first line lacks %q: %s", k, lines[0])
		}
	}
	if first["path"] != "config.system.build.etc" || first["host"] != "pi" {
		t.Errorf("path %v host %v", first["path"], first["host"])
	}
	why := first["why"].([]any)[0].(map[string]any)
	if why["chain"].([]any)[1] != "etc-hosts" || why["differs"].([]any)[0].(map[string]any)["what"] != "env.text" {
		t.Errorf("why %v", why)
	}
}

func TestRevisionIsNamed(t *testing.T) {
	rev := "0123456789abcdef0123456789abcdef01234567"
	why := &drvdiff.Why{Leaves: []drvdiff.Leaf{{Chain: []string{"nixos-version"}, Differs: []drvdiff.Difference{
		{What: "env.text", Old: `"configurationRevision": "` + rev + `"`, New: `"configurationRevision": "dirty"`},
		{What: "env.other", Old: "x", New: "y"},
	}}}}
	markRevisions(why, []string{rev})
	if why.Leaves[0].Differs[0].Note != RevisionNote || why.Leaves[0].Differs[1].Note != "" {
		t.Errorf("notes %+v", why.Leaves[0].Differs)
	}
}
