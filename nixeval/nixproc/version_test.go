package nixproc_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nixplore/nixplore/internal/testnix"
	"github.com/nixplore/nixplore/nixeval/nixproc"
)

// Version says what `nix --version` says, names the program, and tells a
// missing nix and a failing one apart.
func TestVersion(t *testing.T) {
	testnix.Setup(t)
	want, err := exec.Command("nix", "--version").Output()
	if err != nil {
		t.Fatal(err)
	}
	line, path, err := nixproc.Version(context.Background())
	if err != nil || line != strings.TrimSpace(strings.Split(string(want), "\n")[0]) || filepath.Base(path) != "nix" {
		t.Fatalf("got %q %q %v, want %q", line, path, err, want)
	}

	t.Setenv("PATH", t.TempDir())
	var missing *nixproc.NixMissingError
	if _, _, err := nixproc.Version(context.Background()); !errors.As(err, &missing) {
		t.Fatalf("no nix on PATH: %v", err)
	}

	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "nix"), []byte("#!/bin/sh\necho 'error: broken' >&2\nexit 3\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir+":/usr/bin:/bin")
	_, path, err = nixproc.Version(context.Background())
	var nixErr *nixproc.NixError
	if !errors.As(err, &nixErr) || nixErr.Exit != 3 || path != filepath.Join(dir, "nix") {
		t.Fatalf("a failing nix: %q %v", path, err)
	}
}
