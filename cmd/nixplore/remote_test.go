package main

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/nixplore/nixplore/internal/testbuilder"
	"github.com/nixplore/nixplore/internal/testnix"
)

// `nixplore build --builders` builds the Pi's image for a platform this
// machine cannot build (aarch64-linux, or x86_64-linux on an aarch64
// machine) on a real remote builder: the platform check counts it,
// progress names it and the copies, the result says where it was built
// and what to do next.
func TestBuildOnRemoteBuilder(t *testing.T) {
	testnix.Setup(t)
	isolate(t)
	testbuilder.Salt(t)
	other := testnix.OtherSystem(t)
	b := testbuilder.Start(t, other)
	b.Setenv(t)
	args := append(append([]string{"build"}, testnix.ClassicArgs("pi", other)...),
		"--builders", b.Spec(other), "--no-link", "config.system.build.sdImage")
	n := dryRunCount(t, "pi", other, "config.system.build.sdImage")
	var out, errOut bytes.Buffer
	if code := run(args, &out, &errOut); code != 0 {
		t.Fatalf("exit %d\n%s", code, errOut.String())
	}
	e := errOut.String()
	for _, want := range []string{
		"nixplore: platform: " + other + " builds on the remote builder " + b.URI() + " (from --builders); this machine is " + testnix.HostSystem(),
		"building nixos-sd-image-25.05.20250101.0000000-" + other + ".img on " + b.URI(),
		"-" + other + ".img from " + b.URI(),
		fmt.Sprintf("nixplore: built %d derivations (on %s)", n, b.URI()),
		"nixplore: next: the SD card image is /nix/store/",
		"zstdcat",
	} {
		if want == "zstdcat" {
			// The fixture's image is uncompressed: dd reads the file itself.
			if strings.Contains(e, want) {
				t.Errorf("zstdcat for an uncompressed image:\n%s", e)
			}
			continue
		}
		if !strings.Contains(e, want) {
			t.Errorf("stderr lacks %q:\n%s", want, e)
		}
	}
	if strings.Contains(e, "fetching") || strings.Contains(e, "cannot build") {
		t.Errorf("copies shown as fetches, or a platform warning:\n%s", e)
	}
	if !strings.HasSuffix(strings.TrimSpace(out.String()), "-"+other+".img") {
		t.Errorf("stdout: %s", out.String())
	}
}

// An unreachable builder: the failure names it and the connection error.
func TestBuildOnUnreachableBuilder(t *testing.T) {
	testnix.Setup(t)
	isolate(t)
	testbuilder.Salt(t)
	other := testnix.OtherSystem(t)
	b := testbuilder.Unreachable(t)
	b.Setenv(t)
	args := append(append([]string{"build"}, testnix.ClassicArgs("pi", other)...),
		"--builders", b.Spec(other), "--no-link", "config.system.build.sdImage")
	var out, errOut bytes.Buffer
	code := run(args, &out, &errOut)
	e := errOut.String()
	if code != 1 {
		t.Fatalf("exit %d\n%s", code, e)
	}
	for _, want := range []string{"Nix could not reach the builder " + b.URI(), "builder " + b.URI() + " could not be reached: ", "Connection refused", "ssh HOST nix-store --version"} {
		if !strings.Contains(e, want) {
			t.Errorf("stderr lacks %q:\n%s", want, e)
		}
	}
}
