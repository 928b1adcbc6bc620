// Package drvdiff tells why a derivation changed between two evaluations:
// the chains of input derivations from an output down to the derivations
// whose own attributes differ (environment, builder, arguments, sources,
// outputs), read from the .drv files. Nothing is built.
//
// A derivation's path changes whenever anything below it changes, and every
// ancestor's environment holds its inputs' output paths, so a naive
// comparison finds that every node on the way "differs". As nix-diff does,
// the walk pairs inputs by name and compares each derivation after mapping
// the old side's output and source paths to the new side's: what still
// differs is the derivation's own change.
package drvdiff

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/nix-community/go-nix/pkg/derivation"
)

// Load reads one derivation by its .drv store path.
// Derivation is go-nix's parsed .drv.
type Derivation = derivation.Derivation

type Load func(drvPath string) (*derivation.Derivation, error)

// ReadFile reads a .drv file of the local store with go-nix's ATerm parser
// (the format has not changed in years; the JSON of `nix derivation show`
// has, across versions).
func ReadFile(drvPath string) (*derivation.Derivation, error) {
	f, err := os.Open(drvPath)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	d, err := derivation.ReadDerivation(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", drvPath, err)
	}
	return d, nil
}

// Difference is one of a derivation's own attributes that differs.
type Difference struct {
	// What names the attribute: "env.text", "builder", "args", "system",
	// "outputs", "source conf.txt", "input hello" (added or removed).
	What string `json:"what"`
	// Old and New are short excerpts: the first line that differs on each
	// side, cut to a line's width; empty when the side has none.
	Old string `json:"old,omitempty"`
	New string `json:"new,omitempty"`
	// Note says what the difference is when it is known to be noise, such
	// as the flake's revision that changes on every commit.
	Note string `json:"note,omitempty"`
}

// Leaf is a derivation whose own attributes differ, with the way to it.
type Leaf struct {
	// Chain is the derivation names from the compared one down to this one.
	Chain   []string     `json:"chain"`
	OldDrv  string       `json:"oldDrv"`
	NewDrv  string       `json:"newDrv"`
	Differs []Difference `json:"differs"`
}

// Why explains one changed derivation.
type Why struct {
	Leaves []Leaf `json:"leaves"`
	// More counts the leaves beyond the limit asked for.
	More int `json:"more,omitempty"`
	// Read counts the derivations read: only the changed branches are.
	Read int `json:"-"`
}

// excerptWidth is how many cells of a differing line an excerpt keeps.
const excerptWidth = 72

// Explain walks from oldDrv and newDrv down the inputs that differ and
// returns the derivations whose own attributes differ, ranked (shallowest
// first: the change nearest the output explains most), at most limit of
// them (limit ≤ 0: all).
func Explain(load Load, oldDrv, newDrv string, limit int) (*Why, error) {
	w := &walk{load: load, seen: map[[2]string]bool{}, read: map[string]*derivation.Derivation{}}
	// Breadth first, so each derivation is reached by its shortest chain.
	queue := []step{{nil, oldDrv, newDrv}}
	for len(queue) > 0 {
		next, err := w.pair(queue[0])
		if err != nil {
			return nil, err
		}
		queue = append(queue[1:], next...)
	}
	leaves := w.leaves
	sort.SliceStable(leaves, func(i, j int) bool {
		// A derivation that only changed its name (a system named after
		// its host) says less than one whose contents changed.
		if ri, rj := onlyRenamed(leaves[i]), onlyRenamed(leaves[j]); ri != rj {
			return rj
		}
		if len(leaves[i].Chain) != len(leaves[j].Chain) {
			return len(leaves[i].Chain) < len(leaves[j].Chain)
		}
		return strings.Join(leaves[i].Chain, "\x00") < strings.Join(leaves[j].Chain, "\x00")
	})
	why := &Why{Leaves: leaves, Read: len(w.read)}
	if limit > 0 && len(leaves) > limit {
		why.Leaves, why.More = leaves[:limit], len(leaves)-limit
	}
	return why, nil
}

// step is one pair of derivations to compare and the chain that led there.
type step struct {
	chain      []string
	oldP, newP string
}

func onlyRenamed(l Leaf) bool {
	for _, d := range l.Differs {
		if d.What != "env.name" {
			return false
		}
	}
	return true
}

type walk struct {
	load   Load
	seen   map[[2]string]bool
	read   map[string]*derivation.Derivation
	leaves []Leaf
}

func (w *walk) get(p string) (*derivation.Derivation, error) {
	if d, ok := w.read[p]; ok {
		return d, nil
	}
	d, err := w.load(p)
	if err != nil {
		return nil, err
	}
	w.read[p] = d
	return d, nil
}

// pair compares one old derivation with its new counterpart and returns
// the pairs of its inputs that differ, to walk next. A pair met again
// through another path is walked once: a derivation graph shares much.
func (w *walk) pair(s step) ([]step, error) {
	oldP, newP := s.oldP, s.newP
	if oldP == newP || w.seen[[2]string{oldP, newP}] {
		return nil, nil
	}
	w.seen[[2]string{oldP, newP}] = true
	oldD, err := w.get(oldP)
	if err != nil {
		return nil, err
	}
	newD, err := w.get(newP)
	if err != nil {
		return nil, err
	}
	chain := append(append([]string(nil), s.chain...), DrvName(newP))

	ren := map[string]string{}
	for name, o := range oldD.Outputs {
		if n, ok := newD.Outputs[name]; ok && o.Path != n.Path {
			ren[o.Path] = n.Path
		}
	}
	var diffs []Difference
	inputs, inputDiffs := pairByName(slices.Collect(maps.Keys(oldD.InputDerivations)), slices.Collect(maps.Keys(newD.InputDerivations)), "input")
	diffs = append(diffs, inputDiffs...)
	for _, in := range inputs {
		if in[0] == in[1] {
			continue
		}
		if err := w.mapOutputs(ren, in[0], in[1]); err != nil {
			return nil, err
		}
	}
	sources, sourceDiffs := pairByName(oldD.InputSources, newD.InputSources, "source")
	diffs = append(diffs, sourceDiffs...)
	for _, s := range sources {
		if s[0] != s[1] {
			ren[s[0]] = s[1]
			diffs = append(diffs, sourceDifference(s[0], s[1]))
		}
	}
	diffs = append(diffs, ownDifferences(oldD, newD, renamer(ren))...)
	if len(diffs) > 0 {
		w.leaves = append(w.leaves, Leaf{Chain: chain, OldDrv: oldP, NewDrv: newP, Differs: diffs})
	}
	var next []step
	for _, in := range inputs {
		next = append(next, step{chain, in[0], in[1]})
	}
	return next, nil
}

// mapOutputs records that each output path of an old input derivation is
// now the same output of the new one.
func (w *walk) mapOutputs(ren map[string]string, oldP, newP string) error {
	oldD, err := w.get(oldP)
	if err != nil {
		return err
	}
	newD, err := w.get(newP)
	if err != nil {
		return err
	}
	for name, o := range oldD.Outputs {
		if n, ok := newD.Outputs[name]; ok && o.Path != n.Path {
			ren[o.Path] = n.Path
		}
	}
	return nil
}

func renamer(ren map[string]string) *strings.Replacer {
	pairs := make([]string, 0, 2*len(ren))
	for o, n := range ren {
		pairs = append(pairs, o, n)
	}
	return strings.NewReplacer(pairs...)
}

// ownDifferences compares what a derivation says itself, the old side's
// paths already mapped to the new side's.
func ownDifferences(oldD, newD *derivation.Derivation, ren *strings.Replacer) []Difference {
	var diffs []Difference
	add := func(what, o, n string) {
		if o = ren.Replace(o); o != n {
			eo, en := Excerpts(o, n)
			diffs = append(diffs, Difference{What: what, Old: eo, New: en})
		}
	}
	add("system", oldD.Platform, newD.Platform)
	add("builder", oldD.Builder, newD.Builder)
	add("args", strings.Join(oldD.Arguments, " "), strings.Join(newD.Arguments, " "))
	if o, n := strings.Join(slices.Sorted(maps.Keys(oldD.Outputs)), " "), strings.Join(slices.Sorted(maps.Keys(newD.Outputs)), " "); o != n {
		diffs = append(diffs, Difference{What: "outputs", Old: o, New: n})
	}
	for _, k := range unionKeys(oldD.Env, newD.Env) {
		o, inOld := oldD.Env[k]
		n, inNew := newD.Env[k]
		switch {
		case !inOld:
			_, en := Excerpts("", n)
			diffs = append(diffs, Difference{What: "env." + k, New: en})
		case !inNew:
			eo, _ := Excerpts(ren.Replace(o), "")
			diffs = append(diffs, Difference{What: "env." + k, Old: eo})
		default:
			add("env."+k, o, n)
		}
	}
	return diffs
}

// sourceDifference names a source file whose content changed, with its
// first differing line when both sides are small text files in the store.
func sourceDifference(oldP, newP string) Difference {
	d := Difference{What: "source " + storeName(newP)}
	o, errO := smallText(oldP)
	n, errN := smallText(newP)
	if errO == nil && errN == nil {
		d.Old, d.New = Excerpts(o, n)
	}
	return d
}

// smallText reads a regular file up to 256 KiB; a directory or a larger
// file is not excerpted.
func smallText(p string) (string, error) {
	st, err := os.Stat(p)
	if err != nil {
		return "", err
	}
	if !st.Mode().IsRegular() || st.Size() > 256<<10 {
		return "", fmt.Errorf("%s: not a small file", p)
	}
	b, err := os.ReadFile(p)
	return string(b), err
}

// Excerpts returns the first line where o and n differ, on each side, cut
// to excerptWidth runes around where they part.
func Excerpts(o, n string) (string, string) {
	ol, nl := strings.Split(o, "\n"), strings.Split(n, "\n")
	i := 0
	for i < len(ol) && i < len(nl) && ol[i] == nl[i] {
		i++
	}
	line := func(ls []string) string {
		if i >= len(ls) {
			return ""
		}
		return ls[i]
	}
	a, b := line(ol), line(nl)
	if o == "" {
		a = ""
	}
	if n == "" {
		b = ""
	}
	start := commonPrefix(a, b)
	return cut(a, start), cut(b, start)
}

func commonPrefix(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	i := 0
	for i < len(ra) && i < len(rb) && ra[i] == rb[i] {
		i++
	}
	return i
}

// cut keeps excerptWidth runes of s, starting a little before the rune at
// which the two sides part, so the difference is in view; "…" marks what
// is left out at either end.
func cut(s string, part int) string {
	r := []rune(s)
	if len(r) <= excerptWidth {
		return s
	}
	from := max(0, min(part-excerptWidth/4, len(r)-excerptWidth))
	kept := append([]rune(nil), r[from:from+excerptWidth]...)
	if from > 0 {
		kept[0] = '…'
	}
	if from+excerptWidth < len(r) {
		kept[len(kept)-1] = '…'
	}
	return string(kept)
}

// pairByName pairs old and new store paths by name (the part after the
// hash). Within a name held by several paths, identical paths pair first,
// then the rest in order. What is left pairs by name without its version
// (linux-6.6.1 with linux-6.6.2) when that is unique on both sides, and
// then, when one path is left on each side, those two: a toplevel named
// after its host (nixos-system-HOST-…) is still the same input after the
// host is renamed, as nix-diff pairs the last ones. Any other path is an
// added or removed input.
func pairByName(oldPaths, newPaths []string, kind string) ([][2]string, []Difference) {
	og, ng := groupBy(oldPaths, storeName), groupBy(newPaths, storeName)
	var pairs [][2]string
	var oldLeft, newLeft []string
	for _, name := range unionKeys(og, ng) {
		o, n := og[name], ng[name]
		same := map[string]bool{}
		for _, p := range o {
			for _, q := range n {
				if p == q {
					same[p] = true
				}
			}
		}
		o, n = without(o, same), without(n, same)
		for len(o) > 0 && len(n) > 0 {
			pairs = append(pairs, [2]string{o[0], n[0]})
			o, n = o[1:], n[1:]
		}
		oldLeft, newLeft = append(oldLeft, o...), append(newLeft, n...)
	}
	ov, nv := groupBy(oldLeft, unversioned), groupBy(newLeft, unversioned)
	oldLeft, newLeft = nil, nil
	for _, name := range unionKeys(ov, nv) {
		if o, n := ov[name], nv[name]; len(o) == 1 && len(n) == 1 {
			pairs = append(pairs, [2]string{o[0], n[0]})
			continue
		}
		oldLeft, newLeft = append(oldLeft, ov[name]...), append(newLeft, nv[name]...)
	}
	if len(oldLeft) == 1 && len(newLeft) == 1 {
		return append(pairs, [2]string{oldLeft[0], newLeft[0]}), nil
	}
	var diffs []Difference
	for _, p := range oldLeft {
		label := strings.TrimSuffix(storeName(p), ".drv")
		diffs = append(diffs, Difference{What: kind + " " + label, Old: label})
	}
	for _, p := range newLeft {
		label := strings.TrimSuffix(storeName(p), ".drv")
		diffs = append(diffs, Difference{What: kind + " " + label, New: label})
	}
	return pairs, diffs
}

func groupBy(ps []string, key func(string) string) map[string][]string {
	g := map[string][]string{}
	for _, p := range ps {
		g[key(p)] = append(g[key(p)], p)
	}
	for _, v := range g {
		sort.Strings(v)
	}
	return g
}

// unversioned is a store path's name up to its version: the name before
// the first "-" followed by a digit, as Nix's parseDrvName splits it.
func unversioned(p string) string {
	name := strings.TrimSuffix(storeName(p), ".drv")
	for i := 0; i+1 < len(name); i++ {
		if name[i] == '-' && name[i+1] >= '0' && name[i+1] <= '9' {
			return name[:i]
		}
	}
	return name
}

func without(ps []string, drop map[string]bool) []string {
	var out []string
	for _, p := range ps {
		if !drop[p] {
			out = append(out, p)
		}
	}
	return out
}

// storeName is a store path's name: its base without the hash.
func storeName(p string) string {
	base := filepath.Base(p)
	if i := strings.IndexByte(base, '-'); i == 32 {
		return base[i+1:]
	}
	return base
}

// DrvName is a derivation's name as people say it: its store name without
// ".drv".
func DrvName(drvPath string) string { return strings.TrimSuffix(storeName(drvPath), ".drv") }

// unionKeys is the sorted names of a and b together.
func unionKeys[V any](a, b map[string]V) []string {
	return slices.Compact(slices.Sorted(func(yield func(string) bool) {
		for k := range a {
			if !yield(k) {
				return
			}
		}
		for k := range b {
			if !yield(k) {
				return
			}
		}
	}))
}
