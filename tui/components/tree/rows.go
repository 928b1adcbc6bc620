package tree

import (
	"time"

	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/tui/shared"
)

// SlowKind is how long a kind may take before its row says it is being
// evaluated.
const SlowKind = time.Second

// pendingNote is what a pending row says after it: nothing at first, then
// that it is being evaluated (and the evaluation it stands for).
func pendingNote(n *Node, now time.Time) string {
	if n.KindReq == 0 || now.Sub(n.KindSince) < SlowKind {
		return ""
	}
	return "evaluating… " + shared.FormatSeconds(now.Sub(n.KindSince))
}

// KindTags are three-letter tags, readable without colour.
var KindTags = map[string]string{
	nixeval.KindDerivation: "drv", nixeval.KindAttrs: "set", nixeval.KindList: "lst",
	nixeval.KindString: "str", nixeval.KindPath: "pth", nixeval.KindInt: "int",
	nixeval.KindFloat: "flt", nixeval.KindBool: "bol", nixeval.KindNull: "nul",
	nixeval.KindFunction: "fun", nixeval.KindError: "ERR", nixeval.KindAbsent: "---",
	nixeval.KindPending: "···",
}
