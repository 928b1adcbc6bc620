// Package catalogue is nixplore's knowledge of the outputs that nixpkgs
// modules put under config.system.build: what each builds, what the result
// holds, when to pick it over its neighbours and which module brings it. The
// knowledge is data (outputs.json), each entry beside the nixpkgs file that
// defines it, so it can be checked against nixpkgs and corrected without
// touching code. The package knows nothing of Nix or of any UI.
package catalogue

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

//go:embed outputs.json
var outputsJSON []byte

// Entry is what the catalogue knows about one output as one nixpkgs module
// defines it. A name can have several entries (installBootLoader is set by
// every boot loader module, image by every image module).
type Entry struct {
	Name string `json:"name"`
	// Source is the nixpkgs file that defines the output, relative to the
	// nixpkgs root (nixos/modules/installer/sd-card/sd-image.nix).
	Source string `json:"source"`
	// Default is true when the module is in module-list.nix: every
	// configuration has the output (subject to Condition).
	Default bool `json:"default"`
	// Condition is the option that must be enabled for the module to set
	// the output, if any (boot.loader.grub.enable).
	Condition string `json:"condition,omitempty"`
	// Unless is the option that must be disabled for the module to set
	// the output, if any (stage-1.nix sets initialRamdisk only without
	// boot.initrd.systemd.enable).
	Unless string `json:"unless,omitempty"`
	// Imports are modules (nixpkgs-relative) a configuration can import to
	// get the output, the most common first. Empty for Default entries.
	Imports []string `json:"imports,omitempty"`
	// Variants are the system.build.images variants built from this module
	// (sd-card), for `nixos-rebuild build-image --image-variant`.
	Variants []string `json:"variants,omitempty"`
	// Kind is the kind of value: derivation, attrs, string, list, …
	Kind string `json:"kind"`
	// Rebuild is the nixos-rebuild subcommand that builds this output, if
	// one does (build, build-vm, …).
	Rebuild    string `json:"rebuild,omitempty"`
	Deprecated bool   `json:"deprecated,omitempty"`
	// SameAs names the output this one is another name for (the generic
	// image of sd-image.nix is sdImage).
	SameAs string `json:"sameAs,omitempty"`
	// Summary says in one sentence what the output builds.
	Summary string `json:"summary"`
	// Result says what the result contains and how to use it.
	Result string `json:"result"`
	// Choose says when to choose it over its neighbours.
	Choose string `json:"choose"`
	// Since and Until are the NixOS releases the entry holds for: from
	// Since (empty: any older one) up to but not including Until (empty:
	// still true at the release Checked names).
	Since string `json:"since,omitempty"`
	Until string `json:"until,omitempty"`
	// Reevaluates says how the output's value is a whole evaluation of the
	// configuration again ("as a virtual machine (…vmVariant)"), when it
	// is one: the explorer says so while it loads. ChildrenReevaluate is
	// the same for each child of a set (images: "with the <child> image
	// module (extendModules)", <child> standing for the child's name).
	Reevaluates        string `json:"reevaluates,omitempty"`
	ChildrenReevaluate string `json:"childrenReevaluate,omitempty"`
	// Given are the sentences a fact read from the configuration
	// overrides, so the general text never contradicts what is shown above
	// it (".img.zst when compressImage" with compressImage off).
	Qualifiers []Qualifier `json:"given,omitempty"`
	// After are the steps once the output is built (write the image to a
	// card, start the VM), <result> standing for the result's path: what
	// the build panel and `nixplore build` say when they cannot read them
	// from the files the result holds.
	After []Step `json:"after,omitempty"`
	// VariantPlatforms say, for an image variant this entry's module
	// builds, the platforms it evaluates on in a range of releases:
	// elsewhere forcing it throws, so advice never names it there.
	VariantPlatforms []VariantPlatforms `json:"variantPlatforms,omitempty"`
	// Evidence are the nixpkgs files, at the commits read, that the
	// entry's claims rest on.
	Evidence []Evidence `json:"evidence,omitempty"`
}

// VariantPlatforms are the systems (x86_64-linux) on which the image
// variant Variant evaluates in the releases Since (empty: any older one)
// up to but not including Until (empty: still so at Checked). Why says
// what decides it.
type VariantPlatforms struct {
	Variant string   `json:"variant"`
	Since   string   `json:"since,omitempty"`
	Until   string   `json:"until,omitempty"`
	Systems []string `json:"systems"`
	Why     string   `json:"why"`
}

// Evidence is one file read to check an entry: the repository, the
// file's path in it, the commit read (or, when the reference index gave
// no commit, the index's id of the stored copy) and what it shows.
type Evidence struct {
	Repo    string `json:"repo"`
	Path    string `json:"path"`
	Commit  string `json:"commit,omitempty"`
	IndexID string `json:"indexId,omitempty"`
	Says    string `json:"says"`
}

// Step is one thing to do with a built result.
type Step struct {
	Title   string `json:"title"`
	Command string `json:"command"`
	// Warning is what could go wrong running Command (dd on the wrong
	// device).
	Warning string `json:"warning,omitempty"`
	// When are the conditions the step holds under, all of them: for a
	// built system "this-machine" (the configuration is this NixOS
	// machine's: host name and platform), "other-machine", "rebuild"
	// (nixos-rebuild can name the configuration: <target>).
	When []string `json:"when,omitempty"`
}

// ResultPlaceholder stands for the built result's path in a Step.
const ResultPlaceholder = "<result>"

// Qualifier replaces one sentence of an entry's text when the
// configuration's fact Fact has the value Equals (any value when Equals is
// null): Drop, a verbatim part of Summary, Result or Choose, becomes Say
// (empty: the sentence goes).
type Qualifier struct {
	Fact   string `json:"fact"`
	Equals any    `json:"equals,omitempty"`
	Drop   string `json:"drop"`
	Say    string `json:"say,omitempty"`
}

// Checked is the nixpkgs the catalogue was last checked against: its NixOS
// release and revision. A configuration of a newer release may have
// outputs the catalogue describes wrongly.
var Checked = struct {
	Release  string `json:"release"`
	Revision string `json:"revision"`
}{Release: "26.11", Revision: "2680ad0cfc17b68f4b56f5a7788c78040563105c"}

var entries = mustLoad(outputsJSON)

func mustLoad(b []byte) []Entry {
	es, err := load(b)
	if err != nil {
		panic("catalogue/outputs.json: " + err.Error())
	}
	return es
}

// load parses and checks the catalogue: every entry must name its output,
// its nixpkgs source file and say what it builds.
func load(b []byte) ([]Entry, error) {
	var es []Entry
	if err := json.Unmarshal(b, &es); err != nil {
		return nil, err
	}
	for i, e := range es {
		if err := e.check(); err != nil {
			return nil, fmt.Errorf("entry %d (%q): %w", i, e.Name, err)
		}
	}
	return es, nil
}

func (e Entry) check() error {
	isNixpkgsFile := func(p string) bool {
		return (strings.HasPrefix(p, "nixos/") || strings.HasPrefix(p, "pkgs/")) && strings.HasSuffix(p, ".nix") && !strings.Contains(p, "..")
	}
	switch {
	case e.Name == "":
		return fmt.Errorf("no name")
	case !isNixpkgsFile(e.Source):
		return fmt.Errorf("source %q is not a nixpkgs file (nixos/….nix)", e.Source)
	case e.Summary == "" || e.Result == "" || e.Choose == "" || e.Kind == "":
		return fmt.Errorf("summary, result, choose and kind are all needed")
	case !e.Default && len(e.Imports) == 0:
		return fmt.Errorf("not in every configuration, but no module to import is given")
	}
	if e.ChildrenReevaluate != "" && !strings.Contains(e.ChildrenReevaluate, "<child>") {
		return fmt.Errorf("childrenReevaluate %q does not name the child (<child>)", e.ChildrenReevaluate)
	}
	for _, st := range e.After {
		if st.Title == "" || !strings.Contains(st.Command, ResultPlaceholder) && !strings.Contains(st.Title, ResultPlaceholder) && !strings.Contains(st.Command, "<target>") && !strings.Contains(st.Command, "<out>") {
			return fmt.Errorf("after: step %q does not say where the result is (%s)", st.Title, ResultPlaceholder)
		}
	}
	for _, m := range e.Imports {
		if !isNixpkgsFile(m) {
			return fmt.Errorf("import %q is not a nixpkgs file", m)
		}
	}
	if err := checkRange(e.Since, e.Until); err != nil {
		return err
	}
	for _, vp := range e.VariantPlatforms {
		if !contains(e.Variants, vp.Variant) && e.Name != "images" {
			return fmt.Errorf("variantPlatforms: %q is not a variant of this entry", vp.Variant)
		}
		if len(vp.Systems) == 0 || vp.Why == "" {
			return fmt.Errorf("variantPlatforms for %q: systems and why are needed", vp.Variant)
		}
		if err := checkRange(vp.Since, vp.Until); err != nil {
			return fmt.Errorf("variantPlatforms for %q: %w", vp.Variant, err)
		}
	}
	for _, ev := range e.Evidence {
		switch {
		case ev.Repo == "" || ev.Path == "" || strings.Contains(ev.Path, "..") || ev.Says == "":
			return fmt.Errorf("evidence %+v: repo, path and says are needed", ev)
		case ev.Commit == "" && ev.IndexID == "":
			return fmt.Errorf("evidence for %s: no commit and no index id", ev.Path)
		case ev.Commit != "" && (len(ev.Commit) != 40 || strings.Trim(ev.Commit, "0123456789abcdef") != ""):
			return fmt.Errorf("evidence for %s: commit %q is not 40 hex digits", ev.Path, ev.Commit)
		case ev.IndexID != "" && strings.Trim(ev.IndexID, "0123456789") != "":
			return fmt.Errorf("evidence for %s: index id %q is not a number", ev.Path, ev.IndexID)
		}
	}
	for _, q := range e.Qualifiers {
		// A qualifier whose sentence is not there would silently leave a
		// contradiction in place.
		if q.Fact == "" || q.Drop == "" || !strings.Contains(e.Summary+"\n"+e.Result+"\n"+e.Choose, q.Drop) {
			return fmt.Errorf("qualifier for %q: its sentence %q is not in the text", q.Fact, q.Drop)
		}
	}
	return nil
}

func checkRange(since, until string) error {
	for _, r := range []string{since, until} {
		if r != "" && !validRelease(r) {
			return fmt.Errorf("release %q is not YY.MM", r)
		}
	}
	if since != "" && until != "" && CompareReleases(since, until) >= 0 {
		return fmt.Errorf("since %s is not before until %s", since, until)
	}
	return nil
}

func inRange(since, until, release string) bool {
	if release == "" || !validRelease(release) {
		return until == ""
	}
	return (since == "" || CompareReleases(since, release) <= 0) && (until == "" || CompareReleases(release, until) < 0)
}

func validRelease(r string) bool {
	y, m, ok := strings.Cut(r, ".")
	return ok && len(y) == 2 && len(m) == 2 && strings.Trim(y+m, "0123456789") == ""
}

// CompareReleases orders NixOS releases ("24.11" < "25.05"): -1, 0 or 1.
// Releases are YY.MM, so the strings order as the releases do; anything
// else ("unstable") sorts after every release.
func CompareReleases(a, b string) int {
	va, vb := validRelease(a), validRelease(b)
	switch {
	case va && !vb:
		return -1
	case !va && vb:
		return 1
	}
	return strings.Compare(a, b)
}

// HoldsFor reports whether the entry describes the output of a NixOS
// release ("" when unknown: the current entries hold).
func (e Entry) HoldsFor(release string) bool { return inRange(e.Since, e.Until, release) }

// VariantWorks reports whether the image variant evaluates for a
// configuration of release on system (nixpkgs.hostPlatform.system), as far
// as the catalogue knows: a variant it has no platforms for works
// anywhere. An unknown release must work in every release the catalogue
// has platforms for, an unknown system ("") nowhere restricted: advice
// never names a variant that may throw.
func VariantWorks(variant, release, system string) bool {
	for _, e := range entries {
		for _, vp := range e.VariantPlatforms {
			if vp.Variant != variant {
				continue
			}
			if validRelease(release) && !inRange(vp.Since, vp.Until, release) {
				continue
			}
			if !contains(vp.Systems, system) {
				return false
			}
		}
	}
	return true
}

// NewerThanChecked says, for a configuration of a release newer than the
// one the catalogue was checked against, that its text may be out of
// date; "" otherwise.
func NewerThanChecked(release string) string {
	if release == "" || CompareReleases(release, Checked.Release) <= 0 {
		return ""
	}
	return "this configuration is NixOS " + release + ", newer than " + Checked.Release +
		", the release nixplore's catalogue was last checked against: the general text may be out of date"
}

// Given returns the entry with each sentence a fact overrides replaced,
// so its text agrees with facts (name → value, from the configuration).
func (e Entry) Given(facts map[string]any) Entry {
	for _, q := range e.Qualifiers {
		v, ok := facts[q.Fact]
		if !ok || (q.Equals != nil && fmt.Sprint(q.Equals) != fmt.Sprint(v)) {
			continue
		}
		repl := func(s string) string {
			s = strings.Replace(s, q.Drop, q.Say, 1)
			return strings.Join(strings.Fields(s), " ")
		}
		e.Summary, e.Result, e.Choose = repl(e.Summary), repl(e.Result), repl(e.Choose)
	}
	e.Qualifiers = nil
	return e
}

// All returns every entry, in catalogue order.
func All() []Entry { return append([]Entry(nil), entries...) }

// Lookup returns the entries for an output name that hold for release
// (see HoldsFor), the ones in every configuration first.
func Lookup(name, release string) []Entry {
	var out []Entry
	for _, e := range entries {
		if e.Name == name && e.HoldsFor(release) {
			out = append(out, e)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Default && !out[j].Default })
	return out
}

// AfterBuild returns the steps after building the output name (see
// Entry.After) from the first entry holding for release that has any, the
// ones in every configuration first.
func AfterBuild(name, release string) []Step {
	for _, e := range Lookup(name, release) {
		if len(e.After) > 0 {
			return append([]Step(nil), e.After...)
		}
	}
	return nil
}

// Names returns every known output name, sorted, once each.
func Names() []string {
	seen := map[string]bool{}
	var out []string
	for _, e := range entries {
		if !seen[e.Name] {
			seen[e.Name] = true
			out = append(out, e.Name)
		}
	}
	sort.Strings(out)
	return out
}

// Best picks the entry for name that matches where the value is defined:
// the entry whose Source is one of definedIn (files as Nix reports them,
// absolute or nixpkgs-relative), among those that hold for release.
// Without a match it prefers an entry that is in every configuration with
// no condition. It reports false for an unknown name.
func Best(name string, definedIn []string, release string) (Entry, bool) {
	return BestGiven(name, definedIn, release, nil)
}

// BestGiven is Best when facts (option → value, from the configuration)
// are known: an entry whose Condition is false there, or whose Unless is
// true, does not describe this configuration's output and is left out;
// among the rest, without a defining file to go by, one whose Condition or
// Unless the facts settle comes first. So the initialRamdisk of a
// configuration with boot.initrd.systemd.enable is systemd/initrd.nix's,
// whatever its release.
func BestGiven(name string, definedIn []string, release string, facts map[string]any) (Entry, bool) {
	var es []Entry
	for _, e := range Lookup(name, release) {
		if v, ok := facts[e.Condition]; ok && e.Condition != "" && v == false {
			continue
		}
		if v, ok := facts[e.Unless]; ok && e.Unless != "" && v == true {
			continue
		}
		es = append(es, e)
	}
	if len(es) == 0 {
		return Entry{}, false
	}
	for _, f := range definedIn {
		for _, e := range es {
			if f == e.Source || strings.HasSuffix(f, "/"+e.Source) {
				return e, true
			}
		}
	}
	for _, e := range es {
		if v, ok := facts[e.Condition]; ok && v == true {
			return e, true
		}
		if v, ok := facts[e.Unless]; ok && v == false {
			return e, true
		}
	}
	for _, e := range es {
		if e.Default && e.Condition == "" {
			return e, true
		}
	}
	return es[0], true
}

// ForVariant returns the entry describing the image that
// system.build.images.<variant> builds: the variant's system.build.image,
// or the output it is another name for (sdImage for sd-card). Variants
// whose module sets image to its own output are described by that output.
// Only entries that hold for release are considered.
func ForVariant(variant, release string) (Entry, bool) {
	var named []Entry
	for _, e := range entries {
		if !contains(e.Variants, variant) || !e.HoldsFor(release) {
			continue
		}
		if e.Name == "image" {
			if e.SameAs == "" {
				return e, true
			}
			for _, o := range Lookup(e.SameAs, release) {
				if contains(o.Variants, variant) {
					return o, true
				}
			}
		}
		if e.Name != "installBootLoader" {
			named = append(named, e)
		}
	}
	// Before the image entry holds (images.nix is 25.05's), the output
	// it stands for in other releases is still the variant's best name
	// (kexec: kexecTarball, not squashfsStore, which comes first).
	for _, e := range entries {
		if e.Name != "image" || e.SameAs == "" || !contains(e.Variants, variant) {
			continue
		}
		for _, n := range named {
			if n.Name == e.SameAs {
				return n, true
			}
		}
	}
	if len(named) > 0 {
		return named[0], true
	}
	return Entry{}, false
}

func contains(list []string, s string) bool {
	for _, l := range list {
		if l == s {
			return true
		}
	}
	return false
}

// Absent returns, for every known name not in present, one entry that
// says how to get it, with the Imports and Variants of all the name's
// entries merged. Sorted by name. Only current entries count (a listing
// does not say its release): an output nixpkgs removed is not offered.
// Not knowing the release or the platform, it names no variant that throws
// on some platform (VariantWorks); AbsentOn knows them.
func Absent(present []string) []Entry { return AbsentOn(present, "", "") }

// AbsentOn is Absent for a configuration of release on system: a variant
// is offered only where it evaluates (VariantWorks).
func AbsentOn(present []string, release, system string) []Entry {
	have := map[string]bool{}
	for _, n := range present {
		have[n] = true
	}
	var out []Entry
	for _, n := range Names() {
		es := Lookup(n, "")
		if have[n] || len(es) == 0 {
			continue
		}
		e := es[0]
		e.Imports = nil
		e.Variants = nil
		for _, x := range es {
			e.Imports = appendNew(e.Imports, x.Imports...)
			for _, v := range x.Variants {
				if VariantWorks(v, release, system) {
					e.Variants = appendNew(e.Variants, v)
				}
			}
		}
		out = append(out, e)
	}
	return out
}

func appendNew(list []string, items ...string) []string {
	for _, it := range items {
		if !contains(list, it) {
			list = append(list, it)
		}
	}
	return list
}

// HowToGet says in one sentence how a configuration gets the output.
func (e Entry) HowToGet() string {
	var parts []string
	switch {
	case e.Default && e.Condition != "":
		parts = append(parts, "set by "+e.Source+" when "+e.Condition+" is enabled")
	case e.Default && e.Unless != "":
		parts = append(parts, "set by "+e.Source+" when "+e.Unless+" is disabled")
	case e.Default:
		parts = append(parts, "every NixOS configuration has it ("+e.Source+"); a nixpkgs without it is older than this module")
	}
	if len(e.Imports) > 0 {
		imps := make([]string, len(e.Imports))
		for i, m := range e.Imports {
			imps[i] = "<nixpkgs/" + m + ">"
		}
		s := "import " + imps[0]
		if len(imps) > 1 {
			s = "import one of " + strings.Join(imps, ", ")
		}
		if e.Condition != "" && !e.Default {
			s += " and enable " + e.Condition
		}
		parts = append(parts, s)
	}
	if len(e.Variants) > 0 {
		parts = append(parts, "or, importing nothing, build the image variant made with it: nixos-rebuild build-image --image-variant "+e.Variants[0]+
			" (config.system.build.images."+e.Variants[0]+")")
	}
	return strings.Join(parts, "; ")
}

// Releases says in words which NixOS releases the entry's text holds for,
// and the release the catalogue was last checked against.
func (e Entry) Releases() string {
	checked := "catalogue checked against NixOS " + Checked.Release
	switch {
	case e.Since != "" && e.Until != "":
		return "NixOS " + e.Since + " to before " + e.Until + "; " + checked
	case e.Since != "":
		return "NixOS " + e.Since + " and later; " + checked
	case e.Until != "":
		return "NixOS before " + e.Until + "; " + checked
	}
	return checked
}
