package tui

import (
	"strings"
	"testing"

	"github.com/nixplore/nixplore/internal/testnix"
	"github.com/nixplore/nixplore/tui/components/buildpanel"
)

// TestBuildPanelRefusesWhatNoOneHereBuilds: the plan of an output of
// another platform whose input sits in a binary cache says it will not
// build and why; enter, pressed while the plan loads and again after, does
// not start Nix's build and nothing is fetched; f builds anyway.
func TestBuildPanelRefusesWhatNoOneHereBuilds(t *testing.T) {
	testnix.Setup(t)
	salt(t)
	source, root := testnix.SourceOnlyInCache(t)
	log := testnix.RecordNixBuild(t)
	d := targetDriver(t, testnix.Classic(t, "buildfail", ""), 100, 50)
	d.settle()
	d.selectName("otherPlatformWithSource")
	d.key("b", "enter") // enter while the plan loads: kept, then checked against the plan
	if !d.m.build.Confirmed {
		t.Fatalf("enter during planning was dropped (state %s)", d.m.build.State)
	}
	d.settle()
	if d.m.build.State != buildpanel.Confirm || d.m.build.Refusal == nil {
		t.Fatalf("state %s, refusal %v, err %v\n%s", d.m.build.State, d.m.build.Refusal, d.m.build.Err, d.m.View())
	}
	v := d.m.View()
	for _, want := range []string{"Not building", "other-platform-with-source", "Nix would first fetch 1 path", "Press f to build anyway", "boot.binfmt.emulatedSystems"} {
		if !strings.Contains(v, want) {
			t.Errorf("the refused plan lacks %q:\n%s", want, v)
		}
	}
	if strings.Contains(v, "Press enter (or y) to build") {
		t.Errorf("the refused plan offers enter:\n%s", v)
	}
	checkFits(t, v, 100, 50, "refused plan")
	d.key("enter")
	d.key("y")
	d.settle()
	if d.m.build.State != buildpanel.Confirm {
		t.Fatalf("enter/y started a refused build: state %s", d.m.build.State)
	}
	if _, builds := testnix.Recorded(t, log); len(builds) != 0 || testnix.Valid(root, source) {
		t.Fatalf("refused, yet Nix built %q or fetched the input (%v)", builds, testnix.Valid(root, source))
	}
	d.key("f")
	if d.m.build.State != buildpanel.Running {
		t.Fatalf("f: state %s", d.m.build.State)
	}
	d.settle()
	if d.m.build.State != buildpanel.Failed || !testnix.Valid(root, source) {
		t.Errorf("forced: state %s, input fetched %v\n%s", d.m.build.State, testnix.Valid(root, source), d.m.View())
	}
}

// TestBuildPanelEnterWhilePlanning: enter pressed while the dry run runs
// starts the build when a plan that allows it arrives.
func TestBuildPanelEnterWhilePlanning(t *testing.T) {
	salt(t)
	d := nixDriver(t, "buildfail", "", 100, 40)
	d.settle()
	d.selectName("chain")
	d.settle()
	d.key("b", "enter")
	if d.m.build.State != buildpanel.Planning || !strings.Contains(d.m.View(), "enter pressed") {
		t.Fatalf("state %s:\n%s", d.m.build.State, d.m.View())
	}
	d.settle()
	if d.m.build.State != buildpanel.Done {
		t.Fatalf("the build did not run after the plan: state %s, %v\n%s", d.m.build.State, d.m.build.Err, d.m.View())
	}
}

// TestQuitDuringBuildAsks: q while a build runs asks; any other key keeps
// the build (and does nothing else); y quits.
func TestQuitDuringBuildAsks(t *testing.T) {
	salt(t)
	d := slowBuildDriver(t)
	if len(d.m.build.Stats.Active) == 0 {
		t.Fatalf("the build never started:\n%s", d.m.View())
	}
	for _, where := range []string{"panel", "tree"} {
		if where == "tree" {
			d.key("b") // back to the tree; the build goes on in the footer
			if d.m.build.Shown() {
				t.Fatal("b did not go back to the tree")
			}
		}
		d.key("q")
		if d.m.quitting || !d.m.askQuit || !strings.Contains(d.m.View(), "Quit and cancel it?") {
			t.Fatalf("%s: q during a build: quitting %v, asking %v\n%s", where, d.m.quitting, d.m.askQuit, d.m.View())
		}
		checkFits(t, d.m.View(), 100, 40, "quit question")
		cursor := d.m.pane.Cursor
		d.key("j")
		if d.m.quitting || d.m.askQuit || d.m.build.State != buildpanel.Running || d.m.pane.Cursor != cursor {
			t.Fatalf("%s: another key after q: quitting %v, asking %v, build %s, cursor %d→%d", where, d.m.quitting, d.m.askQuit, d.m.build.State, cursor, d.m.pane.Cursor)
		}
	}
	d.key("q", "y")
	if !d.m.quitting {
		t.Fatal("y did not quit")
	}
}
