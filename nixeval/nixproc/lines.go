package nixproc

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Line limits for ReadLines: Nix's stderr lines (a log line can be long),
// and the repl's, whose answer is one line of JSON that can be megabytes.
const (
	MaxStderrLine = 64 << 20
	MaxReplLine   = 256 << 20
)

// ReadLines calls f with each line of r, without its newline (a last line
// without one too). A line longer than limit is cut to limit bytes and a note
// of how much was dropped, instead of ending the reading as bufio.Scanner
// does at its buffer's size (everything after, Nix's final `error:`
// included, would be lost). The error is the reader's (never io.EOF): the
// output was not read to its end, and the caller must say so.
func ReadLines(r io.Reader, limit int, f func(string)) error {
	br := bufio.NewReaderSize(r, 64*1024)
	var long []byte // a line longer than the reader's buffer, so far
	dropped := 0
	for {
		chunk, err := br.ReadSlice('\n')
		switch {
		case err == nil || (errors.Is(err, io.EOF) && (len(chunk) > 0 || len(long) > 0 || dropped > 0)):
			if room := limit - len(long); len(chunk) > room {
				dropped += len(chunk) - max(room, 0)
				chunk = chunk[:max(room, 0)]
			}
			long = append(long, chunk...)
			line := strings.TrimSuffix(string(long), "\n")
			if dropped > 0 {
				line += fmt.Sprintf(" … (%d bytes of this line not kept)", dropped)
			}
			f(line)
			long, dropped = long[:0], 0
			if cap(long) > 1<<20 {
				long = nil // one huge line must not hold its memory for the process's life
			}
			if err != nil {
				return nil
			}
		case errors.Is(err, bufio.ErrBufferFull):
			if room := limit - len(long); room > 0 {
				long = append(long, chunk[:min(len(chunk), room)]...)
				dropped += len(chunk) - min(len(chunk), room)
			} else {
				dropped += len(chunk)
			}
		case errors.Is(err, io.EOF):
			return nil
		default:
			return err
		}
	}
}
