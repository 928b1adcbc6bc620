package askpanel

import (
	"errors"
	"testing"

	"github.com/nixplore/nixplore/tui/shared"
)

// An answer counts only for the question in flight: one asked before
// (reasked since) or after the panel closed is dropped, and asking again
// cancels the question before.
func TestAnswerOfAnOldQuestionIsDropped(t *testing.T) {
	p := New(shared.New(shared.Config{}))
	ctx1, id1 := p.Ask()
	_, id2 := p.Ask()
	if ctx1.Err() == nil {
		t.Error("asking again left the first question running")
	}
	if p.Answered(id1, nil) {
		t.Error("the first question's answer was taken after a second was asked")
	}
	if !p.Loading() {
		t.Fatalf("state %s after a stale answer, want loading", p.State)
	}
	if !p.Answered(id2, errors.New("boom")) || p.State != Failed {
		t.Errorf("the second question's failure: state %s", p.State)
	}
	if p.Answered(id2, nil) {
		t.Error("an answer was taken twice")
	}
	_, id3 := p.Ask()
	p = p.Closed()
	if p.Active() || p.Answered(id3, nil) {
		t.Errorf("an answer reached a closed panel: state %s", p.State)
	}
}
