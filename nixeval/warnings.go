package nixeval

import (
	"crypto/rand"
	"encoding/hex"

	"github.com/nixplore/nixplore/nixeval/diag"
)

// Both backends hand the lines Nix printed for one request to a
// WarningScanner (diag) and the result to diag.NoteWarnings; the
// Evaluator's answers carry them (Listing, Child, Description, Info).

// newMark is the prefix of the trace lines by which the wrapper says which
// path of a request it starts evaluating: random, so no value can print it.
func newMark() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return "nixplore-at-" + hex.EncodeToString(b) + ":"
}

// NewWarningScanner reads the warnings of req's answer, each with the
// path of req it came from.
func NewWarningScanner(req Request) *diag.WarningScanner {
	return diag.NewWarningScanner(req.Path, req.Paths, req.Mark)
}

// ScanWarnings reads the lines Nix printed while answering req (stderr,
// or the repl's output between the request's sentinels) and returns the
// warnings and traces among them, each with the path it came from: the
// request's own path, or, for a request about several paths, the one the
// wrapper marked as being evaluated when it was printed. A message of
// several lines is kept whole. The wrapper's marks are not warnings.
func ScanWarnings(req Request, lines []string) []diag.Warning {
	s := NewWarningScanner(req)
	for _, l := range lines {
		s.Line(l)
	}
	return s.Warnings()
}

// claimWarnings hands each warning to the child whose path it came from
// (or from below) and returns the ones no child claims.
func claimWarnings(children []Child, ws []diag.Warning) (rest []diag.Warning) {
	for i := range children {
		var mine []diag.Warning
		mine, ws = diag.WarningsUnder(ws, children[i].Path)
		if len(mine) > 0 {
			children[i].Warnings = diag.UniqueWarnings(children[i].Warnings, mine)
		}
	}
	return ws
}

// AllWarnings is every warning of a listing: the ones printed reaching
// the set, then each child's, without repeats.
func (l *Listing) AllWarnings() []diag.Warning {
	all := [][]diag.Warning{l.Warnings}
	for _, c := range l.Children {
		all = append(all, c.Warnings)
	}
	return diag.UniqueWarnings(all...)
}

// giveListingsWarnings hands the warnings of listing requests to the
// listing of the path they came from, and there to the child; the ones of
// no path go to the first listing, whose evaluation came first.
func giveListingsWarnings(ls []Listing, ws []diag.Warning) {
	for i := range ls {
		var mine []diag.Warning
		mine, ws = diag.WarningsUnder(ws, ls[i].Path)
		ls[i].Warnings = diag.UniqueWarnings(ls[i].Warnings, claimWarnings(ls[i].Children, mine))
	}
	if len(ls) > 0 {
		ls[0].Warnings = diag.UniqueWarnings(ls[0].Warnings, ws)
	}
}
