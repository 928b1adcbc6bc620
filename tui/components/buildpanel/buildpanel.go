// Package buildpanel is the build panel (b): the dry-run plan and the
// platform check first, then on confirmation the build with live progress,
// its log and its result.
package buildpanel

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/nixeval/build"
	"github.com/nixplore/nixplore/nixeval/build/buildlog"
	"github.com/nixplore/nixplore/tui/shared"
)

// State is where the build panel stands.
type State int

const (
	Closed   State = iota
	Planning       // dry run and platform check running
	Confirm        // the plan is shown; enter starts the build
	Running        // Nix is building; events stream in
	Done           // the outputs are in the store
	Failed         // the build failed or was cancelled, explained
)

func (s State) String() string {
	return [...]string{"closed", "planning", "confirm", "running", "done", "failed"}[s]
}

// Msg is any message of the build panel; each carries the panel's
// request id, so a message from a closed build is dropped.
type Msg interface{ buildID() uint64 }

type (
	buildPlanMsg struct {
		id      uint64
		plan    *buildlog.Plan
		check   *build.PlatformCheck
		judged  *build.Judgement
		refusal error // *build.CannotBuildError: no one here builds part of the plan
		space   build.Space
		err     error
	}
	buildStartedMsg struct {
		id  uint64
		run *build.Run
	}
	buildEventMsg struct {
		id uint64
		ev buildlog.Event
	}
	buildDoneMsg struct {
		id     uint64
		result *build.Result
		err    error
	}
)

func (m buildPlanMsg) buildID() uint64    { return m.id }
func (m buildStartedMsg) buildID() uint64 { return m.id }
func (m buildEventMsg) buildID() uint64   { return m.id }
func (m buildDoneMsg) buildID() uint64    { return m.id }

// logKeep is how many build log lines the panel keeps.
const logKeep = 200

// Panel builds the selected derivation: the dry-run plan first, then
// on confirmation the build with live progress.
type Panel struct {
	C        *shared.Common
	State    State
	id       uint64
	Path     attr.Path
	system   string
	cancelFn context.CancelFunc

	Plan    *buildlog.Plan
	Check   *build.PlatformCheck
	space   build.Space
	noRoom  error // the plan's downloads do not fit in the store (f builds anyway)
	Refusal error // no one here builds part of the plan (f builds anyway)
	judged  *build.Judgement
	// Confirmed: enter (or y) was pressed while the plan loaded; the
	// build starts when the plan arrives, if the plan allows it.
	Confirmed  bool
	planErr    error
	run        *build.Run
	Command    string
	Stats      buildlog.Stats
	Log        []string
	Started    time.Time
	Cancelling bool
	result     *build.Result
	Err        error

	// hidden: the user went back to the tree with b while the build runs
	// (or after it ended); the footer shows its progress, b shows it.
	hidden bool

	// wholeCommand: v shows the command on as many lines as it needs
	// instead of two.
	wholeCommand bool

	width, height int
	// Pg holds what scrolls below the title: everything, or while Nix
	// builds only the log (the progress above it stays in view).
	Pg shared.Pager
}

func (b Panel) Active() bool  { return b.State != Closed }
func (b Panel) Shown() bool   { return b.Active() && !b.hidden }
func (b *Panel) Show()        { b.hidden = false }
func (b Panel) Running() bool { return b.State == Planning || b.State == Running }

// Cancel stops whatever the panel runs; Wait sees the processes end.
func (b *Panel) Cancel() {
	if b.cancelFn != nil {
		b.cancelFn()
	}
}

// Open starts the dry run and the platform check for path. system is the
// derivation's platform when the preview knows it.
func (b Panel) Open(path attr.Path, system string, outputs []string, info *nixeval.Info) (Panel, tea.Cmd) {
	b.Cancel()
	ctx, cancel := context.WithCancel(context.Background())
	id := b.C.Next()
	b = Panel{C: b.C, State: Planning, id: id, Path: path, system: system, cancelFn: cancel,
		width: b.width, height: b.height, Pg: shared.NewPager()}
	b.Command = nixeval.BuildCommands(b.C.Cfg.Target, path).Build
	b.refresh()
	tools, target := b.C.Cfg.Tools, b.C.Cfg.Target
	if system == "" && info != nil {
		system = info.Platform()
	}
	b.C.Log.Printf("build: dry run of %s", path)
	return b, b.C.Run(func() tea.Msg {
		plan, err := build.DryRun(ctx, tools, target, path, outputs...)
		if err != nil {
			return buildPlanMsg{id: id, err: err}
		}
		caps := build.ReadCapabilities(ctx, tools, target)
		judged, err := build.Judge(ctx, tools, target, plan, caps)
		if err != nil {
			return buildPlanMsg{id: id, err: err}
		}
		check := caps.Check(system)
		if info != nil {
			check = check.WithInfo(info)
		}
		return buildPlanMsg{id: id, plan: plan, check: check, judged: judged, refusal: judged.Refusal(plan),
			space: build.ReadSpace(ctx, tools, target)}
	})
}

// start runs the build; its events come back one message at a time.
func (b *Panel) start() tea.Cmd {
	b.Cancel()
	ctx, cancel := context.WithCancel(context.Background())
	b.cancelFn = cancel
	b.State, b.Started = Running, time.Now()
	b.Pg.Top()
	b.refresh()
	id, c := b.id, b.C
	tools, target, path := c.Cfg.Tools, c.Cfg.Target, b.Path
	c.Log.Printf("build: start %s", path)
	return func() tea.Msg {
		// No ./result link: the explorer must not write into the
		// directory it was started in; `nixplore build` makes one.
		run := build.Start(ctx, tools, target, build.Options{Path: path, NoLink: true})
		// Counted until Nix and its builders have exited, so Wait after
		// quit covers the build too.
		c.Inflight.Add(1)
		go func() {
			defer c.Inflight.Add(-1)
			_, _ = run.Wait()
		}()
		return buildStartedMsg{id: id, run: run}
	}
}

// waitEvent reads the next event; Update re-arms it after each one, and
// the closed channel gives the final result.
func waitEvent(id uint64, run *build.Run) tea.Cmd {
	return func() tea.Msg {
		ev, ok := <-run.Events()
		if !ok {
			res, err := run.Wait()
			return buildDoneMsg{id: id, result: res, err: err}
		}
		return buildEventMsg{id: id, ev: ev}
	}
}

// Update handles the panel's keys and messages.
func (b Panel) Update(msg tea.Msg) (Panel, tea.Cmd) {
	k := b.C.Keys
	switch msg := msg.(type) {
	case Msg:
		if msg.buildID() != b.id || b.State == Closed {
			return b, nil
		}
		return b.onMsg(msg)
	case tea.KeyMsg:
		if b.Pg.ScrollKey(k, msg) {
			return b, nil
		}
		if key.Matches(msg, keys.WholeCommand) && b.commandFolds() {
			b.wholeCommand = !b.wholeCommand
			b.refresh()
			return b, nil
		}
		switch b.State {
		case Planning:
			switch {
			case key.Matches(msg, k.Cancel) || key.Matches(msg, k.ClosePanel):
				b.close()
			case key.Matches(msg, keys.Confirm):
				b.Confirmed = true
				b.refresh()
			}
		case Confirm:
			blocked := b.noRoom != nil || b.Refusal != nil
			switch {
			case key.Matches(msg, keys.Confirm) && !blocked, key.Matches(msg, keys.Force) && blocked:
				cmd := b.start()
				return b, cmd
			case key.Matches(msg, k.Cancel), key.Matches(msg, k.ClosePanel):
				b.close()
			}
		case Running:
			if key.Matches(msg, k.Browse) {
				b.hidden = true
				return b, nil
			}
			if key.Matches(msg, k.Cancel) && !b.Cancelling {
				b.Cancelling = true
				b.C.Log.Printf("build: cancel %s", b.Path)
				b.Cancel()
				b.refresh()
			}
		case Done, Failed:
			switch {
			case key.Matches(msg, k.Browse):
				b.hidden = true
			case b.State == Done && key.Matches(msg, keys.CopyOut) && b.result != nil && len(b.result.Outputs) > 0:
				return b, shared.Copy(b.C.Cfg.Clipboard, "output path", b.result.Outputs[0].Path)
			case key.Matches(msg, k.ClosePanel) || key.Matches(msg, k.Accept) || key.Matches(msg, k.Cancel):
				b.close()
			}
		}
	}
	return b, nil
}

func (b *Panel) close() {
	b.Cancel()
	*b = Panel{C: b.C, width: b.width, height: b.height, Pg: shared.NewPager()}
}

// onMsg applies a message of this build, then lays the text out again.
func (b Panel) onMsg(msg Msg) (Panel, tea.Cmd) {
	b, cmd := b.apply(msg)
	b.refresh()
	return b, cmd
}

func (b Panel) apply(msg Msg) (Panel, tea.Cmd) {
	switch msg := msg.(type) {
	case buildPlanMsg:
		if msg.err != nil {
			b.State, b.Err = Failed, msg.err
			return b, nil
		}
		b.State, b.Plan, b.Check, b.space = Confirm, msg.plan, msg.check, msg.space
		b.judged, b.Refusal = msg.judged, msg.refusal
		b.noRoom = build.CheckRoom(msg.plan, msg.space)
		if b.Confirmed && b.noRoom == nil && b.Refusal == nil {
			// enter was pressed while the plan loaded, and the plan
			// allows the build: it starts as if pressed now.
			b.C.Log.Printf("build: enter pressed while planning; starting %s", b.Path)
			return b, b.start()
		}
		b.Confirmed = false
	case buildStartedMsg:
		b.run, b.Command = msg.run, msg.run.Command
		return b, waitEvent(b.id, msg.run)
	case buildEventMsg:
		ev := msg.ev
		b.Stats = ev.Stats
		if ev.Kind != buildlog.EventLog {
			b.C.Log.Printf("build event %s %s: built %d/%d", ev.Kind, buildlog.DrvName(ev.Drv), ev.Stats.Done, ev.Stats.Expected)
		}
		switch ev.Kind {
		case buildlog.EventLog:
			b.addLog(buildlog.DrvName(ev.Drv) + "> " + ev.Line)
		case buildlog.EventBuildStarted:
			if ev.Machine != "" {
				b.addLog("building " + buildlog.DrvName(ev.Drv) + " on " + ev.Machine)
			} else {
				b.addLog("building " + buildlog.DrvName(ev.Drv))
			}
		case buildlog.EventCopy:
			b.addLog(buildlog.CopyText(ev.Path, ev.From, ev.To))
		case buildlog.EventBuildFailed:
			b.addLog("failed: " + buildlog.DrvName(ev.Drv))
		case buildlog.EventFetch:
			b.addLog("fetching " + ev.Path)
		case buildlog.EventMessage:
			if ev.Level <= 1 && ev.Text != "" {
				b.addLog(shared.FirstLine(ev.Text))
			}
		}
		return b, waitEvent(b.id, b.run)
	case buildDoneMsg:
		b.cancelFn = nil
		b.result, b.Err = msg.result, msg.err
		if msg.err != nil {
			b.State = Failed
		} else {
			b.State = Done
		}
		b.C.Log.Printf("build: %s ended: %v", b.Path, msg.err)
	}
	return b, nil
}

func (b *Panel) addLog(line string) {
	b.Log = append(b.Log, attr.Printable(line))
	if len(b.Log) > logKeep {
		b.Log = b.Log[len(b.Log)-logKeep:]
	}
}

// JustFinished reports whether msg ended a build successfully: the
// preview's "built" marks are then out of date.
func JustFinished(msg tea.Msg) bool {
	d, ok := msg.(buildDoneMsg)
	return ok && d.err == nil
}

// HelpKeys are the panel's keys for the footer, v among them when the
// command is longer than its two lines: third, before the scroll keys, so
// a narrow footer's truncation keeps it.
func (b Panel) HelpKeys() shared.HelpKeys {
	h := b.stateKeys()
	if !b.commandFolds() {
		return h
	}
	v := keys.WholeCommand
	if b.wholeCommand {
		v = key.NewBinding(key.WithKeys("v"), key.WithHelp("v", "fold command"))
	}
	at := min(2, len(h))
	return append(append(h[:at:at], v), h[at:]...)
}

func (b Panel) stateKeys() shared.HelpKeys {
	k := b.C.Keys
	switch b.State {
	case Confirm:
		start := keys.Confirm
		if b.noRoom != nil || b.Refusal != nil {
			start = keys.Force
		}
		return shared.HelpKeys{start, k.ClosePanel, key.NewBinding(key.WithKeys("up", "down"), key.WithHelp("↑/↓", "scroll"))}
	case Planning:
		return shared.HelpKeys{key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc/ctrl+c", "cancel"))}
	case Running:
		return shared.HelpKeys{key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc/ctrl+c", "cancel")), k.Browse}
	case Done:
		return shared.HelpKeys{k.ClosePanel, keys.CopyOut, k.Browse, key.NewBinding(key.WithKeys("up", "down"), key.WithHelp("↑/↓", "scroll"))}
	}
	return shared.HelpKeys{k.ClosePanel, k.Browse, key.NewBinding(key.WithKeys("up", "down"), key.WithHelp("↑/↓", "scroll"))}
}

// SetSize fits the panel to w x h.
func (b *Panel) SetSize(w, h int) {
	if w != b.width || h != b.height {
		b.width, b.height = w, h
		b.refresh()
	}
}

// Tick redraws the spinner and the elapsed time of a running panel.
func (b *Panel) Tick() {
	if b.Running() {
		b.refresh()
	}
}

// fixed is what stays in view below the title: while Nix builds, the
// command and the progress; otherwise nothing (all of it scrolls).
func (b Panel) fixed() []string {
	if b.State != Running {
		return nil
	}
	return append(b.CommandLines(), b.progressLines(b.width, b.C.Spin)...)
}

// refresh lays out what scrolls and sizes the pager to the room left,
// one line less for the scroll hint when it does not fit. The log follows
// its end while the window is there, so new lines show up; a user who
// scrolled up stays where they are.
func (b *Panel) refresh() {
	if b.State == Closed {
		return
	}
	follow := b.State == Running && b.Pg.AtBottom()
	body := b.body()
	room := max(0, b.height-1-len(b.fixed()))
	if len(body) > room {
		room = max(0, room-1)
	}
	b.Pg.SetSize(b.width, room)
	b.Pg.SetLines(body)
	if follow {
		b.Pg.Bottom()
	}
}

// View draws the panel: the title, what stays in view, the scrolled rest
// and, when it does not all fit, how to scroll.
func (b Panel) View() string { return strings.Join(b.Lines(), "\n") }

func (b Panel) Lines() []string {
	s, w := b.C.Styles, b.width
	out := []string{s.PanelTitle.Render(shared.Truncate("Build "+attr.Printable(b.Path.String()), w))}
	out = append(out, b.fixed()...)
	out = append(out, b.Pg.Window()...)
	if b.Pg.Overflows() {
		out = append(out, s.Dim.Render(shared.Truncate("  ↑/↓ scroll", w)))
	}
	if len(out) > b.height {
		out = out[:max(0, b.height)]
	}
	return out
}

// CommandLines is the command, folded to two lines unless the user asked
// for it whole (v): a checkout's long paths would otherwise push the
// progress and the log off a small screen.
func (b Panel) CommandLines() []string {
	var out []string
	wl := shared.WrapIndent("$ "+b.Command, max(1, b.width-2))
	if !b.wholeCommand {
		wl = shared.FoldLines("$ "+attr.Printable(b.Command), wl, max(1, b.width-2), 2)
	}
	for _, l := range wl {
		out = append(out, "  "+b.C.Styles.Dim.Render(l))
	}
	return append(out, "")
}

// commandFolds reports whether the command needs more than the two lines
// it is folded to, so v has something to show.
func (b Panel) commandFolds() bool {
	return len(shared.WrapIndent("$ "+b.Command, max(1, b.width-2))) > 2
}

// body is everything of the panel that scrolls.
func (b Panel) body() []string {
	s, w := b.C.Styles, b.width
	var out []string
	add := func(st func(...string) string, text string) {
		for _, wl := range shared.WrapIndent(text, max(1, w-2)) {
			out = append(out, "  "+st(wl))
		}
	}
	if b.State != Running {
		out = append(out, b.CommandLines()...)
	}
	switch b.State {
	case Planning:
		add(s.Dim.Render, b.C.Spin+" asking Nix what this would build and fetch (dry run)…")
		if b.Confirmed {
			add(s.Status.Render, "enter pressed: the build starts as soon as the plan shows it can.")
		}
	case Confirm:
		if b.Plan != nil && b.Plan.Empty() {
			// Already built: no platform to worry about, nothing to fetch.
			out = append(out, b.planLines(w)...)
			out = append(out, "")
			add(s.Status.Render, "Press enter (or y) to show the outputs, esc to go back.")
			break
		}
		switch {
		case b.Refusal != nil:
			// Said once, below the plan, with the ways out.
		case b.Check != nil && !b.Check.CanBuild:
			add(s.Dim.Render, fmt.Sprintf("The output is for %s, which this machine does not build itself; the plan below needs no %s build here.", b.Check.System, b.Check.System))
		case b.Check != nil:
			add(s.Dim.Render, b.Check.Explain())
		}
		out = append(out, b.planLines(w)...)
		add(s.Dim.Render, b.space.String())
		out = append(out, "")
		if b.Refusal != nil {
			add(s.Bad.Render, "Not building: this machine cannot build all of it, as it is set up.")
			add(s.Value.Render, strings.TrimSuffix(b.Refusal.Error(), "To build anyway, run again with --force."))
			add(s.Status.Render, "Press f to build anyway (as --force: Nix fetches what it can, then fails), esc to go back.")
			break
		}
		if b.noRoom != nil {
			add(s.Bad.Render, "Not building: "+b.noRoom.Error())
			add(s.Status.Render, "Press f to build anyway (as --force), esc to go back.")
			break
		}
		add(s.Status.Render, "Press enter (or y) to build, esc to go back.")
	case Running:
		// The log, every line kept, one screen line each.
		if len(b.Log) > 0 {
			out = append(out, s.Label.Render("log"))
			for _, l := range b.Log {
				out = append(out, "  "+s.Dim.Render(shared.Truncate(l, w-2)))
			}
		}
	case Done:
		if r := b.result; r != nil && (len(r.Built) > 0 || len(r.Fetched) > 0) {
			out = append(out, b.progressLines(w, "")...)
		}
		out = append(out, b.resultLines(w)...)
	case Failed:
		var bf *build.Failure
		if errors.As(b.Err, &bf) && bf.Kind == build.FailCancelled {
			// One cancel message: the failure's own first line says it
			// again ("build cancelled"), so only what follows is shown.
			add(s.Warning.Render, "Build cancelled.")
			if _, rest, ok := strings.Cut(shared.ErrorText(b.Err), "\n"); ok {
				add(s.ErrorText.Render, rest)
			}
		} else {
			add(s.Bad.Render, "Build failed.")
			add(s.ErrorText.Render, shared.ErrorText(b.Err))
		}
	}
	return out
}

func (b Panel) planLines(w int) []string {
	s := b.C.Styles
	p := b.Plan
	var out []string
	line := func(st func(...string) string, t string) {
		out = append(out, "  "+st(shared.Truncate(attr.Printable(t), w-2)))
	}
	if p == nil || p.Empty() {
		line(s.Good.Render, "Already built: nothing to build or fetch, the outputs are in the store.")
		return out
	}
	if n := len(p.Build); n > 0 {
		line(s.Value.Render, "will build "+nixeval.Count(n, "derivation")+":")
		names := p.BuildNames()
		for i, name := range names {
			if i == 8 && len(names) > 9 {
				line(s.Dim.Render, fmt.Sprintf("  … and %d more", len(names)-i))
				break
			}
			line(s.Dim.Render, "  "+name)
		}
	}
	if n := len(p.Fetch); n > 0 {
		line(s.Value.Render, fmt.Sprintf("will fetch %s (%s download, %s unpacked)", nixeval.Count(n, "path"),
			build.HumanBytes(p.DownloadSize), build.HumanBytes(p.UnpackedSize)))
	}
	if n := len(p.Unknown); n > 0 {
		line(s.Warning.Render, nixeval.Count(n, "path")+" Nix does not know how to build")
	}
	return out
}

func (b Panel) progressLines(w int, spin string) []string {
	s := b.C.Styles
	st := b.Stats
	var out []string
	frac := 0.0
	if st.Expected > 0 {
		frac = float64(st.Done) / float64(st.Expected)
	}
	out = append(out, "  "+s.Good.Render(bar(frac, max(4, min(w-2, 60)))))
	status := fmt.Sprintf("built %d/%s", st.Done, nixeval.Count(st.Expected, "derivation"))
	if spin != "" {
		status = spin + " " + status
	}
	if st.FetchExpected > 0 {
		status += fmt.Sprintf(", fetched %d/%s", st.Fetched, nixeval.Count(st.FetchExpected, "path"))
	}
	if st.Failed > 0 {
		status += fmt.Sprintf(", %d failed", st.Failed)
	}
	if b.State == Running {
		status += fmt.Sprintf(" · %s", time.Since(b.Started).Round(time.Second))
	}
	out = append(out, "  "+s.Value.Render(shared.Truncate(status, w-2)))
	if b.Cancelling {
		out = append(out, "  "+s.Warning.Render(shared.Truncate("cancelling: stopping Nix and its builders…", w-2)))
	}
	for _, a := range st.Active {
		t := "running " + a.Name
		if a.Phase != "" {
			t += " (" + a.Phase + ")"
		}
		if a.Machine != "" {
			t += " on " + a.Machine
		}
		out = append(out, "  "+s.Status.Render(shared.Truncate(attr.Printable(t), w-2)))
	}
	return out
}

func (b Panel) resultLines(w int) []string {
	s := b.C.Styles
	r := b.result
	var out []string
	add := func(st func(...string) string, text string) {
		for _, wl := range shared.Wrap(attr.Printable(text), max(1, w-2)) {
			out = append(out, "  "+st(wl))
		}
	}
	if len(r.Built) == 0 && len(r.Fetched) == 0 {
		add(s.Good.Render, "Already built: nothing was built or fetched.")
	} else {
		where := ""
		if w := r.Where(); w != "" {
			where = " " + w
		}
		add(s.Good.Render, fmt.Sprintf("Built in %s: %s built%s, %s fetched.", r.Duration.Round(time.Millisecond),
			nixeval.Count(len(r.Built), "derivation"), where, nixeval.Count(len(r.Fetched), "path")))
	}
	for _, o := range r.Outputs {
		name := o.Name
		if name == "" {
			name = "out"
		}
		add(s.Value.Render, name+" "+o.Path)
	}
	if r.ClosureSize > 0 {
		add(s.Dim.Render, "closure size "+build.HumanBytes(r.ClosureSize))
	}
	for _, n := range r.NextSteps {
		add(s.Status.Render, n.Title)
		if n.Command != "" {
			add(s.Value.Render, "  "+n.Command)
		}
		if n.Warning != "" {
			add(s.Warning.Render, "  "+n.Warning)
		}
	}
	add(s.Dim.Render, "No ./result link was made: the explorer writes nothing into your directory; `nixplore build PATH` makes one.")
	return out
}

// bar draws a progress bar of w cells, readable without colour.
func bar(frac float64, w int) string {
	inner := max(1, w-2)
	n := shared.Clamp(int(frac*float64(inner)+0.5), 0, inner)
	return "[" + strings.Repeat("#", n) + strings.Repeat("-", inner-n) + "]"
}

// FooterLine is the build's progress in one line, for the footer while
// the tree is browsed.
func (b Panel) FooterLine(w int) string {
	s := b.C.Styles
	name := attr.Printable(b.Path.String())
	var t string
	switch b.State {
	case Running:
		t = fmt.Sprintf("%s building %s: built %d/%d", b.C.Spin, name, b.Stats.Done, b.Stats.Expected)
		if len(b.Stats.Active) > 0 {
			a := b.Stats.Active[0]
			t += " · " + a.Name
			if a.Machine != "" {
				t += " on " + a.Machine
			}
		}
		t += " · b shows the build"
	case Done:
		t = "built " + name + " · b shows the result"
	case Failed:
		t = "the build of " + name + " ended without its outputs · b shows why"
	default:
		t = "build of " + name + " · b shows it"
	}
	return s.Status.Render(shared.Truncate(t, w))
}

// New returns the build panel, closed.
func New(c *shared.Common) Panel { return Panel{C: c, Pg: shared.NewPager()} }
