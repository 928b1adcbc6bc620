package cmdline

import (
	"bytes"
	"strings"
	"testing"
)

// Every flag and verb of the table is in --help and the man page.
func TestHelpAndManShowTheTable(t *testing.T) {
	var help, man bytes.Buffer
	WriteHelp(&help)
	WriteMan(&man, "0.0.0")
	for _, f := range Flags() {
		if !strings.Contains(help.String(), f.Help()) || !strings.Contains(man.String(), roff(f.Help())) {
			t.Errorf("flag %s is missing from --help or the man page", f.Names[0])
		}
		if !strings.Contains(help.String(), "  "+f.label()) {
			t.Errorf("flag %s: --help lacks its label %q", f.Names[0], f.label())
		}
	}
	for _, v := range Verbs() {
		if !strings.Contains(help.String(), "nixplore "+v.Synopsis()+"\n") || !strings.Contains(man.String(), roff(v.Synopsis())) {
			t.Errorf("verb %q is missing from --help or the man page", v.Name)
		}
	}
}

// A flag of one verb names it before its text, as the help always did.
func TestFlagHelpNamesItsVerb(t *testing.T) {
	for name, want := range map[string]string{
		"--dry-run": "build: show what would be built and fetched, build nothing",
		"--names":   "ls: the names only, at the cost of builtins.attrNames (no kinds)",
		"--log":     "write a debug log to FILE (never to the terminal)", // the explorer's: no verb to name
		"--json":    "machine-readable output (ls: one JSON object per path per line;",
	} {
		f, ok := Lookup(name)
		if !ok || !strings.HasPrefix(f.Help(), want) {
			t.Errorf("%s: help %q, want it to start with %q", name, f.Help(), want)
		}
	}
}

// Every flag and verb the help documents is one the parser accepts, with
// as many values as documented.
func TestDocumentedFlagsParse(t *testing.T) {
	for _, f := range Flags() {
		for _, n := range f.Names {
			args := []string{n}
			for _, v := range f.Values {
				args = append(args, sampleValue(v))
			}
			if _, err := Parse(args); err != nil {
				t.Errorf("%v: %v", args, err)
			}
			if f.Arity() > 0 {
				if _, err := Parse(args[:len(args)-1]); err == nil {
					t.Errorf("%v: accepted with a value missing", args[:len(args)-1])
				}
			}
		}
	}
	for _, v := range Verbs() {
		o, err := Parse([]string{v.Name, "x"})
		if v.Name != "" && (err != nil || o.Verb != v.Name || len(o.Paths) != 1) {
			t.Errorf("verb %s is documented but not parsed: %+v, %v", v.Name, o, err)
		}
	}
}

// sampleValue is a value the parser takes for a flag's value named arg.
func sampleValue(arg string) string {
	switch arg {
	case "N":
		return "2"
	case "SIZE":
		return "700M"
	}
	return "1s"
}
