package warm

import (
	"strings"
	"testing"
)

// TestReplaceBefore: a session is replaced past its share, and before a
// request that could take it past its share when replacing it frees
// memory; never when a fresh one would hold as much (it would be replaced
// after every request for nothing), and never without a bound.
func TestReplaceBefore(t *testing.T) {
	const mib = 1 << 20
	for _, c := range []struct {
		name                     string
		rss, base, growth, share int64
		want                     bool
	}{
		{"no bound", 2000 * mib, 400 * mib, 100 * mib, 0, false},
		{"past its share", 800 * mib, 400 * mib, 0, 788 * mib, true},
		{"well under", 500 * mib, 450 * mib, 40 * mib, 788 * mib, false},
		{"the next request could pass it", 700 * mib, 450 * mib, 180 * mib, 788 * mib, true},
		{"exactly at the share after the next", 608 * mib, 450 * mib, 180 * mib, 788 * mib, false},
		{"a fresh repl would hold as much", 700 * mib, 600 * mib, 180 * mib, 788 * mib, false},
		{"no warm request measured yet", 780 * mib, 450 * mib, 0, 788 * mib, false},
	} {
		if got := replaceBefore(c.rss, c.base, c.growth, c.share); got != c.want {
			t.Errorf("%s: replaceBefore(%d, %d, %d, %d) = %v", c.name, c.rss/mib, c.base/mib, c.growth/mib, c.share/mib, got)
		}
	}
	ahead := MemoryRestart{Worker: 1, RSS: 700 * mib, Share: 788 * mib, Max: 788 * mib, Growth: 180 * mib}.String()
	over := MemoryRestart{Worker: 2, RSS: 900 * mib, Share: 788 * mib, Max: 1576 * mib}.String()
	if !strings.Contains(ahead, "evaluator 1 held 700 MiB and a request has grown one by up to 180 MiB, which would pass its share 788 MiB") ||
		!strings.Contains(over, "evaluator 2 reached 900 MiB, over its share 788 MiB of --max-eval-memory 1576 MiB") {
		t.Errorf("said:\n%s\n%s", ahead, over)
	}
}
