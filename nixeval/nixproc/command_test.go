package nixproc_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nixplore/nixplore/internal/procfs"
	"github.com/nixplore/nixplore/nixeval/nixproc"
)

// groupAlive lists the live processes of process group pgid.
func groupAlive(pgid int) []procfs.Proc {
	var out []procfs.Proc
	for _, p := range procfs.All() {
		if p.PGID == pgid && p.Alive() {
			out = append(out, p)
		}
	}
	return out
}

// TestCancelEndsBuildersOfANixThatIgnoresIt: a Nix that does not act on
// SIGINT within the grace period (Nix 2.34 now and then) is killed, and
// so is the builder it started in a session of its own, with what the
// builder started: nothing is left, as when Nix ends its builders itself.
// The stand-in Nix ignores SIGINT and its builder starts a child, as a
// builder's shell starts `sleep` or a compiler.
func TestCancelEndsBuildersOfANixThatIgnoresIt(t *testing.T) {
	if _, err := procfs.Stat(os.Getpid()); err != nil {
		t.Skip("no /proc to see the builders in")
	}
	dir := t.TempDir()
	pgFile := filepath.Join(dir, "builder-pgid")
	nix := filepath.Join(dir, "nix")
	script := "#!/bin/sh\ntrap '' INT\nsetsid sh -c 'sleep 300 & echo $$ > \"$1\"; wait' builder " + pgFile + " &\nwait\n"
	if err := os.WriteFile(nix, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	saved := nixproc.GracePeriod
	nixproc.GracePeriod = 300 * time.Millisecond
	t.Cleanup(func() { nixproc.GracePeriod = saved })

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := (&nixproc.Command{Path: nix}).Run(ctx)
		done <- err
	}()
	var pgid int
	for deadline := time.Now().Add(10 * time.Second); pgid == 0; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			cancel()
			t.Fatal("the stand-in builder never started")
		}
		b, _ := os.ReadFile(pgFile)
		pgid, _ = strconv.Atoi(strings.TrimSpace(string(b)))
	}
	// A failing run must not leave its builder behind either.
	t.Cleanup(func() { _ = syscall.Kill(-pgid, syscall.SIGKILL) })
	if len(groupAlive(pgid)) < 2 {
		t.Fatalf("the builder's group %d holds %v, want the builder and its child", pgid, groupAlive(pgid))
	}
	cancel()
	var ce *nixproc.CancelledError
	if err := <-done; !errors.As(err, &ce) {
		t.Fatalf("Run = %v, want CancelledError", err)
	}
	// SIGKILL is sent before Run returns; the kernel may take a moment.
	for deadline := time.Now().Add(2 * time.Second); len(groupAlive(pgid)) != 0 && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	if left := groupAlive(pgid); len(left) != 0 {
		t.Errorf("the builder's group %d still holds %v after cancel", pgid, left)
	}
}
