package tui

import (
	"fmt"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/attr"
)

// bigModel is an explorer whose start set has n children, all visible.
func bigModel(b *testing.B, n int) Model {
	kids := make([]nixeval.Child, n)
	for i := range kids {
		kids[i] = nixeval.Child{Name: fmt.Sprintf("many-%05d", i), Kind: nixeval.KindDerivation}
	}
	ev := &fakeEval{lists: map[string][]nixeval.Child{"config.system.build": kids}, info: &nixeval.Info{NixVersion: "2.8.0"}}
	m := New(Config{Target: fakeTarget(), Eval: ev, PreviewDelay: 50_000_000})
	m = step(m, tea.WindowSizeMsg{Width: 200, Height: 50})
	m = step(m, startMsg{}) // what Init asks for: the start listing's request
	l, _ := ev.List(b.Context(), attr.DefaultPath)
	m = step(m, listedMsg{id: m.tree.Root.ReqID, key: m.tree.Root.Key, listing: &l[0]})
	if len(m.tree.Visible) != n+1 {
		b.Fatalf("%d visible", len(m.tree.Visible))
	}
	return m
}

// step is Update without a runtime: the benchmarks measure Update and
// View; the Cmds it returns (requests to Nix, spinner ticks) are not run.
func step(m Model, msg tea.Msg) Model {
	next, cmd := m.Update(msg)
	_ = cmd
	return next.(Model)
}

// BenchmarkKeyPress10000 is one key press (Update and View) with 10,000
// visible nodes; the cursor walks down and back so it scrolls.
func BenchmarkKeyPress10000(b *testing.B) {
	m := bigModel(b, 10000)
	down, up := keyMsg("j"), keyMsg("k")
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		k := down
		if (i/5000)%2 == 1 {
			k = up
		}
		m = step(m, k)
		_ = m.View()
	}
}

// BenchmarkFilter100000 ranks 100,000 loaded paths against a query, as
// each key typed into `/` does, and draws the result.
func BenchmarkFilter100000(b *testing.B) {
	m := bigModel(b, 100000)
	m.filter.Open(m.tree)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		m.filter.Input.SetValue("many0999")
		m.filter.Refilter()
		_ = m.View()
	}
	if len(m.filter.Matches) == 0 {
		b.Fatal("no match")
	}
}
