// Package failure is the screen of an evaluation that failed as a whole:
// what happened, what to do, and Nix's own words.
package failure

import (
	"errors"

	"github.com/charmbracelet/lipgloss"

	"github.com/nixplore/nixplore/nixeval/diag"
	"github.com/nixplore/nixplore/tui/shared"
)

// Lines explain an evaluation that failed as a whole, in w x h: what
// happened, what to do, and Nix's own words. traceable: t can show why
// (Nix's --show-trace).
func Lines(s shared.Styles, fatal error, traceable bool, w, h int) []string {
	var out []string
	add := func(st lipgloss.Style, text string) {
		for _, wl := range shared.WrapIndent(text, max(1, w-2)) {
			out = append(out, "  "+st.Render(wl))
		}
	}
	out = append(out, s.Bad.Render(shared.Truncate("The evaluation failed", w)), "")
	var ee *diag.EvalError
	var me *diag.MissingAttrError
	switch {
	case errors.As(fatal, &ee):
		add(s.PanelTitle, ee.Summary)
		if ee.Location != "" {
			add(s.Value, "at "+ee.Location)
		}
		for _, d := range ee.Details {
			add(s.Value, "- "+d)
		}
		out = append(out, "", s.Label.Render("What to do"))
		if ee.Hint != "" {
			add(s.Value, ee.Hint)
		}
		if traceable {
			add(s.Value, "Press t to see why: the evaluation again with Nix's --show-trace, naming the option and your own file behind the error.")
		}
		add(s.Value, "Press r (or R) to evaluate again once it is fixed; q quits.")
		if ee.Nix != nil && ee.Nix.Message != "" && !ee.SaysAllNixSaid() {
			out = append(out, "", s.Label.Render("Nix said"))
			add(s.ErrorText, ee.Nix.Message)
		}
	case errors.As(fatal, &me):
		add(s.PanelTitle, me.Error())
		out = append(out, "", s.Label.Render("What to do"))
		add(s.Value, "Start at another path: nixplore [TARGET FLAGS] PATH. r tries again; q quits.")
	default:
		add(s.ErrorText, fatal.Error())
		out = append(out, "")
		add(s.Value, "r tries again; q quits.")
	}
	if len(out) > h {
		out = out[:h]
	}
	return out
}
