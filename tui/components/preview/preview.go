// Package preview is the right pane: everything Describe says about the
// selected node (or the catalogue's entry for an absent output), laid out
// in Update into a pager.
package preview

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/nixeval/catalogue"
	"github.com/nixplore/nixplore/nixeval/diag"
	"github.com/nixplore/nixplore/nixeval/setbuild"
	"github.com/nixplore/nixplore/nixeval/teach"
	"github.com/nixplore/nixplore/tui/components/tree"
	"github.com/nixplore/nixplore/tui/shared"
)

// State is where the preview of the selected node stands.
type State int

const (
	Empty State = iota
	Loading
	Ready
	Cancelled // the user stopped the description with esc
)

func (s State) String() string {
	return [...]string{"empty", "loading", "ready", "cancelled"}[s]
}

// Pane shows everything Describe says about one node. Its text is
// laid out in Update (refresh) into a pager; View only cuts the window.
type Pane struct {
	c       *shared.Common
	State   State
	Key     string // the node shown
	ReqID   uint64 // the request whose answer is awaited
	Path    attr.Path
	Kind    string
	ErrText string // an error node's message
	listErr string // listing this set failed
	Desc    *nixeval.Description
	Absent  *catalogue.Entry // an output this configuration does not have
	// Children: what the tree knows of a set's children when it was
	// selected, for the warning beside its build command.
	Children setbuild.Contents
	Err      error
	Cached   bool
	// Edit says what the latest edit changed in this node and why
	// (components/edits), first; nil when it did not.
	Edit  []string
	width int
	Pg    shared.Pager // J/K and the wheel scroll it
}

// New returns the preview, empty.
func New(c *shared.Common) Pane { return Pane{c: c, Pg: shared.NewPager()} }

// Show points the preview at n, from the top; its description comes later.
func (p *Pane) Show(n *tree.Node, id uint64) {
	*p = Pane{c: p.c, State: Loading, Key: n.Key, ReqID: id, Path: n.Path, Kind: n.Kind, ErrText: n.ErrText,
		listErr: n.ListErr, Absent: n.Absent, Children: tree.ChildrenOf(n), width: p.width, Pg: p.Pg}
	p.Pg.Top()
	p.Refresh()
}

// Set shows a description (or why there is none); cached: from the disk
// cache, Nix is still asked.
func (p *Pane) Set(d *nixeval.Description, err error, cached bool) {
	p.State, p.Desc, p.Err, p.Cached = Ready, d, err, cached
	p.Refresh()
}

// SetState moves the preview to st with what it already holds (an error
// node and an absent output are ready without Nix; esc cancels).
func (p *Pane) SetState(st State) {
	p.State = st
	p.Refresh()
}

// SetListErr shows why listing the previewed set failed.
func (p *Pane) SetListErr(e string) {
	p.listErr = e
	p.Refresh()
}

// SetSize lays the text out again when the width changed.
func (p *Pane) SetSize(w, h int) {
	p.Pg.SetSize(w, h)
	if w != p.width {
		p.width = w
		p.Refresh()
	}
}

// Tick redraws the spinner of a description in flight.
func (p *Pane) Tick() {
	if p.State == Loading {
		p.Refresh()
	}
}

// Refresh lays the text out again (the tree's kinds changed).
func (p *Pane) Refresh() { p.Pg.SetLines(p.Lines(p.width)) }

// Update scrolls on J/K (half a screen) and the wheel (the root sends the
// wheel only when it is over the preview).
func (p Pane) Update(msg tea.Msg) (Pane, tea.Cmd) {
	p.Pg = shared.ScrollPager(p.Pg, p.c.Keys, msg)
	return p, nil
}

// View is the window of the preview from the scroll position, the last
// line saying how much more there is.
func (p Pane) View() string { return strings.Join(p.Window(), "\n") }

// Window is the visible part of the preview, as drawn.
func (p Pane) Window() []string { return shared.WithMore(p.c.Styles, p.Pg, p.width) }

// row is one labelled line of the preview before wrapping.
type row struct {
	label string
	value string
	style lipgloss.Style
}

// Lines is the whole preview, wrapped to w columns.
func (p Pane) Lines(w int) []string {
	s := p.c.Styles
	if p.State == Empty || w < 1 {
		return nil
	}
	var rows []row
	add := func(label, value string, st lipgloss.Style) {
		if value != "" {
			rows = append(rows, row{label, attr.Printable(value), st})
		}
	}
	addMulti := func(label, value string, st lipgloss.Style) {
		for i, l := range strings.Split(value, "\n") {
			if i > 0 {
				label = ""
			}
			rows = append(rows, row{label, attr.Printable(l), st})
		}
	}
	for i, l := range p.Edit {
		label := ""
		if i == 0 {
			label = "edited"
		}
		rows = append(rows, row{label, attr.Printable(l), s.Warning})
	}
	add("path", p.Path.String(), s.Title)
	kind := p.Kind
	if p.Desc != nil && p.Desc.Kind != "" {
		kind = p.Desc.Kind
	}
	add("kind", kind, s.Value)
	if p.Cached {
		add("", "cached answer, re-checking…", s.Cached)
	}
	if p.ErrText != "" {
		addMulti("error", p.ErrText, s.ErrorText)
	}
	if p.listErr != "" {
		addMulti("error", "listing failed: "+p.listErr, s.ErrorText)
	}
	switch {
	case p.Absent != nil:
		rows = append(rows, absentRows(p.Absent, s)...)
	case p.State == Cancelled:
		add("", "cancelled: r evaluates it again", s.Warning)
	case p.State == Loading && p.ErrText == "":
		add("", p.c.Spin+" evaluating… (esc cancels)", s.Dim)
		if why := nixeval.EvaluationCost(p.c.Cfg.Target, p.Path); why != "" {
			// Say why this one takes long: it is a whole evaluation.
			addMulti("", "this "+why+": it takes as long as evaluating the configuration", s.Dim)
		}
	case p.Err != nil:
		addMulti("error", nixeval.ErrorText(p.Err), s.ErrorText)
		var me *diag.MissingAttrError
		if errors.As(p.Err, &me) {
			add("", "press R to reload everything", s.Dim)
		}
	case p.Desc != nil:
		rows = append(rows, describeRows(p.Desc, s, p.c.Cfg.Target, p.Children)...)
	}
	var out []string
	lw := 8
	if w < 30 {
		lw = 0 // too narrow for a label column: labels on their own
	}
	for _, r := range rows {
		vw := max(1, w-lw)
		lines := shared.Wrap(r.value, vw)
		for i, l := range lines {
			label := ""
			if i == 0 {
				label = r.label
			}
			if lw == 0 {
				if label != "" {
					out = append(out, s.Label.Render(ansi.Truncate(label, w, "")))
				}
				out = append(out, r.style.Render(l))
				continue
			}
			out = append(out, s.Label.Render(fmt.Sprintf("%-*s", lw, ansi.Truncate(label, lw-1, "")))+r.style.Render(l))
		}
	}
	return out
}

// absentRows says what an output this configuration lacks is and how to
// get it, from the catalogue.
func absentRows(e *catalogue.Entry, s shared.Styles) []row {
	var rows []row
	add := func(label, value string, st lipgloss.Style) {
		if value != "" {
			rows = append(rows, row{label, attr.Printable(value), st})
		}
	}
	add("", "not in this configuration: nixplore's catalogue knows it", s.Warning)
	add("what", e.Summary, s.Value)
	// The modules to import and the image variant, in one sentence.
	add("get it", e.HowToGet(), s.Status)
	add("result", e.Result, s.Value)
	add("choose", e.Choose, s.Value)
	if e.Rebuild != "" {
		add("rebuild", "nixos-rebuild "+e.Rebuild, s.Dim)
	}
	add("source", e.Source, s.Dim)
	return rows
}

// shownFile names a file where it is defined unambiguously: a file of
// nixpkgs as <nixpkgs>/… (relative to nixpkgs, marked so, as NIX_PATH
// writes it), any other file absolute, the home directory as ~. A path
// relative to wherever nixplore was started would read like one relative
// to nixpkgs.
func shownFile(f string) string {
	if rel, ok := teach.NixpkgsRelative(f); ok {
		return "<nixpkgs>/" + rel
	}
	if home, err := os.UserHomeDir(); err == nil && home != "/" {
		if rest, ok := strings.CutPrefix(f, strings.TrimSuffix(home, "/")+"/"); ok {
			return "~/" + rest
		}
	}
	return f
}

func describeRows(d *nixeval.Description, s shared.Styles, t *nixeval.Target, children setbuild.Contents) []row {
	var rows []row
	add := func(label, value string, st lipgloss.Style) {
		if value != "" {
			rows = append(rows, row{label, attr.Printable(value), st})
		}
	}
	add("name", d.Name, s.Value)
	add("system", d.System, s.Value)
	add("about", d.Description, s.Value)
	add("drv", d.DrvPath, s.Value)
	if d.DrvError != "" {
		for _, l := range strings.Split(d.DrvError, "\n") {
			add("drv", l, s.ErrorText)
		}
	}
	for _, o := range d.Outputs {
		state, st := "not built", s.NotBuilt
		if o.Built {
			state, st = "built", s.Built
		}
		add(o.Name, o.Path, s.Value)
		add("", "("+state+")", st)
	}
	add("program", d.MainProgram, s.Value)
	if d.Count != nil {
		unit := "attribute"
		if d.Kind == nixeval.KindList {
			unit = "element"
		}
		add("size", nixeval.Count(*d.Count, unit), s.Value)
	}
	if len(d.Value) > 0 {
		v := ValueText(d.Value)
		if d.Length > 0 && d.Kind == nixeval.KindString && d.Length > len(v) {
			v += fmt.Sprintf(" … (%d bytes)", d.Length)
		}
		for i, l := range strings.Split(v, "\n") {
			label := ""
			if i == 0 {
				label = "value"
			}
			if i >= 40 {
				rows = append(rows, row{"", "…", s.Dim})
				break
			}
			rows = append(rows, row{label, attr.Printable(l), s.Value})
		}
	}
	switch {
	case !setbuild.Buildable(d.Kind):
		add("build", "none: "+nixeval.AKind(d.Kind)+" is not something Nix builds", s.Dim)
	case d.Kind != nixeval.KindDerivation:
		add("build", d.Commands.Build, s.Status)
		add("", "⚠ "+SetWarning(d, children), s.Warning)
	default:
		add("build", d.Commands.Build, s.Status)
	}
	if len(d.Facts) > 0 {
		// What the configuration itself says comes before the general text,
		// which was qualified so that it never contradicts it.
		add("", "in this configuration:", s.Label)
		for _, f := range d.Facts {
			add("", "- "+f.Text(), s.Value)
		}
	}
	if doc := d.Doc; doc != nil {
		// The catalogue's entry for a well-known output (nixeval/catalogue).
		add("", "in general ("+doc.Releases()+"):", s.Label)
		add("", d.DocNote, s.Warning)
		add("what", doc.Summary, s.Value)
		add("result", doc.Result, s.Value)
		add("choose", doc.Choose, s.Value)
		if doc.Rebuild != "" {
			add("rebuild", "nixos-rebuild "+doc.Rebuild, s.Dim)
		}
	}
	if def := d.DefinedIn; def != nil {
		for i, f := range def.Files {
			label := ""
			if i == 0 {
				label = "defined"
			}
			// nixpkgs files relative to nixpkgs, the user's own as they are.
			rows = append(rows, row{label, attr.Printable(shownFile(f)), s.Value})
		}
		opt := def.Option.String()
		if def.Type != "" {
			opt += " (" + def.Type + ")"
		}
		if len(def.Option) > 0 {
			add("option", opt, s.Dim)
		}
		add("", def.Description, s.Dim)
	}
	if d.Doc != nil {
		add("source", d.Doc.Source, s.Dim)
	}
	return rows
}

// ValueText shows a scalar as text: strings as their content, anything
// else as Nix would print it.
func ValueText(raw json.RawMessage) string {
	var str string
	if json.Unmarshal(raw, &str) == nil {
		return str
	}
	return string(raw)
}

// SetWarning says what the build command of a set or list builds, counted
// from the children the tree knows, else from its size.
func SetWarning(d *nixeval.Description, c setbuild.Contents) string {
	if !c.Known && d.Count != nil {
		c.Children = *d.Count
	}
	if d.Doc != nil {
		c.What = setbuild.SummaryClause(d.Doc.Summary)
	}
	return "this command " + c.Warning()
}

// Cancel stops waiting for the description in flight (esc): the preview
// says it was cancelled, and no answer is taken.
func (p *Pane) Cancel() {
	p.ReqID = 0
	p.SetState(Cancelled)
}

// Forget makes the next Show of the same node ask again (r, a build just
// finished): the preview no longer counts as showing it.
func (p *Pane) Forget() { p.Key = "" }

// SetKind shows the kind the tree learned of the node shown (and an
// error's message).
func (p *Pane) SetKind(kind, errText string) {
	p.Kind, p.ErrText = kind, errText
	p.Refresh()
}

// SetChildren shows what the tree knows of the set's children now.
func (p *Pane) SetChildren(c setbuild.Contents) {
	p.Children = c
	p.Refresh()
}
