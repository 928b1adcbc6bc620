package tui

import (
	"github.com/nixplore/nixplore/internal/testnix"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/nixeval/diag"
)

const (
	renamedWarning = "The option `services.openssh.permitRootLogin' defined in"
	legacyWarning  = "system.build.legacyTool is deprecated; use pkgs.legacy-tool instead."
)

// rowOf is the tree's line for the visible node named name.
func rowOf(t *testing.T, d *driver, name string) string {
	t.Helper()
	for _, l := range strings.Split(d.treeView(100, len(d.m.tree.Visible)), "\n") {
		if strings.Contains(l, " "+name+" ") || strings.HasSuffix(l, " "+name) {
			return l
		}
	}
	t.Fatalf("no row %q in\n%s", name, d.m.View())
	return ""
}

// TestWarningsInExplorer: on real Nix, the kinds of config.system.build
// print the configuration's warnings (config.warnings through toplevel, a
// child's lib.warn, the fixture's deprecated accessors); the header counts
// them, the rows that printed them are marked, and w lists them with where
// each came from.
func TestWarningsInExplorer(t *testing.T) {
	onEachBackend(t, func(t *testing.T, b backend) {
		d := nixDriverOn(t, b, "warnings", "", 120, 40)
		d.until(func() bool { return len(d.m.warnings.List) >= 4 })
		d.settle()
		if got := d.m.warnings.Count(); got != "⚠ 4 warnings" {
			t.Fatalf("count %q, list %+v", got, d.m.warnings.List)
		}
		if v := d.m.View(); !strings.HasPrefix(strings.Split(v, "\n")[1], "⚠ 4 warnings (w) · system "+testnix.HostSystem()) {
			t.Errorf("header lacks the count:\n%s", v)
		}
		for _, n := range []string{"toplevel", "legacyTool", "nixos-enter", "nixos-option"} {
			if r := rowOf(t, d, n); !strings.Contains(r, n+" ⚠") {
				t.Errorf("row %s is not marked: %q", n, r)
			}
		}
		if r := rowOf(t, d, "nixos-rebuild"); strings.Contains(r, "⚠") {
			t.Errorf("a quiet row is marked: %q", r)
		}
		d.key("w")
		v := d.m.View()
		if !strings.Contains(v, "What Nix printed") || !strings.Contains(v, "w close warnings") {
			t.Errorf("w did not open the panel:\n%s", v)
		}
		all := strings.Join(d.m.warnings.Lines(500), "\n") // unwrapped
		for _, want := range []string{"warning: " + legacyWarning + "\n  from config.system.build.legacyTool",
			"warning: " + renamedWarning, "from config.system.build.toplevel", "from config.system.build.nixos-enter"} {
			if !strings.Contains(all, want) {
				t.Errorf("the panel lacks %q:\n%s", want, all)
			}
		}
		d.key("esc")
		if d.m.warnings.Open || strings.Contains(d.m.View(), "What Nix printed") {
			t.Errorf("esc did not close the panel:\n%s", d.m.View())
		}
	})
}

// warnFake is piLike whose toplevel warns twice (once in Nix 2.8's words
// for an older lib, repeated by a second path) and whose kernel traces.
func warnFake() *fakeEval {
	f := piLike()
	build := attr.Path{"config", "system", "build"}
	for i, c := range f.lists["config.system.build"] {
		switch c.Name {
		case "toplevel":
			f.lists["config.system.build"][i].Warnings = []diag.Warning{
				{Kind: diag.WarningEval, Message: "The option `services.openssh.permitRootLogin' defined in `/etc/nixos/configuration.nix' has been renamed to `services.openssh.settings.PermitRootLogin'.", Path: build.Child("toplevel")},
				{Kind: diag.WarningEval, Message: "The option `sound.enable' has been removed.\nIt did nothing.", Path: build.Child("toplevel")},
			}
		case "kernel":
			f.lists["config.system.build"][i].Warnings = []diag.Warning{
				{Kind: diag.WarningTrace, Message: "kernel: building for aarch64", Path: build.Child("kernel")},
				{Kind: diag.WarningEval, Message: "The option `sound.enable' has been removed.\nIt did nothing.", Path: build.Child("kernel")},
			}
		}
	}
	return f
}

// TestWarningsPanelGolden pins the header's count, the marks and the w
// panel, and checks every size fits.
func TestWarningsPanelGolden(t *testing.T) {
	tm := teatest.NewTestModel(t, New(Config{Target: fakeTarget(), Eval: warnFake(), Platform: pinnedPlatform}), teatest.WithInitialTermSize(100, 24))
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return strings.Contains(string(b), "1 trace") },
		teatest.WithDuration(10*time.Second))
	tm.Send(keyMsg("w"))
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return strings.Contains(string(b), "It did nothing") },
		teatest.WithDuration(10*time.Second))
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(Model)
	if got := fm.warnings.Count(); got != "⚠ 2 warnings, 1 trace" {
		t.Errorf("count %q", got)
	}
	golden.RequireEqual(t, []byte(fm.View()))

	d := fakeDriver(t, warnFake(), 80, 24)
	d.key("w")
	for _, sz := range [][2]int{{60, 15}, {80, 24}, {61, 17}, {120, 40}, {300, 100}} {
		d.send(tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
		checkFits(t, d.m.View(), sz[0], sz[1], "warnings panel")
	}
	// Scrolls at the smallest size: J reaches the last line.
	d.send(tea.WindowSizeMsg{Width: 60, Height: 15})
	if strings.Contains(d.m.View(), "PermitRootLogin'.") || !strings.Contains(d.m.View(), "more lines (J/K scroll)") {
		t.Errorf("the panel does not say more follows:\n%s", d.m.View())
	}
	for range 10 {
		d.key("J")
	}
	if !d.m.warnings.Pager().AtBottom() || !strings.Contains(d.m.View(), "PermitRootLogin'.") {
		t.Errorf("J did not scroll to the end:\n%s", d.m.View())
	}
	d.key("w")
	if d.m.warnings.Open {
		t.Error("w did not close the panel")
	}
}

// TestWarningsKeyOnlyWithWarnings: w is in the help only when there is
// something to list.
func TestWarningsKeyOnlyWithWarnings(t *testing.T) {
	quiet := fakeDriver(t, piLike(), 100, 24)
	quiet.key("?")
	if strings.Contains(quiet.m.View(), "warnings") {
		t.Errorf("w offered with no warnings:\n%s", quiet.m.View())
	}
	quiet.key("w")
	if quiet.m.warnings.Open {
		t.Error("w opened an empty panel")
	}
	loud := fakeDriver(t, warnFake(), 100, 24)
	loud.key("?")
	if !strings.Contains(loud.m.View(), "w warnings") {
		t.Errorf("w not in the help:\n%s", loud.m.View())
	}
}
