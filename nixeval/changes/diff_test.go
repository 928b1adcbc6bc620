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

func oneShot(t *nixeval.Target) (*nixeval.Evaluator, func()) {
	return nixeval.New(t, nixeval.Tools{}), func() {}
}

// piRepo is the Pi configuration in a git repository of its own, committed,
// then edited in the work tree by edit.
func piRepo(t *testing.T, edit func(conf string)) *nixeval.Target {
	t.Helper()
	conf := testnix.CommittedConfig(t, "pi")
	edit(conf)
	tg, err := resolve.Target(resolve.Flags{SearchPath: []string{"nixpkgs=" + testnix.Testdata("nixpkgs"), "nixos-config=" + conf}, System: "aarch64-linux"}, testnix.Env(t))
	if err != nil {
		t.Fatal(err)
	}
	return tg
}

func TestDiffAgainstHead(t *testing.T) {
	testnix.Setup(t)
	tg := piRepo(t, func(conf string) {
		replaceIn(t, conf, `services.openssh.enable = true;`, `services.openssh.enable = false;`)
	})
	res, err := Diff(context.Background(), Request{Target: tg, Open: oneShot})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(res.Before, "HEAD (") {
		t.Errorf("before %q", res.Before)
	}
	got := map[string]Entry{}
	for _, e := range res.Entries {
		got[e.Name] = e
	}
	if e := got["images"]; e.Status != NotCompared || !strings.Contains(e.Note, "evaluates the whole configuration again") || !strings.Contains(e.Note, "nixplore diff config.system.build.images.NAME") {
		t.Errorf("images: %+v", e)
	}
	if got["kernel"].Status != Unchanged || got["toplevel"].Status != Changed {
		t.Errorf("kernel %s, toplevel %s", got["kernel"].Status, got["toplevel"].Status)
	}
	// One output by path, and a set's child by path: images costs
	// nothing until asked, then one variant is compared.
	res, err = Diff(context.Background(), Request{Target: tg, Open: oneShot, Path: attr.DefaultPath.Child("kernel")})
	if err != nil || len(res.Entries) != 1 || res.Entries[0].Status != Unchanged {
		t.Fatalf("kernel by path: %+v %v", res, err)
	}
}

func TestDiffAgainstSystemComparesToplevel(t *testing.T) {
	testnix.Setup(t)
	out := testnix.BuildHere(t, "kinds", "config.system.build.toplevel")
	if !IsSystem(out) || IsSystem("HEAD") || IsSystem("main") || IsSystem(t.TempDir()) {
		t.Fatal("IsSystem")
	}
	link := filepath.Join(t.TempDir(), "current-system")
	if err := os.Symlink(out, link); err != nil {
		t.Fatal(err)
	}
	if !IsSystem(link) {
		t.Error("a link to a system is a system")
	}
	tg := testnix.Classic(t, "kinds", "")
	res, err := Diff(context.Background(), Request{Target: tg, Open: oneShot, Against: link})
	if err != nil || len(res.Entries) != 1 || res.Entries[0].Name != "toplevel" || res.Entries[0].Status != Unchanged || res.Before != link {
		t.Fatalf("%+v %v", res, err)
	}
	_, err = Diff(context.Background(), Request{Target: tg, Open: oneShot, Against: link, Path: attr.DefaultPath.Child("kernel")})
	if err == nil || !strings.Contains(err.Error(), "only the derivation of its toplevel") {
		t.Errorf("kernel against a system: %v", err)
	}
}
