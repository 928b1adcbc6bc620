package build

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/nixplore/nixplore/nixeval/build/buildlog"
)

var nixVersions = []string{"2.8", "2.26", "2.34"}

// capture reads testdata/nixout/<version>/<name>.txt without the command
// line and the [exit N] line the capture script adds.
func capture(t *testing.T, version, name string) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "nixout", version, name+".txt"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, l := range strings.Split(strings.TrimRight(string(b), "\n"), "\n") {
		if strings.HasPrefix(l, "$ ") || strings.HasPrefix(l, "[exit ") {
			continue
		}
		out = append(out, l)
	}
	return out
}

func feedAll(p *buildlog.Progress, lines []string) []buildlog.Event {
	var evs []buildlog.Event
	for _, l := range lines {
		evs = append(evs, p.Feed([]byte(l))...)
	}
	return append(evs, p.Flush()...)
}

// TestBuildProgressCaptured replays a real chain build (4 derivations) of
// every Nix version through the state machine.
func TestBuildProgressCaptured(t *testing.T) {
	for _, v := range nixVersions {
		t.Run(v, func(t *testing.T) {
			p := buildlog.NewProgress()
			evs := feedAll(p, capture(t, v, "internal-json-build"))
			if p.BadLines != 0 {
				t.Errorf("%d bad lines", p.BadLines)
			}
			var kinds []string
			var started, stopped, logDrvs []string
			lastDone := -1
			for _, ev := range evs {
				switch ev.Kind {
				case buildlog.EventBuildStarted:
					started = append(started, buildlog.DrvName(ev.Drv))
					kinds = append(kinds, "start "+buildlog.DrvName(ev.Drv))
				case buildlog.EventBuildStopped:
					stopped = append(stopped, buildlog.DrvName(ev.Drv))
					kinds = append(kinds, "stop "+buildlog.DrvName(ev.Drv))
				case buildlog.EventBuildFailed:
					t.Errorf("%s failed", ev.Drv)
				case buildlog.EventLog:
					logDrvs = append(logDrvs, buildlog.DrvName(ev.Drv)+": "+ev.Line)
				case buildlog.EventPlan:
					if got := ev.Plan.BuildNames(); !reflect.DeepEqual(got, []string{"chain-step-1", "chain-step-2", "chain-step-3", "chain-step-4"}) {
						t.Errorf("plan %v", got)
					}
					kinds = append(kinds, "plan")
				}
				if ev.Stats.Done < lastDone {
					t.Errorf("done went back from %d to %d", lastDone, ev.Stats.Done)
				}
				lastDone = ev.Stats.Done
			}
			want := []string{"plan", "start chain-step-1", "stop chain-step-1", "start chain-step-2", "stop chain-step-2",
				"start chain-step-3", "stop chain-step-3", "start chain-step-4", "stop chain-step-4"}
			if !reflect.DeepEqual(kinds, want) {
				t.Errorf("events\n got %v\nwant %v", kinds, want)
			}
			if len(logDrvs) != 12 || logDrvs[0] != "chain-step-1: chain step 1: starting" || logDrvs[11] != "chain-step-4: chain step 4: done" {
				t.Errorf("log lines %q", logDrvs)
			}
			s := p.Stats()
			if s.Done != 4 || s.Expected != 4 || s.Running != 0 || s.Failed != 0 || len(s.Active) != 0 {
				t.Errorf("final stats %+v", s)
			}
			if got := len(p.Finished()); got != 4 {
				t.Errorf("finished %d", got)
			}
		})
	}
}

func TestBuildProgressMidBuild(t *testing.T) {
	p := buildlog.NewProgress()
	lines := capture(t, "2.26", "internal-json-build")
	// Stop right after chain-step-2 logged its first line.
	var cut int
	for i, l := range lines {
		if strings.Contains(l, "chain step 2: starting") {
			cut = i + 1
			break
		}
	}
	feedAll(p, lines[:cut])
	s := p.Stats()
	if s.Done != 1 || s.Expected != 4 || s.Running != 1 {
		t.Errorf("stats %+v", s)
	}
	if len(s.Active) != 1 || s.Active[0].Name != "chain-step-2" || s.Active[0].LastLine != "chain step 2: starting" {
		t.Errorf("active %+v", s.Active)
	}
}

func TestBuildProgressSetPhaseAndFetch(t *testing.T) {
	p := buildlog.NewProgress()
	lines := []string{
		`@nix {"action":"start","id":1,"level":0,"parent":0,"text":"","type":104}`,
		`@nix {"action":"start","id":2,"level":0,"parent":0,"text":"","type":103}`,
		`@nix {"action":"result","fields":[103,3],"id":1,"type":106}`,
		`@nix {"action":"start","fields":["/nix/store/00000000000000000000000000000000-hello-2.12","https://cache.nixos.org"],"id":3,"level":4,"parent":0,"text":"copying path","type":108}`,
		`@nix {"action":"start","fields":["https://cache.nixos.org/nar/x.nar.xz"],"id":4,"level":4,"parent":3,"text":"downloading","type":101}`,
		`@nix {"action":"result","fields":[1024,4096,0,0],"id":4,"type":105}`,
		`@nix {"action":"result","fields":[1,3,1,0],"id":2,"type":105}`,
		`@nix {"action":"start","fields":["/nix/store/11111111111111111111111111111111-foo.drv","ssh://pi",1,1],"id":5,"level":3,"parent":0,"text":"building","type":105}`,
		`@nix {"action":"result","fields":["buildPhase"],"id":5,"type":104}`,
	}
	evs := feedAll(p, lines)
	var fetch, phase bool
	for _, ev := range evs {
		if ev.Kind == buildlog.EventFetch && ev.Path == "/nix/store/00000000000000000000000000000000-hello-2.12" {
			fetch = true
		}
		if ev.Kind == buildlog.EventPhase && ev.Phase == "buildPhase" && buildlog.DrvName(ev.Drv) == "foo" {
			phase = true
		}
	}
	if !fetch || !phase {
		t.Errorf("fetch=%v phase=%v", fetch, phase)
	}
	s := p.Stats()
	if s.Fetched != 1 || s.FetchExpected != 3 || s.Downloaded != 1024 || s.DownloadExpected != 4096 {
		t.Errorf("stats %+v", s)
	}
	if len(s.Active) != 1 || s.Active[0].Phase != "buildPhase" || s.Active[0].Machine != "ssh://pi" {
		t.Errorf("active %+v", s.Active)
	}
}

func TestDiagnoseCaptured(t *testing.T) {
	noCheck := func(system string) *PlatformCheck { return &PlatformCheck{System: system, Machine: "x86_64-linux"} }
	for _, v := range nixVersions {
		t.Run(v+"/failure", func(t *testing.T) {
			p := buildlog.NewProgress()
			evs := feedAll(p, capture(t, v, "internal-json-build-failure"))
			var failedStop bool
			for _, ev := range evs {
				if ev.Kind == buildlog.EventBuildFailed && buildlog.DrvName(ev.Drv) == "failing" {
					failedStop = true
				}
			}
			if !failedStop {
				t.Error("no failed stop event for failing.drv")
			}
			f := diagnose(failureInput{errors: p.Errors, logs: p.LogTail, allLog: ""}, noCheck)
			if f.Kind != FailOther || buildlog.DrvName(f.Drv) != "failing" {
				t.Fatalf("got %v %q", f.Kind, f.Drv)
			}
			if len(f.LogTail) != 25 || f.LogTail[0] != "log line 6" || f.LogTail[24] != "log line 30" {
				t.Errorf("tail %q", f.LogTail)
			}
			if f.LogCommand != "nix-store -l "+f.Drv || !strings.HasSuffix(f.Error(), "\nfull log: nix-store -l "+f.Drv) {
				t.Errorf("log command %q, message:\n%s", f.LogCommand, f.Error())
			}
			if len(p.Finished()) != 0 {
				t.Errorf("finished %v", p.Finished())
			}
		})
		t.Run(v+"/plain-captures", func(t *testing.T) {
			for name, want := range map[string]FailureKind{"build-failure-diskfull": FailNoSpace, "hash-mismatch": FailHashMismatch,
				"other-platform": FailPlatform, "platform-mismatch": FailPlatform} {
				text := strings.Join(capture(t, v, name), "\n")
				f := diagnose(failureInput{errors: errorBlocks(text), logs: func(string, int) []string { return nil }, allLog: text}, noCheck)
				if f.Kind != want {
					t.Errorf("%s: kind %v, want %v (%s)", name, f.Kind, want, f.Summary)
				}
				switch want {
				case FailNoSpace:
					if f.WritePath != "/boot/nixos/x-initrd.tmp" || len(f.Space) == 0 || !strings.Contains(f.Hint, "inside the disk image") {
						t.Errorf("diskfull: %q %v %q", f.WritePath, f.Space, f.Hint)
					}
				case FailHashMismatch:
					if f.Specified != "sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=" || f.Got != "sha256-oWIb6VBAI57hQ2LBbiBRDdwg9SfXctgjsqFnmzP1zXQ=" {
						t.Errorf("hashes %q %q", f.Specified, f.Got)
					}
				case FailPlatform:
					if f.Platform == nil || f.Platform.System != "aarch64-linux" || !strings.HasSuffix(f.Drv, ".drv") {
						t.Errorf("platform: %+v %q", f.Platform, f.Drv)
					}
				}
			}
		})
	}
}

// errorBlocks splits plain stderr into Nix's error messages, each from an
// unindented "error:" to the next, as --log-format internal-json delivers
// them one msg each (2.34 reports a platform mismatch first and the
// dependents that could not be built after it).
func errorBlocks(text string) []string {
	var blocks []string
	for _, l := range strings.Split(text, "\n") {
		switch {
		case strings.HasPrefix(l, "error:"):
			blocks = append(blocks, l)
		case len(blocks) > 0 && strings.HasPrefix(l, " "):
			blocks[len(blocks)-1] += "\n" + l
		}
	}
	return blocks
}

// TestBuildProgressBrokenChain replays a chain of three whose second fails.
// Nix's own expected count falls (3, 2, 1) and in 2.34 first rises to 4;
// the totals shown must do neither, nor show more done than expected.
func TestBuildProgressBrokenChain(t *testing.T) {
	for _, v := range nixVersions {
		t.Run(v, func(t *testing.T) {
			p := buildlog.NewProgress()
			evs := feedAll(p, capture(t, v, "internal-json-build-broken-chain"))
			var last buildlog.Stats
			var failed []string
			for _, ev := range evs {
				s := ev.Stats
				if s.Done < last.Done || s.Expected < last.Expected || s.Failed < last.Failed || s.Fetched < last.Fetched || s.FetchExpected < last.FetchExpected {
					t.Errorf("%s event: totals went back from %+v to %+v", ev.Kind, last, s)
				}
				if s.Done+s.Running+s.Failed > s.Expected || s.Expected > 3 {
					t.Errorf("%s event: %d done, %d running, %d failed of %d expected", ev.Kind, s.Done, s.Running, s.Failed, s.Expected)
				}
				if ev.Kind == buildlog.EventBuildFailed {
					failed = append(failed, buildlog.DrvName(ev.Drv))
				}
				last = s
			}
			if s := p.Stats(); s.Done != 1 || s.Expected != 3 || s.Failed != 1 || s.Running != 0 || len(s.Active) != 0 {
				t.Errorf("final stats %+v", s)
			}
			if got := strings.Join(failed, ","); got != "broken-chain-2" {
				t.Errorf("failed events %s", got)
			}
			if got := p.Finished(); len(got) != 1 || buildlog.DrvName(got[0]) != "broken-chain-1" {
				t.Errorf("finished %v", got)
			}
			f := diagnose(failureInput{errors: p.Errors, logs: p.LogTail}, nil)
			if f.Kind != FailOther || buildlog.DrvName(f.Drv) != "broken-chain-2" || f.LogCommand != "nix-store -l "+f.Drv {
				t.Fatalf("got %v %q %q", f.Kind, f.Drv, f.LogCommand)
			}
			if len(f.LogTail) != 1 || f.LogTail[0] != "second fails" {
				t.Errorf("tail %q", f.LogTail)
			}
		})
	}
}

func TestBuildProgressPlainLines(t *testing.T) {
	p := buildlog.NewProgress()
	evs := feedAll(p, []string{"warning: unknown setting 'foo'", "", "something else"})
	if len(evs) != 2 || evs[0].Kind != buildlog.EventMessage || evs[0].Level != 1 || evs[1].Level != 3 || evs[1].Text != "something else" {
		t.Errorf("%+v", evs)
	}
}
