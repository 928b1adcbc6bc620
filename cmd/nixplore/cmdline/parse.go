package cmdline

import (
	"fmt"
	"strings"

	"github.com/nixplore/nixplore/nixeval"
)

// ExplorerVerb names the explorer, which is also what no verb opens.
const ExplorerVerb = "tui"

// IsVerb reports whether word is a verb.
func IsVerb(word string) bool {
	if word == ExplorerVerb {
		return true
	}
	for _, v := range manual.Verbs {
		if v.Name != "" && v.Name == word {
			return true
		}
	}
	return false
}

// Verbs lists the verbs as the help documents them, the explorer's
// verb-less form ("") first.
func Verbs() []Verb { return append([]Verb(nil), manual.Verbs...) }

// Parse reads the command line the way nix-build does: each flag takes
// the number of words its table entry names (-I one, --arg two), a long
// flag with one value also takes it after "=", -I also joined (-Ipath);
// flags and positional words may mix, and "--" ends the flags.
func Parse(args []string) (*Options, error) {
	o := &Options{MaxMem: -1}
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			o.Paths = append(o.Paths, args[i+1:]...)
			return o, nil
		case strings.HasPrefix(a, "-") && a != "-":
			f, values, words, err := flagAt(args, i)
			if err != nil {
				return nil, err
			}
			if err := f.set(o, values); err != nil {
				return nil, err
			}
			i += words
		default:
			if err := o.positional(a); err != nil {
				return nil, err
			}
		}
	}
	return o, nil
}

// flagAt finds the flag args[i] names, its values, and how many words
// after args[i] they took.
func flagAt(args []string, i int) (f *Flag, values []string, words int, err error) {
	a := args[i]
	if name, value, ok := strings.Cut(a, "="); ok && strings.HasPrefix(a, "--") {
		if found, ok := Lookup(name); ok && found.Arity() == 1 {
			return found, []string{value}, 0, nil
		}
		return nil, nil, 0, unknownFlag(a)
	}
	if found, ok := Lookup(a); ok {
		f, n := found, found.Arity()
		if i+n >= len(args) {
			return nil, nil, 0, fmt.Errorf("%s needs %s", a, nixeval.Count(n, "value"))
		}
		return f, args[i+1 : i+1+n], n, nil
	}
	for _, j := range Flags() {
		if j.joinedIn(a) {
			return j, []string{a[len(j.Names[0]):]}, 0, nil
		}
	}
	return nil, nil, 0, unknownFlag(a)
}

// joinedIn reports whether word is f's name with its value joined (-Ipath).
func (f *Flag) joinedIn(word string) bool {
	return f.Joined && len(word) > len(f.Names[0]) && strings.HasPrefix(word, f.Names[0])
}

func unknownFlag(word string) error {
	return fmt.Errorf("unknown flag %s (see nixplore --help)", word)
}

// positional takes a word that is no flag: the verb when it comes first,
// else a PATH; a first word one slip from a verb is refused.
func (o *Options) positional(word string) error {
	first := o.Verb == "" && len(o.Paths) == 0
	if first && IsVerb(word) {
		o.Verb = word
		return nil
	}
	if v, ok := verbTypo(word); ok && first {
		return verbTypoError(word, v)
	}
	o.Paths = append(o.Paths, word)
	return nil
}
