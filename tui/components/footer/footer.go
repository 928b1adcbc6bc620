// Package footer is the explorer's bottom lines: the status (a message,
// the filter's line, the path under the cursor or what Nix is working on
// when it takes long, a hidden build's progress, the quit question) over
// the help of the keys that apply.
package footer

import (
	"github.com/charmbracelet/bubbles/help"

	"github.com/nixplore/nixplore/tui/shared"
)

// maxStatusLines bounds a wrapped message (a copied command is shown in
// full for terminals without OSC 52, up to this).
const maxStatusLines = 4

// Model is the footer's state: the message and the help.
type Model struct {
	c      *shared.Common
	status string // one-line message: what was copied, what failed
	help   help.Model
}

// New returns the footer, with no message and the short help.
func New(c *shared.Common) Model {
	h := help.New()
	h.ShortSeparator = " · "
	return Model{c: c, help: h}
}

// Status is the message shown ("" when none).
func (f Model) Status() string { return f.status }

// SetStatus shows a message until the next key of the tree ("" clears it).
func (f *Model) SetStatus(s string) { f.status = s }

// SetWidth is the terminal's width, for the help.
func (f *Model) SetWidth(w int) { f.help.Width = w }

// ToggleHelp switches between the short help and the full one (?).
func (f *Model) ToggleHelp() { f.help.ShowAll = !f.help.ShowAll }

// ShowAll reports whether the full help is shown.
func (f Model) ShowAll() bool { return f.help.ShowAll }

// HelpView is the help of km, as drawn.
func (f Model) HelpView(km help.KeyMap) string { return f.help.View(km) }

// Situation is what the status lines say besides the message, as the root
// knows it from the components.
type Situation struct {
	AskQuit bool   // q during a build: the footer asks
	Build   string // a hidden build's progress line ("" when none)
	// Filtering: the filter is open; Filter is its line.
	Filtering bool
	Filter    string
	// Loading: the start node is being listed (Start); Ready: the tree is
	// shown, Path the node under the cursor, Pos where the cursor is.
	Loading, Ready bool
	Start          string
	Path, Pos      string
	// Work is what Nix works on when it takes long ("" otherwise), Spin
	// the spinner's frame.
	Work, Spin string
}

// Lines is the status as drawn at width w, one or more lines.
func (f Model) Lines(w int, s Situation) []string {
	if s.AskQuit {
		q := "A build is running. Quit and cancel it? y quits · any other key keeps building"
		return []string{f.c.Styles.Warning.Render(shared.Truncate(q, w))}
	}
	if s.Build != "" {
		// Browsing during a build: its progress stays in the footer.
		return append([]string{s.Build}, f.treeLines(w, s)...)
	}
	return f.treeLines(w, s)
}

func (f Model) treeLines(w int, sit Situation) []string {
	s := f.c.Styles
	switch {
	case sit.Filtering:
		return []string{sit.Filter}
	case f.status != "":
		lines := shared.Wrap(f.status, max(1, w))
		if len(lines) > maxStatusLines {
			lines = lines[:maxStatusLines]
		}
		for i := range lines {
			lines[i] = s.Status.Render(lines[i])
		}
		return lines
	case sit.Loading:
		line := sit.Spin + " listing " + sit.Start + "…"
		if sit.Work != "" {
			line = sit.Spin + " " + sit.Work
		}
		return []string{s.Dim.Render(shared.Truncate(line, w))}
	case sit.Ready:
		if sit.Work != "" {
			// One line either way, so the layout never jumps: what Nix
			// is working on wins over the path, which the preview has.
			return []string{s.Dim.Render(shared.Truncate(sit.Spin+" "+sit.Work, w-len(sit.Pos)) + sit.Pos)}
		}
		return []string{s.Dim.Render(shared.Truncate(sit.Path, w-len(sit.Pos)) + sit.Pos)}
	}
	return []string{""}
}
