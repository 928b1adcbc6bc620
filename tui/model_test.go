package tui

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/nixplore/nixplore/internal/testnix"
	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/nixeval/resolve"
	"github.com/nixplore/nixplore/tui/components/buildpanel"
	"github.com/nixplore/nixplore/tui/components/preview"
	"github.com/nixplore/nixplore/tui/components/tree"
)

func TestOpensOnBuildOutputsOfPi(t *testing.T) {
	onEachBackend(t, func(t *testing.T, b backend) {
		d := nixDriverOn(t, b, "pi", "aarch64-linux", 100, 30)
		if got := d.m.State(); got != "loading" {
			t.Errorf("before Nix answers the state is %q, want loading", got)
		}
		if v := d.m.View(); !strings.Contains(v, "listing config.system.build") {
			t.Errorf("loading view does not say what it lists:\n%s", v)
		}
		d.settle()
		if got := d.m.State(); got != "ready" {
			t.Fatalf("state %q, want ready; view:\n%s", got, d.m.View())
		}
		v := d.m.View()
		for _, want := range []string{"system aarch64-linux", "Nix ", "drv sdImage", "set manual", "nul grub", "> ▾ set config.system.build", "25 attributes"} {
			if !strings.Contains(v, want) {
				t.Errorf("view lacks %q:\n%s", want, v)
			}
		}
	})
}

func TestExpandShowsChildrenAndPreview(t *testing.T) {
	onEachBackend(t, func(t *testing.T, b backend) {
		d := nixDriverOn(t, b, "pi", "aarch64-linux", 120, 40)
		d.settle()
		d.selectName("manual")
		d.key("l")
		if n := d.m.pane.Selected(); !n.Loading || !n.Expanded {
			t.Fatalf("after l the set is not loading: loading=%v expanded=%v", n.Loading, n.Expanded)
		}
		d.settle()
		if !strings.Contains(d.m.View(), "drv manualHTML") {
			t.Fatalf("manual's children are not shown:\n%s", d.m.View())
		}
		// → on an expanded set steps into it.
		d.key("right")
		if got := d.selectedPath(); got != "config.system.build.manual.manpages" && got != "config.system.build.manual.manualHTML" {
			t.Fatalf("→ on an expanded set selected %s", got)
		}
		d.selectName("manualHTML")
		d.settle()
		v := d.m.View()
		for _, want := range []string{"config.system.build.manual.manualHTML", "nixos-manual-html", testnix.HostSystem(), ".drv", "build   nix-build '<nixpkgs/nixos>' -A"} {
			if !strings.Contains(v, want) {
				t.Errorf("preview lacks %q:\n%s", want, v)
			}
		}
		if d.m.preview.Desc == nil || !strings.HasSuffix(d.m.preview.Desc.DrvPath, ".drv") {
			t.Fatalf("preview description has no .drv: %+v", d.m.preview.Desc)
		}
		if c := d.m.preview.Desc.Commands.Build; !strings.Contains(c, "-A config.system.build.manual.manualHTML") {
			t.Errorf("preview command %q does not select manualHTML", c)
		}
		// ← goes to the parent, then folds it.
		d.key("left")
		if got := d.selectedPath(); got != "config.system.build.manual" {
			t.Errorf("← selected %s, want the parent", got)
		}
		d.key("h")
		if d.m.pane.Selected().Expanded {
			t.Errorf("← on an expanded set did not fold it")
		}
		// The tree, not the whole view: the preview of manual now shows the
		// catalogue's doc, which names manualHTML.
		if strings.Contains(d.treeView(80, 40), "manualHTML") {
			t.Errorf("folded children still shown")
		}
	})
}

func TestFilterJumpsToLoadedPath(t *testing.T) {
	onEachBackend(t, func(t *testing.T, b backend) {
		d := nixDriverOn(t, b, "pi", "aarch64-linux", 120, 40)
		d.settle()
		d.selectName("manual")
		d.key("l")
		d.settle()
		d.key("g")
		d.key("/")
		if !d.m.filter.Active {
			t.Fatal("/ did not open the filter")
		}
		d.typeText("manhtml")
		if len(d.m.filter.Matches) == 0 || d.m.filter.Matches[0].Str != "manual.manualHTML" {
			t.Fatalf("top match for manhtml: %+v", d.m.filter.Matches)
		}
		if v := d.m.View(); !strings.Contains(v, "/manhtml") || !strings.Contains(v, "paths") {
			t.Errorf("filter line not shown:\n%s", v)
		}
		// The preview already shows the highlighted match, not the old selection.
		d.settle()
		if d.m.preview.Key != d.m.filter.Chosen().Key || d.m.preview.Desc == nil || !strings.Contains(d.m.preview.Desc.Name, "manual-html") {
			t.Errorf("preview while filtering shows %q (%+v), want the highlighted match", d.m.preview.Key, d.m.preview.Desc)
		}
		d.key("down")
		if d.m.preview.Key != d.m.filter.Chosen().Key {
			t.Errorf("↓ in the filter: preview shows %q, highlighted %q", d.m.preview.Key, d.m.filter.Chosen().Key)
		}
		d.key("up")
		d.key("enter")
		if d.m.filter.Active {
			t.Error("enter did not close the filter")
		}
		// Keys that arrive in one read ("/manhtml" typed fast) act one by one.
		d.key("g")
		d.send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("/manhtml")})
		if !d.m.filter.Active || d.m.filter.Input.Value() != "manhtml" {
			t.Fatalf("keys in one message: filter active %v, query %q", d.m.filter.Active, d.m.filter.Input.Value())
		}
		d.key("enter")
		if got := d.selectedPath(); got != "config.system.build.manual.manualHTML" {
			t.Fatalf("enter jumped to %s", got)
		}
		d.settle()
		if d.m.preview.Desc == nil || !strings.HasSuffix(d.m.preview.Desc.DrvPath, ".drv") {
			t.Errorf("no .drv in the preview after the jump:\n%s", d.m.View())
		}
		// esc leaves the selection where it was.
		d.key("/")
		d.typeText("sdimage")
		d.key("esc")
		if d.m.filter.Active || d.selectedPath() != "config.system.build.manual.manualHTML" {
			t.Errorf("esc: filter active=%v, selected %s", d.m.filter.Active, d.selectedPath())
		}
		if d.m.preview.Key != d.m.pane.Selected().Key {
			t.Errorf("after esc the preview shows %q, not the selection", d.m.preview.Key)
		}
	})
}

func TestErrorNodesShowTheirMessage(t *testing.T) {
	onEachBackend(t, func(t *testing.T, b backend) {
		d := nixDriverOn(t, b, "kinds", "", 120, 40)
		d.settle()
		v := d.m.View()
		for _, want := range []string{"ERR abortChild", "ERR failedAssert", "ERR infinite", "drv derivation", "fun function", "flt float", "bol bool", "pth path"} {
			if !strings.Contains(v, want) && !strings.Contains(strings.Join(d.visibleLines(), "\n"), want) {
				t.Errorf("tree lacks %q", want)
			}
		}
		d.selectName("failedAssert")
		if d.m.preview.State != preview.Ready {
			t.Errorf("an error node's preview waits for Nix (state %s)", d.m.preview.State)
		}
		if v := d.m.View(); !strings.Contains(v, "assertion 'false' failed") {
			t.Errorf("error message not in preview:\n%s", v)
		}
	})
}

// visibleLines renders every visible node, not just the screenful.
func (d *driver) visibleLines() []string {
	var out []string
	for _, n := range d.m.tree.Visible {
		out = append(out, tree.KindTags[n.Kind]+" "+n.Label)
	}
	return out
}

func TestWholeEvaluationFailure(t *testing.T) {
	for _, tc := range []struct {
		config string
		want   []string
	}{
		{"syntax", []string{"The evaluation failed", "syntax error", "configuration.nix:5:3", "What to do", "Nix said", "error: syntax error"}},
	} {
		t.Run(tc.config, func(t *testing.T) {
			d := nixDriver(t, tc.config, "", 100, 40)
			d.settle()
			if d.m.State() != "failed" {
				t.Fatalf("state %s, want failed", d.m.State())
			}
			v := d.m.View()
			for _, w := range tc.want {
				if !strings.Contains(v, w) {
					t.Errorf("failure screen lacks %q:\n%s", w, v)
				}
			}
			checkFits(t, v, 100, 40, "failure screen")
		})
	}
	t.Run("missing file", func(t *testing.T) {
		// The configuration imports a file that is not there.
		testnix.Setup(t)
		dir := t.TempDir()
		conf := filepath.Join(dir, "configuration.nix")
		if err := os.WriteFile(conf, []byte("{ imports = [ ./no-such-config.nix ]; }\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		tg, err := resolve.Target(resolve.Flags{SearchPath: []string{"nixpkgs=" + testnix.Testdata("nixpkgs"), "nixos-config=" + conf}},
			resolve.Environment{Getenv: os.Getenv, Hostname: os.Hostname, EtcNixOS: dir, Cwd: dir})
		if err != nil {
			t.Fatal(err)
		}
		tools := nixeval.Tools{}
		if err := tools.LookPath(); err != nil {
			t.Fatal(err)
		}
		d := newDriver(t, Config{Target: tg, Eval: nixeval.New(tg, tools), Tools: tools}, 100, 30)
		d.settle()
		if d.m.State() != "failed" {
			t.Fatalf("state %s, want failed", d.m.State())
		}
		v := d.m.View()
		if !strings.Contains(v, "no-such-config") || !strings.Contains(v, "Nix said") {
			t.Errorf("missing file not explained:\n%s", v)
		}
		// r retries (and fails the same way, without a crash).
		d.key("r")
		if d.m.State() != "loading" {
			t.Errorf("r on the failure screen: state %s", d.m.State())
		}
		d.settle()
		if d.m.State() != "failed" {
			t.Errorf("retry: state %s", d.m.State())
		}
	})
}

func TestCopyPathAndCommandWithOSC52(t *testing.T) {
	d := nixDriver(t, "pi", "aarch64-linux", 200, 30)
	d.settle()
	d.selectName("sdImage")
	d.key("y")
	d.settle()
	want := "\x1b]52;c;" + base64.StdEncoding.EncodeToString([]byte("config.system.build.sdImage")) + "\a"
	if got := d.clip.String(); got != want {
		t.Errorf("y wrote %q, want %q", got, want)
	}
	d.key("c")
	d.settle()
	cmd := nixeval.BuildCommands(d.m.c.Cfg.Target, attr.Path{"config", "system", "build", "sdImage"}).Build
	if !strings.Contains(d.clip.String(), base64.StdEncoding.EncodeToString([]byte(cmd))) {
		t.Errorf("c did not put the command on the clipboard: %q", d.clip.String())
	}
	v := d.m.View()
	if !strings.Contains(v, "copied command: nix-build '<nixpkgs/nixos>' -A config.system.build.sdImage") {
		t.Errorf("the copied command is not shown:\n%s", v)
	}
	checkFits(t, v, 200, 30, "after copy")
}

// hostileTarget is the hostile fixture copied into a directory whose own
// name holds an escape sequence and a newline, so the header's label is
// hostile too.
func hostileTarget(t *testing.T) *nixeval.Target {
	testnix.Setup(t)
	dir := filepath.Join(t.TempDir(), "conf\x1b[31mred\nline")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"configuration.nix", "invalid-utf8-name.txt"} {
		b, err := os.ReadFile(testnix.Testdata("configs", "hostile", f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tg, err := resolve.Target(resolve.Flags{SearchPath: []string{"nixpkgs=" + testnix.Testdata("nixpkgs"), "nixos-config=" + filepath.Join(dir, "configuration.nix")}},
		testnix.Env(t))
	if err != nil {
		t.Fatal(err)
	}
	return tg
}

// clean fails on any control byte in a view: colours are pinned to ASCII,
// so an ESC, a newline inside a line or a DEL can only come from a name.
func clean(t *testing.T, v, what string) {
	t.Helper()
	for _, r := range v {
		if r == 0x1b || r < 0x20 && r != '\n' || r == 0x7f || r == 0xfffd {
			t.Fatalf("control character %q in the view (%s):\n%s", r, what, v)
		}
	}
}

// TestHostileNamesNeverReachTheTerminal walks every hostile name through
// every place that prints one: the header, the tree, the preview, the
// explain panel, the filter (its list and the preview of its match), the
// copy feedback line and the build panel.
func TestHostileNamesNeverReachTheTerminal(t *testing.T) {
	tg := hostileTarget(t)
	d := targetDriver(t, tg, 160, 60)
	d.settle()
	if d.m.State() != "ready" {
		t.Fatalf("state %s:\n%s", d.m.State(), d.m.View())
	}
	if h := d.m.View(); !strings.Contains(h, `conf\x1b[31mred\nline`) {
		t.Errorf("the header does not show the directory's name escaped:\n%s", h)
	}
	names := 0
	for i := range d.m.tree.Visible {
		d.m.pane.SetCursor(i)
		d.exec(d.m.selectionChanged())
		d.settle()
		n := d.m.pane.Selected()
		clean(t, d.m.View(), "preview of "+n.Label)
		if n.Parent == nil {
			continue
		}
		names++
		if d.m.preview.Err != nil {
			t.Errorf("%s: %v", n.Label, d.m.preview.Err)
		}
		d.key("x")
		if !d.m.explain.Open {
			t.Fatalf("x on %s did not explain", n.Label)
		}
		clean(t, d.m.View(), "explanation of "+n.Label)
		clean(t, strings.Join(d.m.explain.Lines(60), "\n"), "whole explanation of "+n.Label)
		d.key("x")
	}
	if names < 16 {
		t.Fatalf("only %d hostile names listed", names)
	}
	if !strings.Contains(strings.Join(d.visibleLines(), "\n"), `"\x1b[31mred"`) {
		t.Errorf("the escape name is not shown escaped: %q", d.visibleLines())
	}
	d.selectName("a\"b")
	d.settle()
	if d.m.preview.Desc == nil || !strings.HasPrefix(d.m.preview.Desc.Name, "hostile-") {
		t.Errorf("a\"b did not describe: %+v %v", d.m.preview.Desc, d.m.preview.Err)
	}

	// The filter: its list and the preview of each highlighted match.
	for _, q := range []string{"red", "line", "\"", "$", "x", ""} {
		d.key("/")
		d.typeText(q)
		d.settle()
		clean(t, d.m.View(), "filter "+q)
		for range d.m.filter.Matches {
			d.key("down")
			d.settle()
			clean(t, d.m.View(), "filter "+q+" at "+d.m.filter.Chosen().Label)
		}
		d.key("esc")
	}

	// Copy feedback and the build panel, on the names a terminal would
	// act on.
	for _, name := range []string{"\x1b[31mred", "new\nline", string([]byte{0xff})} {
		var n *tree.Node
		for _, v := range d.m.tree.Visible {
			if strings.Contains(v.Name, name) {
				n = v
			}
		}
		if n == nil {
			t.Fatalf("no node %q", name)
		}
		d.m.pane.SelectNode(n)
		d.exec(d.m.selectionChanged())
		d.settle()
		for _, k := range []string{"y", "c"} {
			d.key(k)
			d.settle()
			v := d.m.View()
			clean(t, v, "copied "+k+" of "+n.Label)
			if !strings.Contains(v, "copied ") {
				t.Errorf("%s on %s: no feedback line:\n%s", k, n.Label, v)
			}
		}
		d.key("b")
		d.settle()
		if d.m.build.State != buildpanel.Confirm {
			t.Errorf("build plan of %s: state %s, %v", n.Label, d.m.build.State, d.m.build.Err)
		}
		clean(t, d.m.View(), "build plan of "+n.Label)
		d.key("esc")
	}
}

func TestStaleAnswersAreDropped(t *testing.T) {
	onEachBackend(t, func(t *testing.T, b backend) {
		d := nixDriverOn(t, b, "pi", "aarch64-linux", 100, 30)
		d.settle()
		d.selectName("kernel")
		d.settle()
		kernel := d.m.preview.Desc
		if kernel == nil || !strings.Contains(kernel.Name, "linux") {
			t.Fatalf("kernel preview: %+v", kernel)
		}
		old := d.m.preview.ReqID
		// Move on and back fast: the first describe is cancelled, and a late
		// answer for an old request id does not repaint the preview.
		d.selectName("sdImage")
		d.selectName("toplevel")
		d.send(describedMsg{id: old, key: d.m.pane.Selected().Key, desc: kernel})
		if d.m.preview.Desc == kernel {
			t.Error("an answer with a stale request id painted the preview")
		}
		d.settle()
		if d.m.preview.Key != d.m.pane.Selected().Key {
			t.Errorf("preview shows another node than the selected one")
		}
		if len(d.m.cancels) != 0 {
			t.Errorf("%d requests left in flight after settling", len(d.m.cancels))
		}
	})
}

// TestRefreshAndReload edits the configuration while the explorer runs:
// r on a listed set lists the new child and r on a value describes its new
// value; R reloads everything and sees the next edit. On the warm session
// this is what the session's watch of the files it evaluated is for: a
// repl that kept its old values would answer as before the edit.
func TestRefreshAndReload(t *testing.T) {
	onEachBackend(t, func(t *testing.T, b backend) {
		testnix.Setup(t)
		dir := t.TempDir()
		conf := filepath.Join(dir, "configuration.nix")
		write := func(body string) {
			t.Helper()
			if err := os.WriteFile(conf, []byte("{ ... }: { system.build = { "+body+" }; }\n"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		write(`nixploreFirst = "one"; nixploreSet = { a = 1; };`)
		tg, err := resolve.Target(resolve.Flags{SearchPath: []string{"nixpkgs=" + testnix.Testdata("nixpkgs"), "nixos-config=" + conf}},
			testnix.Env(t))
		if err != nil {
			t.Fatal(err)
		}
		d := targetDriverOn(t, b, tg, 100, 30)
		d.settle()
		d.selectName("nixploreSet")
		d.key("l")
		d.settle()
		set := d.m.pane.Selected()
		d.selectName("nixploreFirst")
		d.settle()
		if d.m.preview.Desc == nil || preview.ValueText(d.m.preview.Desc.Value) != "one" {
			t.Fatalf("nixploreFirst: %+v %v", d.m.preview.Desc, d.m.preview.Err)
		}
		before := len(d.m.tree.Visible)

		write(`nixploreFirst = "uno"; nixploreSet = { a = 1; b = 2; };`)
		d.key("r")
		d.settle()
		if d.m.preview.Desc == nil || preview.ValueText(d.m.preview.Desc.Value) != "uno" {
			t.Errorf("r on nixploreFirst after the edit: value %s, want uno", preview.ValueText(d.m.preview.Desc.Value))
		}
		d.m.pane.SelectNode(set)
		d.exec(d.m.selectionChanged())
		d.key("r")
		if !set.Loading {
			t.Error("r on a listed set does not list it again")
		}
		d.settle()
		if len(set.Children) != 2 || !set.Expanded || len(d.m.tree.Visible) != before+1 {
			t.Errorf("r on the edited set: %d children (want a and b), expanded %v, %d visible (was %d)",
				len(set.Children), set.Expanded, len(d.m.tree.Visible), before)
		}

		write(`nixploreFirst = "uno"; nixploreSet = { a = 1; b = 2; }; nixploreNew = true;`)
		d.key("R")
		if d.m.State() != "loading" || len(d.m.tree.Visible) != 1 {
			t.Errorf("R: state %s with %d visible", d.m.State(), len(d.m.tree.Visible))
		}
		d.settle()
		if d.m.State() != "ready" || len(d.m.descs) != 1 {
			t.Errorf("after R: state %s, %d descriptions", d.m.State(), len(d.m.descs))
		}
		if d.m.tree.Find(append(attr.Path{}, append(attr.DefaultPath, "nixploreNew")...)) == nil {
			t.Errorf("R does not list the child added since:\n%s", d.m.View())
		}
	})
}

func TestQuitCancelsEveryRequest(t *testing.T) {
	onEachBackend(t, func(t *testing.T, b backend) {
		d := nixDriverOn(t, b, "pi", "aarch64-linux", 100, 30)
		d.settle()
		d.selectName("toplevel")
		d.selectName("manual")
		d.key("l")
		d.key("q")
		if !d.m.quitting || len(d.m.cancels) != 0 {
			t.Fatalf("q: quitting=%v, %d requests not cancelled", d.m.quitting, len(d.m.cancels))
		}
		if !d.m.Wait(5 * time.Second) {
			t.Error("requests still running 5s after q")
		}
		d.settle()
		if !d.quit {
			t.Error("q did not quit")
		}
	})
}

func TestMouse(t *testing.T) {
	d := fakeDriver(t, piLike(), 100, 30)
	click := func(y int) {
		d.send(tea.MouseMsg{X: 5, Y: y, Button: tea.MouseButtonLeft, Action: tea.MouseActionPress})
	}
	click(headerHeight + 2) // the second child: manual
	if got := d.selectedPath(); got != "config.system.build.manual" {
		t.Fatalf("click selected %s", got)
	}
	click(headerHeight + 2)
	d.settle()
	if !d.m.pane.Selected().Expanded || !strings.Contains(d.m.View(), "manualHTML") {
		t.Errorf("double click did not expand:\n%s", d.m.View())
	}
	d.send(tea.MouseMsg{X: 5, Y: 5, Button: tea.MouseButtonWheelDown, Action: tea.MouseActionPress})
	if got := d.selectedPath(); got != "config.system.build.manual.optionsJSON" {
		t.Errorf("wheel down moved to %s", got)
	}
	// Over the preview the wheel scrolls the preview, not the tree.
	d.selectName("sdImage")
	d.settle()
	d.send(tea.WindowSizeMsg{Width: 80, Height: 15})
	d.send(tea.MouseMsg{X: 70, Y: 5, Button: tea.MouseButtonWheelDown, Action: tea.MouseActionPress})
	if d.m.preview.Pg.Offset() != 3 || d.selectedPath() != "config.system.build.sdImage" {
		t.Errorf("wheel over the preview: scroll %d, selected %s", d.m.preview.Pg.Offset(), d.selectedPath())
	}
	if v := d.m.View(); strings.Contains(v, "path    config.system.build.sdImage") {
		t.Errorf("preview did not scroll:\n%s", v)
	}
}

func TestHelpToggles(t *testing.T) {
	d := fakeDriver(t, piLike(), 100, 30)
	short := d.m.bodyHeight()
	d.key("?")
	if !d.m.footer.ShowAll() || d.m.bodyHeight() >= short {
		t.Errorf("? did not open the full help (body %d, was %d)", d.m.bodyHeight(), short)
	}
	// 80 columns show every column of the full help, the new keys too.
	d.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	if v := d.m.View(); !strings.Contains(v, "reload all") || !strings.Contains(v, "copy path") ||
		!strings.Contains(v, "a show absent") || !strings.Contains(v, "x explain cmd") || !strings.Contains(v, "q quit") {
		t.Errorf("full help lacks keys:\n%s", v)
	}
	d.key("?")
	if d.m.footer.ShowAll() {
		t.Error("? did not close the full help")
	}
}
