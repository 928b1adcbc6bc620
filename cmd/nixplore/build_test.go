package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nixplore/nixplore/internal/testnix"
	"github.com/nixplore/nixplore/internal/testsys"
	"github.com/nixplore/nixplore/nixeval/build/buildlog"
)

func saltEnv(t *testing.T) string {
	salt := fmt.Sprintf("%s-%d", t.Name(), time.Now().UnixNano())
	t.Setenv("NIXPLORE_SALT", salt)
	return salt
}

// markerPIDs are this test's builders: the marker in their command line,
// the salt in their environment (parallel runs elsewhere do not count).
func markerPIDs(marker, salt string) []testnix.Proc { return testnix.Marked(marker, salt) }

func buildArgs(config string, extra ...string) []string {
	return append(append([]string{"build"}, testnix.ClassicArgs(config, "")...), extra...)
}

func TestBuildCLIJSON(t *testing.T) {
	testnix.Setup(t)
	saltEnv(t)
	link := filepath.Join(t.TempDir(), "res")
	out, errOut, code := runCLI(t, buildArgs("buildfail", "--json", "-o", link, "config.system.build.chain")...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var kinds []string
	var result struct {
		Outputs []struct{ Path string }
		Links   []string
		Built   []string
	}
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		var ev struct {
			Kind   string
			Drv    string
			Result json.RawMessage
		}
		if err := json.Unmarshal([]byte(l), &ev); err != nil {
			t.Fatalf("not JSON: %q", l)
		}
		switch ev.Kind {
		case "platform", "plan", "build-started", "build-stopped":
			kinds = append(kinds, strings.TrimSpace(ev.Kind+" "+stepName(ev.Drv)))
		case "result":
			if err := json.Unmarshal(ev.Result, &result); err != nil {
				t.Fatal(err)
			}
			kinds = append(kinds, "result")
		}
	}
	want := "platform 4,plan,build-started 1,build-stopped 1,build-started 2,build-stopped 2,build-started 3,build-stopped 3,build-started 4,build-stopped 4,result"
	if got := strings.Join(kinds, ","); got != want {
		t.Errorf("JSON lines\n got %s\nwant %s", got, want)
	}
	if len(result.Outputs) != 1 || !strings.HasSuffix(result.Outputs[0].Path, "-chain-step-4") || len(result.Links) != 1 || len(result.Built) != 4 {
		t.Errorf("result %+v", result)
	}
	if target, _ := os.Readlink(link); target != result.Outputs[0].Path {
		t.Errorf("link -> %q", target)
	}
}

// stepName shortens a chain-step drv path to its number.
func stepName(drv string) string {
	if i := strings.Index(drv, "chain-step-"); i >= 0 {
		return strings.TrimSuffix(drv[i+len("chain-step-"):], ".drv")
	}
	return ""
}

func TestBuildCLIText(t *testing.T) {
	testnix.Setup(t)
	saltEnv(t)
	// Not built yet: an output in the store is "already built", without
	// the platform line.
	vm := nixOut(t, "nix-instantiate", append([]string{"--eval", "--json", "<nixpkgs/nixos>", "-A", "config.system.build.vm.outPath"}, testnix.ClassicArgs("laptop", "")...)...)
	unbuildPaths(t, strings.Trim(vm, `"`))
	out, errOut, code := runCLI(t, buildArgs("laptop", "--no-link", "config.system.build.vm")...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.HasPrefix(out, "/nix/store/") || !strings.HasSuffix(strings.TrimSpace(out), "-nixos-vm") {
		t.Errorf("stdout %q", out)
	}
	for _, want := range []string{"platform: x86_64-linux builds on this machine", "closure size", "next: start the virtual machine", "/bin/run-laptop-vm"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
}

func TestBuildCLIFailure(t *testing.T) {
	testnix.Setup(t)
	saltEnv(t)
	out, errOut, code := runCLI(t, buildArgs("buildfail", "--no-link", "config.system.build.diskfull")...)
	if code != 1 || out != "" {
		t.Fatalf("exit %d stdout %q", code, out)
	}
	for _, want := range []string{"ran out of disk space", "free on /nix/store", "inside the disk image", "full log: nix-store -l /nix/store/"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
}

func TestBuildCLIRefusesTopLevel(t *testing.T) {
	testnix.Setup(t)
	_, errOut, code := runCLI(t, buildArgs("laptop", "")...)
	if code != 2 || !strings.Contains(errOut, "vmWithBootLoader") || !strings.Contains(errOut, "--all") {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	// --all lets it through; the dry run shows the VMs it would build.
	saltEnv(t)
	_, errOut, code = runCLI(t, buildArgs("laptop", "--all", "--dry-run", "")...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(errOut, "plan:") {
		t.Errorf("no plan:\n%s", errOut)
	}
}

func TestBuildCLIDryRun(t *testing.T) {
	testnix.Setup(t)
	saltEnv(t)
	out, errOut, code := runCLI(t, buildArgs("buildfail", "--dry-run", "--json", "config.system.build.chain")...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	var plan struct {
		Kind string
		Plan struct{ Build []string }
	}
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &plan); err != nil || plan.Kind != "plan" || len(plan.Plan.Build) != 4 {
		t.Fatalf("%v %+v\n%s", err, plan, out)
	}
	// Nothing was built.
	if _, err := os.Stat(strings.TrimSuffix(plan.Plan.Build[0], ".drv")); err == nil {
		t.Error("dry run built something")
	}
}

func TestBuildCLIUsage(t *testing.T) {
	_, errOut, code := runCLI(t, "build", "-o", "x", "--no-link", "config.system.build.toplevel")
	if code != 2 || !strings.Contains(errOut, "only one of --out-link and --no-link") {
		t.Errorf("exit %d: %s", code, errOut)
	}
}

// ctrl-c, SIGTERM and SIGHUP (a closed terminal) during a build stop it
// and every process under it, say what finished, and exit non-zero.
func TestBuildCLIInterrupt(t *testing.T) {
	testnix.Setup(t)
	bin := buildBinary(t)
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP} {
		t.Run(sig.String(), func(t *testing.T) {
			salt := saltEnv(t)
			const marker = "nixplore-cancel-marker"
			cmd := exec.Command(bin, buildArgs("buildfail", "--no-link", "config.system.build.slowmarker")...)
			var stderr testsys.Buffer
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			deadline := time.Now().Add(30 * time.Second)
			for len(markerPIDs(marker, salt)) == 0 && time.Now().Before(deadline) {
				time.Sleep(50 * time.Millisecond)
			}
			if len(markerPIDs(marker, salt)) == 0 {
				_ = cmd.Process.Kill()
				t.Fatalf("the builder never started:\n%s", stderr.String())
			}
			start := time.Now()
			_ = cmd.Process.Signal(sig)
			err := cmd.Wait()
			t.Logf("%s to exit: %v", sig, time.Since(start))
			if err == nil {
				t.Fatalf("exit status 0 after %s", sig)
			}
			if code := cmd.ProcessState.ExitCode(); code != 128+int(sig) {
				t.Errorf("exit status %d after %s, want %d", code, sig, 128+int(sig))
			}
			// SIGKILL has reached the group when nixplore exits; the kernel may
			// take a moment to end a builder. The bound: 2 s.
			for len(markerPIDs(marker, salt)) != 0 && time.Since(start) < 2*time.Second {
				time.Sleep(10 * time.Millisecond)
			}
			t.Logf("%s to no process left: %v", sig, time.Since(start))
			if left := markerPIDs(marker, salt); len(left) != 0 {
				t.Errorf("marker processes left 2 s after %s: %v", sig, left)
			}
			if !strings.Contains(stderr.String(), "build cancelled") || !strings.Contains(stderr.String(), "stopped while building: nixplore-cancel-marker") {
				t.Errorf("stderr:\n%s", stderr.String())
			}
		})
	}
}

func TestBuildProgressLine(t *testing.T) {
	var errb bytes.Buffer
	b := &buildOutput{tty: true, stderr: &errb}
	s := buildlog.Stats{Done: 2, Expected: 4, Running: 1, Active: []buildlog.ActiveBuild{{Name: "chain-step-3", LastLine: "chain step 3: " + strings.Repeat("working ", 20)}}}
	b.event(buildlog.Event{Kind: buildlog.EventLog, Stats: s})
	b.event(buildlog.Event{Kind: buildlog.EventPhase, Stats: buildlog.Stats{Done: 3, Expected: 4, Running: 1, Active: []buildlog.ActiveBuild{{Name: "chain-step-4", Phase: "installPhase"}}}})
	b.info("done")
	frames := strings.Split(errb.String(), "\r\x1b[K")
	if len(frames) != 4 {
		t.Fatalf("%q", errb.String())
	}
	if !strings.HasPrefix(frames[1], "[2/4 built, 1 running] chain-step-3: chain step 3: working") || len([]rune(frames[1])) != 79 || !strings.HasSuffix(frames[1], "…") {
		t.Errorf("frame 1 %q (%d)", frames[1], len([]rune(frames[1])))
	}
	if frames[2] != "[3/4 built, 1 running] chain-step-4 (installPhase)" {
		t.Errorf("frame 2 %q", frames[2])
	}
	if frames[3] != "nixplore: done\n" {
		t.Errorf("the status line is not cleared before other output: %q", frames[3])
	}
}

// dryRunCount is how many derivations Nix's own dry run says it would
// build for path of the fixture config on system, asked the moment before
// nixplore is: the count nixplore's plan and build must say.
func dryRunCount(t *testing.T, config, system, path string) int {
	t.Helper()
	args := append([]string{"<nixpkgs/nixos>", "-A", path, "--dry-run"}, testnix.ClassicArgs(config, system)...)
	out, err := exec.Command("nix-build", args...).CombinedOutput()
	if err != nil {
		t.Fatalf("nix-build --dry-run: %v\n%s", err, out)
	}
	n := 0
	for _, l := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(l, "  /nix/store/") && strings.HasSuffix(l, ".drv") {
			n++
		}
	}
	if n == 0 {
		t.Fatalf("Nix's dry run builds nothing:\n%s", out)
	}
	return n
}

// The motivating story: an aarch64 SD image on an x86_64 machine. The
// plan shows the derivations no one here can build, and build refuses
// before starting Nix's build (exit 1, the ways out); --force goes ahead
// and Nix's own platform error is explained. On an aarch64 machine the
// same image builds.
func TestBuildCLIPiSDImage(t *testing.T) {
	testnix.Setup(t)
	log := testnix.RecordNixBuild(t)
	args := append(append([]string{"build"}, testnix.ClassicArgs("pi", "aarch64-linux")...), "--no-link", "config.system.build.sdImage")
	out, errOut, code := runCLI(t, args...)
	if testnix.HostSystem() == "aarch64-linux" {
		if code != 0 || !strings.Contains(out, "nixos-sd-image") {
			t.Fatalf("on aarch64: exit %d stdout %q\n%s", code, out, errOut)
		}
		return
	}
	if code != 1 || out != "" {
		t.Fatalf("exit %d stdout %q\n%s", code, out, errOut)
	}
	if _, builds := testnix.Recorded(t, log); len(builds) != 0 {
		t.Errorf("nix-build was started: %q", builds)
	}
	n := dryRunCount(t, "pi", "aarch64-linux", "config.system.build.sdImage")
	plan := strings.Index(errOut, fmt.Sprintf("nixplore: plan: build %d derivations:", n))
	refused := strings.Index(errOut, fmt.Sprintf("nixplore: refused: this build needs %d derivations built; no one here can build %d of them:", n, n))
	ways := strings.Index(errOut, "boot.binfmt.emulatedSystems = [ \"aarch64-linux\" ]")
	if plan < 0 || refused < 0 || ways < 0 || !(plan < refused && refused < ways) || !strings.Contains(errOut, "run again with --force") {
		t.Fatalf("order plan=%d refused=%d ways=%d:\n%s", plan, refused, ways, errOut)
	}
	_, errOut, code = runCLI(t, append(args[:len(args)-1], "--force", "config.system.build.sdImage")...)
	if code != 1 || !strings.Contains(errOut, "must be built on aarch64-linux, but this machine is "+testnix.HostSystem()) || !strings.Contains(errOut, "warning: --force") {
		t.Errorf("--force: exit %d\n%s", code, errOut)
	}
	if _, builds := testnix.Recorded(t, log); len(builds) != 1 {
		t.Errorf("--force started %d builds, want 1", len(builds))
	}
}

func TestBuildCLIIgnoredSystem(t *testing.T) {
	testnix.Setup(t)
	args := append(append([]string{"build"}, testnix.ClassicArgs("hostplatform", "x86_64-linux")...), "--dry-run", "config.system.build.toplevel")
	_, errOut, code := runCLI(t, args...)
	// The configuration is aarch64-linux's whatever --system says; whether
	// this machine builds it depends on the machine.
	platform := "cannot build aarch64-linux"
	if testnix.HostSystem() == "aarch64-linux" {
		platform = "platform: aarch64-linux builds on this machine"
	}
	if code != 0 || !strings.Contains(errOut, "--argstr system x86_64-linux was ignored") || !strings.Contains(errOut, platform) {
		t.Fatalf("exit %d:\n%s", code, errOut)
	}
}
