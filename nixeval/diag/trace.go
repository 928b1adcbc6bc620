package diag

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/nixeval/nixproc"
)

// Frame is one step of the chain Nix prints with --show-trace: what it was
// evaluating (`while evaluating the option `system.name':`) and, when it
// says, where (with the source lines it quotes).
type Frame struct {
	Text    string   `json:"text"`
	File    string   `json:"file,omitempty"`
	Line    int      `json:"line,omitempty"`
	Column  int      `json:"column,omitempty"`
	Excerpt []string `json:"-"`
	// Nixpkgs is set for a location inside a nixpkgs source (lib/modules.nix
	// and the NixOS modules), File then being relative to it.
	Nixpkgs bool `json:"nixpkgs,omitempty"`
	// User is set on the frame Trace names as the user's own.
	User bool `json:"user,omitempty"`
}

// Location is file:line:column, or the file alone, or "".
func (f Frame) Location() string {
	switch {
	case f.File == "":
		return ""
	case f.Line == 0:
		return f.File
	}
	return fmt.Sprintf("%s:%d:%d", f.File, f.Line, f.Column)
}

// Trace is what evaluating a value again with --show-trace says: Nix's
// error and the chain of frames that led to it, with the option and the
// user's own file read from it.
type Trace struct {
	Path attr.Path
	// Err is the value's error, classified; nil when it evaluates now.
	Err error
	// Frames run from the error outwards: the innermost first.
	Frames []Frame
	// Option is the innermost option Nix was evaluating (`system.name`).
	Option string
	// File, Line and Column are the innermost place in the user's own
	// files (outside nixpkgs and nixplore); Line is 0 when Nix named only
	// the file (`while evaluating definitions from …`).
	File         string
	Line, Column int
}

// Where is the option and the user's file, as one phrase: "option
// system.name, in /home/me/naming.nix:5:28"; "" when the trace names
// neither.
func (t *Trace) Where() string {
	var parts []string
	if t.Option != "" {
		parts = append(parts, "option "+t.Option)
	}
	if t.File != "" {
		f := Frame{File: t.File, Line: t.Line, Column: t.Column}
		parts = append(parts, "in "+f.Location())
	}
	return strings.Join(parts, ", ")
}

var (
	frameStartRE = regexp.MustCompile(`^\s*… (.*)$`)
	frameAtRE    = regexp.MustCompile(`^\s*at (.+?):(\d+):(\d+):?\s*$`)
)

// ParseTrace reads the frames of Nix's --show-trace output (stderr),
// innermost first, whatever the version: 2.8 prints the error first and
// the frames after it from the innermost out, 2.26 and later the frames
// from the outermost in and the error last. The first frame is the error
// itself, at its own location when Nix gave one. Frames in nixplore's own
// expression, whose text is wrapper, are left out.
func ParseTrace(stderr, wrapper string) []Frame {
	type item struct {
		f       Frame
		isError bool
		hasText bool
	}
	var items []*item
	var cur *item
	for _, l := range strings.Split(nixproc.StripANSI(stderr), "\n") {
		l = strings.TrimRight(l, "\r")
		switch {
		case nixproc.IsErrorLine(l):
			text := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(l), "error:"))
			cur = &item{f: Frame{Text: "error: " + text}, isError: true, hasText: text != ""}
			items = append(items, cur)
		case frameStartRE.MatchString(l):
			cur = &item{f: Frame{Text: strings.TrimSpace(frameStartRE.FindStringSubmatch(l)[1])}}
			items = append(items, cur)
		case frameAtRE.MatchString(l) && cur != nil && cur.f.File == "":
			m := frameAtRE.FindStringSubmatch(l)
			cur.f.File = m[1]
			cur.f.Line, _ = strconv.Atoi(m[2])
			cur.f.Column, _ = strconv.Atoi(m[3])
		case excerptRE.MatchString(l) && cur != nil && cur.f.File != "":
			cur.f.Excerpt = append(cur.f.Excerpt, strings.TrimRight(l, " "))
		case cur != nil && cur.isError && cur.f.File == "" && len(items) > 0 && strings.TrimSpace(l) != "":
			// The message goes on (a failed assertion's list).
			if !cur.hasText {
				cur.f.Text += strings.TrimSpace(l)
				cur.hasText = true
			}
		}
	}
	msg := -1
	for i, it := range items {
		if it.isError && (it.hasText || msg < 0 || !items[msg].hasText) {
			msg = i
		}
	}
	if msg < 0 {
		return nil
	}
	out := []Frame{items[msg].f}
	for _, it := range items[msg+1:] {
		if !it.isError {
			out = append(out, it.f)
		}
	}
	for i := msg - 1; i >= 0; i-- {
		if !items[i].isError {
			out = append(out, items[i].f)
		}
	}
	kept := out[:0]
	for _, f := range out {
		if f.File != "" && isWrapperLocation(wrapper, f.File, strconv.Itoa(f.Line), f.Excerpt) {
			continue // nixplore's own expression: nothing the user can act on
		}
		if rel, ok := NixpkgsRelative(f.File); ok {
			f.File, f.Nixpkgs = rel, true
		}
		kept = append(kept, f)
	}
	return kept
}

// TraceRead is ParseTrace that refuses what it does not recognise: Nix
// ran with --show-trace, so stderr that holds lines beyond its error but
// no frame nixplore knows (`… while evaluating`) is a
// wording this version of nixplore cannot read, said as an error, never
// shown as a trace without frames.
func TraceRead(stderr, wrapper string) ([]Frame, error) {
	frames := ParseTrace(stderr, wrapper)
	s := nixproc.StripANSI(stderr)
	if _, ok := nixproc.ErrorBlock(s); !ok {
		return nil, errors.New("nixplore did not recognise the trace Nix printed (no `error:` line)")
	}
	sawFrame, other := false, 0
	for _, l := range strings.Split(s, "\n") {
		switch {
		case frameStartRE.MatchString(l):
			sawFrame = true
		case strings.TrimSpace(l) != "" && !nixproc.IsErrorLine(l) && !excerptRE.MatchString(l) && !frameAtRE.MatchString(l):
			other++
		}
	}
	if !sawFrame && other > 0 {
		return frames, errors.New("nixplore did not recognise the trace Nix printed (no frame it knows; a newer Nix may word them differently): run the command with --show-trace to read it")
	}
	return frames, nil
}
