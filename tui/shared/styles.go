package shared

import "github.com/charmbracelet/lipgloss"

// Styles is every style of the explorer, in one place.
type Styles struct {
	Title, Header, Dim, Warning   lipgloss.Style
	Cursor, CursorMark            lipgloss.Style
	Kind                          map[string]lipgloss.Style
	ErrorNode, ErrorText          lipgloss.Style
	Label, Value, Built, NotBuilt lipgloss.Style
	Match, Border, Status, Cached lipgloss.Style
	PanelTitle, Good, Bad         lipgloss.Style
}

// DefaultStyles returns the explorer's colours. They degrade to plain text
// under NO_COLOR (lipgloss picks the profile from the environment), so
// nothing relies on colour alone: the cursor has a marker, errors a tag.
func DefaultStyles() Styles {
	c := lipgloss.AdaptiveColor{Light: "#5A56E0", Dark: "#7D79F6"}
	red := lipgloss.AdaptiveColor{Light: "#C00000", Dark: "#FF5F5F"}
	green := lipgloss.AdaptiveColor{Light: "#007F00", Dark: "#5FD75F"}
	yellow := lipgloss.AdaptiveColor{Light: "#8A6D00", Dark: "#FFD75F"}
	dim := lipgloss.AdaptiveColor{Light: "#777777", Dark: "#888888"}
	kind := func(col lipgloss.TerminalColor) lipgloss.Style { return lipgloss.NewStyle().Foreground(col) }
	return Styles{
		Title:      lipgloss.NewStyle().Bold(true).Foreground(c),
		Header:     lipgloss.NewStyle(),
		Dim:        lipgloss.NewStyle().Foreground(dim),
		Warning:    lipgloss.NewStyle().Foreground(yellow).Bold(true),
		Cursor:     lipgloss.NewStyle().Reverse(true),
		CursorMark: lipgloss.NewStyle().Foreground(c).Bold(true),
		Kind: map[string]lipgloss.Style{
			"derivation": kind(lipgloss.AdaptiveColor{Light: "#005FAF", Dark: "#5FAFFF"}),
			"attrs":      kind(c),
			"list":       kind(c),
			"string":     kind(green),
			"path":       kind(green),
			"function":   kind(dim),
			"error":      kind(red).Bold(true),
		},
		ErrorNode:  lipgloss.NewStyle().Foreground(red),
		ErrorText:  lipgloss.NewStyle().Foreground(red),
		Label:      lipgloss.NewStyle().Foreground(dim),
		Value:      lipgloss.NewStyle(),
		Built:      lipgloss.NewStyle().Foreground(green),
		NotBuilt:   lipgloss.NewStyle().Foreground(yellow),
		Match:      lipgloss.NewStyle().Foreground(yellow).Bold(true).Underline(true),
		Border:     lipgloss.NewStyle().Foreground(dim),
		Status:     lipgloss.NewStyle().Foreground(c),
		Cached:     lipgloss.NewStyle().Foreground(yellow),
		PanelTitle: lipgloss.NewStyle().Bold(true),
		Good:       lipgloss.NewStyle().Foreground(green).Bold(true),
		Bad:        lipgloss.NewStyle().Foreground(red).Bold(true),
	}
}
