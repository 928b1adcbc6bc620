package changes

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nixplore/nixplore/internal/testnix"
	"github.com/nixplore/nixplore/internal/testsys"
	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/nixeval/resolve"
)

func replaceIn(t *testing.T, file, old, new string) {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), old) {
		t.Fatalf("%s holds no %q", file, old)
	}
	testnix.WriteFile(t, file, strings.Replace(string(b), old, new, 1), 0o644)
}

// compareBefore compares the build set of before against the target now.
func compareBefore(t *testing.T, before *Before, now *nixeval.Target) map[string]Entry {
	t.Helper()
	defer before.Remove()
	entries, err := Compare(context.Background(), Evaluated{nixeval.New(before.Target, nixeval.Tools{})}, Evaluated{nixeval.New(now, nixeval.Tools{})}, attr.DefaultPath, Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]Entry{}
	for _, e := range entries {
		got[e.Name] = e
	}
	return got
}

// A classic configuration in a git repository, edited and not committed,
// against HEAD: the old side is evaluated from an export of HEAD's tree,
// nixpkgs (outside the repository) stays where it is.
func TestClassicAgainstHead(t *testing.T) {
	testnix.Setup(t)
	conf := testnix.CommittedConfig(t, "pi")
	repo := filepath.Dir(conf)
	replaceIn(t, conf, `"nixosraspberrypi42"`, `"kitchen-pi"`)
	now, err := resolve.Target(resolve.Flags{SearchPath: []string{"nixpkgs=" + testnix.Testdata("nixpkgs"), "nixos-config=" + conf}, System: "aarch64-linux"}, testnix.Env(t))
	if err != nil {
		t.Fatal(err)
	}
	before, err := AtRevision(context.Background(), now, "HEAD")
	if err != nil {
		t.Fatal(err)
	}
	exported := before.Target.ConfigFile
	if !strings.HasSuffix(exported, "/nixos/configuration.nix") || strings.HasPrefix(exported, repo) {
		t.Errorf("old side reads %s, want an export named after the checkout", exported)
	}
	if !strings.Contains(strings.Join(before.Target.SearchPath, " "), "nixpkgs="+testnix.Testdata("nixpkgs")) {
		t.Errorf("nixpkgs outside the repository moved: %v", before.Target.SearchPath)
	}
	got := compareBefore(t, before, now)
	if got["etc"].Status != Changed || got["kernel"].Status != Unchanged || got["sdImage"].Status != Changed {
		t.Errorf("etc %s, kernel %s, sdImage %s", got["etc"].Status, got["kernel"].Status, got["sdImage"].Status)
	}
	if _, err := os.Stat(exported); !os.IsNotExist(err) {
		t.Errorf("the export %s is still there after Remove: %v", exported, err)
	}
	// Outside git: a NotInGitError that says what to do instead.
	outside := testnix.Classic(t, "pi", "aarch64-linux")
	outside.ConfigFile = filepath.Join(t.TempDir(), "configuration.nix")
	_, err = AtRevision(context.Background(), outside, "HEAD")
	var ng *NotInGitError
	if !errors.As(err, &ng) || !strings.Contains(err.Error(), "--against /run/current-system") {
		t.Errorf("outside git: %v", err)
	}
}

// A flake's dirty work tree against HEAD, read by Nix as git+file?rev=.
func TestFlakeDirtyTreeAgainstHead(t *testing.T) {
	testnix.Setup(t)
	dir := testnix.FlakeDir(t)
	testsys.Git(t, dir, "init", "-q")
	testsys.Git(t, dir, "add", ".")
	testsys.Git(t, dir, "commit", "-qm", "flake")
	replaceIn(t, filepath.Join(dir, "hosts", "pi.nix"), `"nixosraspberrypi42"`, `"kitchen-pi"`)
	now, err := resolve.Target(resolve.Flags{Flake: dir + "#pi", NoWriteLockFile: true}, testnix.Env(t))
	if err != nil {
		t.Fatal(err)
	}
	if now.GitRoot == "" {
		t.Fatalf("the flake in git resolved as %s", now.FlakeRef)
	}
	before, err := AtRevision(context.Background(), now, "HEAD")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(before.Target.FlakeRef, "rev=") || before.Target.GitRoot != "" {
		t.Errorf("old side %s (git root %q)", before.Target.FlakeRef, before.Target.GitRoot)
	}
	got := compareBefore(t, before, now)
	if got["etc"].Status != Changed || got["kernel"].Status != Unchanged || got["toplevel"].Status != Changed {
		t.Errorf("etc %s, kernel %s, toplevel %s", got["etc"].Status, got["kernel"].Status, got["toplevel"].Status)
	}
	if _, err := AtRevision(context.Background(), now, "no-such-branch"); err == nil || !strings.Contains(err.Error(), "no-such-branch") {
		t.Errorf("unknown revision: %v", err)
	}
}

// A built system's deriver is the old toplevel.
func TestAgainstBuiltSystem(t *testing.T) {
	testnix.Setup(t)
	out := testnix.BuildHere(t, "kinds", "config.system.build.toplevel")
	link := filepath.Join(t.TempDir(), "system-1-link")
	if err := os.Symlink(out, link); err != nil {
		t.Fatal(err)
	}
	before, err := AtSystem(context.Background(), nixeval.Tools{}, link)
	if err != nil {
		t.Fatal(err)
	}
	now := testnix.Classic(t, "kinds", "")
	want, err := exec.Command("nix-instantiate", append([]string{"<nixpkgs/nixos>", "-A", "config.system.build.toplevel"}, testnix.ClassicArgs("kinds", "")...)...).Output()
	if err != nil {
		t.Fatal(err)
	}
	if before.System.DrvPath != strings.TrimSpace(string(want)) {
		t.Errorf("deriver %s, want %s", before.System.DrvPath, want)
	}
	p := attr.DefaultPath.Child("toplevel")
	entries, err := Compare(context.Background(), before.System, Evaluated{nixeval.New(now, nixeval.Tools{})}, p, Options{})
	if err != nil || len(entries) != 1 || entries[0].Status != Unchanged {
		t.Fatalf("%+v %v", entries, err)
	}
	// A path with no deriver (a source added to the store) is refused.
	src := filepath.Join(t.TempDir(), "file")
	testnix.WriteFile(t, src, "x", 0o644)
	added, err := exec.Command("nix-store", "--add", src).Output()
	if err != nil {
		t.Fatal(err)
	}
	_, err = AtSystem(context.Background(), nixeval.Tools{}, strings.TrimSpace(string(added)))
	var nd *NoDeriverError
	if !errors.As(err, &nd) {
		t.Errorf("a source as a system: %v", err)
	}
}

// A flake whose lock on disk differs from the revision's: the old side
// says that Nix may fetch the inputs the old lock names.
func TestOldLockIsNoted(t *testing.T) {
	testnix.Setup(t)
	dir := testnix.FlakeDir(t)
	testsys.Git(t, dir, "init", "-q")
	testsys.Git(t, dir, "add", ".")
	testsys.Git(t, dir, "commit", "-qm", "flake")
	now, err := resolve.Target(resolve.Flags{Flake: dir + "#pi", NoWriteLockFile: true}, testnix.Env(t))
	if err != nil {
		t.Fatal(err)
	}
	before, err := AtRevision(context.Background(), now, "HEAD")
	if err != nil || before.Note != "" {
		t.Fatalf("same lock (none): note %q, %v", before.Note, err)
	}
	testnix.WriteFile(t, filepath.Join(dir, "flake.lock"), `{"nodes":{"root":{}},"root":"root","version":7}`+"\n", 0o644)
	before, err = AtRevision(context.Background(), now, "HEAD")
	if err != nil || !strings.Contains(before.Note, "locks other inputs") {
		t.Errorf("a lock on disk the revision lacks: note %q, %v", before.Note, err)
	}
}

// A flake that sets system.configurationRevision = self.rev: against HEAD,
// the revision shows up as a difference of its own (nixos-version's text
// holds it), and it is named as the revision, which changes on every
// commit, not as an edit of the user's.
func TestConfigurationRevisionIsNamed(t *testing.T) {
	testnix.Setup(t)
	dir := testnix.FlakeDir(t)
	replaceIn(t, filepath.Join(dir, "flake.nix"), `pi = nixpkgs.lib.nixosSystem { modules = [ ./hosts/pi.nix ]; };`,
		`pi = nixpkgs.lib.nixosSystem { modules = [ ./hosts/pi.nix { system.configurationRevision = self.rev or "dirty"; } ]; };`)
	testsys.Git(t, dir, "init", "-q")
	testsys.Git(t, dir, "add", ".")
	testsys.Git(t, dir, "commit", "-qm", "flake")
	replaceIn(t, filepath.Join(dir, "hosts", "pi.nix"), `"nixosraspberrypi42"`, `"kitchen-pi"`)
	now, err := resolve.Target(resolve.Flags{Flake: dir + "#pi", NoWriteLockFile: true}, testnix.Env(t))
	if err != nil {
		t.Fatal(err)
	}
	res, err := Diff(context.Background(), Request{Target: now, Open: oneShot, Path: attr.DefaultPath.Child("toplevel"), WhyLimit: 10})
	if err != nil || len(res.Entries) != 1 || res.Entries[0].Why == nil {
		t.Fatalf("%+v %v", res, err)
	}
	var named, edit bool
	for _, l := range res.Entries[0].Why.Leaves {
		for _, d := range l.Differs {
			named = named || d.Note == RevisionNote && strings.Contains(d.New, "dirty")
			edit = edit || d.Note == "" && strings.Contains(d.New, "kitchen-pi")
		}
	}
	if !named || !edit {
		t.Errorf("revision named %v, the edit shown %v: %s", named, edit, strings.Join(LeafLines(res.Entries[0].Why), "\n"))
	}
}
