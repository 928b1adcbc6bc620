package main

import "strings"

// Shell words as bash and zsh read them, for completion: quotes and
// backslashes are removed, nothing is expanded. Only what completion
// needs: no operators, no substitutions.

// shellState is where a scan of shell text stopped: outside quotes, or
// inside a single- or double-quoted part.
type shellState byte

const (
	outside      shellState = 0
	insideSingle shellState = '\''
	insideDouble shellState = '"'
)

// scanWord reads one word's raw text and returns what it means and the
// quoting state at its end (an unfinished quote while it is being typed).
func scanWord(raw string) (string, shellState) {
	var b strings.Builder
	st := outside
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		switch st {
		case insideSingle:
			if c == '\'' {
				st = outside
			} else {
				b.WriteByte(c)
			}
		case insideDouble:
			switch {
			case c == '"':
				st = outside
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
				st = insideSingle
			case '"':
				st = insideDouble
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

// shellUnquote is the meaning of one word's raw text.
func shellUnquote(raw string) string {
	s, _ := scanWord(raw)
	return s
}

// splitShellLine splits a command line (up to the cursor) into the
// meaning of each word and returns the raw text of the last one, the word
// being completed ("" after a space).
func splitShellLine(line string) (words []string, rawCur string, ok bool) {
	start, st := -1, outside
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
		case insideSingle:
			if c == '\'' {
				st = outside
			}
		case insideDouble:
			if c == '\\' {
				i++
			} else if c == '"' {
				st = outside
			}
		default:
			switch c {
			case '\'', '"':
				st = shellState(c)
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
		words = append(words, shellUnquote(r))
	}
	return words, raws[len(raws)-1], true
}

// bashReplacement is what bash must put in place of readline's word
// (rlWord, the end of the raw word rawCur after its last word-break
// character or opening quote) so that the whole word means text. False
// when text does not extend what is typed before readline's word.
func bashReplacement(text, rawCur, rlWord string) (string, bool) {
	before := ""
	if strings.HasSuffix(rawCur, rlWord) {
		before = rawCur[:len(rawCur)-len(rlWord)]
	}
	meant, st := scanWord(before)
	rest, ok := strings.CutPrefix(text, meant)
	if !ok {
		return "", false
	}
	var b strings.Builder
	for i := 0; i < len(rest); i++ {
		c := rest[i]
		switch st {
		case insideSingle:
			if c == '\'' {
				b.WriteString(`'\''`) // close, a quoted quote, open again
				continue
			}
		case insideDouble:
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
	if st != outside && strings.HasSuffix(out, string(rune(st))) {
		out += string(rune(st))
	}
	return out, true
}
