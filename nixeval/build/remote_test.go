package build_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nixplore/nixplore/internal/testbuilder"
	"github.com/nixplore/nixplore/internal/testnix"
	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/build"
	"github.com/nixplore/nixplore/nixeval/build/buildlog"
)

// A real remote builder (sshd on 127.0.0.1 with a store of its own) builds
// the aarch64 SD image on this x86_64 machine: the platform check counts
// it, progress names it, the copies are copies and the result says where.
func TestRemoteBuilderBuildsAarch64Image(t *testing.T) {
	testnix.Setup(t)
	testbuilder.Salt(t)
	b := testbuilder.Start(t, "aarch64-linux")
	b.Setenv(t)
	tg := testnix.Classic(t, "pi", "aarch64-linux")
	tg.Builders = b.Spec("aarch64-linux")
	ctx := context.Background()

	pc := build.CheckPlatform(ctx, nixeval.Tools{}, "aarch64-linux", tg.Builders)
	if !pc.CanBuild || pc.Local || pc.Builder == nil || pc.Builder.URI != b.URI() || pc.Builder.Source != "--builders" {
		t.Fatalf("platform check does not count the builder: %+v", pc)
	}
	if ex := pc.Explain(); !strings.Contains(ex, "builds on the remote builder "+b.URI()+" (from --builders)") {
		t.Errorf("Explain: %s", ex)
	}

	run := build.Start(ctx, nixeval.Tools{}, tg, build.Options{Path: buildPath(t, "config.system.build.sdImage"), NoLink: true})
	evs := collect(run)
	res, err := run.Wait()
	if err != nil {
		var f *build.Failure
		if errors.As(err, &f) {
			t.Fatalf("remote build: %s\n%s", f.Error(), strings.Join(f.LogTail, "\n"))
		}
		t.Fatalf("remote build: %v", err)
	}
	var started, copiesTo, copiesFrom, fetches int
	for _, ev := range evs {
		switch ev.Kind {
		case buildlog.EventBuildStarted:
			started++
			if ev.Machine != b.URI() {
				t.Errorf("build of %s started on %q, want %s", buildlog.DrvName(ev.Drv), ev.Machine, b.URI())
			}
		case buildlog.EventCopy:
			if ev.From == "local" && ev.To == b.URI() {
				copiesTo++
			} else if ev.From == b.URI() && ev.To == "local" {
				copiesFrom++
			} else {
				t.Errorf("copy %s from %q to %q", ev.Path, ev.From, ev.To)
			}
		case buildlog.EventFetch:
			fetches++
		}
	}
	if started == 0 || copiesFrom == 0 || fetches != 0 {
		t.Errorf("builds started %d, copies from the builder %d (to it %d), fetches %d: want builds, copies back and no fetch", started, copiesFrom, copiesTo, fetches)
	}
	if len(res.BuiltOn) != len(res.Built) || len(res.Built) == 0 {
		t.Errorf("built %d, of which on a builder %d: %+v", len(res.Built), len(res.BuiltOn), res.BuiltOn)
	}
	if w := res.Where(); w != "on "+b.URI() {
		t.Errorf("Where() = %q", w)
	}
	if res.Stats.FetchExpected != 0 {
		t.Errorf("copies counted as fetches: %+v", res.Stats)
	}
	if len(res.Outputs) != 1 || !strings.HasSuffix(res.Outputs[0].Path, "-aarch64-linux.img") {
		t.Fatalf("outputs: %+v", res.Outputs)
	}
	if len(res.NextSteps) == 0 || !strings.Contains(res.NextSteps[0].Command, "sudo dd if="+res.Outputs[0].Path+"/sd-image/") || !strings.HasPrefix(res.NextSteps[0].Title, "the SD card image is "+res.Outputs[0].Path+"/sd-image/") {
		t.Errorf("next steps: %+v", res.NextSteps)
	}
}

// A builder nobody answers: Nix warns that it cannot build there, then
// fails on the platform; the failure names the builder and the reason.
func TestUnreachableBuilderNamed(t *testing.T) {
	testnix.Setup(t)
	salt(t)
	b := testbuilder.Unreachable(t)
	b.Setenv(t)
	tg := testnix.Classic(t, "buildfail", "")
	tg.Builders = b.Spec("aarch64-linux")
	run := build.Start(context.Background(), nixeval.Tools{}, tg, build.Options{Path: buildPath(t, "config.system.build.otherPlatform"), NoLink: true})
	collect(run)
	_, err := run.Wait()
	var f *build.Failure
	if !errors.As(err, &f) {
		t.Fatalf("want a *build.Failure, got %T %v", err, err)
	}
	if f.Kind != build.FailPlatform || len(f.Unreachable) != 1 || f.Unreachable[0].URI != b.URI() {
		t.Fatalf("failure: kind %v, unreachable %+v\n%s", f.Kind, f.Unreachable, f.Error())
	}
	msg := f.Error()
	for _, want := range []string{"could not reach the builder " + b.URI(), "Connection refused", "must be built on aarch64-linux", "ssh HOST"} {
		if !strings.Contains(msg, want) {
			t.Errorf("failure lacks %q:\n%s", want, msg)
		}
	}
}

// Builders configured in Nix's own settings count too: a `builders` line
// in NIX_CONFIG (as in nix.conf), and machines files behind `@`.
func TestPlatformCheckCountsConfiguredBuilders(t *testing.T) {
	testnix.Setup(t)
	ctx := context.Background()
	machines := filepath.Join(t.TempDir(), "machines")
	if err := os.WriteFile(machines, []byte("# the Pi builder\nssh://pi-builder aarch64-linux,armv7l-linux /root/.ssh/pi 4\nssh://other riscv64-linux\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, builders, system, uri, source string
	}{
		{"a builders line", "ssh://b1 aarch64-linux", "aarch64-linux", "ssh://b1", "Nix's builders setting (nix.conf or NIX_CONFIG)"},
		{"a machines file", "@" + machines, "armv7l-linux", "ssh://pi-builder", machines},
		{"a machines file, second line", "@" + machines, "riscv64-linux", "ssh://other", machines},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("NIX_CONFIG", testnix.NixConfig+"\nbuilders = "+tc.builders)
			pc := build.CheckPlatform(ctx, nixeval.Tools{}, tc.system)
			if pc.Err != nil {
				t.Fatal(pc.Err)
			}
			if !pc.CanBuild || pc.Local || pc.Builder == nil || pc.Builder.URI != tc.uri || pc.Builder.Source != tc.source {
				t.Fatalf("%+v (builder %+v)", pc, pc.Builder)
			}
			if ex := pc.Explain(); !strings.Contains(ex, "builds on the remote builder "+tc.uri+" (from "+tc.source+")") {
				t.Errorf("Explain: %s", ex)
			}
		})
	}
	t.Run("--builders replaces the setting", func(t *testing.T) {
		t.Setenv("NIX_CONFIG", testnix.NixConfig+"\nbuilders = ssh://b1 aarch64-linux")
		pc := build.CheckPlatform(ctx, nixeval.Tools{}, "aarch64-linux", "ssh://b2 riscv64-linux")
		if pc.CanBuild || len(pc.Machines) != 1 || pc.Machines[0].URI != "ssh://b2" {
			t.Fatalf("%+v", pc)
		}
		if ex := pc.Explain(); !strings.Contains(ex, "(now: ssh://b2 for riscv64-linux)") {
			t.Errorf("Explain: %s", ex)
		}
	})
	t.Run("none", func(t *testing.T) {
		t.Setenv("NIX_CONFIG", testnix.NixConfig+"\nbuilders =")
		pc := build.CheckPlatform(ctx, nixeval.Tools{}, "aarch64-linux")
		if pc.CanBuild || pc.Builder != nil || !strings.Contains(pc.Explain(), "(now: none configured)") {
			t.Fatalf("%+v\n%s", pc, pc.Explain())
		}
	})
}

func TestParseBuilders(t *testing.T) {
	got := build.ParseBuilders("ssh://a aarch64-linux ; ssh://b - key 2\n# comment\nssh://c x86_64-linux,i686-linux # why", "--builders", "x86_64-linux")
	want := []string{"ssh://a:aarch64-linux", "ssh://b:x86_64-linux", "ssh://c:x86_64-linux,i686-linux"}
	if len(got) != len(want) {
		t.Fatalf("%+v", got)
	}
	for i, b := range got {
		if s := b.URI + ":" + strings.Join(b.Systems, ","); s != want[i] || b.Source != "--builders" {
			t.Errorf("%d: %s (%s), want %s", i, s, b.Source, want[i])
		}
	}
	if got := build.ParseBuilders("@/nonexistent/machines", "x", "x86_64-linux"); len(got) != 0 {
		t.Errorf("a missing machines file: %+v", got)
	}
}
