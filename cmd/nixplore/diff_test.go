package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nixplore/nixplore/internal/testnix"
	"github.com/nixplore/nixplore/internal/testsys"
)

// piInGit is the Pi configuration committed in a git repository of its
// own, its host name then edited in the work tree. It returns the target
// flags for it.
func piInGit(t *testing.T) []string {
	t.Helper()
	conf := testnix.CommittedConfig(t, "pi")
	b, err := os.ReadFile(conf)
	if err != nil {
		t.Fatal(err)
	}
	testnix.WriteFile(t, conf, strings.Replace(string(b), `"nixosraspberrypi42"`, `"kitchen-pi"`, 1), 0o644)
	return []string{"-I", "nixpkgs=" + testnix.Testdata("nixpkgs"), "-I", "nixos-config=" + conf, "--system", "aarch64-linux"}
}

// nixplore diff of an edited classic configuration against HEAD: text,
// JSON lines, a short name, --exit-code.
func TestDiffCLI(t *testing.T) {
	testnix.Setup(t)
	flags := piInGit(t)
	stdout, stderr, code := runCLI(t, append([]string{"diff"}, flags...)...)
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	for _, want := range []string{"changed      toplevel", "changed      sdImage", "etc → etc-hostname:", `env.text: "nixosraspberrypi42" → "kitchen-pi"`, "not compared images", "unchanged    bootStage1"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("text lacks %q:\n%s", want, stdout)
		}
	}
	if strings.Contains(stdout, "changed      kernel") || !strings.Contains(stderr, "comparing config.system.build: HEAD (") {
		t.Errorf("stdout:\n%s\nstderr:\n%s", stdout, stderr)
	}

	stdout, stderr, code = runCLI(t, append([]string{"diff", "--json", "--exit-code", "sdImage"}, flags...)...)
	if code != 1 {
		t.Fatalf("--exit-code with differences: exit %d, want 1\n%s", code, stderr)
	}
	if !strings.Contains(stderr, "sdImage is not at the top level: taking config.system.build.sdImage") {
		t.Errorf("no note on the short name:\n%s", stderr)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	var line struct {
		Path, Name, Status string
		Why                []struct{ Chain []string }
	}
	if len(lines) != 1 || json.Unmarshal([]byte(lines[0]), &line) != nil || line.Path != "config.system.build.sdImage" || line.Status != "changed" || len(line.Why) == 0 {
		t.Fatalf("JSON %s", stdout)
	}
	if got := strings.Join(line.Why[0].Chain, " → "); !strings.HasSuffix(got, " → etc → etc-hostname") {
		t.Errorf("first why %q", got)
	}
	// Unchanged with --exit-code: 0; an unknown revision: an error above 1.
	if _, stderr, code = runCLI(t, append([]string{"diff", "--exit-code", "config.system.build.kernel"}, flags...)...); code != 0 {
		t.Errorf("unchanged kernel: exit %d\n%s", code, stderr)
	}
	if _, stderr, code = runCLI(t, append([]string{"diff", "--exit-code", "--against", "no-such-rev"}, flags...)...); code != 2 || !strings.Contains(stderr, `no revision "no-such-rev"`) {
		t.Errorf("unknown revision: exit %d\n%s", code, stderr)
	}
	if _, stderr, code = runCLI(t, append([]string{"diff", "--all-hosts"}, flags...)...); code != 2 || !strings.Contains(stderr, "--all-hosts compares every host of a flake") {
		t.Errorf("--all-hosts without a flake: exit %d\n%s", code, stderr)
	}
}

// --all-hosts on a flake of two hosts sharing a module: an edit to the
// shared module changes both, an edit to one host's file that host alone.
func TestDiffAllHosts(t *testing.T) {
	testnix.Setup(t)
	dir := testnix.FlakeDir(t)
	shared := filepath.Join(dir, "hosts", "shared.nix")
	testnix.WriteFile(t, shared, "{ environment.etc.motd.text = \"hello\\n\"; }\n", 0o644)
	for _, h := range []string{"pi", "laptop"} {
		p := filepath.Join(dir, "hosts", h+".nix")
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		text := string(b)
		if strings.Contains(text, "imports = [ ") {
			text = strings.Replace(text, "imports = [ ", "imports = [ ./shared.nix ", 1)
		} else {
			text = strings.Replace(text, "{\n", "{\n  imports = [ ./shared.nix ];\n", 1)
		}
		if !strings.Contains(text, "./shared.nix") {
			t.Fatalf("%s: no place for the import:\n%s", p, b)
		}
		testnix.WriteFile(t, p, text, 0o644)
	}
	testsys.Git(t, dir, "init", "-q")
	testsys.Git(t, dir, "add", ".")
	testsys.Git(t, dir, "commit", "-qm", "fleet")
	diffHosts := func() map[string]string {
		t.Helper()
		stdout, stderr, code := runCLI(t, "diff", "--flake", dir, "--all-hosts", "--json", "config.system.build.etc")
		if code != 0 {
			t.Fatalf("exit %d\n%s", code, stderr)
		}
		got := map[string]string{}
		for _, l := range strings.Split(strings.TrimSpace(stdout), "\n") {
			var line struct{ Host, Status string }
			if err := json.Unmarshal([]byte(l), &line); err != nil {
				t.Fatalf("%v: %s", err, l)
			}
			got[line.Host] = line.Status
		}
		return got
	}
	testnix.WriteFile(t, shared, "{ environment.etc.motd.text = \"bye\\n\"; }\n", 0o644)
	if got := diffHosts(); got["pi"] != "changed" || got["laptop"] != "changed" {
		t.Errorf("shared module edited: %v, want both changed", got)
	}
	testsys.Git(t, dir, "checkout", "--", "hosts/shared.nix")
	laptop := filepath.Join(dir, "hosts", "laptop.nix")
	b, _ := os.ReadFile(laptop)
	testnix.WriteFile(t, laptop, strings.Replace(string(b), "imports = [ ./shared.nix ];", "imports = [ ./shared.nix ];\n  environment.etc.issue.text = \"laptop\\n\";", 1), 0o644)
	if b2, _ := os.ReadFile(laptop); !strings.Contains(string(b2), "environment.etc.issue") {
		t.Fatalf("laptop.nix not edited:\n%s", b2)
	}
	if got := diffHosts(); got["pi"] != "unchanged" || got["laptop"] != "changed" {
		t.Errorf("one host's file edited: %v, want laptop alone changed", got)
	}
}

// Short names in every verb (issue 25): sdImage is config.system.build's,
// with a note; compare takes <nixpkgs/nixos>'s vm beside it as
// config.system.build.vm and says so, never mixing roots silently.
func TestShortNamesInEveryVerb(t *testing.T) {
	testnix.Setup(t)
	flags := testnix.ClassicArgs("pi", "aarch64-linux")
	note := "sdImage is not at the top level: taking config.system.build.sdImage"
	for _, verb := range [][]string{{"show", "sdImage"}, {"cmd", "sdImage"}, {"ls", "images"}, {"build", "--dry-run", "sdImage"}} {
		stdout, stderr, code := runCLI(t, append(verb, flags...)...)
		want := note
		if verb[0] == "ls" {
			want = "images is not at the top level: taking config.system.build.images"
		}
		if !strings.Contains(stderr, want) {
			t.Errorf("%v: exit %d, no note\nstdout:\n%s\nstderr:\n%s", verb, code, stdout, stderr)
		}
	}
	stdout, _, _ := runCLI(t, append([]string{"cmd", "sdImage"}, flags...)...)
	if !strings.Contains(stdout, "-A config.system.build.sdImage") {
		t.Errorf("cmd sdImage prints %q", stdout)
	}
	// vm is at the top level of <nixpkgs/nixos>: no note, the root's vm.
	if _, stderr, _ := runCLI(t, append([]string{"show", "vm"}, flags...)...); strings.Contains(stderr, "not at the top level") {
		t.Errorf("show vm took another path:\n%s", stderr)
	}
	stdout, stderr, code := runCLI(t, append([]string{"compare", "--json", "sdImage", "vm"}, flags...)...)
	if code != 0 || !strings.Contains(stderr, "vm is <nixpkgs/nixos>'s shortcut for config.system.build.vm: comparing that") {
		t.Fatalf("compare sdImage vm: exit %d\n%s", code, stderr)
	}
	var cols []struct{ Path string }
	if err := json.Unmarshal([]byte(stdout), &cols); err != nil || len(cols) != 2 || cols[1].Path != "config.system.build.vm" {
		t.Errorf("columns %+v (%v)", cols, err)
	}
}

// An output added and one removed by an edit, on the real Nix.
func TestDiffAddedAndRemoved(t *testing.T) {
	testnix.Setup(t)
	repo := filepath.Join(t.TempDir(), "nixos")
	if out, err := exec.Command("cp", "-r", testnix.Testdata("configs", "pi"), repo).CombinedOutput(); err != nil {
		t.Fatalf("%v %s", err, out)
	}
	conf := filepath.Join(repo, "configuration.nix")
	b, err := os.ReadFile(conf)
	if err != nil {
		t.Fatal(err)
	}
	with := func(name string) string {
		return strings.Replace(string(b), "  system.stateVersion", "  system.build."+name+" = pkgs.writeText \""+name+"\" \"x\";\n  system.stateVersion", 1)
	}
	testnix.WriteFile(t, conf, with("oldNote"), 0o644)
	testsys.Git(t, repo, "init", "-q")
	testsys.Git(t, repo, "add", ".")
	testsys.Git(t, repo, "commit", "-qm", "pi")
	testnix.WriteFile(t, conf, with("newNote"), 0o644)
	stdout, stderr, code := runCLI(t, "diff", "--json", "-I", "nixpkgs="+testnix.Testdata("nixpkgs"), "-I", "nixos-config="+conf, "--system", "aarch64-linux", "--against", "HEAD")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	got := map[string]string{}
	for _, l := range strings.Split(strings.TrimSpace(stdout), "\n") {
		var line struct{ Name, Status string }
		if err := json.Unmarshal([]byte(l), &line); err != nil {
			t.Fatal(err)
		}
		got[line.Name] = line.Status
	}
	if got["oldNote"] != "removed" || got["newNote"] != "added" || got["kernel"] != "unchanged" {
		t.Errorf("oldNote %q, newNote %q, kernel %q", got["oldNote"], got["newNote"], got["kernel"])
	}
}
