package cmdline

import (
	"fmt"
	"io"
	"strings"
)

// Synopsis is the verb's usage line without the leading "nixplore".
func (v Verb) Synopsis() string {
	return strings.TrimSpace(v.Name + " " + v.Args)
}

// WriteHelp writes the --help text.
func WriteHelp(w io.Writer) {
	fmt.Fprintf(w, "nixplore: %s.\n\nUsage:\n", manual.Summary)
	for _, v := range manual.Verbs {
		fmt.Fprintf(w, "  nixplore %s\n", v.Synopsis())
		fmt.Fprintf(w, "      %s\n", v.Doc)
	}
	fmt.Fprintln(w)
	writeWrapped(w, "", manual.Path, 76)
	for _, g := range manual.Groups {
		fmt.Fprintf(w, "\n%s:\n", g.Title)
		for i := range g.Flags {
			f := &g.Flags[i]
			l := f.label()
			if len(l) > 20 {
				fmt.Fprintf(w, "  %s\n  %-20s  %s\n", l, "", f.Help())
				continue
			}
			fmt.Fprintf(w, "  %-20s  %s\n", l, f.Help())
		}
		if g.After != "" {
			writeWrapped(w, "", g.After, 76)
		}
	}
	fmt.Fprintln(w, "\nEnvironment:")
	for _, e := range manual.Environment {
		fmt.Fprintf(w, "  %s\n", e.Name)
		writeWrapped(w, "      ", e.Doc, 76)
	}
	fmt.Fprintf(w, "\nExit status: %s\n", manual.Exit)
}

// writeWrapped writes text filled to width, each line after indent.
func writeWrapped(w io.Writer, indent, text string, width int) {
	line := indent
	for _, word := range strings.Fields(text) {
		if len(line) > len(indent) && len(line)+1+len(word) > width {
			fmt.Fprintln(w, line)
			line = indent
		}
		if len(line) > len(indent) {
			line += " "
		}
		line += word
	}
	if len(line) > len(indent) {
		fmt.Fprintln(w, line)
	}
}
