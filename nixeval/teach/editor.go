package teach

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// EditorCommand is the argv that opens file in the user's editor, at line
// when line > 0: $VISUAL, else $EDITOR (either may hold arguments, e.g.
// "emacs -nw"), else vi. Editors that take +LINE get it; VS Code and its
// relatives get -g file:line. The explorer's `e` runs it with the terminal
// handed over (tea.ExecProcess).
func EditorCommand(file string, line int, getenv func(string) string) []string {
	ed := strings.Fields(getenv("VISUAL"))
	if len(ed) == 0 {
		ed = strings.Fields(getenv("EDITOR"))
	}
	if len(ed) == 0 {
		ed = []string{"vi"}
	}
	argv := append([]string(nil), ed...)
	if line <= 0 {
		return append(argv, file)
	}
	switch filepath.Base(ed[0]) {
	case "code", "codium", "code-insiders", "cursor":
		return append(argv, "-g", file+":"+strconv.Itoa(line))
	case "vi", "vim", "nvim", "view", "nano", "emacs", "emacsclient", "kak", "micro", "hx", "helix", "joe", "mg", "ne", "ed", "ex", "kate":
		return append(argv, "+"+strconv.Itoa(line), file)
	}
	return append(argv, file)
}

// DefinitionLine guesses the line of file where the system.build attribute
// name is defined: the first line mentioning build.<name>, else the first
// `<name> =` (inside a `system.build = { … }` block). 0 when not found or
// the file cannot be read. Nix reports only the file of a definition, not
// its line, hence the search.
func DefinitionLine(file, name string) int {
	f, err := os.Open(file)
	if err != nil {
		return 0
	}
	defer f.Close()
	q := regexp.QuoteMeta(name)
	dotted := regexp.MustCompile(`build\.("` + q + `"|` + q + `)\s*=`)
	bare := regexp.MustCompile(`(^|[\s{;.])("` + q + `"|` + q + `)\s*=[^=]`)
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 4*1024*1024)
	n, bareAt := 0, 0
	for sc.Scan() {
		n++
		l := sc.Text()
		if dotted.MatchString(l) {
			return n
		}
		if bareAt == 0 && bare.MatchString(l+" ") {
			bareAt = n
		}
	}
	if sc.Err() != nil && bareAt == 0 {
		return 0 // not read to its end: no line rather than a wrong one
	}
	return bareAt
}
