package tui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/nixeval/build"
	"github.com/nixplore/nixplore/nixeval/build/buildlog"
	"github.com/nixplore/nixplore/nixeval/diag"
	"github.com/nixplore/nixplore/nixeval/nixproc"
	"github.com/nixplore/nixplore/tui/components/buildpanel"
)

// screens puts a model into each state a user can see, for the layout
// test: every one must fit every size.
var screens = []struct {
	name string
	set  func(d *driver)
}{
	{"loading", func(d *driver) {}},
	{"ready", func(d *driver) { d.settle() }},
	{"expanded with preview", func(d *driver) {
		d.settle()
		d.selectName("manual")
		d.key("l")
		d.settle()
		d.selectName("sdImage")
		d.settle()
	}},
	{"error node", func(d *driver) { d.settle(); d.selectName("broken") }},
	{"deep", func(d *driver) {
		d.settle()
		d.selectName("deep")
		for i := 0; i < 100; i++ {
			d.key("l")
			d.settle()
			d.key("l")
		}
	}},
	{"filter", func(d *driver) { d.settle(); d.key("/"); d.typeText("man") }},
	{"filter without match", func(d *driver) { d.settle(); d.key("/"); d.typeText("zzzz") }},
	{"full help", func(d *driver) { d.settle(); d.key("?") }},
	{"explain", func(d *driver) { d.settle(); d.selectName("sdImage"); d.key("x") }},
	{"explain scrolled", func(d *driver) { d.settle(); d.selectName("sdImage"); d.key("x", "J", "J", "J") }},
	{"absent outputs", func(d *driver) { d.settle(); d.key("a"); d.selectName("isoImage") }},
	{"filter with explain", func(d *driver) { d.settle(); d.key("x", "/"); d.typeText("sd") }},
	{"copied", func(d *driver) { d.settle(); d.selectName("sdImage"); d.key("c"); d.settle() }},
	{"build plan", func(d *driver) {
		d.settle()
		d.selectName("sdImage")
		d.m.build = buildpanel.Panel{C: d.m.c, State: buildpanel.Confirm, Path: attr.Path{"config", "system", "build", "sdImage"},
			Command: strings.Repeat("nix-build '<nixpkgs/nixos>' -A config.system.build.sdImage ", 3),
			Plan:    &buildlog.Plan{Build: []string{"/nix/store/aaaa-a.drv", "/nix/store/bbbb-b.drv"}, Fetch: []string{"/nix/store/cccc-c"}, DownloadSize: 1 << 20},
			Check:   &build.PlatformCheck{System: "aarch64-linux", Machine: "x86_64-linux"}}
	}},
	{"build running", func(d *driver) {
		d.settle()
		d.m.build = buildpanel.Panel{C: d.m.c, State: buildpanel.Running, Path: attr.Path{"x"}, Command: "nix-build",
			Stats: buildlog.Stats{Done: 1, Expected: 3, Active: []buildlog.ActiveBuild{{Name: "step-2", Phase: "buildPhase"}}},
			Log:   []string{"one", strings.Repeat("long ", 100)}, Started: time.Now()}
	}},
	{"failed", func(d *driver) {
		d.m.c.Cfg.Eval.(*fakeEval).fail = &diag.EvalError{Kind: diag.ErrSyntax, Summary: "syntax error in a Nix file: unexpected '='",
			Location: "/etc/nixos/configuration.nix:5:3", Hint: strings.Repeat("Fix the file at the location above. ", 5),
			Nix: &nixproc.NixError{Message: "error: syntax error, unexpected '='\n\n       at /etc/nixos/configuration.nix:5:3:\n\n            4|   networking.hostName = \"x\";\n            5|   = broken;\n             |   ^"}}
		d.key("R")
		d.settle()
	}},
}

// deepFake adds a 100-level chain and a long name to piLike.
func deepFake() *fakeEval {
	f := piLike()
	root := "config.system.build"
	f.lists[root] = append(f.lists[root], nixeval.Child{Name: "deep", Kind: nixeval.KindAttrs},
		nixeval.Child{Name: strings.Repeat("very-long-attribute-name-", 8), Kind: nixeval.KindDerivation})
	p := root + ".deep"
	for i := 0; i < 100; i++ {
		f.lists[p] = []nixeval.Child{{Name: "next", Kind: nixeval.KindAttrs}, {Name: "level", Kind: nixeval.KindInt}}
		p += ".next"
	}
	f.lists[p] = []nixeval.Child{{Name: "leaf", Kind: nixeval.KindDerivation}}
	return f
}

func TestLayoutFitsEverySize(t *testing.T) {
	widths := []int{60, 61, 79, 80, 100, 133, 200, 300}
	heights := []int{15, 16, 24, 41, 100}
	for _, sc := range screens {
		t.Run(sc.name, func(t *testing.T) {
			d := newDriver(t, Config{Target: fakeTarget(), Eval: deepFake()}, 80, 24)
			sc.set(d)
			for _, w := range widths {
				for _, h := range heights {
					d.send(tea.WindowSizeMsg{Width: w, Height: h})
					checkFits(t, d.m.View(), w, h, sc.name)
					if d.m.state == stateReady && !d.m.build.Active() && !d.m.filter.Active {
						// The cursor line is always on screen.
						if !strings.Contains(d.m.View(), "> ") {
							t.Errorf("%s at %dx%d: no cursor on screen", sc.name, w, h)
						}
					}
				}
			}
			// Tiny terminals: no panic, nothing wider than the screen.
			for _, sz := range [][2]int{{20, 5}, {1, 1}, {0, 0}, {10, 3}} {
				d.send(tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
				v := d.m.View()
				if sz[0] > 0 {
					checkFits(t, v, sz[0], sz[1], sc.name)
				}
			}
		})
	}
}

// TestGoldenViews pins whole screens (colours are ASCII, see TestMain) at a
// few sizes, through a real bubbletea program.
func TestGoldenViews(t *testing.T) {
	for _, sz := range [][2]int{{60, 15}, {80, 24}, {120, 40}} {
		t.Run(fmt.Sprintf("%dx%d", sz[0], sz[1]), func(t *testing.T) {
			m := New(Config{Target: fakeTarget(), Eval: piLike(), Platform: pinnedPlatform})
			tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(sz[0], sz[1]))
			teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return strings.Contains(string(b), "sdImage") },
				teatest.WithDuration(10*time.Second))
			for _, k := range []string{"j", "j", "l"} {
				tm.Send(keyMsg(k))
			}
			teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return strings.Contains(string(b), "manualHTML") },
				teatest.WithDuration(10*time.Second))
			tm.Send(keyMsg("j"))
			tm.Send(keyMsg("j"))
			tm.Send(keyMsg("j"))
			tm.Send(keyMsg("j"))
			teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return strings.Contains(string(b), "Bootable") },
				teatest.WithDuration(10*time.Second))
			if err := tm.Quit(); err != nil {
				t.Fatal(err)
			}
			fm := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(Model)
			if got := fm.pane.Selected().Path.String(); got != "config.system.build.sdImage" {
				t.Fatalf("selected %s", got)
			}
			golden.RequireEqual(t, []byte(fm.View()))
		})
	}
}

// TestGoldenFilterAndFailure pins the filter with highlighted matches and
// the whole-evaluation failure screen at 80x24.
func TestGoldenFilterAndFailure(t *testing.T) {
	t.Run("filter", func(t *testing.T) {
		tm := teatest.NewTestModel(t, New(Config{Target: fakeTarget(), Eval: piLike(), Platform: pinnedPlatform}), teatest.WithInitialTermSize(80, 24))
		teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return strings.Contains(string(b), "sdImage") },
			teatest.WithDuration(10*time.Second))
		tm.Send(keyMsg("/"))
		tm.Type("sim")
		// The filter's line and the highlighted match's description: the
		// describe Cmd runs beside the keys, so quitting at the first
		// would race with it.
		teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
			return strings.Contains(string(b), "paths") && strings.Contains(string(b), "Bootable SD card image")
		}, teatest.WithDuration(10*time.Second))
		if err := tm.Quit(); err != nil {
			t.Fatal(err)
		}
		fm := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(Model)
		if q := fm.filter.Input.Value(); q != "sim" {
			t.Fatalf("query %q", q)
		}
		golden.RequireEqual(t, []byte(fm.View()))
	})
	t.Run("failure", func(t *testing.T) {
		ev := piLike()
		ev.fail = &diag.EvalError{Kind: diag.ErrSyntax, Summary: "syntax error in a Nix file: unexpected '='",
			Location: "/etc/nixos/configuration.nix:5:3", Hint: "Fix the file at the location above, then run again.",
			Nix: &nixproc.NixError{Message: "error: syntax error, unexpected '='\n\n       at /etc/nixos/configuration.nix:5:3:\n\n            4|   networking.hostName = \"x\";\n            5|   = broken;\n             |   ^"}}
		tm := teatest.NewTestModel(t, New(Config{Target: fakeTarget(), Eval: ev, Platform: pinnedPlatform}), teatest.WithInitialTermSize(80, 24))
		teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return strings.Contains(string(b), "Nix said") },
			teatest.WithDuration(10*time.Second))
		if err := tm.Quit(); err != nil {
			t.Fatal(err)
		}
		fm := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(Model)
		golden.RequireEqual(t, []byte(fm.View()))
	})
}

func TestFailedViewWithoutEvalError(t *testing.T) {
	ev := piLike()
	ev.fail = errors.New("nix-instantiate not found: Nix is not installed or not on PATH")
	d := fakeDriver(t, ev, 80, 24)
	if d.m.State() != "failed" || !strings.Contains(d.m.View(), "not installed") {
		t.Errorf("state %s:\n%s", d.m.State(), d.m.View())
	}
}

func TestTooSmallTerminalSaysSoAndComesBack(t *testing.T) {
	d := fakeDriver(t, piLike(), 80, 24)
	d.selectName("sdImage")
	d.settle()
	before := d.m.View()
	d.send(tea.WindowSizeMsg{Width: 20, Height: 5})
	v := d.m.View()
	checkFits(t, v, 20, 5, "20x5")
	flat := strings.Join(strings.Fields(v), " ")
	for _, want := range []string{"terminal too small", "20x5", "at least 60x15"} {
		if !strings.Contains(flat, want) {
			t.Errorf("20x5 view lacks %q:\n%s", want, v)
		}
	}
	for _, sz := range [][2]int{{1, 1}, {59, 40}, {200, 14}} {
		d.send(tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
		v := d.m.View()
		checkFits(t, v, sz[0], sz[1], "too small")
		if sz[0] > 1 && !strings.Contains(v, "too") {
			t.Errorf("%dx%d does not say the terminal is too small:\n%s", sz[0], sz[1], v)
		}
	}
	// Keys still work while too small, and a resize restores the view.
	d.key("j", "k")
	d.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	if got := d.m.View(); got != before {
		t.Errorf("after resizing back the view differs:\n%s\nwas:\n%s", got, before)
	}
}

// TestGoldenPanels pins the explain panel, the absent outputs with the
// preview of one, and the too-small message, through a real bubbletea
// program.
func TestGoldenPanels(t *testing.T) {
	for _, tc := range []struct {
		name string
		w, h int
		keys []string
		want string // on screen when the keys have acted
	}{
		{"explain", 80, 24, []string{"j", "j", "j", "x"}, "is built"},
		{"absent", 80, 24, []string{"a", "G"}, "get it"},
		{"too small", 20, 5, []string{"j"}, "Enlarge"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tm := teatest.NewTestModel(t, New(Config{Target: fakeTarget(), Eval: piLike(), Platform: pinnedPlatform}), teatest.WithInitialTermSize(tc.w, tc.h))
			if tc.w >= minWidth {
				teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return strings.Contains(string(b), "sdImage") },
					teatest.WithDuration(10*time.Second))
			}
			for _, k := range tc.keys {
				tm.Send(keyMsg(k))
			}
			teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return strings.Contains(string(b), tc.want) },
				teatest.WithDuration(10*time.Second))
			if err := tm.Quit(); err != nil {
				t.Fatal(err)
			}
			fm := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(Model)
			golden.RequireEqual(t, []byte(fm.View()))
		})
	}
}

// pinnedPlatform answers the header's platform check the same on every
// machine: this one builds the platform, so the header adds nothing (the
// real check is in TestE2ERemoteBuilder and the platform tests).
func pinnedPlatform(_ context.Context, system string) *build.PlatformCheck {
	return &build.PlatformCheck{System: system, Machine: system, Local: true, CanBuild: true}
}
