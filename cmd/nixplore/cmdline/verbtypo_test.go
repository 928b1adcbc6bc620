package cmdline

import (
	"strings"
	"testing"
)

// TestVerbTypo: a first word one slip from a verb, or an alias, is refused
// with the verb it meant, before any evaluation; the top-level
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
			if _, err := Parse([]string{tc.word, "config.system.build"}); err == nil || !strings.Contains(err.Error(), "did you mean "+tc.want+"?") {
				t.Errorf("nixplore %s: %v", tc.word, err)
			}
		})
	}
	// After a verb, or with tui, the word is a path.
	if _, err := Parse([]string{"tui", "shwo"}); err != nil {
		t.Errorf("nixplore tui shwo: %v", err)
	}
	if _, err := Parse([]string{"show", "lss"}); err != nil {
		t.Errorf("nixplore show lss: %v", err)
	}
}
