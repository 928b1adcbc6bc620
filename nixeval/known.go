package nixeval

import (
	"slices"
	"strings"

	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/nixeval/catalogue"
)

// classicTopLevel maps the shortcuts at the top of <nixpkgs/nixos> to the
// outputs they are (nixos/default.nix: system = toplevel, vm, vmWithBootLoader).
var classicTopLevel = map[string]string{"system": "toplevel", "vm": "vm", "vmWithBootLoader": "vmWithBootLoader"}

// DocFor returns the catalogue entry for the node at path, if the
// catalogue knows it: config.system.build.<name>, an image variant
// config.system.build.images.<variant>, or the system/vm/vmWithBootLoader
// shortcuts of a classic target. definedIn (the files that define the
// value, from Description.DefinedIn) picks the right entry when several
// modules define the same name. facts (from the configuration) pick the
// entries of its NixOS release and qualify the sentences they override.
func DocFor(t *Target, path attr.Path, definedIn []string, facts Facts) (catalogue.Entry, bool) {
	e, ok := docFor(t, path, definedIn, facts)
	if !ok {
		return e, false
	}
	return e.Given(facts.Map()), true
}

func docFor(t *Target, path attr.Path, definedIn []string, facts Facts) (catalogue.Entry, bool) {
	release := facts.Release()
	switch {
	case len(path) == len(attr.DefaultPath)+1 && path.HasPrefix(attr.DefaultPath):
		// A fact the configuration gives (boot.initrd.systemd.enable for
		// initialRamdisk) picks between entries whose condition it settles.
		return catalogue.BestGiven(path.Last(), definedIn, release, facts.Map())
	case len(path) == len(attr.DefaultPath)+2 && path.HasPrefix(attr.DefaultPath.Child("images")):
		if e, ok := catalogue.ForVariant(path.Last(), release); ok {
			return e, true
		}
		// A variant of the configuration's own (image.modules.<name>): its
		// configuration has the options of the module that built it.
		for fact, output := range map[string]string{"sdImage.compressImage": "sdImage", "isoImage.squashfsCompression": "isoImage"} {
			if _, ok := facts.Get(fact); ok {
				return catalogue.Best(output, nil, release)
			}
		}
	case len(path) == 1 && t != nil && t.Kind == Classic:
		if name, ok := classicTopLevel[path[0]]; ok {
			return catalogue.Best(name, nil, release)
		}
	}
	return catalogue.Entry{}, false
}

// KnownAbsent returns the catalogue's outputs that a listing of
// config.system.build does not have, as children of kind KindAbsent, with
// the catalogue entry saying how to get each (Entry.HowToGet). For any
// other listing it returns nothing. This is `ls --known` and the explorer's
// toggle for known-but-absent outputs.
//
// variants are the names of this configuration's images (attrNames of
// config.system.build.images, which forces no variant; nil when not
// known): an entry's advice names an image variant only when the
// configuration has it, so a configuration whose images lack cloudstack
// is never told to build images.cloudstack. Not knowing the configuration's
// release and platform, it names no variant that throws on some platform
// (sd-card: catalogue.VariantWorks); KnownAbsentOn knows them.
func KnownAbsent(l Listing, variants []string) ([]Child, []catalogue.Entry) {
	return KnownAbsentOn(l, variants, "", "")
}

// KnownAbsentOn is KnownAbsent for a configuration of NixOS release
// (system.nixos.release) on system (nixpkgs.hostPlatform.system): a
// variant is named only where it evaluates there.
func KnownAbsentOn(l Listing, variants []string, release, system string) ([]Child, []catalogue.Entry) {
	if !l.Path.Equal(attr.DefaultPath) {
		return nil, nil
	}
	present := make([]string, len(l.Children))
	for i, c := range l.Children {
		present[i] = c.Name
	}
	abs := catalogue.AbsentOn(present, release, system)
	for i := range abs {
		var keep []string
		for _, v := range abs[i].Variants {
			if slices.Contains(variants, v) {
				keep = append(keep, v)
			}
		}
		abs[i].Variants = keep
	}
	children := make([]Child, len(abs))
	for i, e := range abs {
		children[i] = Child{Name: e.Name, Path: l.Path.Child(e.Name), Kind: KindAbsent}
	}
	return children, abs
}

// EvaluationCost says, for a node whose value is a whole evaluation of the
// configuration again, why it takes long to evaluate (the explorer shows it
// while its kind or preview loads); "" for any other node. The catalogue
// says which outputs are (reevaluates, childrenReevaluate): upstream makes
// each images.* variant and both VMs with extendModules.
func EvaluationCost(t *Target, path attr.Path) string {
	build := attr.DefaultPath
	if t != nil && t.Kind == Classic && len(path) == 1 {
		// <nixpkgs/nixos> has vm and vmWithBootLoader at its root too.
		build = attr.Path{}
	}
	switch {
	case len(path) == len(build)+1 && path.HasPrefix(build):
		if e, ok := catalogue.Best(path.Last(), nil, ""); ok && e.Reevaluates != "" {
			return "evaluates the whole configuration again " + e.Reevaluates
		}
	case len(path) == len(attr.DefaultPath)+2 && path.HasPrefix(attr.DefaultPath):
		set := path[len(attr.DefaultPath)]
		if e, ok := catalogue.Best(set, nil, ""); ok && e.ChildrenReevaluate != "" {
			return "evaluates the whole configuration again " + strings.ReplaceAll(e.ChildrenReevaluate, "<child>", attr.Quote(path.Last()))
		}
	}
	return ""
}
