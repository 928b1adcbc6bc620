package nixeval_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nixplore/nixplore/internal/testnix"
	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/nixeval/diag"
	"github.com/nixplore/nixplore/nixeval/resolve"
)

func TestBigAndDeep(t *testing.T) {
	testnix.Setup(t)
	ev := newEval(t, testnix.Classic(t, "big", ""))
	many := attr.DefaultPath.Child("many")
	ls, err := ev.List(ctx(t), many)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(ls[0].Children); n != 10000 {
		t.Fatalf("%d children, want 10000", n)
	}
	if c := ls[0].Children[9999]; c.Name != "many-09999" || c.Kind != "derivation" {
		t.Fatalf("last child %+v", c)
	}
	deep := attr.DefaultPath.Child("deep")
	for i := 0; i < 99; i++ {
		deep = deep.Child("next")
	}
	ls, err = ev.List(ctx(t), deep)
	if err != nil {
		t.Fatal(err)
	}
	if kinds(ls[0])["leaf"].Kind != "derivation" {
		t.Fatalf("bottom of a 100-level path: %+v", ls[0].Children)
	}
	d, err := ev.Describe(ctx(t), deep.Child("leaf"))
	if err != nil || d.Name != "deep-leaf" {
		t.Fatalf("%+v %v", d, err)
	}
	if p, err := attr.Parse(deep.String()); err != nil || !p.Equal(deep) {
		t.Fatalf("deep path does not round-trip: %v", err)
	}
}

// A program called nix-instantiate that is not Nix: it prints garbage and
// exits 0. nixplore must say so instead of showing nonsense.
func TestNixThatIsNotNix(t *testing.T) {
	testnix.Setup(t)
	dir := t.TempDir()
	script := "#!/bin/sh\necho 'Welcome to the fake nix! <html>'\nexit 0\n"
	if err := os.WriteFile(filepath.Join(dir, "nix-instantiate"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir+":"+os.Getenv("PATH"))
	_, err := newEval(t, testnix.Classic(t, "pi", "")).List(ctx(t), attr.DefaultPath)
	var ee *diag.EvalError
	if !errors.As(err, &ee) || ee.Kind != diag.ErrNotNix || !strings.Contains(ee.Hint, "fake nix") {
		t.Fatalf("%T %v", err, err)
	}
}

func TestFlakeWithoutNixosConfigurations(t *testing.T) {
	testnix.Setup(t)
	dir := t.TempDir()
	flake := `{ outputs = { self }: { packages.x86_64-linux.hello = derivation { name = "h"; system = "x86_64-linux"; builder = "/bin/sh"; args = [ "-c" "echo > $out" ]; }; }; }`
	if err := os.WriteFile(filepath.Join(dir, "flake.nix"), []byte(flake), 0o644); err != nil {
		t.Fatal(err)
	}
	tg, err := resolve.Target(resolve.Flags{Flake: "path:" + dir + "#x"}, testnix.Env(t))
	if err != nil {
		t.Fatal(err)
	}
	_, err = newEval(t, tg).List(ctx(t), attr.DefaultPath)
	var ee *diag.EvalError
	if !errors.As(err, &ee) || ee.Kind != diag.ErrFlakeHost || !strings.Contains(ee.Summary, "no nixosConfigurations") || !strings.Contains(ee.Hint, "packages") {
		t.Fatalf("%T %v", err, err)
	}
}
