package nixproc

import "strings"

// DefaultStderrTail is how much of a Nix process's stderr is kept when
// its command sets no StderrTail: enough for any error Nix prints and for
// a dry run's list of paths (tens of thousands), and a bound however many
// `trace:` lines come before it.
const DefaultStderrTail = 4 << 20

// MaxErrorBlock bounds the last `error:` block Tail keeps whole (a
// --show-trace of a deep recursion can be long).
const MaxErrorBlock = 4 << 20

// Tail is the one bounded keeper of a Nix process's output lines: the
// stderr of one-shot processes and builds, the lines of a repl exchange.
// It keeps the last `error:` block whole (from its `error:` line, up to
// MaxErrorBlock bytes) and, before it, the lines that came last, as many
// as fit in the limit; memory stays under about twice the limit plus
// MaxErrorBlock whatever Nix prints.
type Tail struct {
	limit     int
	before    tailBuffer // lines before the last error block
	block     []string   // the last error block, nil before any
	blockSize int
	blockCut  bool // lines of the block past MaxErrorBlock were dropped
}

// NewTail keeps about the last limit bytes of lines, and the last error
// block whole.
func NewTail(limit int) *Tail {
	if limit <= 0 {
		limit = DefaultStderrTail
	}
	return &Tail{limit: limit, before: tailBuffer{limit: limit}}
}

// Line adds one line (without its newline).
func (t *Tail) Line(l string) {
	switch {
	case IsErrorLine(StripANSI(l)):
		for _, b := range t.block {
			t.before.WriteString(b)
			t.before.WriteByte('\n')
		}
		t.block, t.blockSize, t.blockCut = []string{l}, len(l)+1, false
	case t.block == nil:
		t.before.WriteString(l)
		t.before.WriteByte('\n')
	case t.blockSize+len(l)+1 > MaxErrorBlock:
		t.blockCut = true
	default:
		t.block = append(t.block, l)
		t.blockSize += len(l) + 1
	}
}

// Bytes is what was kept: lines from the end of the output before the
// last error block, as many as fit beside it in the limit (from a whole
// line), then the block whole.
func (t *Tail) Bytes() []byte {
	before := t.before.Bytes()
	if room := t.limit - t.blockSize; room < len(before) {
		cut := tailBuffer{limit: max(room, 0), buf: before, cut: true}
		before = cut.Bytes()
		if room <= 0 {
			before = nil
		}
	}
	out := append([]byte(nil), before...)
	for _, l := range t.block {
		out = append(out, l...)
		out = append(out, '\n')
	}
	return out
}

// Lines is Bytes as lines.
func (t *Tail) Lines() []string {
	s := strings.TrimSuffix(string(t.Bytes()), "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// Cut reports whether anything written was left out.
func (t *Tail) Cut() bool {
	return t.before.dropped() || t.blockCut || len(t.before.Bytes())+t.blockSize > t.limit
}
