package nixeval

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Printable makes text from a configuration safe for a terminal: control
// characters (escape sequences, newlines) and invalid UTF-8 are shown as Go
// escapes instead of being interpreted.
func Printable(s string) string {
	clean := true
	for i, r := range s {
		if r == utf8.RuneError || (unicode.IsControl(r) && r != '\t') || !unicode.IsPrint(r) && r != ' ' && r != '\t' {
			_ = i
			clean = false
			break
		}
	}
	if clean && utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	for len(s) > 0 {
		r, n := utf8.DecodeRuneInString(s)
		switch {
		case r == utf8.RuneError && n <= 1:
			b.WriteString(`\x` + strconv.FormatUint(uint64(s[0]), 16))
		case r == '\t' || r == ' ' || unicode.IsPrint(r):
			b.WriteRune(r)
		default:
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
		}
		s = s[n:]
	}
	return b.String()
}
