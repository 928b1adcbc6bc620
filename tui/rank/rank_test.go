package rank

import (
	"strings"
	"testing"
)

// The names of the Pi configuration's config.system.build, as the filter
// holds them (relative to the start node), in tree order.
var piPaths = []string{
	"bootStage1", "etc", "etcActivationCommands", "images", "images.amazon", "images.azure",
	"images.digital-ocean", "images.iso", "images.iso-installer", "images.oci", "images.openstack",
	"images.sd-card", "initialRamdisk", "kernel", "manual", "manual.manualHTML", "sdImage", "toplevel",
	"units", `units."sshd.service"`, `units."systemd-journald.service"`, "vm",
}

func ranked(q string) []string {
	var out []string
	for _, m := range Paths(q, piPaths) {
		out = append(out, piPaths[m.Index])
	}
	return out
}

// The ranking table of issue 25: a whole name first, then its beginning,
// then a piece, then the letters in order, then typos.
func TestRankingTable(t *testing.T) {
	for _, c := range []struct {
		q     string
		first []string
	}{
		{"iso", []string{"images.iso", "images.iso-installer"}},
		{"ISO", []string{"images.iso", "images.iso-installer"}},
		{"images.iso", []string{"images.iso", "images.iso-installer"}},
		{"sdimgae", []string{"sdImage"}},
		{"toplevle", []string{"toplevel"}},
		{"sshd", []string{`units."sshd.service"`}},
		{"sshd.service", []string{`units."sshd.service"`}},
		{"card", []string{"images.sd-card"}},
		{"html", []string{"manual.manualHTML"}},
		{"etc", []string{"etc", "etcActivationCommands"}},
	} {
		got := ranked(c.q)
		if len(got) < len(c.first) || strings.Join(got[:len(c.first)], " ") != strings.Join(c.first, " ") {
			t.Errorf("%q ranks %v, want %v first", c.q, got, c.first)
		}
	}
}

func TestTiers(t *testing.T) {
	tiers := map[string]Tier{}
	for _, m := range Paths("iso", piPaths) {
		tiers[piPaths[m.Index]] = m.Tier
	}
	if tiers["images.iso"] != Whole || tiers["images.iso-installer"] != Prefix || tiers["images.openstack"] != Subsequence {
		t.Errorf("tiers %v", tiers)
	}
	if _, ok := tiers["kernel"]; ok {
		t.Error("kernel matched iso")
	}
	// A short query gets no typo matches (every 3-letter name is near).
	if got := ranked("vn"); len(got) != 0 && got[0] == "vm" {
		t.Errorf("vn ranks %v: too short for a typo", got)
	}
	if got := ranked("sdimgaex"); len(got) != 1 || got[0] != "sdImage" {
		t.Errorf("two typos in a long name: %v", got)
	}
	if got := ranked("sdxmgaex"); len(got) != 0 {
		t.Errorf("three typos: %v", got)
	}
}

func TestHighlight(t *testing.T) {
	m := Paths("iso", []string{"images.iso-installer"})[0]
	var hl strings.Builder
	for _, b := range m.MatchedIndexes {
		hl.WriteByte(m.Str[b])
	}
	if hl.String() != "iso" {
		t.Errorf("highlighted %q", hl.String())
	}
	m = Paths("units.sshd", []string{`units."sshd.service"`})[0]
	hl.Reset()
	for _, b := range m.MatchedIndexes {
		hl.WriteByte(m.Str[b])
	}
	if hl.String() != "unitssshd" {
		t.Errorf("highlighted %q", hl.String())
	}
}

func TestEdits(t *testing.T) {
	for _, c := range []struct {
		a, b string
		d    int
	}{{"sdimgae", "sdimage", 1}, {"sdimage", "sdimage", 0}, {"kernel", "kernl", 1}, {"abc", "xyz", 3}, {"a", "abcdef", 3}} {
		if got := edits(c.a, c.b); got != c.d {
			t.Errorf("edits(%q, %q) = %d, want %d", c.a, c.b, got, c.d)
		}
	}
}
