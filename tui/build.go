package tui

import (
	tea "github.com/charmbracelet/bubbletea"

	"github.com/nixplore/nixplore/nixeval"
)

// buildMsg is any message of the build panel.
type buildMsg interface{ buildMsg() }

// buildPanel builds the selected derivation.
type buildPanel struct {
	c *common
}

func (b buildPanel) available() bool { return false }
func (b buildPanel) active() bool    { return false }
func (b buildPanel) running() bool   { return false }
func (b *buildPanel) cancel()        {}
func (b buildPanel) helpKeys() helpKeys {
	return helpKeys{b.c.keys.ClosePanel}
}

func (b buildPanel) open(path nixeval.AttrPath, info *nixeval.Info) (buildPanel, tea.Cmd) {
	return b, nil
}

func (b buildPanel) Update(msg tea.Msg) (buildPanel, tea.Cmd) { return b, nil }

func (b buildPanel) view(w, h int, spin string) []string { return nil }
