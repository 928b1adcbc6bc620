package attr

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// AttrPath is a Nix attribute path as a list of names. Names are data: they
// may hold any bytes, including quotes, dots, `${` and newlines.
type Path []string

// DefaultPath is where exploring starts: the freeform, undocumented set of
// build outputs of a NixOS configuration.
var DefaultPath = Path{"config", "system", "build"}

// Child returns a new path with name appended; p is never modified.
func (p Path) Child(name string) Path {
	out := make(Path, len(p)+1)
	copy(out, p)
	out[len(p)] = name
	return out
}

// Parent returns the path without its last name (the empty path stays empty).
func (p Path) Parent() Path {
	if len(p) == 0 {
		return p
	}
	return append(Path(nil), p[:len(p)-1]...)
}

// Last returns the last name, or "" for the empty path.
func (p Path) Last() string {
	if len(p) == 0 {
		return ""
	}
	return p[len(p)-1]
}

// HasPrefix reports whether q is a prefix of p.
func (p Path) HasPrefix(q Path) bool {
	if len(q) > len(p) {
		return false
	}
	for i := range q {
		if p[i] != q[i] {
			return false
		}
	}
	return true
}

// Equal reports whether both paths have the same names.
func (p Path) Equal(q Path) bool { return len(p) == len(q) && p.HasPrefix(q) }

// String prints the path with Nix's own quoting, e.g.
// config.system.build.units."sshd.service".
func (p Path) String() string {
	parts := make([]string, len(p))
	for i, n := range p {
		parts[i] = Quote(n)
	}
	return strings.Join(parts, ".")
}

// Key is an unambiguous map key for the path: every name is length-prefixed,
// so no name can imitate a separator.
func (p Path) Key() string {
	var b strings.Builder
	for _, n := range p {
		fmt.Fprintf(&b, "%d:%s", len(n), n)
	}
	return b.String()
}

// nixKeywords cannot be used as bare attribute names in a path.
var nixKeywords = map[string]bool{
	"if": true, "then": true, "else": true, "assert": true, "with": true,
	"let": true, "in": true, "rec": true, "inherit": true, "or": true,
}

// isBareAttr reports whether n can be written without quotes, using the
// identifier syntax of Nix's lexer: [a-zA-Z_][a-zA-Z0-9_'-]*.
func IsBare(n string) bool {
	if n == "" || nixKeywords[n] {
		return false
	}
	for i := 0; i < len(n); i++ {
		c := n[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '_':
		case i > 0 && (c >= '0' && c <= '9' || c == '\'' || c == '-'):
		default:
			return false
		}
	}
	return true
}

// QuoteAttr quotes one attribute name as Nix would print it.
func Quote(n string) string {
	if IsBare(n) {
		return n
	}
	return NixString(n)
}

// NixString renders s as a double-quoted Nix string literal that evaluates to
// exactly s: no interpolation can happen because every `$` before `{` is
// escaped.
func NixString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case '$':
			if i+1 < len(s) && s[i+1] == '{' {
				b.WriteString(`\$`)
			} else {
				b.WriteByte('$')
			}
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// PathError is a malformed attribute path given by the user.
type PathError struct {
	Input  string
	Offset int
	Reason string
}

func (e *PathError) Error() string {
	return fmt.Sprintf("malformed attribute path %q at offset %d: %s (names with dots or spaces need quotes, e.g. units.\"sshd.service\")", e.Input, e.Offset, e.Reason)
}

// ParsePath parses a dotted attribute path with Nix string quoting for names.
// The empty string is the empty path.
func Parse(s string) (Path, error) {
	var out Path
	if s == "" {
		return out, nil
	}
	i := 0
	for {
		if i >= len(s) {
			return nil, &PathError{s, i, "expected a name after '.'"}
		}
		if s[i] == '"' {
			name, n, err := parseQuoted(s, i)
			if err != nil {
				return nil, err
			}
			out = append(out, name)
			i = n
		} else {
			start := i
			for i < len(s) && s[i] != '.' && s[i] != '"' {
				i++
			}
			name := s[start:i]
			if name == "" {
				return nil, &PathError{s, start, "empty name"}
			}
			if i < len(s) && s[i] == '"' {
				return nil, &PathError{s, i, "quote in the middle of a name"}
			}
			if !utf8.ValidString(name) || strings.ContainsAny(name, " \t\n$\\{}") {
				return nil, &PathError{s, start, fmt.Sprintf("name %q must be quoted", name)}
			}
			out = append(out, name)
		}
		if i == len(s) {
			return out, nil
		}
		if s[i] != '.' {
			return nil, &PathError{s, i, "expected '.' after a quoted name"}
		}
		i++
	}
}

func parseQuoted(s string, start int) (string, int, error) {
	var b strings.Builder
	i := start + 1
	for i < len(s) {
		c := s[i]
		switch c {
		case '"':
			return b.String(), i + 1, nil
		case '\\':
			if i+1 >= len(s) {
				return "", 0, &PathError{s, i, "unfinished escape"}
			}
			b.WriteByte(Unescape(s[i+1]))
			i += 2
		case '$':
			if i+1 < len(s) && s[i+1] == '{' {
				return "", 0, &PathError{s, i, "interpolation ${…} is not allowed in a path; write \\${ for a literal"}
			}
			b.WriteByte(c)
			i++
		default:
			b.WriteByte(c)
			i++
		}
	}
	return "", 0, &PathError{s, start, "unbalanced quote"}
}

// attrForA writes a path the way `-A` and a flake fragment parse it: Nix
// splits on dots outside double quotes and takes quoted text literally,
// with no escapes. It reports false when a name holds a double quote,
// which that syntax cannot express.
func ForA(p Path) (string, bool) {
	parts := make([]string, len(p))
	for i, n := range p {
		switch {
		case strings.ContainsRune(n, '"'):
			return "", false
		case IsBare(n):
			parts[i] = n
		default:
			parts[i] = `"` + n + `"`
		}
	}
	return strings.Join(parts, "."), true
}

// flakeFragmentSafe reports whether every name can go into a flake URL
// fragment as it is (flake references are URLs; anything unusual would need
// percent-encoding that Nix versions treat differently).
func FlakeFragmentSafe(p Path) bool {
	for _, n := range p {
		if !IsBare(n) {
			return false
		}
	}
	return true
}

// unescapeNix is the byte a Nix string escape \e stands for.
func Unescape(e byte) byte {
	switch e {
	case 'n':
		return '\n'
	case 'r':
		return '\r'
	case 't':
		return '\t'
	}
	return e
}
