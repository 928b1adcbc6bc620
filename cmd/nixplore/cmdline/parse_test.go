package cmdline

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/resolve"
)

// Parse reads each flag with its values into the options, in the three
// spellings nix-build takes, and keeps the words after "--" as paths.
func TestParse(t *testing.T) {
	for _, c := range []struct {
		name string
		args []string
		want Options
	}{
		{"verb and path", []string{"show", "config.x"}, Options{Verb: "show", Paths: []string{"config.x"}}},
		{"flags and words mixed", []string{"-I", "a=b", "ls", "--json", "p", "-Ic=d"},
			Options{Verb: "ls", Paths: []string{"p"}, JSON: true, Target: resolve.Flags{SearchPath: []string{"a=b", "c=d"}}}},
		{"two values", []string{"--arg", "n", "1", "--argstr", "s", "x", "--option", "o", "v"},
			Options{Target: resolve.Flags{Args: []nixeval.Arg{{Name: "n", Value: "1"}, {Name: "s", Value: "x", Str: true}}, Options: []nixeval.Option{{Name: "o", Value: "v"}}}}},
		{"--flag=value", []string{"--system=aarch64-linux", "--timeout=2", "--out-link=r", "--eval-workers=3", "--max-eval-memory=1G"},
			Options{Target: resolve.Flags{System: "aarch64-linux", Timeout: 2 * time.Second}, OutLink: "r", Workers: 3, MaxMem: 1 << 30}},
		{"short names", []string{"-f", "F", "-E", "e", "-o", "out", "-h"}, Options{Target: resolve.Flags{File: "F", Expr: "e"}, OutLink: "out", Help: true}},
		{"second names", []string{"--show-trace", "--no-out-link"}, Options{Trace: true, NoLink: true}},
		{"a value that looks like a flag", []string{"--log", "--json"}, Options{LogFile: "--json"}},
		{"-- ends the flags", []string{"ls", "--", "--json", "-I"}, Options{Verb: "ls", Paths: []string{"--json", "-I"}}},
		{"a verb after a path is a path", []string{"config", "show"}, Options{Paths: []string{"config", "show"}}},
		{"-", []string{"-"}, Options{Paths: []string{"-"}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := Parse(c.args)
			if c.want.MaxMem == 0 {
				c.want.MaxMem = -1
			}
			if err != nil || !reflect.DeepEqual(*got, c.want) {
				t.Fatalf("got %+v, %v\nwant %+v", got, err, c.want)
			}
		})
	}
}

func TestParseRefuses(t *testing.T) {
	for _, c := range []struct {
		args []string
		msg  string
	}{
		{[]string{"--nope"}, "unknown flag --nope (see nixplore --help)"},
		{[]string{"--json=1"}, "unknown flag --json=1"},        // a switch takes no value
		{[]string{"--arg=x", "y"}, "unknown flag --arg=x"},     // "=" only for one value
		{[]string{"-fFILE"}, "unknown flag -fFILE"},            // only -I joins its value
		{[]string{"--arg", "x"}, "--arg needs 2 values"},       // one missing
		{[]string{"ls", "-o"}, "-o needs 1 value"},             // the name as typed
		{[]string{"--timeout", "0"}, "longer than zero"},       // the value checked
		{[]string{"--eval-workers=65"}, "from 1 to 64"},        // in either spelling
		{[]string{"shwo", "x"}, "did you mean show?"},          // a slip of a verb
		{[]string{"--max-eval-memory", "10M"}, "under 64 MiB"}, // too small to be meant
	} {
		o, err := Parse(c.args)
		if err == nil || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%q: %+v, %v; want an error with %q", c.args, o, err, c.msg)
		}
	}
}

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{"700M": 700 << 20, "4G": 4 << 30, "4GiB": 4 << 30, "1.5g": 3 << 29, "0": 0, "100000000": 100000000} {
		got, err := parseSize(in)
		if err != nil || got != want {
			t.Errorf("parseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
}
