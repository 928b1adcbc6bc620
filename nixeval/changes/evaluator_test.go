package changes

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nixplore/nixplore/internal/testnix"
	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/nixeval/resolve"
)

// piCopy copies the Pi fixture into a directory of its own, applies edit
// to its configuration.nix and returns an evaluator of the copy through
// one-shot Nix.
func piCopy(t *testing.T, edit func(string) string) *nixeval.Evaluator {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "pi")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"configuration.nix", "hardware-configuration.nix"} {
		b, err := os.ReadFile(testnix.Testdata("configs", "pi", f))
		if err != nil {
			t.Fatal(err)
		}
		text := string(b)
		if f == "configuration.nix" {
			text = edit(text)
		}
		testnix.WriteFile(t, filepath.Join(dir, f), text, 0o644)
	}
	tg, err := resolve.Target(resolve.Flags{
		SearchPath: []string{"nixpkgs=" + testnix.Testdata("nixpkgs"), "nixos-config=" + filepath.Join(dir, "configuration.nix")},
		System:     "aarch64-linux",
	}, testnix.Env(t))
	if err != nil {
		t.Fatal(err)
	}
	return nixeval.New(tg, nixeval.Tools{})
}

// An edit of the host name reaches /etc/hostname: etc, toplevel and the SD
// image change, with a why that reaches /etc/hostname's own derivation; the kernel and the
// initrd do not change. Real Nix, real .drv files.
func TestHostNameEditThroughNix(t *testing.T) {
	testnix.Setup(t)
	before := piCopy(t, func(s string) string { return s })
	after := piCopy(t, func(s string) string {
		return strings.Replace(s, `"nixosraspberrypi42"`, `"kitchen-pi"`, 1)
	})
	entries, err := Compare(context.Background(), Evaluated{before}, Evaluated{after}, attr.DefaultPath, Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]Entry{}
	for _, e := range entries {
		got[e.Name] = e
	}
	for name, want := range map[string]Status{"etc": Changed, "toplevel": Changed, "sdImage": Changed, "kernel": Unchanged, "initialRamdisk": Unchanged, "etcActivationCommands": Changed} {
		if e, ok := got[name]; !ok || e.Status != want {
			t.Errorf("%s: %+v, want %s", name, e, want)
		}
	}
	sd := got["sdImage"]
	if sd.Why == nil || len(sd.Why.Leaves) == 0 {
		t.Fatalf("sdImage changed with no why: %+v", sd)
	}
	// The system's name holds the host name: toplevel's own name is a
	// leaf too, ranked after etc's contents (a rename says less).
	if len(sd.Why.Leaves) != 2 || sd.Why.Leaves[1].Differs[0].What != "env.name" {
		t.Fatalf("why: %+v", sd.Why)
	}
	leaf := sd.Why.Leaves[0]
	chain := strings.Join(leaf.Chain, " → ")
	// As upstream: /etc/hostname is its own derivation, etc-hostname.
	if !strings.HasSuffix(chain, " → etc → etc-hostname") || !strings.HasPrefix(chain, "nixos-sd-image-") {
		t.Errorf("chain %q, want from the image down to etc-hostname", chain)
	}
	if len(leaf.Differs) != 1 || leaf.Differs[0].What != "env.text" || leaf.Differs[0].Old != "nixosraspberrypi42" || leaf.Differs[0].New != "kitchen-pi" {
		t.Errorf("etc-hostname's differences %+v, want env.text nixosraspberrypi42 → kitchen-pi", leaf.Differs)
	}
	if s := Summary(entries); s[Failed] != 0 {
		t.Errorf("failures: %+v", entries)
	}
}
