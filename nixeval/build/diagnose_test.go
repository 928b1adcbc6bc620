package build_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/nixeval/build"
)

// fakeNix is a fake runner for failures real Nix cannot produce on demand
// here (no KVM problem, no network): a nix-build that replays stderr lines
// and exits with a status. Everything else is tested against real Nix.
func fakeNix(t *testing.T, exit string, stderr ...string) nixeval.Tools {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "stderr.txt"), []byte(strings.Join(stderr, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	script := "#!/bin/sh\ncat " + filepath.Join(dir, "stderr.txt") + " >&2\nexit " + exit + "\n"
	if err := os.WriteFile(filepath.Join(dir, "nix-build"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return nixeval.Tools{Dir: dir}
}

func fakeFailure(t *testing.T, tools nixeval.Tools) *build.Failure {
	t.Helper()
	tg := &nixeval.Target{Kind: nixeval.Classic, File: "<nixpkgs/nixos>"}
	run := build.Start(context.Background(), tools, tg, build.Options{Path: attr.Path{"config", "system", "build", "vm"}, NoLink: true})
	for range run.Events() {
	}
	_, err := run.Wait()
	var f *build.Failure
	if !errors.As(err, &f) {
		t.Fatalf("got %T %v", err, err)
	}
	return f
}

const vmDrv = "/nix/store/3cmgrakr934lsig156593jhphzfl8wkk-nixos-boot-disk.drv"

func TestBuildFailureKVM(t *testing.T) {
	// The motivating log: QEMU without KVM, then a failure that is not
	// about space.
	tools := fakeNix(t, "100",
		`@nix {"action":"start","fields":["`+vmDrv+`","",1,1],"id":7,"level":3,"parent":0,"text":"building","type":105}`,
		`@nix {"action":"result","fields":["kvm version too old"],"id":7,"type":101}`,
		`@nix {"action":"result","fields":["qemu-system-aarch64: failed to initialize kvm: Function not implemented"],"id":7,"type":101}`,
		`@nix {"action":"result","fields":["qemu-system-aarch64: falling back to tcg"],"id":7,"type":101}`,
		`@nix {"action":"result","fields":["[  728.793811] reboot: Power down"],"id":7,"type":101}`,
		`@nix {"action":"stop","id":7}`,
		`@nix {"action":"msg","level":0,"msg":"\u001b[31;1merror:\u001b[0m builder for '`+vmDrv+`' failed with exit code 1","raw_msg":"x"}`,
	)
	f := fakeFailure(t, tools)
	if f.Kind != build.FailKVM || f.Drv != vmDrv || len(f.LogTail) != 4 {
		t.Fatalf("%+v", f)
	}
	if !strings.Contains(f.Error(), "fell back to slow emulation") || !strings.Contains(f.Hint, "/dev/kvm") {
		t.Errorf("message:\n%s", f.Error())
	}
}

func TestBuildFailureKVMThenNoSpace(t *testing.T) {
	tools := fakeNix(t, "100",
		`@nix {"action":"start","fields":["`+vmDrv+`","",1,1],"id":7,"level":3,"parent":0,"text":"building","type":105}`,
		`@nix {"action":"result","fields":["qemu-system-aarch64: failed to initialize kvm: Function not implemented"],"id":7,"type":101}`,
		`@nix {"action":"result","fields":["cp: error writing '/boot/nixos/lbg2i0c8h8d167bx0kfdpfiqzy83a9xi-initrd-linux-5.15.72-initrd.tmp.187': No space left on device"],"id":7,"type":101}`,
		`@nix {"action":"stop","id":7}`,
		`@nix {"action":"msg","level":0,"msg":"error: builder for '`+vmDrv+`' failed with exit code 1"}`,
	)
	f := fakeFailure(t, tools)
	if f.Kind != build.FailNoSpace || len(f.Notes) != 1 || !strings.Contains(f.Notes[0], "KVM") {
		t.Fatalf("%+v", f)
	}
	if !strings.HasPrefix(f.WritePath, "/boot/nixos/") || !strings.Contains(f.Hint, "inside the disk image") {
		t.Errorf("%q %q", f.WritePath, f.Hint)
	}
	// The advice agrees with the diagnosis: not this disk, so not
	// "free space on this disk".
	if strings.Contains(f.Hint, "nix-collect-garbage") || strings.Contains(f.Hint, "TMPDIR on a larger disk") {
		t.Errorf("the hint says the disk is not the problem, then to free it: %s", f.Hint)
	}
}

func TestBuildFailureSubstituter(t *testing.T) {
	tools := fakeNix(t, "1",
		`@nix {"action":"msg","level":1,"msg":"warning: error: unable to download 'https://cache.nixos.org/nix-cache-info': Couldn't resolve host name (6); retrying in 262 ms"}`,
		`@nix {"action":"msg","level":0,"msg":"error: unable to download 'https://cache.nixos.org/abc.narinfo': Couldn't resolve host name (6)"}`,
	)
	f := fakeFailure(t, tools)
	if f.Kind != build.FailSubstituter || !strings.Contains(f.Hint, "--option substituters ''") {
		t.Fatalf("%+v", f)
	}
	if len(f.Notes) != 1 || !strings.Contains(f.Notes[0], "https://cache.nixos.org/abc.narinfo") {
		t.Errorf("notes %q", f.Notes)
	}
}

func TestBuildFailureBeforeLogger(t *testing.T) {
	// Nix rejects a flag before its JSON logger starts: plain stderr.
	tools := fakeNix(t, "1", "error: unrecognised flag '--frobnicate'", "Try 'nix-build --help' for more information.")
	f := fakeFailure(t, tools)
	if f.Kind != build.FailOther || !strings.Contains(f.NixMessage, "unrecognised flag '--frobnicate'") {
		t.Fatalf("%+v", f)
	}
}

func TestBuildFailureNotesUnreachableCache(t *testing.T) {
	tools := fakeNix(t, "100",
		`@nix {"action":"msg","level":1,"msg":"warning: error: unable to download 'https://cache.nixos.org/x.narinfo': Couldn't resolve host name (6); retrying in 262 ms"}`,
		`@nix {"action":"start","fields":["`+vmDrv+`","",1,1],"id":7,"level":3,"parent":0,"text":"building","type":105}`,
		`@nix {"action":"result","fields":["make: *** [all] Error 2"],"id":7,"type":101}`,
		`@nix {"action":"stop","id":7}`,
		`@nix {"action":"msg","level":0,"msg":"error: builder for '`+vmDrv+`' failed with exit code 2"}`,
	)
	f := fakeFailure(t, tools)
	if f.Kind != build.FailOther || len(f.Notes) != 1 || !strings.Contains(f.Notes[0], "built locally") {
		t.Fatalf("%+v", f)
	}
}
