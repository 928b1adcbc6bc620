package tui

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/nixplore/nixplore/internal/testnix"
	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/nixeval/warm"
)

// TestMain pins colours to plain ASCII: views and golden files then hold
// no escape sequences, whatever terminal runs the tests.
func TestMain(m *testing.M) {
	lipgloss.SetColorProfile(termenv.Ascii)
	os.Exit(m.Run())
}

// driver runs a Model the way the bubbletea runtime does, without a
// terminal: every Cmd runs in a goroutine and its message is fed back to
// Update. Spinner ticks are dropped so a settled model stays settled.
type driver struct {
	t       testing.TB
	m       Model
	msgs    chan tea.Msg
	pending int
	quit    bool
	clip    *syncBuffer
	observe func() // called after every delivered message
}

// syncBuffer is a bytes.Buffer safe for the copy Cmd's goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func newDriver(t testing.TB, cfg Config, w, h int) *driver {
	t.Helper()
	clip := &syncBuffer{}
	if cfg.Clipboard == nil {
		cfg.Clipboard = clip
	}
	d := &driver{t: t, m: New(cfg), msgs: make(chan tea.Msg, 64), clip: clip}
	d.send(tea.WindowSizeMsg{Width: w, Height: h})
	d.exec(d.m.Init())
	t.Cleanup(func() {
		d.m.Close()
		if !d.m.Wait(10 * time.Second) {
			t.Errorf("requests still running 10s after the test")
		}
	})
	return d
}

// nixDriver opens the explorer on a fixture configuration with real Nix.
func nixDriver(t testing.TB, config, system string, w, h int) *driver {
	t.Helper()
	testnix.Setup(t)
	return targetDriver(t, testnix.Classic(t, config, system), w, h)
}

// targetDriver opens the explorer on tg with real Nix, one process per
// question (so a cancelled request leaves no process behind).
func targetDriver(t testing.TB, tg *nixeval.Target, w, h int) *driver {
	t.Helper()
	return targetDriverOn(t, backends[0], tg, w, h)
}

// backend is one way the explorer's evaluator reaches Nix.
type backend struct {
	name string
	new  func(tg *nixeval.Target, tools nixeval.Tools) nixeval.Backend
}

// backends are a Nix process per question (`--one-shot`) and what the
// explorer runs by default: a pool of two warm `nix repl` sessions, whose
// answers come from long-lived evaluators and so can go stale in ways
// one-shot ones cannot, and which answer several requests at once.
var backends = []backend{
	{"oneshot", func(tg *nixeval.Target, tools nixeval.Tools) nixeval.Backend {
		return &nixeval.OneShot{Target: tg, Tools: tools}
	}},
	{"session", func(tg *nixeval.Target, tools nixeval.Tools) nixeval.Backend {
		return warm.NewPool(tg, tools, 2, 0)
	}},
}

// onEachBackend runs f once per backend, as a subtest named after it.
func onEachBackend(t *testing.T, f func(t *testing.T, b backend)) {
	t.Helper()
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) { f(t, b) })
	}
}

// nixDriverOn is nixDriver on backend b.
func nixDriverOn(t testing.TB, b backend, config, system string, w, h int) *driver {
	t.Helper()
	testnix.Setup(t)
	return targetDriverOn(t, b, testnix.Classic(t, config, system), w, h)
}

// targetDriverOn opens the explorer on tg with real Nix through backend b.
// On the session it fails the test when the repl never answered (the
// session falls back to one-shot processes by itself, which would make a
// "session" test a second one-shot test).
func targetDriverOn(t testing.TB, b backend, tg *nixeval.Target, w, h int) *driver {
	t.Helper()
	tools := nixeval.Tools{}
	if err := tools.LookPath(); err != nil {
		t.Fatal(err)
	}
	ev := nixeval.New(tg, tools)
	ev.Backend = b.new(tg, tools)
	t.Cleanup(func() { _ = ev.Close() })
	if s, ok := ev.Backend.(*warm.Pool); ok {
		t.Cleanup(func() {
			if err := s.Fallen(); err != nil || s.Starts() == 0 {
				t.Errorf("the warm sessions never answered (%d starts, fell back: %v): this ran on one-shot processes", s.Starts(), err)
			}
		})
	}
	return newDriver(t, Config{Target: tg, Eval: ev, Tools: tools, Workers: ev.Workers()}, w, h)
}

// previewFollows fails unless the preview shows the node the user points
// at (the filter's highlighted match, else the tree's cursor).
func (d *driver) previewFollows(what string) {
	d.t.Helper()
	f := d.m.focused()
	if f == nil {
		d.t.Fatalf("%s: no node under the cursor:\n%s", what, d.m.View())
	}
	if d.m.preview.Key != f.Key || !d.m.preview.Path.Equal(f.Path) {
		d.t.Errorf("%s: the preview shows %s, the cursor is on %s:\n%s", what, d.m.preview.Path, f.Path, d.m.View())
	}
}

func (d *driver) exec(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	d.pending++
	go func() { d.msgs <- cmd() }()
}

// send delivers msg to Update at once and starts the Cmd it returns.
func (d *driver) send(msg tea.Msg) {
	m, cmd := d.m.Update(msg)
	d.m = m.(Model)
	d.exec(cmd)
}

// settle delivers the messages of running Cmds until none is left.
func (d *driver) settle() {
	d.t.Helper()
	d.until(func() bool { return false })
}

// until delivers messages until cond holds or no Cmd is left.
func (d *driver) until(cond func() bool) {
	d.t.Helper()
	timeout := time.After(60 * time.Second)
	for d.pending > 0 && !cond() {
		select {
		case msg := <-d.msgs:
			d.pending--
			d.deliver(msg)
		case <-timeout:
			d.t.Fatalf("model did not settle in 60s; view:\n%s", d.m.View())
		}
	}
}

func (d *driver) deliver(msg tea.Msg) {
	switch msg := msg.(type) {
	case nil, spinner.TickMsg:
	case tea.BatchMsg:
		for _, c := range msg {
			d.exec(c)
		}
	case tea.QuitMsg:
		d.quit = true
	default:
		d.send(msg)
	}
	if d.observe != nil {
		d.observe()
	}
}

// key sends one key press, by its name as bubbletea prints it.
func (d *driver) key(names ...string) {
	for _, n := range names {
		d.send(keyMsg(n))
	}
}

func keyMsg(n string) tea.KeyMsg {
	special := map[string]tea.KeyType{
		"up": tea.KeyUp, "down": tea.KeyDown, "left": tea.KeyLeft, "right": tea.KeyRight,
		"enter": tea.KeyEnter, "esc": tea.KeyEsc, "pgup": tea.KeyPgUp, "pgdown": tea.KeyPgDown,
		"ctrl+c": tea.KeyCtrlC, "home": tea.KeyHome, "end": tea.KeyEnd, "backspace": tea.KeyBackspace,
	}
	if k, ok := special[n]; ok {
		return tea.KeyMsg{Type: k}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(n)}
}

// typeText types s into whatever has focus.
func (d *driver) typeText(s string) {
	for _, r := range s {
		d.send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
	}
}

// selectName moves the cursor down to the visible node named name.
func (d *driver) selectName(name string) {
	d.t.Helper()
	for i, n := range d.m.tree.Visible {
		if n.Name == name {
			d.m.pane.SetCursor(i)
			d.exec(d.m.selectionChanged())
			return
		}
	}
	d.t.Fatalf("no visible node %q in\n%s", name, d.m.View())
}

// treeView draws the tree in w x h, however tall the screen is.
func (d *driver) treeView(w, h int) string {
	p := d.m.pane
	p.SetSize(w, h)
	return p.View()
}

func (d *driver) selectedPath() string { return d.m.pane.Selected().Path.String() }

// fakeEval answers from fixed tables; only layout and golden tests use
// it, everything else runs on real Nix.
type fakeEval struct {
	lists map[string][]nixeval.Child
	descs map[string]*nixeval.Description
	info  *nixeval.Info
	fail  error
	// remembering, when set, is what Remember does with its context.
	remembering func(ctx context.Context)
	// naming and kinding, when set, run before Names and Kinds answer (an
	// error from kinding is Kinds' answer).
	naming  func(ctx context.Context, p attr.Path)
	kinding func(ctx context.Context, children []nixeval.Child) error
	// valuing, when set, answers Values; else each path's kind from the
	// listings and its .drv from the descriptions.
	valuing func(ctx context.Context, paths []attr.Path) ([]nixeval.Value, error)
}

func (f *fakeEval) List(ctx context.Context, paths ...attr.Path) ([]nixeval.Listing, error) {
	if f.fail != nil {
		return nil, f.fail
	}
	var out []nixeval.Listing
	for _, p := range paths {
		cs, ok := f.lists[p.String()]
		if !ok {
			return nil, fmt.Errorf("fake: no listing for %s", p)
		}
		l := nixeval.Listing{Path: p}
		for _, c := range cs {
			c.Path = p.Child(c.Name)
			l.Children = append(l.Children, c)
		}
		out = append(out, l)
	}
	return out, nil
}

// Names is List with every kind pending, as the real evaluator answers.
func (f *fakeEval) Names(ctx context.Context, p attr.Path) (*nixeval.Listing, error) {
	if f.naming != nil {
		f.naming(ctx, p)
	}
	ls, err := f.List(ctx, p)
	if err != nil {
		return nil, err
	}
	l := ls[0]
	for i := range l.Children {
		l.Children[i].Kind, l.Children[i].Error = nixeval.KindPending, ""
	}
	return &l, nil
}

// Kinds fills in the kinds from the listings the fake holds.
func (f *fakeEval) Kinds(ctx context.Context, children []nixeval.Child) error {
	if f.kinding != nil {
		if err := f.kinding(ctx, children); err != nil {
			return err
		}
	}
	for i, c := range children {
		ls, err := f.List(ctx, c.Path.Parent())
		if err != nil {
			return err
		}
		for _, k := range ls[0].Children {
			if k.Name == c.Name {
				children[i].Kind, children[i].Error, children[i].Warnings = k.Kind, k.Error, k.Warnings
			}
		}
	}
	return nil
}

func (f *fakeEval) Remember(ctx context.Context, _ nixeval.Listing, _ time.Time) {
	if f.remembering != nil {
		f.remembering(ctx)
	}
}

func (f *fakeEval) Describe(ctx context.Context, p attr.Path) (*nixeval.Description, error) {
	if d, ok := f.descs[p.String()]; ok {
		return d, nil
	}
	n := 0
	return &nixeval.Description{Path: p, Kind: nixeval.KindAttrs, Count: &n}, nil
}

func (f *fakeEval) Info(ctx context.Context) (*nixeval.Info, error) { return f.info, nil }

func (f *fakeEval) Values(ctx context.Context, paths []attr.Path) ([]nixeval.Value, error) {
	if f.valuing != nil {
		return f.valuing(ctx, paths)
	}
	out := make([]nixeval.Value, len(paths))
	for i, p := range paths {
		for _, c := range f.lists[p.Parent().String()] {
			if c.Name == p.Last() {
				out[i].Kind = c.Kind
			}
		}
		if d, ok := f.descs[p.String()]; ok {
			out[i].DrvPath = d.DrvPath
		}
	}
	return out, nil
}
func (f *fakeEval) PeekList(attr.Path) (*nixeval.Listing, bool) {
	return nil, false
}

func (f *fakeEval) PeekDescribe(attr.Path) (*nixeval.Description, bool) {
	return nil, false
}

// piLike is a small Pi-style evaluation for layout and golden tests.
func piLike() *fakeEval {
	drv := func(n string) nixeval.Child { return nixeval.Child{Name: n, Kind: nixeval.KindDerivation} }
	return &fakeEval{
		info: &nixeval.Info{NixVersion: "2.8.0", CurrentSystem: "x86_64-linux", RequestedSystem: "aarch64-linux"},
		lists: map[string][]nixeval.Child{
			"config.system.build": {drv("kernel"), {Name: "manual", Kind: nixeval.KindAttrs}, drv("sdImage"),
				{Name: "etcActivationCommands", Kind: nixeval.KindString}, {Name: "fileSystems", Kind: nixeval.KindList},
				{Name: "grub", Kind: nixeval.KindNull}, drv("toplevel"),
				{Name: "broken", Kind: nixeval.KindError, Error: "evaluation aborted with the following error message: 'aborted on purpose'"},
				{Name: "units", Kind: nixeval.KindAttrs}},
			"config.system.build.manual": {drv("manualHTML"), drv("manpages"), drv("optionsJSON")},
			"config.system.build.units":  {drv("sshd.service"), drv("getty@.service")},
		},
		descs: map[string]*nixeval.Description{
			"config.system.build.sdImage": {
				Kind: nixeval.KindDerivation, Name: "nixos-sd-image-25.05.20250101.0000000-aarch64-linux.img", System: "aarch64-linux",
				Description: "Bootable SD card image",
				DrvPath:     "/nix/store/iccp0q8c361zvdpq0mnil4kbpd9g3zjg-nixos-sd-image-25.05.20250101.0000000-aarch64-linux.img.drv",
				Outputs:     []nixeval.Output{{Name: "out", Path: "/nix/store/4f41vhzk0dck6nkvdl91jixc9np69a65-nixos-sd-image-25.05.20250101.0000000-aarch64-linux.img"}},
				DefinedIn:   &nixeval.Definition{Files: []string{"nixos/modules/installer/sd-card/sd-image.nix"}, Option: attr.Path{"system", "build"}, Type: "submodule"},
				Commands:    nixeval.Commands{Build: "nix-build '<nixpkgs/nixos>' -A config.system.build.sdImage -I nixos-config=./configuration.nix --argstr system aarch64-linux"},
			},
		},
	}
}

func fakeTarget() *nixeval.Target {
	return &nixeval.Target{Kind: nixeval.Classic, File: "<nixpkgs/nixos>", ConfigFile: "/etc/nixos/configuration.nix",
		Args: []nixeval.Arg{{Name: "system", Value: "aarch64-linux", Str: true}}}
}

func fakeDriver(t testing.TB, ev *fakeEval, w, h int) *driver {
	// The header's platform check is pinned: a real one answers when it
	// answers, and on each machine differently.
	d := newDriver(t, Config{Target: fakeTarget(), Eval: ev, Platform: pinnedPlatform}, w, h)
	d.settle()
	return d
}

// checkFits fails when a view line is wider than w or the line count is
// not h.
func checkFits(t testing.TB, view string, w, h int, what string) {
	t.Helper()
	lines := strings.Split(view, "\n")
	if len(lines) != h {
		t.Errorf("%s at %dx%d: %d lines, want %d", what, w, h, len(lines), h)
	}
	for i, l := range lines {
		if lw := lipgloss.Width(l); lw > w {
			t.Errorf("%s at %dx%d: line %d is %d wide: %q", what, w, h, i, lw, l)
		}
	}
}
