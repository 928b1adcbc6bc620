package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nixplore/nixplore/internal/testnix"
	"github.com/nixplore/nixplore/nixeval/attr"
)

func refusalSetup(t *testing.T) (source, root string) {
	testnix.Setup(t)
	saltEnv(t)
	return testnix.SourceOnlyInCache(t)
}

func valid(root, path string) bool { return testnix.Valid(root, path) }

// TestBuildRefusesWhatNoOneHereBuilds: the dry run says the input will be
// fetched and the output built; no one here builds the output's platform,
// so build refuses before Nix fetches anything: no nix-build but the dry
// run starts, the input's path stays invalid, the exit is 1 with the ways
// out. --force goes ahead: Nix fetches the input, then fails.
func TestBuildRefusesWhatNoOneHereBuilds(t *testing.T) {
	source, root := refusalSetup(t)
	log := testnix.RecordNixBuild(t)
	args := buildArgs("buildfail", "--no-link", "config.system.build.otherPlatformWithSource")
	out, errOut, code := runCLI(t, args...)
	if code != 1 || out != "" {
		t.Fatalf("exit %d stdout %q\n%s", code, out, errOut)
	}
	dry, builds := testnix.Recorded(t, log)
	if len(dry) != 1 || len(builds) != 0 {
		t.Errorf("want one dry run and no build, got dry runs %q, builds %q", dry, builds)
	}
	if valid(root, source) {
		t.Errorf("the input %s was fetched although the build was refused", source)
	}
	for _, want := range []string{
		"plan: fetch 1 path, 8.0 MiB download",
		"refused: this build needs 1 derivation built; no one here can build 1 of them:",
		"other-platform-with-source (" + os.Getenv("NIXPLORE_OTHER_SYSTEM") + ")",
		"Nix would first fetch 1 path (8.0 MiB download) and then fail; nothing was fetched or built.",
		"boot.binfmt.emulatedSystems",
		"--builders",
		"To build anyway, run again with --force.",
	} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	// --force: the plan is skipped; Nix fetches the input and fails on the output.
	_, errOut, code = runCLI(t, append(buildArgs("buildfail", "--no-link", "--force"), "config.system.build.otherPlatformWithSource")...)
	if code != 1 {
		t.Fatalf("--force: exit %d\n%s", code, errOut)
	}
	if _, builds = testnix.Recorded(t, log); len(builds) != 1 {
		t.Errorf("--force started %d builds, want 1", len(builds))
	}
	if !valid(root, source) {
		t.Errorf("--force did not fetch the input %s (the build should have gone ahead):\n%s", source, errOut)
	}
	if !strings.Contains(errOut, "warning: --force: building without a plan") {
		t.Errorf("--force gives no warning:\n%s", errOut)
	}
}

// TestBuildOfOtherPlatformThatCanBeFetched: the same output, all of it in
// the binary cache: nothing to build, so nothing is refused, whatever the
// output's platform.
func TestBuildOfOtherPlatformThatCanBeFetched(t *testing.T) {
	testnix.Setup(t)
	saltEnv(t)
	other := testnix.OtherSystem(t)
	output := testnix.BuildHere(t, "buildfail", "config.system.build.otherPlatformWithSource", "--option", "extra-platforms", other)
	cache := testnix.CacheOf(t, output)
	root := t.TempDir()
	testnix.UseCacheAndStore(t, cache, root)
	out, errOut, code := runCLI(t, append(buildArgs("buildfail", "--no-link", "--json"), "config.system.build.otherPlatformWithSource")...)
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	if !valid(root, output) || !strings.Contains(out, output) {
		t.Errorf("%s was not fetched:\n%s", output, out)
	}
	var sawPlan bool
	for _, l := range strings.Split(out, "\n") {
		var ev struct {
			Kind      string
			Buildable *bool
			Plan      struct{ Build, Fetch []string }
		}
		if json.Unmarshal([]byte(l), &ev) != nil || ev.Kind != "plan" || ev.Buildable == nil {
			continue
		}
		sawPlan = true
		if !*ev.Buildable || len(ev.Plan.Build) != 0 || len(ev.Plan.Fetch) != 1 {
			t.Errorf("plan line: %s", l)
		}
	}
	if !sawPlan {
		t.Errorf("no plan line with buildable:\n%s", out)
	}
}

// TestBuildRefusesAMissingFeature: a derivation of this machine's own
// platform that requires a system feature no one here offers.
func TestBuildRefusesAMissingFeature(t *testing.T) {
	testnix.Setup(t)
	saltEnv(t)
	log := testnix.RecordNixBuild(t)
	_, errOut, code := runCLI(t, buildArgs("buildfail", "--no-link", "config.system.build.needsFeature")...)
	if code != 1 {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	if _, builds := testnix.Recorded(t, log); len(builds) != 0 {
		t.Errorf("a build was started: %q", builds)
	}
	for _, want := range []string{"needs-feature (" + testnix.HostSystem() + ", needs nixplore-test-feature)", "no builder offers nixplore-test-feature", "system-features"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	// The feature given to this Nix: the build goes ahead and succeeds.
	out, errOut, code := runCLI(t, append(buildArgs("buildfail", "--no-link", "--option", "system-features", "nixplore-test-feature"), "config.system.build.needsFeature")...)
	if code != 0 || !strings.Contains(out, "-needs-feature") {
		t.Errorf("with the feature: exit %d %s\n%s", code, out, errOut)
	}
}

// TestBuildFlakeNextStepNamesTheFlake: after building a flake host's
// system, the printed next step names --flake REF#HOST (run as printed, a
// bare `nixos-rebuild switch` activates /etc/nixos, another system), and
// this machine not being that host, it deploys with --target-host. The
// printed command is checked, never run.
func TestBuildFlakeNextStepNamesTheFlake(t *testing.T) {
	testnix.Setup(t)
	host, hostName := "laptop", "laptop"
	if testnix.HostSystem() == "aarch64-linux" {
		host, hostName = "pi", "nixosraspberrypi42"
	}
	ref := "path:" + testnix.FlakeDir(t)
	link := filepath.Join(t.TempDir(), "sys")
	out, errOut, code := runCLI(t, "build", "--flake", ref+"#"+host, "-o", link, "config.system.build.toplevel")
	if code != 0 || !strings.Contains(out, "-nixos-system-"+hostName+"-") {
		t.Fatalf("exit %d %s\n%s", code, out, errOut)
	}
	want := "switch --flake " + attr.ShellQuote(ref+"#"+host) + " --target-host root@" + hostName
	if !strings.Contains(errOut, want) || strings.Contains(errOut, "sudo nixos-rebuild switch\n") {
		t.Errorf("the next step lacks %q:\n%s", want, errOut)
	}
	if !strings.Contains(errOut, "nix-copy-closure --to root@"+hostName) {
		t.Errorf("no by-hand step:\n%s", errOut)
	}
}
