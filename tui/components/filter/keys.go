package filter

import (
	"github.com/charmbracelet/bubbles/key"

	"github.com/nixplore/nixplore/tui/shared"
)

// KeyMap is the filter's own keys; enter and esc (Accept, Cancel) are
// shared.KeyMap's, as the build panel reads them too.
type KeyMap struct {
	Up, Down key.Binding // the previous and the next match
}

// DefaultKeyMap returns the filter's keys.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Up:   key.NewBinding(key.WithKeys("up", "ctrl+p", "ctrl+k"), key.WithHelp("↑", "previous match")),
		Down: key.NewBinding(key.WithKeys("down", "ctrl+n", "ctrl+j"), key.WithHelp("↓", "next match")),
	}
}

// HelpKeys are the filter's keys for the footer.
func (f Model) HelpKeys() shared.HelpKeys {
	return shared.HelpKeys{f.c.Keys.Accept, f.c.Keys.Cancel, f.keys.Up, f.keys.Down}
}
