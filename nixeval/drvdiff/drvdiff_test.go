package drvdiff

import (
	"encoding/json"
	"os/exec"
	"strings"
	"testing"

	"github.com/nixplore/nixplore/internal/testnix"
)

// instantiate returns the .drv paths of the fixture system's attributes
// with the given edits (--argstr NAME VALUE pairs).
func instantiate(t *testing.T, edits ...string) map[string]string {
	t.Helper()
	attrs := []string{"etcHosts", "etcMotd", "etc", "kernel", "initrd", "path", "toplevel", "sdImage"}
	args := []string{testnix.Testdata("drvdiff", "system.nix")}
	for i := 0; i+1 < len(edits); i += 2 {
		args = append(args, "--argstr", edits[i], edits[i+1])
	}
	for _, a := range attrs {
		args = append(args, "-A", a)
	}
	out, err := exec.Command("nix-instantiate", args...).Output()
	if err != nil {
		t.Fatalf("nix-instantiate %v: %v", args, err)
	}
	lines := strings.Fields(string(out))
	if len(lines) != len(attrs) {
		t.Fatalf("nix-instantiate printed %d paths for %d attributes: %q", len(lines), len(attrs), out)
	}
	drvs := map[string]string{}
	for i, a := range attrs {
		drvs[a] = lines[i]
	}
	return drvs
}

// counting wraps ReadFile and counts the derivations read.
func counting(n *int) Load {
	return func(p string) (*Derivation, error) { *n++; return ReadFile(p) }
}

func chainOf(l Leaf) string { return strings.Join(l.Chain, " → ") }

func TestEditedEtcFileIsTheOneLeaf(t *testing.T) {
	testnix.Setup(t)
	before := instantiate(t)
	after := instantiate(t, "hosts", "127.0.0.1 localhost\n::1 localhost\n10.0.0.2 nas\n")
	for _, same := range []string{"kernel", "initrd", "etcMotd", "path"} {
		if before[same] != after[same] {
			t.Fatalf("%s changed with the hosts file: %s → %s", same, before[same], after[same])
		}
	}
	reads := 0
	why, err := Explain(counting(&reads), before["sdImage"], after["sdImage"], 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(why.Leaves) != 1 {
		t.Fatalf("want one leaf (etc-hosts), got %d: %+v", len(why.Leaves), why.Leaves)
	}
	l := why.Leaves[0]
	if got, want := chainOf(l), "nixos-sd-image-24.11-aarch64-linux.img → nixos-system-pi-24.11 → etc → etc-hosts"; got != want {
		t.Errorf("chain %q, want %q", got, want)
	}
	if len(l.Differs) != 1 || l.Differs[0].What != "env.text" || l.Differs[0].Old != "" || l.Differs[0].New != "10.0.0.2 nas" {
		t.Errorf("differs %+v, want env.text with the added line", l.Differs)
	}
	// Only the changed branch is read: image, toplevel, etc, etc-hosts on
	// both sides; never the kernel, initrd, motd or system-path.
	if reads != 8 || why.Read != 8 {
		t.Errorf("read %d derivations (Why.Read %d), want the 8 of the changed branch", reads, why.Read)
	}
}

func TestSourceInputAndRename(t *testing.T) {
	testnix.Setup(t)
	before := instantiate(t)
	cases := []struct {
		name  string
		edits []string
		chain string
		want  []Difference
	}{
		{"source", []string{"conf", "services.openssh.enable = false;\n"}, "nixos-system-pi-24.11",
			[]Difference{{What: "source configuration.nix", Old: "services.openssh.enable = true;", New: "services.openssh.enable = false;"}}},
		{"added input", []string{"withVim", "1"}, "nixos-system-pi-24.11 → system-path",
			[]Difference{{What: "input vim-9.1", New: "vim-9.1"}, {What: "env.pkgs", New: ""}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			after := instantiate(t, c.edits...)
			why, err := Explain(ReadFile, before["toplevel"], after["toplevel"], 0)
			if err != nil {
				t.Fatal(err)
			}
			if len(why.Leaves) != 1 || chainOf(why.Leaves[0]) != c.chain {
				t.Fatalf("leaves %+v, want one at %q", why.Leaves, c.chain)
			}
			got := why.Leaves[0].Differs
			if len(got) != len(c.want) {
				t.Fatalf("differs %+v, want %+v", got, c.want)
			}
			for i, w := range c.want {
				if got[i].What != w.What || got[i].Old != w.Old || (w.New != "" && got[i].New != w.New) {
					t.Errorf("difference %d: %+v, want %+v", i, got[i], w)
				}
			}
		})
	}
}

// A version bump renames the kernel and the initrd: each pairs with its
// old self by name without the version, so the leaves are the kernel's
// own attributes, not "removed linux-6.6.1, added linux-6.6.2" at toplevel;
// the kernel is reached by its shortest chain (toplevel holds it), not
// through the initrd that holds it too.
func TestRenamedInputPairsByUnversionedName(t *testing.T) {
	testnix.Setup(t)
	before := instantiate(t)
	after := instantiate(t, "kernelVersion", "6.6.2")
	why, err := Explain(ReadFile, before["toplevel"], after["toplevel"], 0)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, l := range why.Leaves {
		var whats []string
		for _, d := range l.Differs {
			whats = append(whats, d.What+"("+d.Old+"|"+d.New+")")
		}
		got = append(got, chainOf(l)+": "+strings.Join(whats, " "))
	}
	want := []string{
		"nixos-system-pi-24.11 → linux-6.6.2: env.name(linux-6.6.1|linux-6.6.2) env.version(6.6.1|6.6.2)",
		// Renamed only: ranked after the kernel, whose contents changed.
		"nixos-system-pi-24.11 → initrd-linux-6.6.2: env.name(initrd-linux-6.6.1|initrd-linux-6.6.2)",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("leaves:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestPairing(t *testing.T) {
	p := func(name string) string { return "/nix/store/" + strings.Repeat("a", 32) + "-" + name }
	q := func(name string) string { return "/nix/store/" + strings.Repeat("b", 32) + "-" + name }
	cases := []struct {
		old, new []string
		pairs    int
		diffs    string
	}{
		// The one left on each side pairs, whatever its name.
		{[]string{p("nixos-system-pi-24.11.drv")}, []string{q("nixos-system-kitchen-24.11.drv")}, 1, ""},
		// Two left on each side with no shared unversioned name: added and removed.
		{[]string{p("a.drv"), p("b.drv")}, []string{q("c.drv"), q("d.drv")}, 0, "input a(a|) input b(b|) input c(|c) input d(|d)"},
		// An added input beside an unchanged one.
		{[]string{p("a.drv")}, []string{p("a.drv"), q("vim-9.1.drv")}, 0, "input vim-9.1(|vim-9.1)"},
	}
	for _, c := range cases {
		pairs, diffs := pairByName(c.old, c.new, "input")
		var ds []string
		for _, d := range diffs {
			ds = append(ds, d.What+"("+d.Old+"|"+d.New+")")
		}
		changed := 0
		for _, pr := range pairs {
			if pr[0] != pr[1] {
				changed++
			}
		}
		if changed != c.pairs || strings.Join(ds, " ") != c.diffs {
			t.Errorf("pairByName(%v, %v): %d changed pairs, %q; want %d, %q", c.old, c.new, changed, ds, c.pairs, c.diffs)
		}
	}
}

func TestLimitCountsTheRest(t *testing.T) {
	testnix.Setup(t)
	before := instantiate(t)
	after := instantiate(t, "hosts", "::1 localhost\n", "motd", "Bye\n", "conf", "{}\n")
	why, err := Explain(ReadFile, before["toplevel"], after["toplevel"], 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(why.Leaves) != 2 || why.More != 1 {
		t.Fatalf("leaves %d more %d, want 2 and 1 more", len(why.Leaves), why.More)
	}
	// Ranked shallowest first: the source of toplevel before etc's files.
	if chainOf(why.Leaves[0]) != "nixos-system-pi-24.11" || chainOf(why.Leaves[1]) != "nixos-system-pi-24.11 → etc → etc-hosts" {
		t.Errorf("ranking %q, %q", chainOf(why.Leaves[0]), chainOf(why.Leaves[1]))
	}
	b, err := json.Marshal(why)
	if err != nil || !strings.Contains(string(b), `"chain":["nixos-system-pi-24.11","etc","etc-hosts"]`) {
		t.Errorf("JSON %s (%v)", b, err)
	}
}

func TestSameDerivationHasNoLeaves(t *testing.T) {
	reads := 0
	why, err := Explain(counting(&reads), "/nix/store/00000000000000000000000000000000-a.drv", "/nix/store/00000000000000000000000000000000-a.drv", 0)
	if err != nil || len(why.Leaves) != 0 || reads != 0 {
		t.Fatalf("why %+v err %v reads %d: an unchanged derivation is not read", why, err, reads)
	}
}

func TestExcerpts(t *testing.T) {
	long := strings.Repeat("a", 100)
	cases := []struct{ o, n, wo, wn string }{
		{"x\ny\nz", "x\nY\nz", "y", "Y"},
		{"x", "x\nmore", "", "more"},
		{"", "new", "", "new"},
		{long + "OLD" + long, long + "NEW" + long,
			"…" + strings.Repeat("a", 17) + "OLD" + strings.Repeat("a", 50) + "…",
			"…" + strings.Repeat("a", 17) + "NEW" + strings.Repeat("a", 50) + "…"},
	}
	for _, c := range cases {
		o, n := Excerpts(c.o, c.n)
		if o != c.wo || n != c.wn {
			t.Errorf("Excerpts(%.20q, %.20q) = %q, %q; want %q, %q", c.o, c.n, o, n, c.wo, c.wn)
		}
		if len([]rune(o)) > excerptWidth || len([]rune(n)) > excerptWidth {
			t.Errorf("excerpt longer than %d runes: %q", excerptWidth, o)
		}
	}
}

func TestStoreName(t *testing.T) {
	for p, want := range map[string]string{
		"/nix/store/0a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p-etc-hosts.drv": "etc-hosts",
		"/nix/store/short-name.drv":                                 "short-name",
	} {
		if got := DrvName(p); got != want {
			t.Errorf("DrvName(%s) = %q, want %q", p, got, want)
		}
	}
}
