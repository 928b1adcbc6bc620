package buildpanel

import "github.com/charmbracelet/bubbles/key"

// KeyMap is the build panel's own keys; the ones it shares with the other
// panels (ClosePanel, Browse, the scroll keys) are in shared.KeyMap.
type KeyMap struct {
	Confirm      key.Binding // start the build the plan shows
	Force        key.Binding // build although the plan does not fit
	WholeCommand key.Binding // the command whole, not folded to two lines
	CopyOut      key.Binding // copy a built output's path
}

// DefaultKeyMap returns the build panel's keys.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Confirm:      key.NewBinding(key.WithKeys("enter", "y"), key.WithHelp("enter/y", "start build")),
		Force:        key.NewBinding(key.WithKeys("f"), key.WithHelp("f", "build anyway")),
		WholeCommand: key.NewBinding(key.WithKeys("v"), key.WithHelp("v", "whole command")),
		CopyOut:      key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "copy output path")),
	}
}

// keys are fixed: none is ever disabled, so the panel needs no copy of
// its own (and a Panel built field by field has them too).
var keys = DefaultKeyMap()
