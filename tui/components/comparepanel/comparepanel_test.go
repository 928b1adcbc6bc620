package comparepanel

import (
	"errors"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/nixeval/compare"
	"github.com/nixplore/nixplore/tui/shared"
)

// A column fills in only the comparison that asked for it: one of a
// closed or an earlier comparison is dropped.
func TestColumnOfAnotherComparisonIsDropped(t *testing.T) {
	p := New(shared.New(shared.Config{}))
	paths := []attr.Path{{"a"}, {"b"}}
	p, _ = p.Start(paths) // the Cmds are not run: the columns come from the test
	old := p.ID
	p, _ = p.Start(paths)
	// A column is an answer: taking it starts no work.
	update := func(msg ColumnMsg) {
		t.Helper()
		var cmd tea.Cmd
		if p, cmd = p.Update(msg); cmd != nil {
			t.Errorf("column %d of comparison %d started work", msg.Index, msg.ID)
		}
	}
	update(ColumnMsg{ID: old, Index: 0, Col: compare.Column{}})
	if p.Done[0] {
		t.Error("a column of the earlier comparison was taken")
	}
	update(ColumnMsg{ID: p.ID, Index: 1, Err: errors.New("boom")})
	if !p.Done[1] || p.Errs[1] == nil || !p.Running() {
		t.Errorf("the column asked for: done %v, err %v, running %v", p.Done, p.Errs, p.Running())
	}
	id := p.ID
	p.Close()
	update(ColumnMsg{ID: id, Index: 0})
	if p.Open || len(p.Done) > 0 && p.Done[0] {
		t.Error("a column reached a closed comparison")
	}
}
