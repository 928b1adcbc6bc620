package build_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/nixplore/nixplore/internal/testnix"
	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/nixeval/build"
	"github.com/nixplore/nixplore/nixeval/build/buildlog"
	"github.com/nixplore/nixplore/nixeval/nixproc"
)

// salt makes the buildfail fixture's derivations new, so they really build
// (both Nix versions share /nix/store).
func salt(t *testing.T) string {
	s := fmt.Sprintf("%s-%d", t.Name(), time.Now().UnixNano())
	t.Setenv("NIXPLORE_SALT", s)
	return s
}

func buildPath(t *testing.T, s string) attr.Path {
	t.Helper()
	p, err := attr.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func collect(run *build.Run) []buildlog.Event {
	var evs []buildlog.Event
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
	run := build.Start(context.Background(), nixeval.Tools{}, tg, build.Options{Path: buildPath(t, "config.system.build.chain"), OutLink: link})
	evs := collect(run)
	res, err := run.Wait()
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	var order []string
	lastDone := 0
	for _, ev := range evs {
		switch ev.Kind {
		case buildlog.EventPlan:
			order = append(order, fmt.Sprintf("plan %d", len(ev.Plan.Build)))
		case buildlog.EventBuildStarted:
			order = append(order, "start "+buildlog.DrvName(ev.Drv))
		case buildlog.EventBuildStopped:
			order = append(order, "stop "+buildlog.DrvName(ev.Drv))
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

func buildFailure(t *testing.T, tg *nixeval.Target, path string) (*build.Failure, []buildlog.Event) {
	t.Helper()
	run := build.Start(context.Background(), nixeval.Tools{}, tg, build.Options{Path: buildPath(t, path), NoLink: true})
	evs := collect(run)
	res, err := run.Wait()
	if res != nil {
		t.Fatalf("a failed build reported a result: %+v", res)
	}
	var f *build.Failure
	if !errors.As(err, &f) {
		t.Fatalf("want *Failure, got %T: %v", err, err)
	}
	return f, evs
}

func TestBuildFailingLogTail(t *testing.T) {
	testnix.Setup(t)
	salt(t)
	f, evs := buildFailure(t, testnix.Classic(t, "buildfail", ""), "config.system.build.failing")
	if f.Kind != build.FailOther || buildlog.DrvName(f.Drv) != "failing" {
		t.Fatalf("kind %v drv %q", f.Kind, f.Drv)
	}
	if len(f.LogTail) != 25 || f.LogTail[0] != "log line 6" || f.LogTail[24] != "log line 30" {
		t.Errorf("log tail %q", f.LogTail)
	}
	if f.LogCommand != "nix-store -l "+f.Drv || f.Exit != 100 {
		t.Errorf("log command %q exit %d", f.LogCommand, f.Exit)
	}
	if !strings.Contains(f.NixMessage, "failed with exit code 1") || strings.Contains(f.NixMessage, "\x1b") {
		t.Errorf("nix message %q", f.NixMessage)
	}
	var logs int
	var failed bool
	for _, ev := range evs {
		if ev.Kind == buildlog.EventLog && buildlog.DrvName(ev.Drv) == "failing" {
			logs++
		}
		if ev.Kind == buildlog.EventBuildFailed && ev.Drv == f.Drv {
			failed = true
		}
	}
	if logs != 30 || !failed {
		t.Errorf("%d log events, failed event %v", logs, failed)
	}
	msg := f.Error()
	for _, want := range []string{"building failing failed", "last 25 log lines of failing", "  > log line 30"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message lacks %q:\n%s", want, msg)
		}
	}
	if !strings.HasSuffix(msg, "\nfull log: nix-store -l "+f.Drv) {
		t.Errorf("message does not end with the log command:\n%s", msg)
	}
	// The command it names prints the log, whichever Nix built it.
	out, err := exec.Command("nix-store", "-l", f.Drv).Output()
	if err != nil || !strings.Contains(string(out), "log line 30") {
		t.Errorf("nix-store -l: %v\n%s", err, out)
	}
}

// TestBuildBrokenChain: the second of three fails, so the third never
// starts. Every Nix version lowers its expected count then; the totals
// nixplore reports never go back, never pass what the plan announced, and
// name the derivation that failed, not the one that could not start.
func TestBuildBrokenChain(t *testing.T) {
	testnix.Setup(t)
	salt(t)
	f, evs := buildFailure(t, testnix.Classic(t, "buildfail", ""), "config.system.build.brokenChain")
	if f.Kind != build.FailOther || buildlog.DrvName(f.Drv) != "broken-chain-2" {
		t.Fatalf("kind %v drv %q", f.Kind, f.Drv)
	}
	if got := strings.Join(namesOf(f.Finished), ","); got != "broken-chain-1" {
		t.Errorf("finished %s", got)
	}
	var last buildlog.Stats
	for _, ev := range evs {
		s := ev.Stats
		if s.Done < last.Done || s.Expected < last.Expected || s.Failed < last.Failed {
			t.Errorf("%s event: totals went back from %+v to %+v", ev.Kind, last, s)
		}
		if s.Done+s.Running+s.Failed > s.Expected || s.Expected > 3 {
			t.Errorf("%s event: %d done, %d running, %d failed of %d expected", ev.Kind, s.Done, s.Running, s.Failed, s.Expected)
		}
		last = s
	}
	if last.Done != 1 || last.Failed != 1 || last.Expected != 3 {
		t.Errorf("last totals %+v", last)
	}
}

func TestBuildDiskFull(t *testing.T) {
	testnix.Setup(t)
	salt(t)
	f, _ := buildFailure(t, testnix.Classic(t, "buildfail", ""), "config.system.build.diskfull")
	if f.Kind != build.FailNoSpace || buildlog.DrvName(f.Drv) != "diskfull" {
		t.Fatalf("kind %v drv %q: %v", f.Kind, f.Drv, f)
	}
	if f.WritePath != "/boot/nixos/x-initrd.tmp" || len(f.Space) == 0 || f.Space[0].Dir != "/nix/store" || f.Space[0].Size == 0 {
		t.Errorf("path %q space %+v", f.WritePath, f.Space)
	}
	if !strings.Contains(f.Error(), "free on /nix/store") || !strings.Contains(f.Hint, "inside the disk image") {
		t.Errorf("message:\n%s", f.Error())
	}
}

func TestBuildOtherPlatform(t *testing.T) {
	v := testnix.Setup(t)
	salt(t)
	other, host := testnix.OtherSystem(t), testnix.HostSystem()
	tg := testnix.Classic(t, "buildfail", "")
	path := buildPath(t, "config.system.build.otherPlatform")
	// Before the build: the derivation's system against this machine.
	ev := nixeval.New(tg, nixeval.Tools{})
	d, err := ev.Describe(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	pc := build.CheckPlatform(context.Background(), nixeval.Tools{}, d.System)
	if pc.Err != nil || pc.Machine != host || pc.CanBuild || d.System != other {
		t.Fatalf("%s: check %+v (system %q)", v, pc, d.System)
	}
	// Nix's default extra-platforms on x86_64 is i686; other hosts have
	// their own (or none).
	if host == "x86_64-linux" && (len(pc.ExtraPlatforms) == 0 || pc.ExtraPlatforms[0] != "i686-linux") {
		t.Errorf("extra-platforms %v", pc.ExtraPlatforms)
	}
	explain := pc.Explain()
	for _, want := range []string{"cannot build " + other, "boot.binfmt.emulatedSystems = [ \"" + other + "\" ]", "--builders", "nix.buildMachines", "nixpkgs.buildPlatform = \"" + host + "\""} {
		if !strings.Contains(explain, want) {
			t.Errorf("explanation lacks %q:\n%s", want, explain)
		}
	}
	// From Nix's error.
	f, _ := buildFailure(t, tg, "config.system.build.otherPlatform")
	if f.Kind != build.FailPlatform || f.Drv != d.DrvPath || f.Platform == nil || f.Platform.System != other {
		t.Fatalf("failure %+v", f)
	}
	if !strings.Contains(f.Error(), "boot.binfmt.emulatedSystems") || !strings.Contains(f.Summary, "must be built on "+other) {
		t.Errorf("message:\n%s", f.Error())
	}
}

func TestCheckPlatformNative(t *testing.T) {
	testnix.Setup(t)
	pc := build.CheckPlatform(context.Background(), nixeval.Tools{}, testnix.HostSystem())
	if !pc.CanBuild || pc.Err != nil {
		t.Errorf("%+v", pc)
	}
	if testnix.HostSystem() != "x86_64-linux" {
		return // i686 is x86_64's own extra platform
	}
	if pc = build.CheckPlatform(context.Background(), nixeval.Tools{}, "i686-linux"); !pc.CanBuild {
		t.Errorf("i686 is in extra-platforms: %+v", pc)
	}
}

func TestCheckPlatformIgnoredSystem(t *testing.T) {
	testnix.Setup(t)
	tg := testnix.Classic(t, "hostplatform", "x86_64-linux")
	info, err := nixeval.New(tg, nixeval.Tools{}).Info(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	pc := build.CheckPlatform(context.Background(), nixeval.Tools{}, info.Platform()).WithInfo(info)
	if pc.System != "aarch64-linux" || pc.CanBuild || !strings.Contains(pc.Explain(), "--argstr system x86_64-linux was ignored") {
		t.Errorf("%+v\n%s", pc, pc.Explain())
	}
}

func TestDryRun(t *testing.T) {
	testnix.Setup(t)
	salt(t)
	p, err := build.DryRun(context.Background(), nixeval.Tools{}, testnix.Classic(t, "buildfail", ""), buildPath(t, "config.system.build.chain"))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(p.BuildNames(), ","); got != "chain-step-1,chain-step-2,chain-step-3,chain-step-4" {
		t.Errorf("plan %s", got)
	}
	for _, d := range p.Build {
		if _, err := os.Stat(d); err != nil {
			t.Errorf("drv not instantiated: %v", err)
		}
	}
	// Already built: an empty plan.
	p, err = build.DryRun(context.Background(), nixeval.Tools{}, testnix.Classic(t, "laptop", ""), buildPath(t, "config.system.build.myScript"))
	if err == nil {
		run := build.Start(context.Background(), nixeval.Tools{}, testnix.Classic(t, "laptop", ""), build.Options{Path: buildPath(t, "config.system.build.myScript"), NoLink: true})
		collect(run)
		if _, err := run.Wait(); err != nil {
			t.Fatal(err)
		}
		p, err = build.DryRun(context.Background(), nixeval.Tools{}, testnix.Classic(t, "laptop", ""), buildPath(t, "config.system.build.myScript"))
	}
	if err != nil || !p.Empty() {
		t.Errorf("built path: plan %+v err %v", p, err)
	}
}

func TestBuildDryRunOption(t *testing.T) {
	testnix.Setup(t)
	salt(t)
	run := build.Start(context.Background(), nixeval.Tools{}, testnix.Classic(t, "buildfail", ""), build.Options{Path: buildPath(t, "config.system.build.chain"), DryRun: true})
	collect(run)
	res, err := run.Wait()
	if err != nil {
		t.Fatal(err)
	}
	if !res.DryRun || len(res.Plan.Build) != 4 || len(res.Outputs) != 0 || len(res.Built) != 0 {
		t.Errorf("%+v", res)
	}
}

func TestBuildRefusesTopLevel(t *testing.T) {
	testnix.Setup(t)
	run := build.Start(context.Background(), nixeval.Tools{}, testnix.Classic(t, "laptop", ""), build.Options{})
	collect(run)
	_, err := run.Wait()
	var ue *nixeval.UsageError
	if !errors.As(err, &ue) || !strings.Contains(err.Error(), "vmWithBootLoader") {
		t.Errorf("got %v", err)
	}
}

// markerProcs maps this test's builders (the marker in their command
// line, its salt in their environment) to their process groups.
func markerProcs(salt string) map[int]int {
	out := map[int]int{}
	for _, p := range testnix.Marked("nixplore-cancel-marker", salt) {
		out[p.PID] = p.PGID
	}
	return out
}

func TestBuildCancelLeavesNoProcess(t *testing.T) {
	testnix.Setup(t)
	mySalt := salt(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	run := build.Start(ctx, nixeval.Tools{}, testnix.Classic(t, "buildfail", ""), build.Options{Path: buildPath(t, "config.system.build.slowmarker"), NoLink: true})
	var pgrp int
	var cancelledAt time.Time
	for ev := range run.Events() {
		if ev.Kind == buildlog.EventLog && strings.Contains(ev.Line, "nixplore-cancel-marker started") && cancelledAt.IsZero() {
			procs := markerProcs(mySalt)
			for _, g := range procs {
				pgrp = g
			}
			if len(procs) == 0 {
				t.Error("the builder's marker is not in any command line")
			}
			cancelledAt = time.Now()
			cancel()
		}
	}
	_, err := run.Wait()
	took := time.Since(cancelledAt)
	t.Logf("cancel to exit: %v", took)
	var f *build.Failure
	if !errors.As(err, &f) || f.Kind != build.FailCancelled {
		t.Fatalf("got %T %v", err, err)
	}
	if len(f.Finished) != 0 || len(f.Notes) != 1 || !strings.Contains(f.Notes[0], "nixplore-cancel-marker") {
		t.Errorf("failure %+v", f)
	}
	if !strings.Contains(f.Error(), "nothing had finished building") {
		t.Errorf("message %s", f.Error())
	}
	if pgrp == 0 {
		t.Fatal("no process group seen")
	}
	// Run has sent SIGKILL to the group when Wait returns; the kernel may
	// take a moment to end a builder. The bound: 2 s after ctrl-c.
	deadline := cancelledAt.Add(2 * time.Second)
	for (len(markerProcs(mySalt)) != 0 || len(testnix.GroupAlive(pgrp)) != 0) && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	t.Logf("cancel to no process left: %v", time.Since(cancelledAt))
	if left := markerProcs(mySalt); len(left) != 0 {
		t.Errorf("marker processes left 2 s after cancel: %v", left)
	}
	if alive := testnix.GroupAlive(pgrp); len(alive) != 0 {
		t.Errorf("process group %d still has %v 2 s after cancel", pgrp, alive)
	}
}

func TestBuildCancelSaysWhatFinished(t *testing.T) {
	testnix.Setup(t)
	salt(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	run := build.Start(ctx, nixeval.Tools{}, testnix.Classic(t, "buildfail", ""), build.Options{Path: buildPath(t, "config.system.build.chain"), NoLink: true})
	for ev := range run.Events() {
		if ev.Kind == buildlog.EventLog && ev.Line == "chain step 3: starting" {
			cancel()
		}
	}
	res, err := run.Wait()
	var f *build.Failure
	if res != nil || !errors.As(err, &f) || f.Kind != build.FailCancelled {
		t.Fatalf("got %v %T %v", res, err, err)
	}
	if got := strings.Join(namesOf(f.Finished), ","); got != "chain-step-1,chain-step-2" {
		t.Errorf("finished %s", got)
	}
	if len(f.Notes) != 1 || !strings.HasSuffix(f.Notes[0], "chain-step-3") {
		t.Errorf("notes %q", f.Notes)
	}
}

func namesOf(drvs []string) []string {
	var out []string
	for _, d := range drvs {
		out = append(out, buildlog.DrvName(d))
	}
	return out
}

func TestBuildHashMismatch(t *testing.T) {
	testnix.Setup(t)
	salt(t)
	f, _ := buildFailure(t, testnix.Classic(t, "buildfail", ""), "config.system.build.hashMismatch")
	if f.Kind != build.FailHashMismatch || buildlog.DrvName(f.Drv) != "hash-mismatch" || f.Exit != 102 {
		t.Fatalf("%+v", f)
	}
	if f.Specified != "sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=" || !strings.HasPrefix(f.Got, "sha256-") || f.Got == f.Specified {
		t.Errorf("specified %q got %q", f.Specified, f.Got)
	}
}

// A flake host builds with `nix build` (outputs from --json on both
// versions) and its result link is found.
func TestBuildFlakeToplevel(t *testing.T) {
	testnix.Setup(t)
	tg := testnix.Flake(t, "laptop")
	path := buildPath(t, "config.system.build.toplevel")
	if argv := nixeval.BuildCommands(tg, path).Argv; argv[0] != "nix" {
		t.Fatalf("flake builds with %v", argv)
	}
	link := filepath.Join(t.TempDir(), "sys")
	run := build.Start(context.Background(), nixeval.Tools{}, tg, build.Options{Path: path, OutLink: link})
	collect(run)
	res, err := run.Wait()
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Outputs) != 1 || res.Outputs[0].Name != "out" || !strings.Contains(res.Outputs[0].Path, "-nixos-system-laptop-") {
		t.Fatalf("outputs %+v", res.Outputs)
	}
	if len(res.Links) != 1 || res.Links[0] != link || res.ClosureSize <= 0 {
		t.Errorf("links %v closure %d", res.Links, res.ClosureSize)
	}
	// The next step names the flake and its host: run as printed, a bare
	// `nixos-rebuild switch` would activate /etc/nixos, another system.
	// This test machine is not that host, so the step deploys to it.
	var rebuild string
	for _, st := range res.NextSteps {
		if strings.Contains(st.Command, "nixos-rebuild") {
			rebuild = st.Command
		}
	}
	if want := "switch --flake " + attr.ShellQuote(tg.FlakeRef+"#laptop") + " --target-host root@laptop"; !strings.Contains(rebuild, want) {
		t.Errorf("next steps lack %q: %+v", want, res.NextSteps)
	}
	// Built now: the plan is empty.
	p, err := build.DryRun(context.Background(), nixeval.Tools{}, tg, path)
	if err != nil || !p.Empty() {
		t.Errorf("plan %+v err %v", p, err)
	}
}

func TestNextStepsImages(t *testing.T) {
	out := t.TempDir()
	for _, f := range []string{"sd-image/nixos-sd-image-aarch64-linux.img.zst", "nix-support/hydra-build-products"} {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(out, f)), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	img := filepath.Join(out, "sd-image/nixos-sd-image-aarch64-linux.img.zst")
	os.WriteFile(img, []byte("x"), 0o644)
	os.WriteFile(filepath.Join(out, "nix-support/hydra-build-products"), []byte("file sd-image "+img+"\n"), 0o644)
	steps := build.NextSteps([]build.BuiltOutput{{Path: out}}, nil, build.Situation{})
	if len(steps) != 1 || steps[0].Command != "zstdcat "+img+" | sudo dd of=/dev/sdX bs=4M status=progress conv=fsync" || !strings.Contains(steps[0].Warning, "lsblk") {
		t.Errorf("%+v", steps)
	}
	// Without hydra-build-products: found by directory, plain .img.
	out2 := t.TempDir()
	os.MkdirAll(filepath.Join(out2, "sd-image"), 0o755)
	os.WriteFile(filepath.Join(out2, "sd-image", "pi.img"), []byte("x"), 0o644)
	steps = build.NextSteps([]build.BuiltOutput{{Path: out2}}, nil, build.Situation{})
	if len(steps) != 1 || steps[0].Command != "sudo dd if="+filepath.Join(out2, "sd-image", "pi.img")+" of=/dev/sdX bs=4M status=progress conv=fsync" {
		t.Errorf("%+v", steps)
	}
}

// A builder printing about 20 MB (28 MB of Nix's internal-json stderr):
// what the build keeps of it stays bounded while it runs and after, and
// the failure is still explained with the builder's last lines.
func TestBuildLoudBuilderStaysBounded(t *testing.T) {
	testnix.Setup(t)
	salt(t)
	run := build.Start(context.Background(), nixeval.Tools{}, testnix.Classic(t, "buildfail", ""), build.Options{Path: buildPath(t, "config.system.build.loud"), NoLink: true})
	heap := func() uint64 {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	base := heap()
	var peak uint64
	n := 0
	for range run.Events() {
		if n++; n%20_000 == 0 {
			peak = max(peak, heap())
		}
	}
	_, err := run.Wait()
	var f *build.Failure
	if !errors.As(err, &f) {
		t.Fatalf("got %T %v", err, err)
	}
	peak = max(peak, heap())
	t.Logf("%d events; heap %d KiB before, at most %d KiB during and after", n, base>>10, peak>>10)
	if n < 20_000 {
		t.Fatalf("only %d events: the builder did not print", n)
	}
	// Kept: the stderr tail (64 KiB), 200 lines per derivation and the
	// event queue; everything the builder printed would be ~30 MB.
	if grown := int64(peak) - int64(base); grown > 12<<20 {
		t.Errorf("the heap grew by %d MiB while the builder printed ~28 MB", grown>>20)
	}
	var ne *nixproc.NixError
	if !errors.As(err, &ne) || len(ne.Stderr) > 64<<10 {
		t.Errorf("the failure keeps %d bytes of stderr", len(ne.Stderr))
	}
	if buildlog.DrvName(f.Drv) != "loud" || len(f.LogTail) != build.LogTailLines || !strings.HasPrefix(f.LogTail[len(f.LogTail)-1], "loud builder line 200000,") {
		t.Errorf("not explained with the builder's last lines: drv %q, log tail %q\n%v", f.Drv, f.LogTail, f)
	}
}

// An output named like a well-known one whose files are not where nixpkgs
// puts them still gets its next step, with the names such a result has.
func TestKnownNextStepsByName(t *testing.T) {
	out := t.TempDir()
	outs := []build.BuiltOutput{{Path: out}}
	if steps := build.NextSteps(outs, nil, build.Situation{}); len(steps) != 0 {
		t.Fatalf("an empty output has steps: %+v", steps)
	}
	for name, want := range map[string]string{
		"sdImage":  "zstdcat " + out + "/sd-image/*.img.zst | sudo dd of=/dev/sdX bs=4M status=progress",
		"vm":       out + "/bin/run-*-vm",
		"toplevel": "nix-copy-closure --to root@unknown " + out + " && ssh root@unknown nix-env -p /nix/var/nix/profiles/system --set " + out,
		"isoImage": "sudo dd if=" + out + "/iso/*.iso of=/dev/sdX",
	} {
		steps := build.KnownNextSteps(name, outs, nil, build.Situation{})
		if len(steps) != 1 || !strings.Contains(steps[0].Command, want) {
			t.Errorf("%s: %+v, want a command with %q", name, steps, want)
		}
	}
	if steps := build.KnownNextSteps("manual", outs, nil, build.Situation{}); steps != nil {
		t.Errorf("manual: %+v", steps)
	}
	// The result's path is data: quoted in the command, as is in the title.
	odd := filepath.Join(t.TempDir(), "it's here")
	steps := build.KnownNextSteps("sdImage", []build.BuiltOutput{{Path: odd}}, nil, build.Situation{})
	if len(steps) != 1 || !strings.HasPrefix(steps[0].Command, "zstdcat "+attr.ShellQuote(odd)+"/sd-image/*.img.zst | ") ||
		!strings.Contains(steps[0].Title, odd+"/sd-image") || !strings.Contains(steps[0].Warning, "lsblk") {
		t.Errorf("sdImage at %q: %+v", odd, steps)
	}
}
