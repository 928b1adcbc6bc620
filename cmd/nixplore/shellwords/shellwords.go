// Package shellwords reads shell words as bash and zsh read them, for
// completion: quotes and backslashes are removed, nothing is expanded.
// Only what completion needs: no operators, no substitutions.
package shellwords

import "strings"

// State is where a scan of shell text stopped: outside quotes, or inside
// a single- or double-quoted part.
type State byte

// The quoting states; a quoted state is its quote character.
const (
	Outside      State = 0
	InsideSingle State = '\''
	InsideDouble State = '"'
)

// Scan reads one word's raw text and returns what it means and the
// quoting state at its end (an unfinished quote while it is being typed).
func Scan(raw string) (string, State) {
	var b strings.Builder
	st := Outside
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		switch st {
		case InsideSingle:
			if c == '\'' {
				st = Outside
			} else {
				b.WriteByte(c)
			}
		case InsideDouble:
			switch {
			case c == '"':
				st = Outside
			case c == '\\' && i+1 < len(raw) && strings.IndexByte("$`\"\\\n", raw[i+1]) >= 0:
				i++
				if raw[i] != '\n' {
					b.WriteByte(raw[i])
				}
			default:
				b.WriteByte(c)
			}
		default:
			switch c {
			case '\'':
				st = InsideSingle
			case '"':
				st = InsideDouble
			case '\\':
				if i+1 < len(raw) {
					i++
					if raw[i] != '\n' {
						b.WriteByte(raw[i])
					}
				}
			default:
				b.WriteByte(c)
			}
		}
	}
	return b.String(), st
}

// Unquote is the meaning of one word's raw text.
func Unquote(raw string) string {
	s, _ := Scan(raw)
	return s
}

// SplitLine splits a command line (up to the cursor) into the
// meaning of each word and returns the raw text of the last one, the word
// being completed ("" after a space).
func SplitLine(line string) (words []string, rawCur string, ok bool) {
	start, st := -1, Outside
	var raws []string
	for i := 0; i < len(line); i++ {
		c := line[i]
		if start < 0 {
			if c == ' ' || c == '\t' || c == '\n' {
				continue
			}
			start = i
		}
		switch st {
		case InsideSingle:
			if c == '\'' {
				st = Outside
			}
		case InsideDouble:
			if c == '\\' {
				i++
			} else if c == '"' {
				st = Outside
			}
		default:
			switch c {
			case '\'', '"':
				st = State(c)
			case '\\':
				i++
			case ' ', '\t', '\n':
				raws = append(raws, line[start:i])
				start = -1
			}
		}
	}
	if start >= 0 {
		raws = append(raws, line[start:])
	} else {
		raws = append(raws, "")
	}
	for _, r := range raws {
		words = append(words, Unquote(r))
	}
	return words, raws[len(raws)-1], true
}

// BashReplacement is what bash must put in place of readline's word
// (rlWord, the end of the raw word rawCur after its last word-break
// character or opening quote) so that the whole word means text. False
// when text does not extend what is typed before readline's word.
func BashReplacement(text, rawCur, rlWord string) (string, bool) {
	before := ""
	if strings.HasSuffix(rawCur, rlWord) {
		before = rawCur[:len(rawCur)-len(rlWord)]
	}
	meant, st := Scan(before)
	rest, ok := strings.CutPrefix(text, meant)
	if !ok {
		return "", false
	}
	var b strings.Builder
	for i := 0; i < len(rest); i++ {
		c := rest[i]
		switch st {
		case InsideSingle:
			if c == '\'' {
				b.WriteString(`'\''`) // close, a quoted quote, open again
				continue
			}
		case InsideDouble:
			if strings.IndexByte("$`\"\\", c) >= 0 {
				b.WriteByte('\\')
			}
		default:
			if strings.IndexByte(" \t\"'\\$`;&|<>()*?[]{}!", c) >= 0 ||
				(before == "" && i == 0 && (c == '#' || c == '~')) {
				b.WriteByte('\\')
			}
		}
		b.WriteByte(c)
	}
	out := b.String()
	// Readline closes the quote it found open unless the match already
	// ends with that character, which an escaped " or a '\'' does: close
	// it here then.
	if st != Outside && strings.HasSuffix(out, string(rune(st))) {
		out += string(rune(st))
	}
	return out, true
}
