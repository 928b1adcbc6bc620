package nixeval

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
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

// Trace evaluates path again in a one-shot Nix with --show-trace and reads
// the chain: forcing the value, and a derivation's drvPath, as listing and
// describing do. A value that evaluates now gives a Trace without Err.
func (e *Evaluator) Trace(ctx context.Context, p attr.Path) (*Trace, error) {
	ctx, cancel := e.withTimeout(ctx)
	defer cancel()
	o := &OneShot{Target: e.Target, Tools: e.Tools, ShowTrace: true}
	raw, err := o.Eval(ctx, Request{Op: "trace", Path: p})
	tr := &Trace{Path: p}
	if err == nil {
		var w walkStatus
		if err := json.Unmarshal(raw, &w); err != nil {
			return nil, &EvalError{Kind: ErrNotNix, Summary: "could not read Nix's answer: " + err.Error(), Hint: "Nix printed: " + Clip(string(raw), 200)}
		}
		if w.Status != "ok" {
			return nil, e.pathError(p, w)
		}
		return tr, nil
	}
	var ne *nixproc.NixError
	if !errors.As(err, &ne) || ne.Killed {
		return nil, e.userError(ctx, err)
	}
	frames, unread := TraceRead(ne.Stderr)
	tr.Frames = frames
	tr.locate(e.Target)
	tr.Err = e.userError(ctx, err)
	var ee *EvalError
	if errors.As(tr.Err, &ee) {
		ee.Where = tr.Where()
		if unread != nil {
			ee.Hint = strings.TrimSpace(ee.Hint + "\n" + unread.Error())
		}
		if ee.Kind == ErrInfiniteRecursion && tr.Option != "" {
			ee.Hint = "The option " + tr.Option + " depends on itself, perhaps through other options: look at its definitions (and what they read) in your files."
		}
	}
	return tr, nil
}

var (
	frameStartRE  = regexp.MustCompile(`^\s*… (.*)$`)
	frameAtRE     = regexp.MustCompile(`^\s*at (.+?):(\d+):(\d+):?\s*$`)
	optionFrameRE = regexp.MustCompile("^while evaluating the option [`'‘](.+)['’]:$")
	defsFrameRE   = regexp.MustCompile("^while evaluating definitions from [`'‘](.+)['’]:$")
)

// ParseTrace reads the frames of Nix's --show-trace output (stderr),
// innermost first, whatever the version: 2.8 prints the error first and
// the frames after it from the innermost out, 2.26 and later the frames
// from the outermost in and the error last. The first frame is the error
// itself, at its own location when Nix gave one. Frames in nixplore's own
// expression are left out.
func ParseTrace(stderr string) []Frame {
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
		if f.File != "" && isWrapperLocation(f.File, strconv.Itoa(f.Line), f.Excerpt) {
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
func TraceRead(stderr string) ([]Frame, error) {
	frames := ParseTrace(stderr)
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

// locate reads the option and the user's file from the frames: the
// innermost option Nix names, and the innermost place outside nixpkgs and
// nixplore (a location, or the file of `while evaluating definitions
// from`), a flake's store copy read back as the file in its directory.
func (t *Trace) locate(tg *Target) {
	userFile := func(f string) (string, bool) {
		if !filepath.IsAbs(f) || strings.HasPrefix(f, "//") || tempWrapperR.MatchString(f) {
			return "", false
		}
		if _, ok := NixpkgsRelative(f); ok {
			return "", false
		}
		return localSource(tg, f), true
	}
	found := false
	for i := range t.Frames {
		f := &t.Frames[i]
		if t.Option == "" {
			if m := optionFrameRE.FindStringSubmatch(f.Text); m != nil {
				t.Option = m[1]
			}
		}
		if found || f.Nixpkgs {
			continue
		}
		if file, ok := userFile(f.File); ok {
			t.File, t.Line, t.Column = file, f.Line, f.Column
			f.User, found = true, true
			continue
		}
		if m := defsFrameRE.FindStringSubmatch(f.Text); m != nil {
			if file, ok := userFile(m[1]); ok {
				t.File = file
				f.User, found = true, true
			}
		}
	}
}

// localSource is a file of a local flake's store copy as the file in the
// flake's directory, which the user edits; any other path as it is.
func localSource(t *Target, file string) string {
	if t == nil || t.Kind != Flake || t.FlakeDir == "" {
		return file
	}
	m := storeSourceRE.FindStringSubmatch(file)
	if m == nil || m[1] == "" {
		return file
	}
	local := filepath.Join(t.sourceRoot(), filepath.FromSlash(m[1]))
	if _, err := os.Stat(local); err != nil {
		return file
	}
	return local
}
