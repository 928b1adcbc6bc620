package shared

import "github.com/charmbracelet/bubbles/key"

// KeyMap is every binding of the explorer. Bindings that do not apply are
// disabled with SetEnabled, which also removes them from the help.
type KeyMap struct {
	Up, Down, Expand, Collapse  key.Binding
	Top, Bottom, PageUp, PageDn key.Binding
	Filter, CopyPath, CopyCmd   key.Binding
	Build, Refresh, ReloadAll   key.Binding
	Edit, Explain, Absent       key.Binding
	Warnings                    key.Binding // what Nix warned about (w)
	Trace                       key.Binding // t on an error: why it fails (trace.go)
	EvalLog                     key.Binding // L: the log of the latest build during evaluation (evallog.go)
	CancelEval                  key.Binding // esc in the tree: stop the selected node's evaluation
	PreviewDown, PreviewUp      key.Binding
	Help, Quit                  key.Binding
	Accept, Cancel              key.Binding // the filter's and the build panel's
	ClosePanel                  key.Binding // esc or q closes a panel over the body
	Mark, Compare               key.Binding // space marks an output, C compares
	// Browse hides a running or finished build to browse the tree, and
	// shows it again. (The keys only the build panel or the filter reads
	// are in their packages' KeyMap.)
	Browse key.Binding
	// Baseline switches what edits are marked against: the previous
	// evaluation or git HEAD (components/edits).
	Baseline key.Binding
}

// DefaultKeyMap returns the bindings listed in the README.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Up:          key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:        key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		Expand:      key.NewBinding(key.WithKeys("right", "l", "enter"), key.WithHelp("→/l", "open")),
		Collapse:    key.NewBinding(key.WithKeys("left", "h"), key.WithHelp("←/h", "close")),
		Top:         key.NewBinding(key.WithKeys("g", "home"), key.WithHelp("g", "top")),
		Bottom:      key.NewBinding(key.WithKeys("G", "end"), key.WithHelp("G", "bottom")),
		PageUp:      key.NewBinding(key.WithKeys("pgup", "ctrl+b"), key.WithHelp("pgup", "page up")),
		PageDn:      key.NewBinding(key.WithKeys("pgdown", "ctrl+f"), key.WithHelp("pgdn", "page down")),
		Filter:      key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter")),
		CopyPath:    key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "copy path")),
		CopyCmd:     key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "copy cmd")),
		Build:       key.NewBinding(key.WithKeys("b"), key.WithHelp("b", "build")),
		Refresh:     key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "re-evaluate")),
		Edit:        key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "edit source")),
		Explain:     key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "explain cmd")),
		Absent:      key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "show absent")),
		Warnings:    key.NewBinding(key.WithKeys("w"), key.WithHelp("w", "warnings")),
		Trace:       key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "trace error")),
		EvalLog:     key.NewBinding(key.WithKeys("L"), key.WithHelp("L", "eval build log")),
		Mark:        key.NewBinding(key.WithKeys(" "), key.WithHelp("space", "mark")),
		Compare:     key.NewBinding(key.WithKeys("C"), key.WithHelp("C", "compare")),
		Baseline:    key.NewBinding(key.WithKeys("D"), key.WithHelp("D", "changes vs git HEAD")),
		CancelEval:  key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel eval")),
		PreviewDown: key.NewBinding(key.WithKeys("J", "shift+down"), key.WithHelp("J", "preview down")),
		PreviewUp:   key.NewBinding(key.WithKeys("K", "shift+up"), key.WithHelp("K", "preview up")),
		ReloadAll:   key.NewBinding(key.WithKeys("R"), key.WithHelp("R", "reload all")),
		Help:        key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		Quit:        key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "quit")),

		Accept:     key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "jump")),
		Cancel:     key.NewBinding(key.WithKeys("esc", "ctrl+c"), key.WithHelp("esc", "cancel")),
		ClosePanel: key.NewBinding(key.WithKeys("esc", "q"), key.WithHelp("esc", "close")),
		Browse:     key.NewBinding(key.WithKeys("b"), key.WithHelp("b", "browse tree")),
	}
}

// ShortHelp is the footer line of the tree view: help and quit first, so
// they survive the truncation of a narrow terminal, and the arrows in
// pairs.
func (k KeyMap) ShortHelp() []key.Binding {
	move := key.NewBinding(key.WithKeys("up", "down"), key.WithHelp("↑↓/jk", "move"))
	fold := key.NewBinding(key.WithKeys("right", "left"), key.WithHelp("→←/lh", "open/close"))
	move.SetEnabled(k.Up.Enabled())
	fold.SetEnabled(k.Expand.Enabled())
	return []key.Binding{k.Help, k.Quit, move, fold, k.Filter, k.CopyCmd, k.Build, k.Explain, k.Warnings, k.Trace, k.CancelEval}
}

// FullHelp is the `?` view of the tree view.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Up, k.Down, k.Expand, k.Collapse},
		{k.Top, k.Bottom, k.PageUp, k.PageDn, k.Mark},
		{k.Filter, k.CopyPath, k.CopyCmd, k.Build, k.Explain, k.Compare},
		{k.Refresh, k.ReloadAll, k.CancelEval, k.Absent, k.Edit, k.Trace},
		{k.PreviewDown, k.PreviewUp, k.Warnings, k.EvalLog, k.Baseline, k.Help, k.Quit},
	}
}

// HelpKeys adapts a fixed list of bindings to help.KeyMap for the filter
// and the build panel, whose keys differ from the tree's.
type HelpKeys []key.Binding

func (h HelpKeys) ShortHelp() []key.Binding  { return h }
func (h HelpKeys) FullHelp() [][]key.Binding { return [][]key.Binding{h} }
