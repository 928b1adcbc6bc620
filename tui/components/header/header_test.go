package header

import (
	"errors"
	"testing"
	"time"

	"github.com/nixplore/nixplore/tui/shared"
)

// The header says warm evaluation is back only when the evaluators, one
// shot until then, answer from a repl again, and for warmBackShown; a new
// fall ends the note at once.
func TestWarmBackIsNotedOnlyAfterAFall(t *testing.T) {
	h := New(shared.New(shared.Config{}))
	h.NoteEvaluators(shared.EvaluatorsMsg{})
	if !h.warmBack.IsZero() {
		t.Fatal("warm evaluation noted as back without a fall")
	}
	fell := errors.New("nix repl failed")
	h.NoteEvaluators(shared.EvaluatorsMsg{Fallen: fell})
	h.NoteEvaluators(shared.EvaluatorsMsg{Memory: []int64{3 << 20}})
	if h.warmBack.IsZero() || h.fallen != nil {
		t.Fatalf("back from the fall: warmBack %v, fallen %v", h.warmBack, h.fallen)
	}
	h.warmBack = time.Now().Add(-warmBackShown - time.Second)
	h.NoteEvaluators(shared.EvaluatorsMsg{})
	if !h.warmBack.IsZero() {
		t.Error("the note outlived warmBackShown")
	}
	h.NoteEvaluators(shared.EvaluatorsMsg{Fallen: fell})
	h.NoteEvaluators(shared.EvaluatorsMsg{})
	h.NoteEvaluators(shared.EvaluatorsMsg{Fallen: fell})
	if !h.warmBack.IsZero() {
		t.Error("a new fall kept the note that warm evaluation is back")
	}
}
