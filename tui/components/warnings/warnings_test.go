package warnings

import (
	"testing"

	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/nixeval/diag"
	"github.com/nixplore/nixplore/tui/shared"
)

// A warning is listed once however many requests print it, and counted
// once per path it was printed for (the tree marks those nodes).
func TestWarningListedOnceCountedPerPath(t *testing.T) {
	c := shared.New(shared.Config{})
	p := New(c)
	a, b := attr.Path{"config", "a"}, attr.Path{"config", "b"}
	w := func(path attr.Path) diag.Warning {
		return diag.Warning{Kind: diag.WarningTrace, Message: "deprecated", Path: path}
	}
	p.Add([]diag.Warning{w(a), w(a)})
	p.Add([]diag.Warning{w(b)})
	if len(p.List) != 1 {
		t.Errorf("listed %d times, want once: %+v", len(p.List), p.List)
	}
	if c.Warned[a.Key()] != 1 || c.Warned[b.Key()] != 1 {
		t.Errorf("counts by path: %v", c.Warned)
	}
	if got := p.At(b); len(got) != 1 || !got[0].Path.Equal(b) {
		t.Errorf("At(%s) = %+v", b, got)
	}
	if got := p.Count(); got != "⚠ 1 trace" {
		t.Errorf("Count() = %q", got)
	}
}
