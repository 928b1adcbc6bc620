package attr

import (
	"sort"
	"strings"
)

// Suggest returns up to n names from candidates close to name (edit
// distance), best first.
func Suggest(name string, candidates []string, n int) []string {
	type scored struct {
		s string
		d int
	}
	var all []scored
	ln := strings.ToLower(name)
	for _, c := range candidates {
		lc := strings.ToLower(c)
		d := levenshtein(ln, lc)
		if strings.Contains(lc, ln) || strings.Contains(ln, lc) {
			d = min(d, 1)
		}
		if d <= max(2, len(name)/3) {
			all = append(all, scored{c, d})
		}
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].d < all[j].d })
	var out []string
	for i := 0; i < len(all) && i < n; i++ {
		out = append(out, all[i].s)
	}
	return out
}

func levenshtein(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
