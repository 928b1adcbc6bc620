// Package setbuild says what building a value means before Nix is asked:
// whether its kind has a build command at all (Buildable), and for a set
// or list, what its build command builds (Contents.Warning).
package setbuild

import (
	"fmt"
	"strings"

	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/attr"
)

// Buildable says whether a value of kind has a build command at all:
// derivations, and the sets and lists nix-build looks for derivations in.
// Strings, numbers, booleans, null, paths and functions have none.
func Buildable(kind string) bool {
	switch kind {
	case nixeval.KindString, nixeval.KindPath, nixeval.KindInt, nixeval.KindFloat, nixeval.KindBool, nixeval.KindNull, nixeval.KindFunction:
		return false
	}
	return true
}

// NothingToBuild is the message for a value without a build command.
func NothingToBuild(path, kind string) string {
	return fmt.Sprintf("%s is %s, not a derivation: there is nothing to build (nix-build would fail with "+
		"\"expression does not evaluate to a derivation\"); `nixplore show %s` prints its value", path, nixeval.AKind(kind), attr.ShellQuote(path))
}

// Contents is what nixplore knows of a set or list's children when it
// prints a build command for the whole of it.
type Contents struct {
	Children int // attributes or elements inside
	// Known: every child's kind is known, so Derivations counts them.
	Known       bool
	Derivations int
	// What the set is, e.g. the catalogue's summary of images: "every
	// image variant"; "" when unknown.
	What string
	// Failing counts the children known to fail to evaluate, and names
	// the first few (failingShown): nix-build of the set stops at the
	// first of them before it builds anything.
	Failing      int
	FailingNames []string
}

// failingShown is how many failing children a warning names.
const failingShown = 3

// CountChildren fills Known and Derivations from listed children.
func CountChildren(children []nixeval.Child) Contents {
	c := Contents{Known: true}
	for _, ch := range children {
		c.AddNamed(ch.Name, ch.Kind)
	}
	return c
}

// AddNamed is Add for a child whose name is known: a child that fails to
// evaluate is remembered by name.
func (c *Contents) AddNamed(name, kind string) {
	c.Add(kind)
	if kind == nixeval.KindError {
		c.Failing++
		if len(c.FailingNames) < failingShown {
			c.FailingNames = append(c.FailingNames, attr.Quote(name))
		}
	}
}

// Add counts one more child of kind (start from Contents{Known: true}):
// a caller holding its children in another shape counts them without
// copying them (the explorer's tree of 100,000 rows).
func (c *Contents) Add(kind string) {
	c.Children++
	switch kind {
	case nixeval.KindDerivation:
		c.Derivations++
	case "", nixeval.KindPending:
		c.Known = false
	}
}

// Warning says what the build command of a set or list builds: nix-build
// builds every derivation directly inside it (nested sets only when they
// ask for it with recurseForDerivations), e.g. "builds 24 derivations:
// every image variant". It starts with "builds".
func (c Contents) Warning() string {
	what := c.What
	var s string
	switch {
	case c.Known:
		s = "builds " + nixeval.Count(c.Derivations, "derivation")
		if what == "" {
			what = "every derivation directly inside"
		}
	default:
		s = "builds every derivation inside"
		if c.Children > 0 {
			s += " (" + nixeval.Count(c.Children, "attribute") + ")"
		}
	}
	if what != "" {
		s += ": " + what
	}
	if c.Failing > 0 {
		names := strings.Join(c.FailingNames, ", ")
		if c.Failing > len(c.FailingNames) {
			names += fmt.Sprintf(" and %d more", c.Failing-len(c.FailingNames))
		}
		s += fmt.Sprintf("; and it stops with an error before building anything, since %s: %s", failText(c.Failing), names)
	}
	return s
}

func failText(n int) string {
	if n == 1 {
		return "1 child fails to evaluate"
	}
	return fmt.Sprintf("%d children fail to evaluate", n)
}

// FromDescription completes c from the set's description: its number of
// children when the listing did not count them, and what it is (the
// catalogue's summary), so every command for a set is warned about alike.
func (c *Contents) FromDescription(d *nixeval.Description) {
	if !c.Known && d.Count != nil {
		c.Children = *d.Count
	}
	if d.Doc != nil {
		c.What = SummaryClause(d.Doc.Summary)
	}
}

// SummaryClause turns a catalogue summary ("Every image variant this
// configuration can be turned into, one attribute per variant.") into the
// clause a warning ends with ("every image variant this configuration can
// be turned into").
func SummaryClause(summary string) string {
	s := strings.TrimSpace(summary)
	if i := strings.IndexAny(s, ",.;:("); i > 0 {
		s = s[:i]
	}
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	return strings.ToLower(s[:1]) + s[1:]
}
