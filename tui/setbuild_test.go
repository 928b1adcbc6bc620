package tui

import (
	"strings"
	"testing"

	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/tui/components/tree"
)

// On the real Pi configuration: a string has no build command and b says
// so; a set's command comes with what it builds, counted from the children
// the tree knows, and b on it explains instead of doing nothing.
func TestSetsAndScalarsAreNotBuiltUnannounced(t *testing.T) {
	d := nixDriver(t, "pi", "aarch64-linux", 120, 40)
	d.settle()

	d.selectName("etcActivationCommands")
	d.settle()
	v := d.m.View()
	if !strings.Contains(v, "none: a string is not something Nix builds") || strings.Contains(v, "-A config.system.build.etcActivationCommands") {
		t.Errorf("a string has a build command:\n%s", v)
	}
	d.key("b")
	d.settle()
	if d.m.build.Active() || !strings.Contains(d.m.footer.Status(), "is a string, not a derivation: there is nothing to build") {
		t.Errorf("b on a string: panel %v, status %q", d.m.build.Active(), d.m.footer.Status())
	}

	// The root set: its children's kinds are known once listed.
	d.key("g")
	d.settle()
	d.until(func() bool { return tree.ChildrenOf(d.m.pane.Selected()).Known })
	c := tree.ChildrenOf(d.m.pane.Selected())
	if !c.Known || c.Derivations == 0 {
		t.Fatalf("the tree does not know config.system.build's children: %+v", c)
	}
	v = strings.Join(d.m.preview.Lines(200), "\n")
	if want := "⚠ this command builds " + nixeval.Count(c.Derivations, "derivation") + ": every derivation directly inside"; !strings.Contains(v, want) {
		t.Errorf("no %q beside the set's command:\n%s", want, v)
	}
	d.key("b")
	d.settle()
	if d.m.build.Active() || !strings.HasPrefix(d.m.footer.Status(), "b builds one derivation; config.system.build is an attribute set and this command builds ") {
		t.Errorf("b on a set: panel %v, status %q", d.m.build.Active(), d.m.footer.Status())
	}
}

// TestSetBuildNamesFailingChildren: b on a set whose children include some
// that fail to evaluate never suggests building the set, and says that its
// command would stop on those children, naming them.
func TestSetBuildNamesFailingChildren(t *testing.T) {
	d := nixDriver(t, "kinds", "", 160, 40)
	d.settle()
	d.until(func() bool { return tree.ChildrenOf(d.m.pane.Selected()).Known })
	c := tree.ChildrenOf(d.m.pane.Selected())
	if c.Failing == 0 {
		t.Fatalf("the kinds fixture's set has no failing child here: %+v", c)
	}
	d.key("b")
	d.settle()
	st := d.m.footer.Status()
	if strings.Contains(st, "build them all") || strings.Contains(st, "copy the command") {
		t.Errorf("b on a set suggests building it whole: %q", st)
	}
	if !strings.Contains(st, "children fail to evaluate: ") || !strings.Contains(st, c.FailingNames[0]) || !strings.Contains(st, "stops with an error before building anything") {
		t.Errorf("b on a set with failing children: %q", st)
	}
}
