package catalogue

import (
	"regexp"
	"strings"
)

// Alternatives are the outputs to weigh e against: e itself, then the
// well-known outputs its "choose" text names (sdImage names toplevel, vm
// and isoImage), in the order it names them. A well-known output is a
// derivation nixos-rebuild builds (toplevel, vm, vmWithBootLoader) or an
// image (a name ending in Image). For an entry that names none, those
// of toplevel.
func Alternatives(e Entry) []string {
	out := appendNew(nil, e.Name)
	for _, n := range namedIn(e.Choose) {
		out = appendNew(out, n)
	}
	if len(out) > 1 || e.Name == "toplevel" {
		return out
	}
	for _, t := range Lookup("toplevel", "") {
		for _, n := range namedIn(t.Choose) {
			out = appendNew(out, n)
		}
		out = appendNew(out, "toplevel")
		break
	}
	return out
}

var wordRE = regexp.MustCompile(`[A-Za-z][A-Za-z0-9-]*`)

// namedIn returns the well-known outputs text names, in order, once each.
func namedIn(text string) []string {
	known := map[string]bool{}
	for _, e := range entries {
		if e.Kind == "derivation" && !e.Deprecated && (e.Rebuild != "" || strings.HasSuffix(e.Name, "Image")) {
			known[e.Name] = true
		}
	}
	var out []string
	for _, w := range wordRE.FindAllString(text, -1) {
		if known[w] {
			out = appendNew(out, w)
		}
	}
	return out
}
