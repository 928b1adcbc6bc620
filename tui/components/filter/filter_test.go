package filter

import (
	"testing"

	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/tui/components/tree"
)

// listedTree is a tree at start with the children of each listed path
// (printed as the footer prints it) loaded, as Nix would list them.
func listedTree(t *testing.T, start string, lists map[string][]nixeval.Child, order ...string) *tree.Tree {
	t.Helper()
	sp, err := attr.Parse(start)
	if err != nil {
		t.Fatal(err)
	}
	tr := tree.New(sp)
	for _, p := range order {
		ap, err := attr.Parse(p)
		if err != nil {
			t.Fatal(err)
		}
		n := tr.Find(ap)
		if n == nil {
			t.Fatalf("%s is not loaded", p)
		}
		tr.SetChildren(n, lists[p])
	}
	return tr
}

// TestFilterRanksFullPaths: a query naming a loaded path, in any form the
// explorer prints it (the footer's full path, with Nix quoting) or
// relative to the start node or one of its ancestors, puts that path
// first; a fuzzy fragment still finds it.
func TestFilterRanksFullPaths(t *testing.T) {
	attrs := func(n string) nixeval.Child { return nixeval.Child{Name: n, Kind: nixeval.KindAttrs} }
	drv := func(n string) nixeval.Child { return nixeval.Child{Name: n, Kind: nixeval.KindDerivation} }
	lists := map[string][]nixeval.Child{
		"config.system.build":        {drv("kernel"), attrs("manual"), drv("sdImage"), drv("toplevel"), attrs("units"), drv("vm"), drv("vmWithBootLoader")},
		"config.system.build.units":  {attrs("dbus.service"), attrs("getty@.service"), attrs("sshd.service")},
		"config.system.build.manual": {drv("manpages"), drv("manualHTML")},
	}
	order := []string{"config.system.build", "config.system.build.units", "config.system.build.manual"}
	for _, tc := range []struct {
		start, query string
		first        string // the top match, relative to start as the filter prints it
		none         bool   // nothing matches
	}{
		{"config.system.build", "config.system.build.toplevel", "toplevel", false},
		{"config.system.build", "toplevel", "toplevel", false},
		{"config.system.build", "system.build.toplevel", "toplevel", false},
		{"config.system.build", "build.toplevel", "toplevel", false},
		{"config.system.build", `config.system.build."toplevel"`, "toplevel", false},
		{"config.system.build", `config.system.build.units."sshd.service"`, `units."sshd.service"`, false},
		{"config.system.build", `units."sshd.service"`, `units."sshd.service"`, false},
		{"config.system.build", "config.system.build.units", "units", false},
		{"config.system.build", "config.system.build.vm", "vm", false},
		{"config.system.build", "config.system.build.manual.manualHTML", "manual.manualHTML", false},
		{"config.system.build", "tplvl", "toplevel", false},
		{"config.system.build", "sshd", `units."sshd.service"`, false},
		{"config.system.build", "config.system.build.sshd", `units."sshd.service"`, false},
		{"config.system.build", "manhtml", "manual.manualHTML", false},
		{"config.system.build", "config.system.build.zzz", "", true},
		{"config.system.build.units", `config.system.build.units."sshd.service"`, `"sshd.service"`, false},
		{"config.system.build.units", `"getty@.service"`, `"getty@.service"`, false},
	} {
		t.Run(tc.start+" "+tc.query, func(t *testing.T) {
			var tr *tree.Tree
			if tc.start == "config.system.build" {
				tr = listedTree(t, tc.start, lists, order...)
			} else {
				tr = listedTree(t, tc.start, map[string][]nixeval.Child{tc.start: lists[tc.start]}, tc.start)
			}
			ms := BuildIndex(tr).Rank(tc.query)
			if tc.none {
				if len(ms) != 0 {
					t.Errorf("%q matches %d paths, first %q", tc.query, len(ms), ms[0].Str)
				}
				return
			}
			if len(ms) == 0 || ms[0].Str != tc.first {
				var got []string
				for _, m := range ms {
					got = append(got, m.Str)
				}
				t.Errorf("%q ranks %q, want %q first", tc.query, got, tc.first)
			}
		})
	}
}

// The ranking table of issue 25, through the filter's own index: a whole
// name first, then its beginning, then fuzzier; a typo still finds.
func TestFilterRanksAsPeopleSearch(t *testing.T) {
	attrs := func(n string) nixeval.Child { return nixeval.Child{Name: n, Kind: nixeval.KindAttrs} }
	drv := func(n string) nixeval.Child { return nixeval.Child{Name: n, Kind: nixeval.KindDerivation} }
	lists := map[string][]nixeval.Child{
		"config.system.build": {drv("etc"), attrs("images"), drv("kernel"), drv("sdImage"), drv("toplevel")},
		"config.system.build.images": {drv("amazon"), drv("digital-ocean"), drv("iso"), drv("iso-installer"),
			drv("oci"), drv("openstack"), drv("sd-card")},
	}
	idx := BuildIndex(listedTree(t, "config.system.build", lists, "config.system.build", "config.system.build.images"))
	for q, first := range map[string][]string{
		"iso":     {"images.iso", "images.iso-installer"},
		"sdimgae": {"sdImage"},
		"card":    {"images.sd-card"},
	} {
		got := idx.Rank(q)
		if len(got) < len(first) {
			t.Errorf("%q: %d matches", q, len(got))
			continue
		}
		for i, w := range first {
			if got[i].Str != w {
				t.Errorf("%q ranks %q at %d, want %q", q, got[i].Str, i, w)
			}
		}
	}
}
