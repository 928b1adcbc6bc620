package tui

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/nixplore/nixplore/internal/testnix"
	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/nixeval/resolve"
	"github.com/nixplore/nixplore/nixeval/warm"
)

var imagesPath = attr.DefaultPath.Child("images")

// recordingEval is the real evaluator, noting which children each Kinds
// request asked for, in order.
type recordingEval struct {
	*nixeval.Evaluator
	mu    sync.Mutex
	asked [][]string
}

func (r *recordingEval) Kinds(ctx context.Context, children []nixeval.Child) error {
	var names []string
	for _, c := range children {
		names = append(names, c.Path.String())
	}
	r.mu.Lock()
	r.asked = append(r.asked, names)
	r.mu.Unlock()
	return r.Evaluator.Kinds(ctx, children)
}

func (r *recordingEval) askedFor() map[string]bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := map[string]bool{}
	for _, b := range r.asked {
		for _, p := range b {
			out[p] = true
		}
	}
	return out
}

func (r *recordingEval) requests() [][]string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([][]string(nil), r.asked...)
}

// heavyDriver opens the explorer on the heavy fixture (each evaluation
// costing cpu units) at start, through a pool of two warm evaluators.
func heavyDriver(t *testing.T, cpu int, start attr.Path, w, h int) (*driver, *recordingEval) {
	t.Helper()
	testnix.Setup(t)
	t.Setenv("NIXPLORE_EVAL_CPU", fmt.Sprint(cpu))
	t.Setenv("NIXPLORE_EVAL_KEEP", "0")
	tg := testnix.Classic(t, "heavy", "")
	tools := nixeval.Tools{}
	ev := nixeval.New(tg, tools)
	pool := warm.NewPool(tg, tools, 2, 0)
	ev.Backend = pool
	rec := &recordingEval{Evaluator: ev}
	t.Cleanup(func() { _ = ev.Close() })
	return newDriver(t, Config{Target: tg, Eval: rec, Tools: tools, Start: start, Workers: 2, Memory: pool.Memory}, w, h), rec
}

// TestNamesShowBeforeKinds: the tree shows images' 25 names, every kind
// pending, as soon as the names are in; then the rows on screen get their
// kinds, the throwing sd-card variant an error beside its siblings.
func TestNamesShowBeforeKinds(t *testing.T) {
	d, _ := heavyDriver(t, 100000, imagesPath, 100, 40)
	var pendingRows int
	var viewAtNames string
	d.until(func() bool {
		if d.m.state != stateReady {
			return false
		}
		if viewAtNames == "" {
			viewAtNames = d.m.View()
			for _, n := range d.m.tree.Root.Children {
				if n.Kind == nixeval.KindPending {
					pendingRows++
				}
			}
		}
		return true
	})
	if len(d.m.tree.Root.Children) != 25 || pendingRows != 25 {
		t.Fatalf("when the names came: %d children, %d pending:\n%s", len(d.m.tree.Root.Children), pendingRows, viewAtNames)
	}
	if !strings.Contains(viewAtNames, "··· amazon") || !strings.Contains(viewAtNames, "··· vmware") {
		t.Errorf("the names are not on screen, marked pending:\n%s", viewAtNames)
	}
	d.settle()
	v := d.m.View()
	for _, want := range []string{"drv amazon", "drv vmware", "ERR sd-card"} {
		if !strings.Contains(v, want) {
			t.Errorf("after the kinds: no %q:\n%s", want, v)
		}
	}
	sd := d.m.tree.Find(imagesPath.Child("sd-card"))
	if sd == nil || !strings.Contains(sd.ErrText, "sd-image-arm64.nix does not exist") {
		t.Errorf("sd-card's error: %+v", sd)
	}
	if !strings.Contains(v, "evaluators ") {
		t.Errorf("the header does not show the evaluators' memory:\n%s", v)
	}
}

// TestOnlyRowsOnScreenAreEvaluated: on a short terminal, opening images
// evaluates the variants on screen, not the ones below; scrolling down
// evaluates those; a folded set's children are never asked for.
func TestOnlyRowsOnScreenAreEvaluated(t *testing.T) {
	d, rec := heavyDriver(t, 0, imagesPath, 100, 16)
	d.settle()
	rows := d.m.pane.Height
	if rows >= 25 {
		t.Fatalf("the test needs fewer rows than variants (%d)", rows)
	}
	asked := rec.askedFor()
	var onScreen, below []string
	for i, n := range d.m.tree.Visible {
		if n.Parent == nil {
			continue
		}
		if i < rows {
			onScreen = append(onScreen, n.Path.String())
		} else {
			below = append(below, n.Path.String())
		}
	}
	for _, p := range onScreen {
		if !asked[p] {
			t.Errorf("%s is on screen and was not evaluated", p)
		}
	}
	for _, p := range below {
		if asked[p] {
			t.Errorf("%s is below the screen and was evaluated", p)
		}
	}
	d.key("G")
	d.settle()
	asked = rec.askedFor()
	if last := imagesPath.Child("vmware").String(); !asked[last] {
		t.Errorf("%s was not evaluated once scrolled to", last)
	}
	if n := d.m.tree.Find(imagesPath.Child("vmware")); n == nil || n.Kind != nixeval.KindDerivation {
		t.Errorf("vmware after scrolling: %+v", n)
	}
}

// TestSelectedRowIsEvaluatedFirst: jumping to the last, pending row asks
// for its kind before those of the other rows that came on screen.
func TestSelectedRowIsEvaluatedFirst(t *testing.T) {
	d, _ := heavyDriver(t, 0, imagesPath, 100, 16)
	d.settle()
	d.key("G") // no answer delivered yet: the requests are as Update made them
	sel := d.m.pane.Selected()
	if sel == nil || sel.Name != "vmware" || sel.KindReq == 0 {
		t.Fatalf("after G: %+v", sel)
	}
	others := 0
	for _, n := range d.m.tree.Visible {
		if n != sel && n.KindReq != 0 {
			others++
			if n.KindReq < sel.KindReq {
				t.Errorf("%s was asked for (request %d) before the selected vmware (request %d)", n.Name, n.KindReq, sel.KindReq)
			}
		}
	}
	d.settle()
	// One background request at a time here (two evaluators, one kept
	// free for the user): the others followed the selected one.
	for _, n := range d.m.tree.Visible[d.m.pane.Offset:] {
		if n.Parent != nil && n.Kind == nixeval.KindPending {
			t.Errorf("%s on screen is still pending after the selected one", n.Name)
		}
	}
	_ = others
}

// TestKeysTypedBeforeTheNamesAreKept: /images⏎ typed while the start
// listing loads selects images once the names are there.
func TestKeysTypedBeforeTheNamesAreKept(t *testing.T) {
	d, _ := heavyDriver(t, 200000, attr.DefaultPath, 100, 30)
	if d.m.state != stateLoading {
		t.Fatalf("state %s before any answer", d.m.state)
	}
	d.key("/")
	d.typeText("images")
	d.key("enter")
	d.settle()
	if got := d.selectedPath(); got != imagesPath.String() {
		t.Errorf("after /images⏎ typed early the cursor is on %s:\n%s", got, d.m.View())
	}
}

// TestPendingVariantSaysWhyItTakesLong: the preview of an image variant
// whose kind is not known yet says it is a whole evaluation again.
func TestPendingVariantSaysWhyItTakesLong(t *testing.T) {
	ev := piLike()
	var cs []nixeval.Child
	for _, v := range []string{"amazon", "iso"} {
		cs = append(cs, nixeval.Child{Name: v, Kind: nixeval.KindDerivation})
	}
	ev.lists[imagesPath.String()] = cs
	root := attr.DefaultPath.String()
	ev.lists[root] = append(ev.lists[root], nixeval.Child{Name: "images", Kind: nixeval.KindAttrs})
	// The variants' kinds never come (each is a whole evaluation): the
	// request waits until it is cancelled.
	ev.kinding = func(ctx context.Context, children []nixeval.Child) error {
		for _, c := range children {
			if len(c.Path) > len(imagesPath) && c.Path.HasPrefix(imagesPath) {
				<-ctx.Done()
				return ctx.Err()
			}
		}
		return nil
	}
	d := fakeDriver(t, ev, 120, 30)
	d.settle()
	// As a user: filter to images, open it, go down to its first variant.
	d.key("/")
	d.typeText("images")
	d.key("enter")
	d.until(func() bool { return d.selectedPath() == imagesPath.String() })
	d.key("l")
	n := d.m.tree.Find(imagesPath)
	d.until(func() bool { return n != nil && len(n.Children) == 2 })
	d.key("j")
	want := `evaluates the whole configuration again with the amazon image module`
	d.until(func() bool { return strings.Contains(strings.Join(d.m.preview.Lines(120), "\n"), want) })
	if got := strings.Join(d.m.preview.Lines(120), "\n"); !strings.Contains(got, want) || d.selectedPath() != imagesPath.Child("amazon").String() {
		t.Errorf("on %s, the preview of a pending variant does not say why it takes long:\n%s", d.selectedPath(), got)
	}
	if n.Children[0].Kind != nixeval.KindPending {
		t.Errorf("the variant's kind is %q: the test needs it pending", n.Children[0].Kind)
	}
}

// TestReloadRestartsTheEvaluators: R after an edit to a flake shows the
// new attribute. The flake is copied to the store, so the warm evaluators
// never see its files change: R must start them afresh.
func TestReloadRestartsTheEvaluators(t *testing.T) {
	testnix.Setup(t)
	dir := testnix.FlakeDir(t)
	tg, err := resolve.Target(resolve.Flags{Flake: "path:" + dir + "#laptop"}, testnix.Env(t))
	if err != nil {
		t.Fatal(err)
	}
	tools := nixeval.Tools{}
	ev := nixeval.New(tg, tools)
	pool := warm.NewPool(tg, tools, 2, 0)
	ev.Backend = pool
	t.Cleanup(func() { _ = ev.Close() })
	d := newDriver(t, Config{Target: tg, Eval: ev, Tools: tools, Workers: 2, Restart: pool.Restart, Fallen: pool.Fallen}, 100, 40)
	d.settle()
	if d.m.tree.Find(attr.DefaultPath.Child("nixploreAdded")) != nil {
		t.Fatal("the attribute is there before the edit")
	}
	starts := pool.Starts()
	host := dir + "/hosts/laptop.nix"
	b, err := os.ReadFile(host)
	if err != nil {
		t.Fatal(err)
	}
	edited := strings.Replace(string(b), "\n{\n", "\n{\n  system.build.nixploreAdded = \"after R\";\n", 1)
	if edited == string(b) {
		t.Fatal("the fixture's host file has no body to edit")
	}
	testnix.WriteFile(t, host, edited, 0o644)
	d.key("R")
	d.settle()
	if d.m.tree.Find(attr.DefaultPath.Child("nixploreAdded")) == nil {
		t.Errorf("R did not show the attribute added to the flake:\n%s", d.m.View())
	}
	if pool.Starts() <= starts {
		t.Errorf("R started no new repl (%d starts before, %d after)", starts, pool.Starts())
	}
}

// TestHeaderSaysWarmEvaluationIsBack: with a `nix` that cannot start a
// repl the header says the evaluation is one-shot; once it can and R
// restarts the evaluators, the header says warm evaluation is back.
func TestHeaderSaysWarmEvaluationIsBack(t *testing.T) {
	testnix.Setup(t)
	realInst, err1 := exec.LookPath("nix-instantiate")
	realNix, err2 := exec.LookPath("nix")
	if err1 != nil || err2 != nil {
		testnix.Missing(t, "nix: %v %v", err1, err2)
	}
	dir, fixed := t.TempDir(), filepath.Join(t.TempDir(), "fixed")
	if err := os.Symlink(realInst, filepath.Join(dir, "nix-instantiate")); err != nil {
		t.Fatal(err)
	}
	testnix.WriteFile(t, filepath.Join(dir, "nix"), "#!/bin/sh\nif [ -e "+attr.ShellQuote(fixed)+" ]; then exec "+attr.ShellQuote(realNix)+" \"$@\"; fi\necho 'error: no daemon (test)' >&2\nexit 1\n", 0o755)
	tg := testnix.Classic(t, "laptop", "")
	tools := nixeval.Tools{Dir: dir}
	ev := nixeval.New(tg, tools)
	pool := warm.NewPool(tg, tools, 1, 0)
	ev.Backend = pool
	t.Cleanup(func() { _ = ev.Close() })
	d := newDriver(t, Config{Target: tg, Eval: ev, Tools: tools, Workers: 1, Restart: pool.Restart, Fallen: pool.Fallen}, 200, 40)
	d.settle()
	if v := d.m.View(); !strings.Contains(v, "one-shot evaluation") || strings.Contains(v, "warm evaluation is back") {
		t.Fatalf("the header does not say the evaluation is one-shot:\n%s", v)
	}
	testnix.WriteFile(t, fixed, "", 0o644)
	d.key("R")
	d.settle()
	if v := d.m.View(); strings.Contains(v, "one-shot evaluation") || !strings.Contains(v, "warm evaluation is back") {
		t.Fatalf("after R the header does not say warm evaluation is back:\n%s", v)
	}
}
