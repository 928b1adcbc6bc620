package tui

import (
	"fmt"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/nixplore/nixplore/internal/testnix"
	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/nixeval/build"
	"github.com/nixplore/nixplore/nixeval/compare"
	"github.com/nixplore/nixplore/tui/components/buildpanel"
	"github.com/nixplore/nixplore/tui/components/comparepanel"
)

// fixedColumns are three outputs as compare gathers them, with fixed
// numbers (the free space of a real machine changes).
func fixedColumns() []compare.Column {
	no, space := false, build.Space{Store: build.DiskSpace{Dir: "/nix/store", Free: 40 << 30, Size: 100 << 30},
		Build: build.DiskSpace{Dir: "/tmp", Free: 40 << 30, Size: 100 << 30}, Same: true}
	cmd := func(n string) string {
		return "nix-build '<nixpkgs/nixos>' -A config.system.build." + n + " -I nixos-config=/etc/nixos/configuration.nix --argstr system aarch64-linux"
	}
	ways := []string{"emulation: boot.binfmt.emulatedSystems", "a remote builder: --builders", "cross compilation: nixpkgs.buildPlatform"}
	return []compare.Column{
		{Path: "config.system.build.sdImage", Summary: "A bootable SD card image of this configuration.", Documented: true,
			Platform: &compare.Platform{System: "aarch64-linux", Ways: ways},
			Plan:     &compare.Plan{Build: 9, Fetch: 2, DownloadBytes: 3 << 20, UnpackedBytes: 12 << 20, Fits: true, Space: space},
			RunNeeds: []compare.Need{{What: "an SD card", Detail: "at least as large as the image"}, {What: "dd"}},
			Result:   "sd-image/nixos-sd-image.img: an MBR disk with a FAT firmware partition and an ext4 root.", Command: cmd("sdImage")},
		{Path: "config.system.build.toplevel", Summary: "The NixOS system itself.", Documented: true,
			Platform: &compare.Platform{System: "aarch64-linux", Ways: []string{}}, Plan: &compare.Plan{Fits: true, Space: space},
			Built: true, ClosureBytes: 5 << 20, RunNeeds: []compare.Need{{What: "a NixOS machine of aarch64-linux"}},
			Result: "A directory nixos-system-<hostname>-<version>.", Command: cmd("toplevel")},
		{Path: "config.system.build.vm", Summary: "A script that boots this configuration in QEMU.", Documented: true,
			Platform: &compare.Platform{System: "aarch64-linux", Ways: ways},
			Plan:     &compare.Plan{Build: 1, Fits: true, Space: space},
			RunNeeds: []compare.Need{{What: "KVM", Here: &no, Detail: "a aarch64-linux VM on x86_64-linux is fully emulated (slow)"}},
			Result:   "nixos-vm with bin/run-<hostname>-vm.", Command: cmd("vm")},
	}
}

// showCompare opens the panel on cols as if each had arrived, the first
// n of them (the rest still coming).
func showCompare(d *driver, cols []compare.Column, n int) {
	var paths []attr.Path
	for _, c := range cols {
		p, _ := attr.Parse(c.Path)
		paths = append(paths, p)
	}
	p := d.m.compare
	p.Open, p.ID, p.Paths = true, 99, paths
	p.Cols, p.Done, p.Errs = make([]compare.Column, len(cols)), make([]bool, len(cols)), make([]error, len(cols))
	d.m.compare = p
	for i := 0; i < n; i++ {
		d.send(comparepanel.ColumnMsg{ID: 99, Index: i, Col: cols[i]})
	}
}

// TestCompareFitsEverySize: the comparison, complete or still coming,
// fits the terminal at every size the explorer draws.
func TestCompareFitsEverySize(t *testing.T) {
	for _, n := range []int{0, 2, 3} {
		t.Run(fmt.Sprintf("%d of 3 in", n), func(t *testing.T) {
			d := fakeDriver(t, piLike(), 80, 24)
			showCompare(d, fixedColumns(), n)
			for _, w := range []int{60, 61, 79, 80, 100, 133, 200, 300} {
				for _, h := range []int{15, 16, 24, 41, 100} {
					d.send(tea.WindowSizeMsg{Width: w, Height: h})
					v := d.m.View()
					checkFits(t, v, w, h, "compare")
					if !strings.Contains(v, "Compare 3 outputs") {
						t.Errorf("%dx%d: no title:\n%s", w, h, v)
					}
				}
			}
		})
	}
}

// TestGoldenCompare pins the comparison of three outputs at 120x40 and
// a narrow 60x24 (scrolled by its pager).
func TestGoldenCompare(t *testing.T) {
	for _, sz := range [][2]int{{120, 40}, {60, 24}} {
		t.Run(fmt.Sprintf("%dx%d", sz[0], sz[1]), func(t *testing.T) {
			d := fakeDriver(t, piLike(), sz[0], sz[1])
			showCompare(d, fixedColumns(), 3)
			golden.RequireEqual(t, []byte(d.m.View()))
		})
	}
}

// TestCompareMarksThenSiblings on real Nix: space marks rows (shown with
// *), C compares the marked ones, each column filled from Nix; with none
// marked, C compares the selected output with its siblings; esc closes.
func TestCompareMarksThenSiblings(t *testing.T) {
	d := nixDriver(t, "pi", "aarch64-linux", 120, 40)
	d.settle()
	d.selectName("sdImage")
	d.key(" ")
	d.selectName("toplevel")
	d.key(" ")
	if got := d.treeView(60, 40); strings.Count(got, "*drv") != 2 {
		t.Errorf("marked rows not shown:\n%s", got)
	}
	d.key("C")
	if !d.m.compare.Open || len(d.m.compare.Paths) != 2 || d.m.compare.Paths[0].Last() != "sdImage" || d.m.compare.Paths[1].Last() != "toplevel" {
		t.Fatalf("C compares %v", d.m.compare.Paths)
	}
	d.until(func() bool { return !d.m.compare.Running() })
	v := d.m.View()
	for _, want := range []string{"Compare 2 outputs", "sdImage", "toplevel", "A bootable SD card image", "an SD card", "$ nix-build", "free: "} {
		if !strings.Contains(v, want) {
			t.Errorf("no %q:\n%s", want, v)
		}
	}
	for i, c := range d.m.compare.Cols {
		if c.Error != "" || d.m.compare.Errs[i] != nil || c.Platform.System != "aarch64-linux" {
			t.Errorf("column %d: %+v %v", i, c, d.m.compare.Errs[i])
		}
	}
	d.key("esc")
	if d.m.compare.Open {
		t.Fatal("esc did not close the comparison")
	}
	// Unmark both: C then weighs sdImage against its siblings here, the
	// same before its preview has arrived as after.
	d.key(" ")
	d.selectName("sdImage")
	d.key(" ")
	delete(d.m.descs, d.m.pane.Selected().Key)
	d.key("C")
	var names []string
	for _, p := range d.m.compare.Paths {
		names = append(names, p.Last())
	}
	if strings.Join(names, " ") != "sdImage toplevel vm" {
		t.Errorf("siblings of sdImage: %v", names)
	}
	// esc while columns are coming cancels them.
	d.key("esc")
	if d.m.compare.Open || d.m.compare.Running() {
		t.Error("esc left the comparison running")
	}
	d.settle()
}

// TestBuildPanelRefusesWhatDoesNotFit: the store is a chroot store on a
// 1 MiB tmpfs and the 3 MiB output is in a file:// cache. The panel shows
// the sizes and the free space, refuses with the CLI's words, ignores
// enter and builds on f.
func TestBuildPanelRefusesWhatDoesNotFit(t *testing.T) {
	testnix.Setup(t)
	salt(t)
	cache, _ := testnix.BinaryCache(t, "buildfail", "config.system.build.sized")
	root := testnix.SmallStore(t, "1m")
	testnix.UseCacheAndStore(t, cache, root)
	d := targetDriver(t, testnix.Classic(t, "buildfail", ""), 120, 40)
	d.settle()
	d.selectName("sized")
	d.settle()
	d.key("b")
	d.settle()
	v := d.m.View()
	for _, want := range []string{"will fetch 1 path", "3.0 MiB unpacked", "free: ", "Not building: not enough space", "--force", "Press f to build anyway"} {
		if !strings.Contains(v, want) {
			t.Errorf("no %q:\n%s", want, v)
		}
	}
	d.key("enter")
	if d.m.build.State != buildpanel.Confirm {
		t.Fatalf("enter started a build that does not fit: %s", d.m.build.State)
	}
	d.key("f")
	if d.m.build.State != buildpanel.Running {
		t.Fatalf("f: state %s", d.m.build.State)
	}
	d.key("esc")
	d.settle()
}

// TestBuildPanelAlreadyBuilt: an output in the store is "Already built":
// no platform check shown, and no empty progress bar once shown.
func TestBuildPanelAlreadyBuilt(t *testing.T) {
	salt(t)
	d := nixDriver(t, "buildfail", "", 100, 40)
	d.settle()
	d.selectName("chain")
	d.settle()
	d.key("b")
	d.settle()
	d.key("enter")
	d.settle()
	d.key("esc")
	d.settle()
	d.key("b")
	d.settle()
	v := d.m.View()
	if !strings.Contains(v, "Already built") || strings.Contains(v, "platform:") {
		t.Errorf("plan of a built output:\n%s", v)
	}
	d.key("enter")
	d.settle()
	v = d.m.View()
	if d.m.build.State != buildpanel.Done || !strings.Contains(v, "Already built") || strings.Contains(v, "0/0") || strings.Contains(v, "[---") {
		t.Errorf("state %s:\n%s", d.m.build.State, v)
	}
}
