package tui_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nixplore/nixplore/internal/testbuilder"
	"github.com/nixplore/nixplore/internal/testnix"
)

// TestRemoteBuildInTmux builds the aarch64 SD image of the Pi
// configuration on this x86_64 machine through a real remote builder
// (sshd on 127.0.0.1 with a store of its own), in the explorer: the header
// names the builder, b on a set explains instead of building, the preview
// warns beside a set's command, the build log names the machine and the
// copies, the tree can be browsed while it runs (b returns), the result
// says where it was built and what to do with the image, y copies the
// output path.
func TestRemoteBuildInTmux(t *testing.T) {
	dir, bin := e2eSetup(t)
	testbuilder.Salt(t)
	b := testbuilder.Start(t, "aarch64-linux")
	logFile := filepath.Join(dir, "tui.log")
	args := append([]string{bin}, testnix.ClassicArgs("pi", "aarch64-linux")...)
	args = append(args, "--builders", b.Spec("aarch64-linux"), "--log", logFile)
	s := startTmux(t, args, logFile, b.Env(), "NIXPLORE_REMOTE_SALT="+os.Getenv("NIXPLORE_REMOTE_SALT"))

	s.waitText("drv sdImage")
	s.waitText("builds on " + b.URI())

	// A set: the preview says what its command builds; b says why it
	// builds nothing itself.
	s.keys("/")
	s.text("images")
	s.waitText("/images")
	s.keys("Enter")
	s.waitText("⚠ this command builds")
	s.keys("b")
	s.waitText("b builds one derivation")

	// The image: the platform check counts the builder.
	s.keys("/")
	s.text("sdimage")
	s.waitText("/sdimage")
	s.keys("Enter")
	s.waitText("nixos-sd-image")
	s.keys("b")
	sc := s.waitText("Press enter")
	if !strings.Contains(sc, "builds on the remote builder "+b.URI()+" (from --builders)") || strings.Contains(sc, "cannot build") {
		t.Errorf("the plan does not count the builder:\n%s", sc)
	}
	s.keys("Enter")
	s.waitText("on " + b.URI())

	// Browse the tree while it builds (or once it has), then come back.
	s.keys("b")
	sc = s.waitFor("the tree with the build in the footer", func(sc string) bool {
		return strings.Contains(sc, "b shows the build") || strings.Contains(sc, "b shows the result")
	})
	if !strings.Contains(sc, "drv sdImage") {
		t.Errorf("the tree is not shown while the build runs:\n%s", sc)
	}
	s.keys("j")
	s.keys("b")
	sc = s.waitText("Built in")
	for _, want := range []string{"built on " + b.URI(), "the SD card image is", "/sd-image/nixos-sd-", "sudo dd", "of=/dev/sdX"} {
		if !strings.Contains(sc, want) {
			t.Errorf("the result lacks %q:\n%s", want, sc)
		}
	}
	// The log, scrolled back, shows the copies from the builder as copies.
	s.keys("g")
	log, _ := os.ReadFile(logFile)
	if !strings.Contains(string(log), "build event copy") {
		t.Errorf("no copy event reached the explorer; log:\n%s", log)
	}
	if strings.Contains(sc, "fetching") {
		t.Errorf("copies shown as fetches:\n%s", sc)
	}
	s.keys("y")
	s.waitText("copied output path: /nix/store/")
	s.keys("Escape")
	s.keys("q")
}
