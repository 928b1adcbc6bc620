package footer

import (
	"strings"
	"testing"

	"github.com/nixplore/nixplore/tui/shared"
)

// What the status line says, first what matters most: the quit question
// over everything, a hidden build's line above the rest, the filter's
// line, a message, then what Nix works on over the path.
func TestStatusSaysWhatMattersFirst(t *testing.T) {
	f := New(shared.New(shared.Config{}))
	ready := Situation{Ready: true, Path: "config.system.build.toplevel", Pos: " 3/9", Spin: "|"}
	for _, tc := range []struct {
		name   string
		status string
		sit    func(Situation) Situation
		want   []string
	}{
		{"path", "", func(s Situation) Situation { return s }, []string{"config.system.build.toplevel 3/9"}},
		{"work wins over the path", "", func(s Situation) Situation { s.Work = "evaluating x for 2s"; return s }, []string{"| evaluating x for 2s 3/9"}},
		{"message", "copied", func(s Situation) Situation { s.Work = "w"; return s }, []string{"copied"}},
		{"filter", "copied", func(s Situation) Situation { s.Filtering, s.Filter = true, "2 matches"; return s }, []string{"2 matches"}},
		{"build above", "", func(s Situation) Situation { s.Build = "building 1/3"; return s }, []string{"building 1/3", "config.system.build.toplevel 3/9"}},
		{"quit question", "copied", func(s Situation) Situation { s.AskQuit, s.Build = true, "building 1/3"; return s }, []string{"A build is running. Quit and cancel it?"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f.SetStatus(tc.status)
			got := f.Lines(80, tc.sit(ready))
			if len(got) != len(tc.want) {
				t.Fatalf("%q, want %q", got, tc.want)
			}
			for i := range got {
				if !strings.HasPrefix(got[i], tc.want[i]) {
					t.Errorf("line %d: %q, want it to start %q", i, got[i], tc.want[i])
				}
			}
		})
	}
}
