package gitwork

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nixplore/nixplore/internal/testsys"
)

// repo makes a repository named my-config with two commits: the first
// holds configuration.nix "old", a script and a link; the work tree then
// says "edited", uncommitted.
func repo(t *testing.T) (root, first, second string) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		testsys.Missing(t, "git is not installed")
	}
	root = filepath.Join(t.TempDir(), "my-config")
	if err := os.MkdirAll(filepath.Join(root, "hosts", "pi"), 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(rel, text string, mode os.FileMode) {
		if err := os.WriteFile(filepath.Join(root, rel), []byte(text), mode); err != nil {
			t.Fatal(err)
		}
	}
	testsys.Git(t, root, "init", "-q")
	write("configuration.nix", "old\n", 0o644)
	write("hosts/pi/flake.nix", "{ }\n", 0o644)
	write("build.sh", "#!/bin/sh\n", 0o755)
	if err := os.Symlink("configuration.nix", filepath.Join(root, "link.nix")); err != nil {
		t.Fatal(err)
	}
	testsys.Git(t, root, "add", ".")
	testsys.Git(t, root, "commit", "-qm", "first")
	first = testsys.Git(t, root, "rev-parse", "HEAD")
	write("configuration.nix", "committed\n", 0o644)
	testsys.Git(t, root, "commit", "-qam", "second")
	second = testsys.Git(t, root, "rev-parse", "HEAD")
	write("configuration.nix", "edited\n", 0o644)
	return root, first, second
}

func TestRevisionResolvesAndRefuses(t *testing.T) {
	root, first, second := repo(t)
	ctx := context.Background()
	for rev, want := range map[string]string{"HEAD": second, "HEAD~1": first, first[:7]: first} {
		got, err := Revision(ctx, root, rev)
		if err != nil || got != want {
			t.Errorf("Revision(%q) = %q, %v; want %q", rev, got, err, want)
		}
	}
	// Unknown revisions and option-like words are a RevisionError, and
	// git never reads the word as an option (no file written).
	out := filepath.Join(t.TempDir(), "written")
	for _, rev := range []string{"nope", "--output=" + out, "-h"} {
		_, err := Revision(ctx, root, rev)
		var re *RevisionError
		if !errors.As(err, &re) || re.Rev != rev || !strings.Contains(err.Error(), root) {
			t.Errorf("Revision(%q): %v, want a RevisionError naming the revision and repository", rev, err)
		}
	}
	if _, err := os.Stat(out); err == nil {
		t.Errorf("an option-like revision was read as an option: %s written", out)
	}
}

func TestExportKeepsTheTreeOfTheRevision(t *testing.T) {
	root, first, _ := repo(t)
	dir, remove, err := Export(context.Background(), root, first)
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(dir) != "my-config" {
		t.Errorf("export at %s: the checkout's base name is lost", dir)
	}
	b, err := os.ReadFile(filepath.Join(dir, "configuration.nix"))
	if err != nil || string(b) != "old\n" {
		t.Errorf("configuration.nix = %q, %v; want the first commit's text", b, err)
	}
	if st, err := os.Stat(filepath.Join(dir, "build.sh")); err != nil || st.Mode().Perm()&0o100 == 0 {
		t.Errorf("build.sh lost its executable bit: %v %v", st, err)
	}
	if l, err := os.Readlink(filepath.Join(dir, "link.nix")); err != nil || l != "configuration.nix" {
		t.Errorf("link.nix = %q, %v", l, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "hosts", "pi", "flake.nix")); err != nil {
		t.Error(err)
	}
	if _, err := os.Stat(filepath.Join(dir, ".git")); err == nil {
		t.Error("the export holds .git")
	}
	if got := testsys.Git(t, root, "worktree", "list"); strings.Count(got, "\n") != 0 {
		t.Errorf("the repository gained a worktree: %s", got)
	}
	remove()
	if _, err := os.Stat(filepath.Dir(dir)); !os.IsNotExist(err) {
		t.Errorf("remove left %s: %v", filepath.Dir(dir), err)
	}
	if _, _, err := Export(context.Background(), root, strings.Repeat("0", 40)); err == nil || !strings.Contains(err.Error(), "git archive") {
		t.Errorf("export of a missing commit: %v", err)
	}
}

func TestFlakeRefAt(t *testing.T) {
	root, first, _ := repo(t)
	got, err := FlakeRefAt(filepath.Join(root, "hosts", "pi"), first)
	want := "git+file://" + root + "?dir=hosts%2Fpi&rev=" + first
	if err != nil || got != want {
		t.Errorf("FlakeRefAt = %q, %v; want %q", got, err, want)
	}
	if _, err := FlakeRefAt(t.TempDir(), first); err == nil {
		t.Error("a directory outside git got a git+file reference")
	}
}

func TestUntarStaysInside(t *testing.T) {
	for name, entries := range map[string][]tar.Header{
		"dot-dot":      {{Name: "../evil", Typeflag: tar.TypeReg}},
		"absolute":     {{Name: "/etc/evil", Typeflag: tar.TypeReg}},
		"through link": {{Name: "a", Typeflag: tar.TypeSymlink, Linkname: "/tmp"}, {Name: "a/evil", Typeflag: tar.TypeReg}},
	} {
		var buf bytes.Buffer
		tw := tar.NewWriter(&buf)
		for _, h := range entries {
			h.Mode = 0o644
			if err := tw.WriteHeader(&h); err != nil {
				t.Fatal(err)
			}
		}
		tw.Close()
		dir := t.TempDir()
		if err := untar(tar.NewReader(&buf), dir); err == nil {
			t.Errorf("%s: untar wrote outside %s", name, dir)
		}
	}
}
