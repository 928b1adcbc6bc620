package compare

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"

	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/nixeval/build"
)

// Row is one line of the comparison: a label and each column's text.
type Row struct {
	Label string
	Cells []string
}

// Rows are the comparison's lines, the same for the CLI's table and the
// explorer's. The build commands are not among them: they are printed
// whole, below, so a copied command is never cut inside a word.
func Rows(cols []Column) []Row {
	labels := []string{"what", "platform", "plan", "sizes", "built", "run needs", "result"}
	rows := make([]Row, len(labels))
	for i, l := range labels {
		rows[i] = Row{Label: l, Cells: make([]string, len(cols))}
	}
	for j, c := range cols {
		cells := cellsOf(c)
		for i := range rows {
			rows[i].Cells[j] = cells[i]
		}
	}
	return rows
}

func cellsOf(c Column) []string {
	if c.Platform == nil {
		return []string{c.Summary, "error: " + c.Error, "", "", "", "", c.Result}
	}
	platform := c.Platform.System + ": builds here"
	switch {
	case c.Built:
		platform = c.Platform.System + ": nothing to build"
	case !c.Platform.BuildableHere:
		var ways []string
		for _, w := range c.Platform.Ways {
			name, _, _ := strings.Cut(w, ":")
			ways = append(ways, name)
		}
		platform = c.Platform.System + ": this machine cannot build it; ways out: " + strings.Join(ways, ", ")
	}
	plan, sizes := "already built", "-"
	switch {
	case c.Error != "":
		plan = "error: " + c.Error
	case !c.Built && c.Plan == nil:
		plan = "unknown: Nix's dry run did not answer"
	case !c.Built:
		plan = "build " + nixeval.Count(c.Plan.Build, "derivation") + ", fetch " + nixeval.Count(c.Plan.Fetch, "path")
		sizes = fmt.Sprintf("%s download, %s unpacked", build.HumanBytes(c.Plan.DownloadBytes), build.HumanBytes(c.Plan.UnpackedBytes))
		if c.Plan.Needs != nil {
			sizes += "; " + c.Plan.Needs.Text()
		} else if c.Plan.Build > 0 {
			sizes += " (and what the builds write, unknown before they run)"
		}
		if c.Plan.Unbuildable > 0 {
			plan += "; refused: no one here can build " + nixeval.Count(c.Plan.Unbuildable, "derivation") + " of it"
		}
		if !c.Plan.Fits {
			sizes += "; does NOT fit: " + build.HumanBytes(int64(c.Plan.Space.Store.Free)) + " free in " + c.Plan.Space.Store.Dir
		}
	}
	built := "no"
	if c.Built {
		built = "yes, closure " + build.HumanBytes(c.ClosureBytes)
	}
	var needs []string
	for _, n := range c.RunNeeds {
		s := n.What
		if n.Here != nil {
			s += map[bool]string{true: " (here: yes)", false: " (here: no)"}[*n.Here]
		}
		if n.Detail != "" {
			s += ": " + n.Detail
		}
		needs = append(needs, s)
	}
	if len(needs) == 0 {
		needs = []string{"-"}
	}
	return []string{c.Summary, platform, plan, sizes, built, strings.Join(needs, "; "), c.Result}
}

// Table lays the comparison out side by side in width columns of text
// (see Layout), each output titled by its ShortPath.
func Table(cols []Column, width int) []string {
	header := make([]string, len(cols))
	for j, c := range cols {
		header[j] = ShortPath(c.Path)
	}
	return Layout(header, Rows(cols), width)
}

// Layout lays rows out side by side: a label column, then one column per
// header, each cell wrapped between words (a word wider than its column
// is cut across lines). Every line fits width terminal cells while each
// column can have at least 8.
func Layout(header []string, rows []Row, width int) []string {
	if len(header) == 0 {
		return nil
	}
	const labelW, gap = 10, 2
	cw := max(8, (width-labelW-gap*len(header))/len(header))
	var out []string
	for _, r := range append([]Row{{Label: "", Cells: header}}, rows...) {
		wrapped := make([][]string, len(r.Cells))
		h := 1
		for j, cell := range r.Cells {
			wrapped[j] = Wrap(cell, cw)
			h = max(h, len(wrapped[j]))
		}
		for i := 0; i < h; i++ {
			line := ""
			if i == 0 {
				line = r.Label
			}
			line = padRight(line, labelW)
			for j := range r.Cells {
				cell := ""
				if i < len(wrapped[j]) {
					cell = wrapped[j][i]
				}
				line += strings.Repeat(" ", gap) + padRight(cell, cw)
			}
			out = append(out, strings.TrimRight(line, " "))
		}
	}
	return out
}

// ShortPath is a path as a column's title: without the
// config.system.build. every well-known output has in common.
func ShortPath(p string) string {
	if s, ok := strings.CutPrefix(p, attr.DefaultPath.String()+"."); ok {
		return s
	}
	return p
}

// Wrap breaks text between words into lines of at most width terminal
// cells (x/ansi's measure: a CJK character or an emoji takes two); a word
// wider than width is cut, between characters. Whitespace between words
// becomes one space, as the table shows a cell's words, not its layout.
func Wrap(text string, width int) []string {
	width = max(1, width)
	var lines []string
	line := ""
	for _, word := range strings.Fields(text) {
		for ansi.StringWidth(word) > width {
			if line != "" {
				lines, line = append(lines, line), ""
			}
			head := ansi.Truncate(word, width, "")
			if head == "" { // one character wider than the column
				_, n := utf8.DecodeRuneInString(word)
				head = word[:n]
			}
			lines, word = append(lines, head), word[len(head):]
		}
		if line != "" && ansi.StringWidth(line)+1+ansi.StringWidth(word) > width {
			lines, line = append(lines, line), ""
		}
		if line != "" {
			line += " "
		}
		line += word
	}
	if line != "" || len(lines) == 0 {
		lines = append(lines, line)
	}
	return lines
}

// padRight fills s with spaces to w terminal cells.
func padRight(s string, w int) string {
	if n := ansi.StringWidth(s); n < w {
		return s + strings.Repeat(" ", w-n)
	}
	return s
}
