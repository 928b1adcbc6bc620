package changes

import (
	"context"
	"errors"
	"os/exec"
	"strings"
	"testing"

	"github.com/nixplore/nixplore/internal/testnix"
	"github.com/nixplore/nixplore/nixeval/attr"
)

// mapSide is a Side over fixed answers: the unit tests of the status
// rules. The derivations it names are real (the drvdiff fixture,
// instantiated by the real Nix), so the why-walk reads real .drv files.
type mapSide struct {
	sets   map[string][]string
	values map[string]Value
	err    error
	asked  int
}

func (s *mapSide) Names(_ context.Context, p attr.Path) ([]string, error) {
	return s.sets[p.Key()], nil
}

func (s *mapSide) Values(_ context.Context, ps []attr.Path) ([]Value, error) {
	if s.err != nil {
		return nil, s.err
	}
	s.asked++
	out := make([]Value, len(ps))
	for i, p := range ps {
		out[i] = s.values[p.Key()]
		if _, ok := s.sets[p.Key()]; ok {
			out[i].Kind = "attrs"
		}
	}
	return out, nil
}

func instantiate(t *testing.T, edits ...string) map[string]string {
	t.Helper()
	attrs := []string{"etc", "kernel", "toplevel", "sdImage"}
	args := []string{testnix.Testdata("drvdiff", "system.nix")}
	for i := 0; i+1 < len(edits); i += 2 {
		args = append(args, "--argstr", edits[i], edits[i+1])
	}
	for _, a := range attrs {
		args = append(args, "-A", a)
	}
	out, err := exec.Command("nix-instantiate", args...).Output()
	if err != nil {
		t.Fatalf("nix-instantiate: %v", err)
	}
	drvs := map[string]string{}
	for i, p := range strings.Fields(string(out)) {
		drvs[attrs[i]] = p
	}
	return drvs
}

var build = attr.Path{"config", "system", "build"}

// side answers for config.system.build's children: the given derivations
// and other values; images is a set.
func side(drvs map[string]string, extra map[string]Value) *mapSide {
	s := &mapSide{sets: map[string][]string{}, values: map[string]Value{}}
	var names []string
	add := func(name string, v Value) {
		names = append(names, name)
		s.values[build.Child(name).Key()] = v
	}
	for name, v := range extra {
		add(name, v)
	}
	for name, d := range drvs {
		add(name, Value{Kind: "derivation", DrvPath: d})
	}
	s.sets[build.Key()] = names
	return s
}

func TestStatusesAndWhy(t *testing.T) {
	testnix.Setup(t)
	before := side(instantiate(t), map[string]Value{
		"images":      {Kind: "attrs"},
		"fileSystems": {Kind: "list", ValueHash: "a"},
		"broken":      {Kind: "derivation", DrvPath: "/nix/store/x-broken.drv"},
		"oldOnly":     {Kind: "string", ValueHash: "s"},
	})
	afterDrvs := instantiate(t, "hosts", "10.0.0.2 nas\n")
	after := side(afterDrvs, map[string]Value{
		"images":      {Kind: "attrs"},
		"fileSystems": {Kind: "list", ValueHash: "a"},
		"broken":      {Kind: "error", Error: "assertion failed"},
		"vm":          {Kind: "derivation", DrvPath: afterDrvs["toplevel"]},
	})
	entries, err := Compare(context.Background(), before, after, build, Options{
		Costly: func(p attr.Path) string {
			if p.Last() == "images" {
				return "each variant evaluates the whole configuration again"
			}
			return ""
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]Entry{}
	var order []string
	for _, e := range entries {
		got[e.Name] = e
		order = append(order, e.Name)
	}
	if strings.Join(order, " ") != "broken etc fileSystems images kernel oldOnly sdImage toplevel vm" {
		t.Errorf("order %v", order)
	}
	want := map[string]Status{"broken": Failed, "etc": Changed, "fileSystems": Unchanged, "images": NotCompared, "kernel": Unchanged, "oldOnly": Removed, "sdImage": Changed, "toplevel": Changed, "vm": Added}
	for n, st := range want {
		if got[n].Status != st {
			t.Errorf("%s: %s, want %s", n, got[n].Status, st)
		}
	}
	if e := got["broken"]; e.FailedOn != "after" || e.After.Error != "assertion failed" {
		t.Errorf("broken: %+v", e)
	}
	if e := got["images"]; !strings.Contains(e.Note, "whole configuration") {
		t.Errorf("images note %q", e.Note)
	}
	if e := got["vm"]; e.Before != nil || e.After == nil || e.After.DrvPath != afterDrvs["toplevel"] {
		t.Errorf("vm: %+v", e)
	}
	if e := got["oldOnly"]; e.After != nil || e.Before == nil || e.Before.Kind != "string" {
		t.Errorf("oldOnly: %+v", e)
	}
	sd := got["sdImage"]
	if sd.Why == nil || len(sd.Why.Leaves) != 1 || strings.Join(sd.Why.Leaves[0].Chain, " → ") != "nixos-sd-image-24.11-aarch64-linux.img → nixos-system-pi-24.11 → etc → etc-hosts" {
		t.Fatalf("sdImage why: %+v (%s)", sd.Why, sd.WhyError)
	}
	if s := Summary(entries); s[Changed] != 3 || s[Unchanged] != 2 {
		t.Errorf("summary %v", s)
	}
}

func TestOneOutputByPath(t *testing.T) {
	testnix.Setup(t)
	b, a := instantiate(t), instantiate(t, "kernelVersion", "6.7.0")
	p := build.Child("kernel")
	before := &mapSide{values: map[string]Value{p.Key(): {Kind: "derivation", DrvPath: b["kernel"]}}}
	after := &mapSide{values: map[string]Value{p.Key(): {Kind: "derivation", DrvPath: a["kernel"]}}}
	entries, err := Compare(context.Background(), before, after, p, Options{})
	if err != nil || len(entries) != 1 || entries[0].Name != "kernel" || entries[0].Status != Changed {
		t.Fatalf("%+v %v", entries, err)
	}
	if before.asked != 1 || after.asked != 1 {
		t.Errorf("asked %d/%d times, want one request per side", before.asked, after.asked)
	}
}

func TestSideErrorNamesTheSide(t *testing.T) {
	nixErr := errors.New("error: syntax error, unexpected '}'")
	_, err := Compare(context.Background(), &mapSide{err: nixErr}, &mapSide{}, build, Options{})
	var se *SideError
	if !errors.As(err, &se) || se.Side != "before" || !errors.Is(err, nixErr) {
		t.Fatalf("err %v, want the before side's error", err)
	}
}
