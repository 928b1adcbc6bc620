package nixeval_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nixplore/nixplore/internal/testnix"
	"github.com/nixplore/nixplore/nixeval"
)

// salt makes the buildfail fixture's derivations new, so they really build
// (both Nix versions share /nix/store).
func salt(t *testing.T) {
	t.Setenv("NIXPLORE_SALT", fmt.Sprintf("%s-%d", t.Name(), time.Now().UnixNano()))
}

func buildPath(t *testing.T, s string) nixeval.AttrPath {
	t.Helper()
	p, err := nixeval.ParsePath(s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func collect(run *nixeval.BuildRun) []nixeval.BuildEvent {
	var evs []nixeval.BuildEvent
	for ev := range run.Events() {
		evs = append(evs, ev)
	}
	return evs
}

func TestBuildChainProgress(t *testing.T) {
	testnix.Setup(t)
	salt(t)
	tg := testnix.Classic(t, "buildfail", "")
	link := filepath.Join(t.TempDir(), "result")
	run := nixeval.StartBuild(context.Background(), nixeval.Tools{}, tg, nixeval.BuildOptions{Path: buildPath(t, "config.system.build.chain"), OutLink: link})
	evs := collect(run)
	res, err := run.Wait()
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	var order []string
	lastDone := 0
	for _, ev := range evs {
		switch ev.Kind {
		case nixeval.EventPlan:
			order = append(order, fmt.Sprintf("plan %d", len(ev.Plan.Build)))
		case nixeval.EventBuildStarted:
			order = append(order, "start "+nixeval.DrvName(ev.Drv))
		case nixeval.EventBuildStopped:
			order = append(order, "stop "+nixeval.DrvName(ev.Drv))
		}
		if ev.Stats.Done < lastDone {
			t.Errorf("done went back: %d after %d", ev.Stats.Done, lastDone)
		}
		lastDone = ev.Stats.Done
	}
	want := "plan 4,start chain-step-1,stop chain-step-1,start chain-step-2,stop chain-step-2,start chain-step-3,stop chain-step-3,start chain-step-4,stop chain-step-4"
	if got := strings.Join(order, ","); got != want {
		t.Errorf("events\n got %s\nwant %s", got, want)
	}
	if lastDone != 4 || res.Stats.Done != 4 || res.Stats.Expected != 4 {
		t.Errorf("final stats %+v", res.Stats)
	}
	if len(res.Outputs) != 1 || !strings.HasSuffix(res.Outputs[0].Path, "-chain-step-4") {
		t.Fatalf("outputs %+v", res.Outputs)
	}
	if b, err := os.ReadFile(filepath.Join(res.Outputs[0].Path, "step")); err != nil || strings.TrimSpace(string(b)) != "4" {
		t.Errorf("output content %q %v", b, err)
	}
	if len(res.Links) != 1 || res.Links[0] != link {
		t.Errorf("links %v", res.Links)
	}
	if target, _ := os.Readlink(link); target != res.Outputs[0].Path {
		t.Errorf("link points to %q", target)
	}
	if len(res.Built) != 4 || res.ClosureSize <= 0 {
		t.Errorf("built %v closure %d", res.Built, res.ClosureSize)
	}
}
