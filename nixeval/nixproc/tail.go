package nixproc

import "bytes"

// tailBuffer keeps only the last limit bytes written to it, starting at a
// line: a build can print gigabytes on stderr, and only its end (where Nix
// puts its error) is ever read. It holds at most twice limit plus one
// write, copying the kept tail down when it grows past that, so memory
// stays bounded however much is written.
type tailBuffer struct {
	limit int
	buf   []byte
	cut   bool // bytes were dropped from the front
}

func (b *tailBuffer) Write(p []byte) (int, error) {
	b.buf = append(b.buf, p...)
	if len(b.buf) > 2*b.limit {
		b.buf = append(b.buf[:0], b.buf[len(b.buf)-b.limit:]...)
		b.cut = true
	}
	return len(p), nil
}

// WriteString lets the buffer stand where a bytes.Buffer was written to.
func (b *tailBuffer) WriteString(s string) (int, error) { return b.Write([]byte(s)) }

// WriteByte is WriteString for one byte.
func (b *tailBuffer) WriteByte(c byte) error {
	_, err := b.Write([]byte{c})
	return err
}

// Bytes returns the last limit bytes, from the first whole line among them
// once anything was dropped (half a line would read as a different message).
func (b *tailBuffer) Bytes() []byte {
	out, cut := b.buf, b.cut
	if len(out) > b.limit {
		out, cut = out[len(out)-b.limit:], true
	}
	if cut {
		if i := bytes.IndexByte(out, '\n'); i >= 0 {
			out = out[i+1:]
		}
	}
	return out
}

// dropped reports whether Bytes leaves out anything written.
func (b *tailBuffer) dropped() bool { return b.cut || len(b.buf) > b.limit }
