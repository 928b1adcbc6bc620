package shared

import (
	"regexp"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/nixplore/nixplore/nixeval/attr"
)

// FoldLines keeps the first n-1 of text's wrapped lines and puts the rest
// of text, cut with "…", on the n-th: the start of every part after the
// first fold stays readable without another line per path.
func FoldLines(text string, lines []string, w, n int) []string {
	if len(lines) <= n || n < 1 {
		return lines
	}
	rest := text
	for _, l := range lines[:n-1] {
		i := strings.Index(rest, l)
		if i < 0 {
			return append(lines[:n-1:n-1], Truncate(lines[n-1]+" "+lines[n], w))
		}
		rest = rest[i+len(l):]
	}
	return append(lines[:n-1:n-1], Truncate(strings.TrimLeft(rest, " "), w))
}

// WrapIndent wraps each line of text to w cells, continuing a wrapped
// line at its own indentation, and makes every line terminal-safe.
func WrapIndent(text string, w int) []string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		l = attr.Printable(l)
		if IsExcerpt(l) {
			out = append(out, Truncate(l, w))
			continue
		}
		lead := l[:len(l)-len(strings.TrimLeft(l, " "))]
		if len(lead) > w/2 {
			lead = ""
		}
		for i, wl := range Wrap(strings.TrimLeft(l, " "), max(1, w-len(lead))) {
			if i == 0 || lead != "" {
				wl = lead + wl
			}
			out = append(out, wl)
		}
	}
	return out
}

// excerptRE matches a line of the code Nix quotes under an error
// ("       5|   = broken;", "        |   ^").
var excerptRE = regexp.MustCompile(`^ *[0-9]*\|`)

// IsExcerpt reports whether l is such a line: it is cut to the width, not
// wrapped, so the ^ still stands under the column it points at.
func IsExcerpt(l string) bool { return excerptRE.MatchString(l) }

// Wrap breaks s into lines of at most w cells between words only, so a
// command copied from the screen keeps its tokens (`--argstr` is never cut
// after a dash). Only a word longer than a whole line (a store path) is
// cut, after a / or . where it can, anywhere else where it must. A line
// of a code excerpt is cut at w instead (IsExcerpt).
//
// It is the one word wrapper of the explorer (WrapIndent, WrapIndented and
// FoldLines lay its lines out), hand-written over x/ansi's measures
// because ansi.Wordwrap gives other lines than the goldens hold: it breaks
// after a dash ("-" then "A" for -A), leaves a word longer than the line
// over the width instead of cutting it after a / or ., and does not cut an
// excerpt line. Cells are measured with ansi.StringWidth, long words cut
// with ansi.Wrap and ansi.Hardwrap.
func Wrap(s string, w int) []string {
	if s == "" {
		return []string{""}
	}
	var out []string
	for _, para := range strings.Split(s, "\n") {
		if IsExcerpt(para) {
			out = append(out, Truncate(para, w))
			continue
		}
		line, lw := "", 0
		flush := func() {
			out = append(out, strings.TrimRight(line, " "))
			line, lw = "", 0
		}
		// Split at single spaces: runs of spaces (a code excerpt's
		// indentation) stay as empty words and are kept, except where
		// a line breaks.
		started := false
		for _, word := range strings.Split(para, " ") {
			ww := ansi.StringWidth(word)
			switch {
			case started && lw+1+ww <= w:
				line, lw = line+" "+word, lw+1+ww
				continue
			case started && word == "":
				continue // a space where the line breaks
			case started:
				flush()
			}
			started = true
			if ww <= w {
				line, lw = word, ww
				continue
			}
			pieces := longWord(word, w)
			out = append(out, pieces[:len(pieces)-1]...)
			line = pieces[len(pieces)-1]
			lw = ansi.StringWidth(line)
		}
		flush()
	}
	return out
}

// longWord cuts a word longer than w into lines, after a / or . where it
// can.
func longWord(word string, w int) []string {
	var out []string
	for _, l := range strings.Split(ansi.Wrap(word, w, "/."), "\n") {
		if ansi.StringWidth(l) > w {
			out = append(out, strings.Split(ansi.Hardwrap(l, w, true), "\n")...)
			continue
		}
		out = append(out, l)
	}
	return out
}

// indentFor is the indentation of wrapIndented's lines: indent spaces
// when w leaves room for them.
func indentFor(w, indent int) string {
	if w > 2*indent+10 {
		return strings.Repeat(" ", indent)
	}
	return ""
}

// WrapIndentedMarked is wrapIndented with marker ("← your file") after
// the text: on its last line when it fits there, else on a line of its
// own, never split across two.
func WrapIndentedMarked(st lipgloss.Style, w, indent int, text, marker string) []string {
	out := WrapIndented(st, w, indent, text)
	ind := indentFor(w, indent)
	if n := len(out); n > 0 && ansi.StringWidth(out[n-1])+2+ansi.StringWidth(marker) <= w {
		out[n-1] += st.Render("  " + marker)
		return out
	}
	return append(out, ind+st.Render(Truncate(marker, w-len(ind))))
}

// WrapIndented wraps text, made printable, to w columns, each line
// indented by indent spaces when w leaves room for it, styled with st.
// Text's own lines stay lines (Nix's multi-line errors): each is made
// printable and wrapped on its own.
func WrapIndented(st lipgloss.Style, w, indent int, text string) []string {
	ind := indentFor(w, indent)
	var out []string
	for _, line := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		for _, l := range Wrap(attr.Printable(line), max(1, w-len(ind))) {
			out = append(out, ind+st.Render(l))
		}
	}
	return out
}

// Truncate cuts s (which may hold styles) to w cells.
func Truncate(s string, w int) string {
	if w <= 0 {
		return ""
	}
	if ansi.StringWidth(s) <= w {
		return s
	}
	return ansi.Truncate(s, w, "…")
}

// Pad truncates or pads s to exactly w cells.
func Pad(s string, w int) string {
	s = Truncate(s, w)
	if n := ansi.StringWidth(s); n < w {
		s += strings.Repeat(" ", w-n)
	}
	return s
}
