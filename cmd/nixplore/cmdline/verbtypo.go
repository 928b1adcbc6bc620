package cmdline

import (
	"fmt"
	"sort"
	"strings"
)

// verbAliases are words people type for a verb that are not one.
var verbAliases = map[string]string{"list": "ls", "dir": "ls", "describe": "show", "explore": "tui"}

// verbTypo reports the verb a first word not a verb most likely meant: an
// alias (list), or a verb with one letter added, dropped or changed (lss)
// or two neighbours swapped (shwo). Anything further is taken as the
// attribute path it may be (vm, config.system.build): a real top-level
// name is never that close to a verb.
func verbTypo(word string) (string, bool) {
	if strings.ContainsAny(word, ".\"'") {
		return "", false
	}
	if v, ok := verbAliases[word]; ok {
		return v, true
	}
	names := []string{ExplorerVerb}
	for _, v := range manual.Verbs {
		if v.Name != "" {
			names = append(names, v.Name)
		}
	}
	sort.Strings(names)
	for _, v := range names {
		if oneEditApart(word, v) {
			return v, true
		}
	}
	return "", false
}

// oneEditApart reports whether a and b differ by one inserted, deleted or
// changed letter, or by two neighbouring letters swapped.
func oneEditApart(a, b string) bool {
	if a == b {
		return false
	}
	if len(a) > len(b) {
		a, b = b, a
	}
	if len(b)-len(a) > 1 {
		return false
	}
	i := 0
	for i < len(a) && a[i] == b[i] {
		i++
	}
	if len(a) == len(b) {
		if a[i+1:] == b[i+1:] {
			return true // one letter changed
		}
		return i+1 < len(a) && a[i] == b[i+1] && a[i+1] == b[i] && a[i+2:] == b[i+2:]
	}
	return a[i:] == b[i+1:] // one letter added
}

// verbTypoError is the usage error for a first word that looks like a
// mistyped verb, with the way to mean the attribute of that name.
func verbTypoError(word, verb string) error {
	return fmt.Errorf("%q is not a verb: did you mean %s? (to open the explorer on an attribute named %s: nixplore tui %s)", word, verb, word, word)
}
