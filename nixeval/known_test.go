package nixeval_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/nixplore/nixplore/internal/testnix"
	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/nixeval/resolve"
	"github.com/nixplore/nixplore/nixeval/teach"
)

func outputPath(name string) attr.Path { return attr.DefaultPath.Child(name) }

// The laptop fixture defines system.build attributes in its own file in
// every definition style; each must be traced back to that file, and the
// mkIf false one must not.
func TestWhereDefinedWithoutForcing(t *testing.T) {
	testnix.Setup(t)
	ev := newEval(t, testnix.Classic(t, "laptop", ""))
	own := testnix.Testdata("configs", "laptop", "configuration.nix")
	for _, name := range []string{"myScript", "conditional", "defaulted", "merged1", "merged2", "disabled"} {
		t.Run(name, func(t *testing.T) {
			def, err := ev.DefinedIn(ctx(t), outputPath(name))
			if err != nil {
				t.Fatal(err)
			}
			if def == nil || def.Option.String() != "system.build" || def.Declared {
				t.Fatalf("definition %+v: want an attribute inside option system.build", def)
			}
			if name == "disabled" {
				if len(def.Files) != 0 {
					t.Fatalf("mkIf false definition listed: %v", def.Files)
				}
				return
			}
			if len(def.Files) != 1 || def.Files[0] != own {
				t.Fatalf("defined in %v, want [%s]", def.Files, own)
			}
			if teach.DisplayFile(def.Files[0]) != own {
				t.Errorf("the user's own file must be shown as it is, got %s", teach.DisplayFile(def.Files[0]))
			}
		})
	}
	// Describe gives the same answer for the values that evaluate.
	d, err := ev.Describe(ctx(t), outputPath("merged2"))
	if err != nil {
		t.Fatal(err)
	}
	if d.DefinedIn == nil || len(d.DefinedIn.Files) != 1 || d.DefinedIn.Files[0] != own {
		t.Fatalf("Describe definedIn %+v", d.DefinedIn)
	}
	if d.Doc != nil {
		t.Errorf("the user's own output has no catalogue entry, got %+v", d.Doc)
	}
}

func TestDescribeShowsCatalogueDoc(t *testing.T) {
	testnix.Setup(t)
	pi := newEval(t, testnix.Classic(t, "pi", "aarch64-linux"))
	laptop := newEval(t, testnix.Classic(t, "laptop", ""))
	for _, tc := range []struct {
		name     string
		ev       *nixeval.Evaluator
		path     attr.Path
		doc      string
		source   string
		definedI string // nixpkgs-relative defining file
	}{
		{"pi sdImage", pi, outputPath("sdImage"), "sdImage", "nixos/modules/installer/sd-card/sd-image.nix", "nixos/modules/installer/sd-card/sd-image.nix"},
		{"pi installBootLoader is extlinux's", pi, outputPath("installBootLoader"), "installBootLoader",
			"nixos/modules/system/boot/loader/generic-extlinux-compatible/default.nix", "nixos/modules/system/boot/loader/generic-extlinux-compatible/default.nix"},
		{"laptop installBootLoader is grub's", laptop, outputPath("installBootLoader"), "installBootLoader",
			"nixos/modules/system/boot/loader/grub/grub.nix", "nixos/modules/system/boot/loader/grub/grub.nix"},
		{"laptop toplevel", laptop, outputPath("toplevel"), "toplevel", "nixos/modules/system/activation/top-level.nix", "nixos/modules/system/activation/top-level.nix"},
		{"classic shortcut vm", laptop, attr.Path{"vm"}, "vm", "nixos/modules/virtualisation/build-vm.nix", ""},
		{"image variant", laptop, attr.DefaultPath.Child("images").Child("iso"), "isoImage", "nixos/modules/installer/cd-dvd/iso-image.nix", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := tc.ev.Describe(ctx(t), tc.path)
			if err != nil {
				t.Fatal(err)
			}
			if d.Doc == nil || d.Doc.Name != tc.doc || d.Doc.Source != tc.source {
				t.Fatalf("doc %+v, want %s from %s", d.Doc, tc.doc, tc.source)
			}
			if d.Doc.Summary == "" || d.Doc.Result == "" || d.Doc.Choose == "" {
				t.Errorf("doc without text: %+v", d.Doc)
			}
			if tc.definedI == "" {
				return
			}
			if d.DefinedIn == nil {
				t.Fatal("no definedIn")
			}
			shown := teach.DisplayFiles(d.DefinedIn.Files)
			found := false
			for _, f := range shown {
				found = found || f == tc.definedI
			}
			if !found {
				t.Errorf("defining files shown as %v, want %s among them", shown, tc.definedI)
			}
		})
	}
}

// buildListingAndVariants lists config.system.build and names its images
// (attrNames only), what KnownAbsent takes.
func buildListingAndVariants(t *testing.T, ev *nixeval.Evaluator) ([]nixeval.Listing, []string) {
	t.Helper()
	ls, err := ev.List(ctx(t), attr.DefaultPath)
	if err != nil {
		t.Fatal(err)
	}
	variants, err := ev.Names(ctx(t), attr.DefaultPath.Child("images"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range variants.Children {
		names = append(names, c.Name)
	}
	return ls, names
}

func TestKnownAbsentOutputs(t *testing.T) {
	testnix.Setup(t)
	for _, tc := range []struct {
		config, system string
		absent         map[string]string // name -> a module HowToGet must name
		present        []string
	}{
		{"laptop", "", map[string]string{
			"sdImage":   "<nixpkgs/nixos/modules/installer/sd-card/sd-image-aarch64.nix>",
			"isoImage":  "<nixpkgs/nixos/modules/installer/cd-dvd/installation-cd-minimal.nix>",
			"kexecTree": "<nixpkgs/nixos/modules/installer/netboot/netboot-minimal.nix>",
		}, []string{"toplevel", "vm", "myScript"}},
		{"pi", "aarch64-linux", map[string]string{
			"isoImage": "<nixpkgs/nixos/modules/installer/cd-dvd/iso-image.nix>",
		}, []string{"sdImage", "toplevel", "installBootLoader"}},
	} {
		t.Run(tc.config, func(t *testing.T) {
			ls, names := buildListingAndVariants(t, newEval(t, testnix.Classic(t, tc.config, tc.system)))
			children, entries := nixeval.KnownAbsent(ls[0], names)
			if len(children) != len(entries) || len(children) == 0 {
				t.Fatalf("%d children, %d entries", len(children), len(entries))
			}
			got := map[string]string{}
			for i, c := range children {
				if c.Kind != nixeval.KindAbsent || !c.Path.Equal(outputPath(c.Name)) || entries[i].Name != c.Name {
					t.Errorf("bad absent child %+v / %s", c, entries[i].Name)
				}
				got[c.Name] = entries[i].HowToGet()
			}
			for i, e := range entries {
				for _, v := range e.Variants {
					if !slices.Contains(names, v) {
						t.Errorf("%s's advice names images.%s, which this configuration does not have (%v)", children[i].Name, v, names)
					}
				}
			}
			for name, module := range tc.absent {
				if !strings.Contains(got[name], module) {
					t.Errorf("%s: how to get %q, want it to name %s", name, got[name], module)
				}
			}
			for _, name := range tc.present {
				if _, ok := got[name]; ok {
					t.Errorf("%s is in the configuration but listed as absent", name)
				}
			}
			if other, _ := nixeval.KnownAbsent(nixeval.Listing{Path: attr.DefaultPath.Child("units")}, nil); other != nil {
				t.Error("absent outputs only make sense for config.system.build")
			}
		})
	}
}

// A flake's nixpkgs lives in the store; its files are still shown
// relative to nixpkgs and the doc is still found.
func TestFlakeDocAndNixpkgsRelativeFiles(t *testing.T) {
	testnix.Setup(t)
	if out, err := exec.Command("nix", "--version").Output(); err != nil || strings.Contains(string(out), " 2.3.") {
		testnix.Missing(t, "flakes need Nix 2.4+ (this is %s)", out)
	}
	dir := t.TempDir()
	if err := exec.Command("cp", "-r", testnix.Testdata("flake")+"/.", dir).Run(); err != nil {
		t.Fatal(err)
	}
	if err := exec.Command("cp", "-r", testnix.Testdata("nixpkgs"), filepath.Join(dir, "nixpkgs")).Run(); err != nil {
		t.Fatal(err)
	}
	tg, err := resolve.Target(resolve.Flags{Flake: "path:" + dir + "#pi"}, resolve.Environment{Getenv: os.Getenv, Hostname: os.Hostname, EtcNixOS: t.TempDir(), Cwd: dir})
	if err != nil {
		t.Fatal(err)
	}
	ev := newEval(t, tg)
	d, err := ev.Describe(ctx(t), outputPath("sdImage"))
	if err != nil {
		t.Fatal(err)
	}
	if d.Doc == nil || d.Doc.Name != "sdImage" {
		t.Fatalf("doc %+v", d.Doc)
	}
	if d.DefinedIn == nil || len(d.DefinedIn.Files) == 0 {
		t.Fatalf("definedIn %+v", d.DefinedIn)
	}
	if got := teach.DisplayFiles(d.DefinedIn.Files); got[0] != "nixos/modules/installer/sd-card/sd-image.nix" {
		t.Errorf("store file %s shown as %s", d.DefinedIn.Files[0], got[0])
	}
}

// The outputs whose value is a whole evaluation again are the catalogue's
// (reevaluates, childrenReevaluate): each image variant and both VMs, under
// config.system.build and, for the VMs, at the root of <nixpkgs/nixos>.
func TestEvaluationCostFromTheCatalogue(t *testing.T) {
	classic := &nixeval.Target{Kind: nixeval.Classic}
	build := attr.DefaultPath
	for _, tc := range []struct {
		path attr.Path
		want string
	}{
		{build.Child("images").Child("sd-card"), `with the sd-card image module (extendModules)`},
		{build.Child("images").Child("my board"), `with the "my board" image module`},
		{build.Child("vm"), "as a virtual machine (virtualisation.vmVariant)"},
		{build.Child("vmWithBootLoader"), "with its boot loader"},
		{attr.Path{"vm"}, "as a virtual machine"},
		{build.Child("toplevel"), ""},
		{build.Child("images"), ""},
		{build.Child("sdImage").Child("x"), ""},
		{attr.Path{"system"}, ""},
	} {
		got := nixeval.EvaluationCost(classic, tc.path)
		if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
			t.Errorf("%s: %q, want %q", tc.path, got, tc.want)
		}
	}
	if got := nixeval.EvaluationCost(&nixeval.Target{Kind: nixeval.Flake}, attr.Path{"vm"}); got != "" {
		t.Errorf("a flake's root has no vm: %q", got)
	}
}

// The initialRamdisk entry follows the configuration's
// boot.initrd.systemd.enable (a fact read from it), on the fixtures and
// with no defining file to go by.
func TestInitialRamdiskFollowsSystemdStage1(t *testing.T) {
	testnix.Setup(t)
	for _, tc := range []struct {
		config  string
		systemd bool
		source  string
	}{
		{"systemdinitrd", true, "nixos/modules/system/boot/systemd/initrd.nix"},
		{"laptop", false, "nixos/modules/system/boot/stage-1.nix"},
	} {
		t.Run(tc.config, func(t *testing.T) {
			ev := newEval(t, testnix.Classic(t, tc.config, ""))
			d, err := ev.Describe(ctx(t), outputPath("initialRamdisk"))
			if err != nil {
				t.Fatal(err)
			}
			if v, ok := d.Facts.Get("boot.initrd.systemd.enable"); !ok || v != tc.systemd {
				t.Fatalf("fact boot.initrd.systemd.enable = %v, %v; want %v", v, ok, tc.systemd)
			}
			if d.Doc == nil || d.Doc.Source != tc.source {
				t.Fatalf("doc %+v, want the entry of %s", d.Doc, tc.source)
			}
			// The fact alone picks it, whatever the release says.
			facts := nixeval.Facts{{Name: "system.nixos.release", Value: "24.11"}, {Name: "boot.initrd.systemd.enable", Value: tc.systemd}}
			if e, ok := nixeval.DocFor(nil, outputPath("initialRamdisk"), nil, facts); !ok || e.Source != tc.source {
				t.Errorf("DocFor without defining files = %q, %v; want %s", e.Source, ok, tc.source)
			}
		})
	}
}

// images.sd-card is offered only where it evaluates: in 25.05 (linuxArch)
// on x86_64-linux only, since 25.11 (qemuArch) on aarch64-linux and
// x86_64-linux; never when the release or platform is unknown to the caller.
func TestKnownAbsentOffersSDCardOnlyWhereItEvaluates(t *testing.T) {
	testnix.Setup(t)
	ls, names := buildListingAndVariants(t, newEval(t, testnix.Classic(t, "laptop", "")))
	if !slices.Contains(names, "sd-card") {
		t.Fatalf("the fixture's images lack sd-card: %v", names)
	}
	for _, tc := range []struct {
		release, system string
		offered         bool
	}{
		{"25.05", "x86_64-linux", true},
		{"25.05", "aarch64-linux", false},
		{"25.11", "aarch64-linux", true},
		{"26.11", "riscv64-linux", false},
		{"", "", false},
	} {
		_, entries := nixeval.KnownAbsentOn(ls[0], names, tc.release, tc.system)
		if tc.release == "" {
			_, entries = nixeval.KnownAbsent(ls[0], names)
		}
		offered := false
		for _, e := range entries {
			offered = offered || strings.Contains(e.HowToGet(), "--image-variant sd-card")
		}
		if offered != tc.offered {
			t.Errorf("NixOS %q on %q: sd-card offered %v, want %v", tc.release, tc.system, offered, tc.offered)
		}
	}
}
