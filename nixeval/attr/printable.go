package attr

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// printableRune is a rune that a terminal shows as itself.
func printableRune(r rune) bool { return r == ' ' || r == '\t' || unicode.IsPrint(r) }

// Printable makes text from a configuration safe for a terminal: control
// characters (escape sequences, newlines), invisible format characters and
// invalid UTF-8 are shown as Go escapes instead of being interpreted.
func Printable(s string) string {
	if utf8.ValidString(s) && strings.IndexFunc(s, func(r rune) bool { return !printableRune(r) }) < 0 {
		return s
	}
	var b strings.Builder
	for len(s) > 0 {
		r, n := utf8.DecodeRuneInString(s)
		switch {
		case r == utf8.RuneError && n <= 1:
			b.WriteString(fmt.Sprintf(`\x%02x`, s[0]))
		case printableRune(r):
			b.WriteRune(r)
		default:
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
		}
		s = s[n:]
	}
	return b.String()
}
