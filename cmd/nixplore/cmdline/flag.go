// Package cmdline is nixplore's command line as data: one table of verbs
// and flags (manual.go) that Parse reads arguments with, WriteHelp and
// WriteMan render as --help and the man page, and shell completion
// (package completion) offers, so the four never disagree.
package cmdline

import "strings"

// ValueKind is what a flag's (last) value is, for completion.
type ValueKind string

// The kinds of value completion knows how to offer.
const (
	NoValue    ValueKind = ""
	File       ValueKind = "file"
	SearchPath ValueKind = "search-path" // -I name=path
	System     ValueKind = "system"
	Flake      ValueKind = "flake"
)

// setter stores a flag's values in the options; an error says why a
// value is refused.
type setter func(o *Options, values []string) error

// Flag is one flag of the command line: its names, the values it takes,
// the verbs it applies to, its help text, what completion offers for its
// value, and what parsing does with it.
type Flag struct {
	Names []string // long name first when there is one, e.g. "--file", "-f"
	// Values names each value word that follows the flag, as the help
	// shows it ({"name", "expr"} for --arg); their number is how many
	// words the flag takes.
	Values []string
	Verbs  []string // the verbs it applies to ("" is the explorer); nil for every verb
	Doc    string
	Kind   ValueKind
	// Joined: the value may also follow a short name in the same word
	// (-Ipath), as nix-build reads -I.
	Joined bool
	set    setter
}

// Arity is how many words follow the flag.
func (f *Flag) Arity() int { return len(f.Values) }

// AppliesTo reports whether f is meaningful for verb ("" is the explorer).
func (f *Flag) AppliesTo(verb string) bool {
	if f.Verbs == nil {
		return true
	}
	for _, v := range f.Verbs {
		if v == verb {
			return true
		}
	}
	return false
}

// Help is the flag's help text, after the name of its one verb when it
// applies to one verb only ("build: no result symlink").
func (f *Flag) Help() string {
	if len(f.Verbs) == 1 && f.Verbs[0] != "" {
		return f.Verbs[0] + ": " + f.Doc
	}
	return f.Doc
}

// arg is the value words as shown: "name expr".
func (f *Flag) arg() string { return strings.Join(f.Values, " ") }

// label is how the flag is shown: "-f, --file FILE".
func (f *Flag) label() string {
	names := append([]string(nil), f.Names...)
	// Short names first, as in most help texts.
	if len(names) == 2 && !strings.HasPrefix(names[1], "--") {
		names[0], names[1] = names[1], names[0]
	}
	s := strings.Join(names, ", ")
	if len(f.Values) > 0 {
		s += " " + f.arg()
	}
	return s
}

// Flags lists every flag, in the order of the help.
func Flags() []*Flag {
	var out []*Flag
	for _, g := range manual.Groups {
		for i := range g.Flags {
			out = append(out, &g.Flags[i])
		}
	}
	return out
}

// Lookup finds a flag by any of its names.
func Lookup(name string) (*Flag, bool) {
	for _, f := range Flags() {
		for _, n := range f.Names {
			if n == name {
				return f, true
			}
		}
	}
	return nil, false
}
