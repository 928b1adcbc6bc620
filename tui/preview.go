package tui

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/nixeval/catalogue"
	"github.com/nixplore/nixplore/nixeval/diag"
	"github.com/nixplore/nixplore/nixeval/setbuild"
	"github.com/nixplore/nixplore/nixeval/teach"
)

// previewState is where the preview of the selected node stands.
type previewState int

const (
	previewEmpty previewState = iota
	previewLoading
	previewReady
	previewCancelled // the user stopped the description with esc
)

func (s previewState) String() string {
	return [...]string{"empty", "loading", "ready", "cancelled"}[s]
}

// previewPane shows everything Describe says about one node. Its text is
// laid out in Update (refresh) into a pager; View only cuts the window.
type previewPane struct {
	c       *common
	state   previewState
	key     string // the node shown
	reqID   uint64 // the request whose answer is awaited
	path    attr.Path
	kind    string
	errText string // an error node's message
	listErr string // listing this set failed
	desc    *nixeval.Description
	absent  *catalogue.Entry // an output this configuration does not have
	// children: what the tree knows of a set's children when it was
	// selected, for the warning beside its build command.
	children setbuild.Contents
	err      error
	cached   bool
	width    int
	pg       pager // J/K and the wheel scroll it
}

func newPreview(c *common) previewPane { return previewPane{c: c, pg: newPager()} }

// show points the preview at n, from the top; its description comes later.
func (p *previewPane) show(n *node, id uint64) {
	*p = previewPane{c: p.c, state: previewLoading, key: n.key, reqID: id, path: n.path, kind: n.kind, errText: n.errText,
		listErr: n.listErr, absent: n.absent, children: childrenOf(n), width: p.width, pg: p.pg}
	p.pg.top()
	p.refresh()
}

func (p *previewPane) set(d *nixeval.Description, err error, cached bool) {
	p.state, p.desc, p.err, p.cached = previewReady, d, err, cached
	p.refresh()
}

// setState moves the preview to st with what it already holds (an error
// node and an absent output are ready without Nix; esc cancels).
func (p *previewPane) setState(st previewState) {
	p.state = st
	p.refresh()
}

func (p *previewPane) setListErr(e string) {
	p.listErr = e
	p.refresh()
}

// setSize lays the text out again when the width changed.
func (p *previewPane) setSize(w, h int) {
	p.pg.setSize(w, h)
	if w != p.width {
		p.width = w
		p.refresh()
	}
}

// tick redraws the spinner of a description in flight.
func (p *previewPane) tick() {
	if p.state == previewLoading {
		p.refresh()
	}
}

func (p *previewPane) refresh() { p.pg.setLines(p.lines(p.width)) }

// Update scrolls on J/K (half a screen) and the wheel (the root sends the
// wheel only when it is over the preview).
func (p previewPane) Update(msg tea.Msg) (previewPane, tea.Cmd) {
	p.pg = scrollPager(p.pg, p.c.keys, msg)
	return p, nil
}

// View is the window of the preview from the scroll position, the last
// line saying how much more there is.
func (p previewPane) View() string { return strings.Join(p.window(), "\n") }

func (p previewPane) window() []string { return withMore(p.c.styles, p.pg, p.width) }

// scrollPager scrolls pg on J/K (half its height) and the wheel (three
// lines), the keys the preview and the explanation share.
func scrollPager(pg pager, k KeyMap, msg tea.Msg) pager {
	half := max(1, pg.vp.Height/2)
	switch msg := msg.(type) {
	case tea.KeyMsg:
		switch {
		case key.Matches(msg, k.PreviewDown):
			pg.scroll(half)
		case key.Matches(msg, k.PreviewUp):
			pg.scroll(-half)
		}
	case tea.MouseMsg:
		switch msg.Button {
		case tea.MouseButtonWheelDown:
			pg.scroll(3)
		case tea.MouseButtonWheelUp:
			pg.scroll(-3)
		}
	}
	return pg
}

// withMore is pg's window whose last line, when more follows, says how
// much and how to scroll.
func withMore(s Styles, pg pager, w int) []string {
	out := pg.window()
	if more := pg.moreBelow(); more > 0 && len(out) > 1 {
		out[len(out)-1] = s.Dim.Render(truncate("↓ "+nixeval.Count(more, "more line")+" (J/K scroll)", w))
	}
	return out
}

// row is one labelled line of the preview before wrapping.
type row struct {
	label string
	value string
	style lipgloss.Style
}

// lines is the whole preview, wrapped to w columns.
func (p previewPane) lines(w int) []string {
	s := p.c.styles
	if p.state == previewEmpty || w < 1 {
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
	add("path", p.path.String(), s.Title)
	kind := p.kind
	if p.desc != nil && p.desc.Kind != "" {
		kind = p.desc.Kind
	}
	add("kind", kind, s.Value)
	if p.cached {
		add("", "cached answer, re-checking…", s.Cached)
	}
	if p.errText != "" {
		addMulti("error", p.errText, s.ErrorText)
	}
	if p.listErr != "" {
		addMulti("error", "listing failed: "+p.listErr, s.ErrorText)
	}
	switch {
	case p.absent != nil:
		rows = append(rows, absentRows(p.absent, s)...)
	case p.state == previewCancelled:
		add("", "cancelled: r evaluates it again", s.Warning)
	case p.state == previewLoading && p.errText == "":
		add("", p.c.spin+" evaluating… (esc cancels)", s.Dim)
		if why := nixeval.EvaluationCost(p.c.cfg.Target, p.path); why != "" {
			// Say why this one takes long: it is a whole evaluation.
			addMulti("", "this "+why+": it takes as long as evaluating the configuration", s.Dim)
		}
	case p.err != nil:
		addMulti("error", nixeval.ErrorText(p.err), s.ErrorText)
		var me *diag.MissingAttrError
		if errors.As(p.err, &me) {
			add("", "press R to reload everything", s.Dim)
		}
	case p.desc != nil:
		rows = append(rows, describeRows(p.desc, s, p.c.cfg.Target, p.children)...)
	}
	var out []string
	lw := 8
	if w < 30 {
		lw = 0 // too narrow for a label column: labels on their own
	}
	for _, r := range rows {
		vw := max(1, w-lw)
		lines := wrap(r.value, vw)
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
func absentRows(e *catalogue.Entry, s Styles) []row {
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

// relative shows a file under the directory nixplore was started in
// relative to it: the configuration's own files are the short ones.
func relative(t *nixeval.Target, f string) string {
	if t == nil || t.Dir == "" {
		return f
	}
	if r, ok := strings.CutPrefix(f, strings.TrimSuffix(t.Dir, "/")+"/"); ok {
		return r
	}
	return f
}

func describeRows(d *nixeval.Description, s Styles, t *nixeval.Target, children setbuild.Contents) []row {
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
		v := valueText(d.Value)
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
		add("", "⚠ "+setWarning(d, children), s.Warning)
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
			rows = append(rows, row{label, attr.Printable(relative(t, teach.DisplayFile(f))), s.Value})
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

// valueText shows a scalar as text: strings as their content, anything
// else as Nix would print it.
func valueText(raw json.RawMessage) string {
	var str string
	if json.Unmarshal(raw, &str) == nil {
		return str
	}
	return string(raw)
}

// wrapIndent wraps each line of text to w cells, continuing a wrapped
// line at its own indentation, and makes every line terminal-safe.
func wrapIndent(text string, w int) []string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		l = attr.Printable(l)
		if isExcerpt(l) {
			out = append(out, truncate(l, w))
			continue
		}
		lead := l[:len(l)-len(strings.TrimLeft(l, " "))]
		if len(lead) > w/2 {
			lead = ""
		}
		for i, wl := range wrap(strings.TrimLeft(l, " "), max(1, w-len(lead))) {
			if i == 0 || lead != "" {
				wl = lead + wl
			}
			out = append(out, wl)
		}
	}
	return out
}

// excerptRE matches a line of the code Nix quotes under an error
// ("       5|   = broken;", "        |   ^").
var excerptRE = regexp.MustCompile(`^ *[0-9]*\|`)

// isExcerpt reports whether l is such a line: it is cut to the width, not
// wrapped, so the ^ still stands under the column it points at.
func isExcerpt(l string) bool { return excerptRE.MatchString(l) }

// wrap breaks s into lines of at most w cells between words only, so a
// command copied from the screen keeps its tokens (`--argstr` is never cut
// after a dash). Only a word longer than a whole line (a store path) is
// cut, after a / or . where it can, anywhere else where it must. A line
// of a code excerpt is cut at w instead (isExcerpt).
func wrap(s string, w int) []string {
	if s == "" {
		return []string{""}
	}
	var out []string
	for _, para := range strings.Split(s, "\n") {
		if isExcerpt(para) {
			out = append(out, truncate(para, w))
			continue
		}
		line, lw := "", 0
		flush := func() {
			out = append(out, strings.TrimRight(line, " "))
			line, lw = "", 0
		}
		// Split at single spaces: runs of spaces (a code excerpt's
		// indentation) stay as empty words and are kept, except where
		// a line breaks.
		started := false
		for _, word := range strings.Split(para, " ") {
			ww := ansi.StringWidth(word)
			switch {
			case started && lw+1+ww <= w:
				line, lw = line+" "+word, lw+1+ww
				continue
			case started && word == "":
				continue // a space where the line breaks
			case started:
				flush()
			}
			started = true
			if ww <= w {
				line, lw = word, ww
				continue
			}
			pieces := longWord(word, w)
			out = append(out, pieces[:len(pieces)-1]...)
			line = pieces[len(pieces)-1]
			lw = ansi.StringWidth(line)
		}
		flush()
	}
	return out
}

// longWord cuts a word longer than w into lines, after a / or . where it
// can.
func longWord(word string, w int) []string {
	var out []string
	for _, l := range strings.Split(ansi.Wrap(word, w, "/."), "\n") {
		if ansi.StringWidth(l) > w {
			out = append(out, strings.Split(ansi.Hardwrap(l, w, true), "\n")...)
			continue
		}
		out = append(out, l)
	}
	return out
}

// childrenOf is what the tree knows of n's children: their kinds when it
// has listed them.
func childrenOf(n *node) setbuild.Contents {
	if n == nil || !n.loaded {
		return setbuild.Contents{}
	}
	// Counted in place: this runs as kinds arrive, and a copy of 100,000
	// children each time was garbage enough to raise the peak by tens of MB.
	c := setbuild.Contents{Known: true}
	for _, ch := range n.children {
		c.AddNamed(ch.name, ch.kind)
	}
	return c
}

// setWarning says what the build command of a set or list builds, counted
// from the children the tree knows, else from its size.
func setWarning(d *nixeval.Description, c setbuild.Contents) string {
	if !c.Known && d.Count != nil {
		c.Children = *d.Count
	}
	if d.Doc != nil {
		c.What = setbuild.SummaryClause(d.Doc.Summary)
	}
	return "this command " + c.Warning()
}
