package diag

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/nixeval/nixproc"
)

// What Nix prints besides the answer: `lib.warn` and `builtins.warn`
// (`evaluation warning: MSG` on Nix >= 2.23, `trace: evaluation warning:
// MSG` or `trace: warning: MSG` from a nixpkgs lib on older Nix, which is
// also how NixOS's config.warnings reach the user when toplevel is
// evaluated), and `builtins.trace` (`trace: MSG`). Both of nixeval's
// backends hand the lines of one request to a WarningScanner and the
// result to NoteWarnings; the evaluator's answers carry them.

// WarningKind says how Nix printed a warning.
type WarningKind string

const (
	// WarningEval is an evaluation warning (lib.warn, builtins.warn,
	// NixOS's config.warnings).
	WarningEval WarningKind = "warning"
	// WarningTrace is a builtins.trace.
	WarningTrace WarningKind = "trace"
)

// Warning is one warning or trace Nix printed while answering a request.
type Warning struct {
	Kind    WarningKind
	Message string
	// Path is the attribute whose evaluation printed it, nil when unknown.
	// A value Nix has evaluated once does not print again in the same
	// evaluator: the path is the first one that needed it.
	Path attr.Path
}

// Text is the warning as nixplore prints it: `warning: MSG` or `trace: MSG`.
func (w Warning) Text() string { return string(w.Kind) + ": " + w.Message }

// key identifies a warning for de-duplication: the same words printed
// twice are one warning.
func (w Warning) key() string { return string(w.Kind) + "\x00" + w.Message }

// UniqueWarnings returns ws without repeats of the same kind and message,
// in order, each kept where it first appeared.
func UniqueWarnings(ws ...[]Warning) []Warning {
	var out []Warning
	seen := map[string]bool{}
	for _, l := range ws {
		for _, w := range l {
			if !seen[w.key()] {
				seen[w.key()] = true
				out = append(out, w)
			}
		}
	}
	return out
}

// WarningSink collects the warnings of every request made with its
// context (CollectWarnings), and passes them on to the sink of the
// context it was made from.
type WarningSink struct {
	mu     sync.Mutex
	seen   map[string]bool
	list   []Warning
	parent *WarningSink
}

type sinkKey struct{}

// CollectWarnings returns a context whose requests' warnings go to the
// returned sink (and to any sink ctx already carries).
func CollectWarnings(ctx context.Context) (context.Context, *WarningSink) {
	parent, _ := ctx.Value(sinkKey{}).(*WarningSink)
	s := &WarningSink{seen: map[string]bool{}, parent: parent}
	return context.WithValue(ctx, sinkKey{}, s), s
}

// NoteWarnings gives ws to the sink ctx carries, if any. Backends call it
// with what a WarningScanner found in a request's output.
func NoteWarnings(ctx context.Context, ws []Warning) {
	if s, ok := ctx.Value(sinkKey{}).(*WarningSink); ok && len(ws) > 0 {
		s.add(ws)
	}
}

func (s *WarningSink) add(ws []Warning) {
	for ; s != nil; s = s.parent {
		s.mu.Lock()
		for _, w := range ws {
			// The same words from two paths are two warnings (two
			// values that each warn); from one path, one.
			k := w.key() + "\x00" + w.Path.Key()
			if !s.seen[k] {
				s.seen[k] = true
				s.list = append(s.list, w)
			}
		}
		s.mu.Unlock()
	}
}

// Warnings returns what the sink has collected, in the order Nix printed it.
func (s *WarningSink) Warnings() []Warning {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Warning(nil), s.list...)
}

// Prefixes of Nix's warning lines, longest first.
var warningForms = []struct {
	prefix string
	kind   WarningKind
	indent bool // Nix indents the message's further lines to its start
}{
	{"trace: evaluation warning: ", WarningEval, false},
	{"trace: warning: ", WarningEval, false},
	{"evaluation warning: ", WarningEval, true},
	{"trace: ", WarningTrace, false},
}

// nixLogLine matches lines Nix prints about its own work (`-v`'s
// `evaluating file '…'`, `copied source '…'`, `building '…'`), an error,
// a warning of Nix's own, and the repl's printed values: none of them
// continues a trace's message.
var nixLogLine = regexp.MustCompile(`^([a-z][a-z-]*( [a-z-]+)* '|error:|warning:|"|… |\s+at )`)

// Bounds of what one answer keeps of its warnings and traces: an
// evaluation can print millions of `trace:` lines.
const (
	MaxWarnings       = 200
	MaxWarningMessage = 8 << 10
)

// WarningScanner reads Nix's output line by line, as Nix prints it, with
// bounded memory: the first MaxWarnings warnings (each message cut at
// MaxWarningMessage bytes) and a count of the rest, said as "and N more".
type WarningScanner struct {
	paths      []attr.Path // the request's paths, which marks index
	mark       string
	out        []Warning
	cur        attr.Path
	last       int    // index in out of a message that may continue
	contIndent string // Nix >= 2.23 indents a warning's further lines
	more       map[WarningKind]int
}

// NewWarningScanner reads the warnings of the answer to a request about
// path, or about paths; mark is the prefix of the trace lines by which
// the wrapper says which of the paths it starts evaluating ("" for none).
func NewWarningScanner(path attr.Path, paths []attr.Path, mark string) *WarningScanner {
	s := &WarningScanner{paths: paths, mark: mark, cur: path, last: -1, more: map[WarningKind]int{}}
	if s.cur == nil && len(paths) == 1 {
		s.cur = paths[0]
	}
	return s
}

// Line reads one line of Nix's output.
func (s *WarningScanner) Line(raw string) {
	l := strings.TrimRight(nixproc.StripANSI(raw), "\r")
	if s.mark != "" {
		if tag, ok := strings.CutPrefix(l, "trace: "+s.mark); ok {
			if p, ok := markedPath(s.paths, tag); ok {
				s.cur = p
			}
			s.last = -1
			return
		}
	}
	if s.last >= 0 {
		if s.contIndent != "" {
			if rest, ok := strings.CutPrefix(l, s.contIndent); ok {
				s.extend(rest)
				return
			}
		} else if !startsWarning(l) && !nixLogLine.MatchString(l) {
			s.extend(l)
			return
		}
	}
	s.last = -1
	if looksLikeWarning.MatchString(l) && !startsWarning(l) {
		// A warning in a wording nixplore does not know (a newer Nix):
		// shown as it is, said to be unrecognised, never dropped.
		s.add(Warning{Kind: WarningEval, Message: UnrecognisedWarning + l, Path: s.cur})
		return
	}
	for _, f := range warningForms {
		if msg, ok := strings.CutPrefix(l, f.prefix); ok {
			s.contIndent = ""
			if f.indent {
				s.contIndent = strings.Repeat(" ", len(f.prefix))
			}
			s.add(Warning{Kind: f.kind, Message: msg, Path: s.cur})
			return
		}
	}
}

// UnrecognisedWarning starts the message of a line that looks like a
// warning or trace in a form nixplore does not know.
const UnrecognisedWarning = "(nixplore did not recognise this line of Nix's; shown as printed) "

// looksLikeWarning matches what a warning or trace line of another Nix
// could start with; startsWarning is the forms nixplore knows.
var looksLikeWarning = regexp.MustCompile(`(?i)^(trace|evaluation[ _-]?warning|eval[ _-]?warning)\b`)

// add keeps w unless MaxWarnings are kept already (then it is counted).
func (s *WarningScanner) add(w Warning) {
	if len(s.out) >= MaxWarnings {
		s.more[w.Kind]++
		return
	}
	w.Message = clipMessage(w.Message)
	s.out = append(s.out, w)
	s.last = len(s.out) - 1
}

// extend adds a further line to the message being read (none when that
// message was dropped).
func (s *WarningScanner) extend(l string) {
	if s.last < 0 {
		return
	}
	if m := &s.out[s.last].Message; len(*m) < MaxWarningMessage {
		*m = clipMessage(*m + "\n" + l)
	}
}

func clipMessage(m string) string {
	if len(m) <= MaxWarningMessage {
		return m
	}
	return m[:MaxWarningMessage] + " …"
}

// Warnings are the warnings read so far, then, when more came than are
// kept, one of each kind saying how many more.
func (s *WarningScanner) Warnings() []Warning {
	out := make([]Warning, len(s.out), len(s.out)+2)
	for i, w := range s.out {
		w.Message = strings.TrimRight(w.Message, "\n ")
		out[i] = w
	}
	for _, k := range []WarningKind{WarningEval, WarningTrace} {
		if n := s.more[k]; n > 0 {
			out = append(out, Warning{Kind: k, Message: fmt.Sprintf("and %d more (not kept)", n), Path: s.cur})
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func startsWarning(l string) bool {
	for _, f := range warningForms {
		if strings.HasPrefix(l, f.prefix) {
			return true
		}
	}
	return false
}

// markedPath reads a mark's tag: "I" is paths[I]; "I NAME" (NAME a wire
// name in JSON) is the child NAME of paths[I].
func markedPath(paths []attr.Path, tag string) (attr.Path, bool) {
	idx, name, hasName := strings.Cut(tag, " ")
	i, err := strconv.Atoi(idx)
	if err != nil || i < 0 || i >= len(paths) {
		return nil, false
	}
	p := paths[i]
	if !hasName {
		return p, true
	}
	var w attr.Wire
	if json.Unmarshal([]byte(name), &w) != nil {
		return p, true
	}
	return p.Child(string(w)), true
}

// WarningsUnder returns the warnings whose path is p or below it, and the
// rest.
func WarningsUnder(ws []Warning, p attr.Path) (in, rest []Warning) {
	for _, w := range ws {
		if w.Path != nil && w.Path.HasPrefix(p) {
			in = append(in, w)
		} else {
			rest = append(rest, w)
		}
	}
	return in, rest
}

// wireWarning is a Warning as nixplore stores it (the disk cache): its
// text in the lossless wire form, its path as a list of names.
type wireWarning struct {
	Kind    WarningKind `json:"kind"`
	Message attr.Wire   `json:"message"`
	Path    attr.Path   `json:"path,omitempty"`
}

// MarshalJSON writes the warning losslessly (see wireWarning).
func (w Warning) MarshalJSON() ([]byte, error) {
	return json.Marshal(wireWarning{Kind: w.Kind, Message: attr.Wire(w.Message), Path: w.Path})
}

// UnmarshalJSON reads what MarshalJSON wrote.
func (w *Warning) UnmarshalJSON(b []byte) error {
	var x wireWarning
	if err := json.Unmarshal(b, &x); err != nil {
		return err
	}
	*w = Warning{Kind: x.Kind, Message: string(x.Message), Path: x.Path}
	return nil
}

// WarningMemo is every warning an evaluator has seen, with its path.
type WarningMemo struct {
	mu   sync.Mutex
	list []Warning
	seen map[string]bool
}

// Note remembers ws (those with a path).
func (m *WarningMemo) Note(ws []Warning) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, w := range ws {
		k := w.key() + "\x00" + w.Path.Key()
		if w.Path == nil || m.seen[k] {
			continue
		}
		if m.seen == nil {
			m.seen = map[string]bool{}
		}
		m.seen[k] = true
		m.list = append(m.list, w)
	}
}

// At returns the warnings printed evaluating p itself: the ones a fresh
// evaluation of p prints again (not those of values below it, which
// evaluating p does not force).
func (m *WarningMemo) At(p attr.Path) []Warning {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []Warning
	for _, w := range m.list {
		if w.Path.Equal(p) {
			out = append(out, w)
		}
	}
	return out
}

// Reset forgets every warning.
func (m *WarningMemo) Reset() {
	m.mu.Lock()
	m.list, m.seen = nil, nil
	m.mu.Unlock()
}
