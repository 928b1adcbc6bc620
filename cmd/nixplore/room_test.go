package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nixplore/nixplore/internal/testnix"
)

// TestBuildStopsWhenDownloadsDoNotFit: the store is a chroot store on a
// 1 MiB tmpfs, the 3 MiB output is in a file:// binary cache. `build`
// stops before Nix fetches anything and says what to do; --dry-run says
// the same as a warning; --force goes on to Nix.
func TestBuildStopsWhenDownloadsDoNotFit(t *testing.T) {
	testnix.Setup(t)
	saltEnv(t)
	cache, out := testnix.BinaryCache(t, "buildfail", "config.system.build.sized")
	root := testnix.SmallStore(t, "1m")
	testnix.UseCacheAndStore(t, cache, root)
	storeDir := filepath.Join(root, "nix", "store")

	_, errOut, code := runCLI(t, buildArgs("buildfail", "--no-link", "config.system.build.sized")...)
	if code != 1 {
		t.Fatalf("exit %d, want 1: %s", code, errOut)
	}
	for _, want := range []string{"plan: fetch 1 path,", "3.0 MiB unpacked", "free: ", storeDir + " (the store)",
		"not enough space: the 1 path Nix would fetch take 3.0 MiB unpacked, but " + storeDir + " has ", "--force"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("no %q in:\n%s", want, errOut)
		}
	}
	if strings.Contains(errOut, "nixplore: building:") {
		t.Errorf("Nix was started:\n%s", errOut)
	}
	if _, err := os.Stat(filepath.Join(storeDir, filepath.Base(out))); err == nil {
		t.Errorf("%s was fetched", out)
	}

	stdout, errOut, code := runCLI(t, buildArgs("buildfail", "--dry-run", "--json", "config.system.build.sized")...)
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	var plan struct {
		Kind  string
		Plan  struct{ Fetch []string }
		Space struct{ Store struct{ Dir string } }
		Fits  *bool
	}
	if code != 0 || json.Unmarshal([]byte(lines[len(lines)-1]), &plan) != nil || plan.Kind != "plan" || len(plan.Plan.Fetch) != 1 ||
		plan.Space.Store.Dir != storeDir || plan.Fits == nil || *plan.Fits {
		t.Errorf("dry run: exit %d %+v\n%s\n%s", code, plan, stdout, errOut)
	}

	_, errOut, _ = runCLI(t, buildArgs("buildfail", "--no-link", "--force", "config.system.build.sized")...)
	if !strings.Contains(errOut, "nixplore: building:") || strings.Contains(errOut, "not enough space: the") {
		t.Errorf("--force did not start Nix:\n%s", errOut)
	}
}

// TestBuildAlreadyBuilt: an output in the store is "already built", with
// no platform check and no empty progress count.
func TestBuildAlreadyBuilt(t *testing.T) {
	testnix.Setup(t)
	saltEnv(t)
	if _, errOut, code := runCLI(t, buildArgs("buildfail", "--no-link", "config.system.build.chain")...); code != 0 {
		t.Fatalf("first build: exit %d %s", code, errOut)
	}
	for _, extra := range [][]string{{"--dry-run"}, {"--no-link"}} {
		stdout, errOut, code := runCLI(t, buildArgs("buildfail", append(extra, "config.system.build.chain")...)...)
		if code != 0 || !strings.Contains(errOut, "nixplore: already built: /nix/store/") {
			t.Errorf("%v: exit %d\n%s", extra, code, errOut)
		}
		for _, never := range []string{"platform:", "0/0", "plan:"} {
			if strings.Contains(errOut, never) {
				t.Errorf("%v: %q in\n%s", extra, never, errOut)
			}
		}
		if extra[0] == "--no-link" && (!strings.HasSuffix(strings.TrimSpace(stdout), "-chain-step-4") || !strings.Contains(errOut, "already built; closure size")) {
			t.Errorf("result: %s\n%s", stdout, errOut)
		}
	}
}

// unbuildPaths deletes store paths (a GC root of another run does not
// keep them), so building them builds.
func unbuildPaths(t *testing.T, paths ...string) {
	t.Helper()
	for _, p := range paths {
		if _, err := os.Stat(p); err != nil {
			continue
		}
		if out, err := exec.Command("nix-store", "--delete", "--ignore-liveness", p).CombinedOutput(); err != nil {
			t.Fatalf("cannot delete %s: %v\n%s", p, err, out)
		}
	}
}
