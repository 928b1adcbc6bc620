package main

import (
	"bytes"
	"strings"
	"testing"
)

// TestVerbTypo: a first word one slip from a verb, or an alias, is refused
// with the verb it meant (exit 2), before any evaluation; the top-level
// names of a NixOS evaluation and real paths are still paths.
func TestVerbTypo(t *testing.T) {
	for _, tc := range []struct{ word, want string }{
		{"shwo", "show"}, {"lss", "ls"}, {"list", "ls"}, {"sho", "show"}, {"bulid", "build"},
		{"compar", "compare"}, {"cmds", "cmd"}, {"vesrion", "version"},
		{"vm", ""}, {"config", ""}, {"system", ""}, {"pkgs", ""}, {"options", ""},
		{"vmWithBootLoader", ""}, {"config.system.build.shwo", ""}, {`"shwo"`, ""}, {"show", ""},
	} {
		t.Run(tc.word, func(t *testing.T) {
			got, ok := verbTypo(tc.word)
			if got != tc.want || ok != (tc.want != "") {
				t.Fatalf("verbTypo(%q) = %q, %v; want %q", tc.word, got, ok, tc.want)
			}
			if tc.want == "" {
				return
			}
			var stdout, stderr bytes.Buffer
			code := run([]string{tc.word, "config.system.build"}, &stdout, &stderr)
			if code != 2 || !strings.Contains(stderr.String(), "did you mean "+tc.want+"?") || stdout.Len() != 0 {
				t.Errorf("nixplore %s: exit %d\nstdout %s\nstderr %s", tc.word, code, stdout.String(), stderr.String())
			}
		})
	}
	// After a verb, or with tui, the word is a path.
	if _, err := parseArgs([]string{"tui", "shwo"}); err != nil {
		t.Errorf("nixplore tui shwo: %v", err)
	}
	if _, err := parseArgs([]string{"show", "lss"}); err != nil {
		t.Errorf("nixplore show lss: %v", err)
	}
}
