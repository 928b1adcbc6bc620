// Package rank orders attribute paths for the explorer's filter the way
// people search: a name typed whole first (`iso` → images.iso), then a
// name's beginning (images.iso-installer), then a piece of a name, then
// the letters in order anywhere (sahilm/fuzzy), and last a name one or two
// typos away (`sdimgae` → sdImage). Case does not matter.
package rank

import (
	"sort"
	"strings"

	"github.com/sahilm/fuzzy"
)

// Tier is how a path matched, best first.
type Tier int

const (
	Whole       Tier = iota // a name equals the query (its last part)
	Prefix                  // a name begins with it
	Inside                  // a name holds it
	Subsequence             // its letters appear in order
	Typo                    // a name is one or two edits away
)

// Match is one path that matched: fuzzy.Match (the index of the path and
// the bytes to highlight) with how.
type Match struct {
	fuzzy.Match
	Tier Tier
}

// Paths ranks paths (each as printed, names separated by dots; a quoted
// name's dots are inside its quotes) for query q, best first; paths that
// do not match are left out. Within a tier, the match whose name comes
// earlier in the path and the shorter path rank first, then the order
// given.
func Paths(q string, paths []string) []Match {
	q = strings.TrimSpace(q)
	if q == "" {
		return nil
	}
	lq := strings.ToLower(q)
	var out []Match
	matched := make([]bool, len(paths))
	for i, p := range paths {
		if m, ok := bySegments(lq, p); ok {
			m.Index = i
			out = append(out, m)
			matched[i] = true
		}
	}
	for _, fm := range fuzzy.Find(q, paths) {
		if !matched[fm.Index] {
			out = append(out, Match{Match: fm, Tier: Subsequence})
			matched[fm.Index] = true
		}
	}
	if len([]rune(lq)) >= 4 && !strings.Contains(lq, ".") {
		for i, p := range paths {
			if matched[i] {
				continue
			}
			if m, ok := byTypo(lq, p); ok {
				m.Index = i
				out = append(out, m)
			}
		}
	}
	sort.SliceStable(out, func(a, b int) bool {
		if Better(out[a], out[b]) != Better(out[b], out[a]) {
			return Better(out[a], out[b])
		}
		return out[a].Index < out[b].Index
	})
	return out
}

// Better says whether a ranks before b: a better tier, then a higher
// score within it.
func Better(a, b Match) bool {
	if a.Tier != b.Tier {
		return a.Tier < b.Tier
	}
	return a.Score > b.Score
}

// segment is one name of a printed path and where it starts.
type segment struct {
	text  string
	start int
}

// segments splits a printed path at the dots outside quotes.
func segments(p string) []segment {
	var out []segment
	quoted, start := false, 0
	for i := 0; i < len(p); i++ {
		switch c := p[i]; {
		case c == '\\' && quoted:
			i++
		case c == '"':
			quoted = !quoted
		case c == '.' && !quoted:
			out = append(out, segment{p[start:i], start})
			start = i + 1
		}
	}
	return append(out, segment{p[start:], start})
}

// bySegments matches the query's names against consecutive names of p: all
// but the query's last must be equal; the last decides the tier.
func bySegments(lq, p string) (Match, bool) {
	qs := strings.Split(lq, ".")
	ps := segments(p)
	best := Match{Tier: Typo + 1}
	for at := 0; at+len(qs) <= len(ps); at++ {
		ok := true
		for k := 0; k < len(qs)-1; k++ {
			if strings.ToLower(unquote(ps[at+k].text)) != qs[k] {
				ok = false
				break
			}
		}
		if !ok {
			continue
		}
		last := ps[at+len(qs)-1]
		name := strings.ToLower(unquote(last.text))
		off := last.start + strings.Index(last.text, unquote(last.text))
		lastQ := qs[len(qs)-1]
		var tier Tier
		var from int
		switch {
		case name == lastQ:
			tier, from = Whole, 0
		case strings.HasPrefix(name, lastQ):
			tier, from = Prefix, 0
		case strings.Contains(name, lastQ):
			tier, from = Inside, strings.Index(name, lastQ)
		default:
			continue
		}
		if tier < best.Tier {
			// Highlight the names the query named whole, then the part
			// of the last that it typed.
			var idx []int
			for k := 0; k < len(qs)-1; k++ {
				for b := ps[at+k].start; b < ps[at+k].start+len(ps[at+k].text); b++ {
					idx = append(idx, b)
				}
			}
			for b := off + from; b < off+from+len(lastQ); b++ {
				idx = append(idx, b)
			}
			// Earlier names and shorter paths score higher.
			best = Match{Match: fuzzy.Match{Str: p, MatchedIndexes: idx, Score: -(len(ps)*100 + at)}, Tier: tier}
		}
	}
	return best, best.Tier <= Inside
}

func unquote(s string) string {
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		return strings.ReplaceAll(s[1:len(s)-1], `\"`, `"`)
	}
	return s
}

// byTypo matches a name of p at most maxEdits(query) edits from the query
// (an insertion, deletion, substitution or swap of neighbours each).
func byTypo(lq, p string) (Match, bool) {
	best, bestD := Match{}, maxEdits(lq)+1
	for _, s := range segments(p) {
		name := strings.ToLower(unquote(s.text))
		if d := edits(lq, name); d < bestD {
			idx := make([]int, 0, len(s.text))
			for b := s.start; b < s.start+len(s.text); b++ {
				idx = append(idx, b)
			}
			best, bestD = Match{Match: fuzzy.Match{Str: p, MatchedIndexes: idx, Score: -d}, Tier: Typo}, d
		}
	}
	return best, bestD <= maxEdits(lq)
}

// maxEdits: one typo in a short name, two in a longer one.
func maxEdits(q string) int {
	if len([]rune(q)) >= 7 {
		return 2
	}
	return 1
}

// edits is the optimal string alignment distance of a and b: Levenshtein
// with the swap of two neighbouring letters as one edit, the typo people
// make most.
func edits(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	if d := len(ra) - len(rb); d > 2 || d < -2 {
		return 3
	}
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}
