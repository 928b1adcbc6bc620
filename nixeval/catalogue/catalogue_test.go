package catalogue

import (
	"strings"
	"testing"
)

func TestEveryEntryHasItsSource(t *testing.T) {
	if len(All()) < 40 {
		t.Fatalf("catalogue has %d entries; expected the outputs nixpkgs modules define", len(All()))
	}
	for _, e := range All() {
		if err := e.check(); err != nil {
			t.Errorf("%s: %v", e.Name, err)
		}
		if !strings.HasPrefix(e.Source, "nixos/") || !strings.HasSuffix(e.Source, ".nix") {
			t.Errorf("%s: source %q is not a nixpkgs file", e.Name, e.Source)
		}
	}
}

func TestLoadRejectsIncompleteEntries(t *testing.T) {
	for _, tc := range []struct{ name, json, want string }{
		{"no source", `[{"name":"x","default":true,"kind":"derivation","summary":"s","result":"r","choose":"c"}]`, "not a nixpkgs file"},
		{"source outside nixpkgs", `[{"name":"x","source":"/etc/nixos/x.nix","default":true,"kind":"derivation","summary":"s","result":"r","choose":"c"}]`, "not a nixpkgs file"},
		{"no import for optional", `[{"name":"x","source":"nixos/modules/x.nix","kind":"derivation","summary":"s","result":"r","choose":"c"}]`, "no module to import"},
		{"no text", `[{"name":"x","source":"nixos/modules/x.nix","default":true,"kind":"derivation"}]`, "summary, result, choose"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := load([]byte(tc.json))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("load: %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

func TestCatalogueAnswersTheMotivatingQuestions(t *testing.T) {
	sd := Lookup("sdImage", "")
	if len(sd) != 1 || sd[0].Source != "nixos/modules/installer/sd-card/sd-image.nix" {
		t.Fatalf("sdImage: %+v", sd)
	}
	if sd[0].Imports[0] != "nixos/modules/installer/sd-card/sd-image-aarch64.nix" {
		t.Errorf("sdImage should come first with sd-image-aarch64.nix, got %v", sd[0].Imports)
	}
	for _, neighbour := range []string{"toplevel", "vm", "isoImage"} {
		if !strings.Contains(sd[0].Choose, neighbour) {
			t.Errorf("sdImage's choose text does not compare it with %s: %q", neighbour, sd[0].Choose)
		}
	}
	for name, rebuild := range map[string]string{"toplevel": "build", "vm": "build-vm", "vmWithBootLoader": "build-vm-with-bootloader", "images": "build-image --image-variant VARIANT"} {
		e, ok := Best(name, nil, "")
		if !ok || e.Rebuild != rebuild {
			t.Errorf("%s: rebuild %q, want %q", name, e.Rebuild, rebuild)
		}
	}
}

func TestBest(t *testing.T) {
	for _, tc := range []struct {
		name      string
		definedIn []string
		want      string
	}{
		{"installBootLoader", []string{"/nix/store/abc-source/nixos/modules/system/boot/loader/generic-extlinux-compatible/default.nix"}, "nixos/modules/system/boot/loader/generic-extlinux-compatible/default.nix"},
		{"installBootLoader", nil, "nixos/modules/system/activation/activation-script.nix"},
		{"vm", []string{"nixos/modules/virtualisation/qemu-vm.nix"}, "nixos/modules/virtualisation/qemu-vm.nix"},
		{"vm", []string{"/home/me/nixos/configuration.nix"}, "nixos/modules/virtualisation/build-vm.nix"},
		{"image", []string{"/x/nixos/modules/installer/sd-card/sd-image.nix"}, "nixos/modules/installer/sd-card/sd-image.nix"},
		{"sdImage", nil, "nixos/modules/installer/sd-card/sd-image.nix"},
	} {
		t.Run(tc.name+"/"+strings.Join(tc.definedIn, ","), func(t *testing.T) {
			e, ok := Best(tc.name, tc.definedIn, "")
			if !ok || e.Source != tc.want {
				t.Fatalf("Best = %q, %v; want %q", e.Source, ok, tc.want)
			}
		})
	}
	if _, ok := Best("myScript", nil, ""); ok {
		t.Error("an unknown name has no entry")
	}
}

func TestForVariant(t *testing.T) {
	for variant, want := range map[string]string{"sd-card": "sdImage", "iso": "isoImage", "qemu": "image", "kexec": "kexecTarball", "amazon": "amazonImage", "lxc": "tarball"} {
		e, ok := ForVariant(variant, "")
		if !ok || e.Name != want {
			t.Errorf("ForVariant(%q) = %q, %v; want %q", variant, e.Name, ok, want)
		}
	}
	if _, ok := ForVariant("no-such-variant", ""); ok {
		t.Error("unknown variant found")
	}
}

func TestAbsent(t *testing.T) {
	abs := Absent([]string{"toplevel", "vm", "images", "kernel"})
	byName := map[string]Entry{}
	for _, e := range abs {
		if _, dup := byName[e.Name]; dup {
			t.Errorf("%s listed twice", e.Name)
		}
		byName[e.Name] = e
	}
	for _, have := range []string{"toplevel", "vm", "images", "kernel"} {
		if _, ok := byName[have]; ok {
			t.Errorf("%s is present but listed as absent", have)
		}
	}
	sd, ok := byName["sdImage"]
	if !ok {
		t.Fatal("sdImage not listed as absent")
	}
	how := sd.HowToGet()
	if !strings.Contains(how, "<nixpkgs/nixos/modules/installer/sd-card/sd-image-aarch64.nix>") {
		t.Errorf("sdImage HowToGet %q lacks sd-image-aarch64.nix", how)
	}
	// Not knowing the release and platform, sd-card is not offered: it
	// throws on some (images.nix picks sd-image-<arch>.nix).
	if strings.Contains(how, "--image-variant sd-card") {
		t.Errorf("sdImage HowToGet %q names sd-card for an unknown release and platform", how)
	}
	for _, tc := range []struct {
		release, system string
		offered         bool
	}{
		{"25.05", "x86_64-linux", true},
		{"25.05", "aarch64-linux", false}, // linuxArch arm64: sd-image-arm64.nix does not exist
		{"25.11", "aarch64-linux", true},  // qemuArch aarch64
		{"26.11", "x86_64-linux", true},
		{"26.11", "riscv64-linux", false},
		{"26.11", "armv7l-linux", false},
		{"", "x86_64-linux", true},   // works in every release the catalogue knows
		{"", "aarch64-linux", false}, // not in 25.05
		{"26.11", "", false},
	} {
		var sd Entry
		for _, e := range AbsentOn([]string{"toplevel"}, tc.release, tc.system) {
			if e.Name == "sdImage" {
				sd = e
			}
		}
		if got := strings.Contains(sd.HowToGet(), "--image-variant sd-card"); got != tc.offered {
			t.Errorf("NixOS %q on %q: sd-card offered %v, want %v: %s", tc.release, tc.system, got, tc.offered, sd.HowToGet())
		}
	}
	// tarball comes from several modules: all of them are offered.
	tb := byName["tarball"]
	if len(tb.Imports) < 3 {
		t.Errorf("tarball imports not merged: %v", tb.Imports)
	}
}

func TestHowToGet(t *testing.T) {
	for _, tc := range []struct {
		e    Entry
		want string
	}{
		{Entry{Name: "kernel", Source: "nixos/modules/system/boot/kernel.nix", Default: true}, "every NixOS configuration has it (nixos/modules/system/boot/kernel.nix); a nixpkgs without it is older than this module"},
		{Entry{Name: "grub", Source: "g.nix", Default: true, Condition: "boot.loader.grub.enable"}, "set by g.nix when boot.loader.grub.enable is enabled"},
		{Entry{Name: "x", Imports: []string{"nixos/a.nix"}}, "import <nixpkgs/nixos/a.nix>"},
		{Entry{Name: "x", Imports: []string{"nixos/a.nix", "nixos/b.nix"}}, "import one of <nixpkgs/nixos/a.nix>, <nixpkgs/nixos/b.nix>"},
	} {
		t.Run(tc.e.Name, func(t *testing.T) {
			if got := tc.e.HowToGet(); got != tc.want {
				t.Fatalf("HowToGet = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestLoadRejectsBadReleasesAndQualifiers(t *testing.T) {
	const base = `"source":"nixos/modules/x.nix","default":true,"kind":"derivation","summary":"s","result":"r r","choose":"c"`
	for _, tc := range []struct{ name, json, want string }{
		{"release not YY.MM", `[{"name":"x",` + base + `,"since":"25.5"}]`, "not YY.MM"},
		{"since after until", `[{"name":"x",` + base + `,"since":"25.11","until":"25.05"}]`, "not before"},
		{"children's cost without the child", `[{"name":"x",` + base + `,"childrenReevaluate":"with a module"}]`, "does not name the child"},
		{"qualifier sentence not in the text", `[{"name":"x",` + base + `,"given":[{"fact":"f","drop":"nowhere"}]}]`, "not in the text"},
		{"evidence without a commit", `[{"name":"x",` + base + `,"evidence":[{"repo":"NixOS/nixpkgs","path":"nixos/x.nix","says":"s"}]}]`, "no commit"},
		{"evidence with a short commit", `[{"name":"x",` + base + `,"evidence":[{"repo":"NixOS/nixpkgs","path":"nixos/x.nix","commit":"03a5cc69","says":"s"}]}]`, "not 40 hex"},
		{"platforms of a variant the entry does not build", `[{"name":"x",` + base + `,"variantPlatforms":[{"variant":"sd-card","systems":["x86_64-linux"],"why":"w"}]}]`, "not a variant of this entry"},
		{"platforms without systems", `[{"name":"x",` + base + `,"variants":["v"],"variantPlatforms":[{"variant":"v","why":"w"}]}]`, "systems and why"},
		{"a step that does not say where the result is", `[{"name":"x",` + base + `,"after":[{"title":"run it","command":"./run"}]}]`, "does not say where the result is"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := load([]byte(tc.json))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("load: %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

func TestReleaseSelection(t *testing.T) {
	for _, tc := range []struct {
		name, release, want string
	}{
		{"kexecTarball", "23.11", "nixos-kexec-<label>-<system>.tar.zst"},
		{"kexecTarball", "25.05", "tarball/<image.baseName>.tar.xz"},
		{"kexecTarball", "", "tarball/<image.baseName>.tar.xz"},
		{"nixos-rebuild", "25.11", "unless system.rebuild.enableNg is false"},
		{"nixos-rebuild", "26.05", "the Bash implementation was removed"},
		{"nixos-rebuild", "", "the Bash implementation was removed"},
		{"nixos-option", "25.11", "deprecated accessor"},
		{"nixos-enter", "25.11", "deprecated accessor"},
	} {
		t.Run(tc.name+"@"+tc.release, func(t *testing.T) {
			e, ok := Best(tc.name, nil, tc.release)
			if !ok {
				t.Fatalf("no entry")
			}
			if text := e.Summary + " " + e.Result; !strings.Contains(text, tc.want) {
				t.Errorf("NixOS %q: %q lacks %q", tc.release, text, tc.want)
			}
		})
	}
	// netboot.nix at a748cedf (the 24.x cycle) has no kexecTarball: 24.05
	// and 24.11 have none.
	for _, release := range []string{"24.05", "24.11"} {
		if e, ok := Best("kexecTarball", nil, release); ok {
			t.Errorf("kexecTarball@%s still described: %q", release, e.Summary)
		}
		if e, ok := ForVariant("kexec", release); ok && e.Name == "kexecTarball" {
			t.Errorf("ForVariant(kexec, %s) = %s, which that release does not have", release, e.Name)
		}
	}
	if e, ok := ForVariant("kexec", "25.05"); !ok || e.Name != "kexecTarball" || e.Since != "25.05" {
		t.Errorf("ForVariant(kexec, 25.05) = %s since %q, %v", e.Name, e.Since, ok)
	}
	// nixos-option and nixos-enter left system.build with the Bash
	// nixos-rebuild (the tools.nix that removed one lacks the others).
	for _, name := range []string{"nixos-option", "nixos-enter"} {
		for _, release := range []string{"26.05", ""} {
			if e, ok := Best(name, nil, release); ok {
				t.Errorf("%s@%q still described: %q", name, release, e.Summary)
			}
		}
	}
	// An output nixpkgs has in every release stays known whatever the release.
	if _, ok := Best("toplevel", nil, "21.11"); !ok {
		t.Error("toplevel unknown for 21.11")
	}
}

func TestNewerThanChecked(t *testing.T) {
	if n := NewerThanChecked(Checked.Release); n != "" {
		t.Errorf("the checked release itself: %q", n)
	}
	if n := NewerThanChecked("25.05"); n != "" {
		t.Errorf("an older release: %q", n)
	}
	if n := NewerThanChecked("99.05"); !strings.Contains(n, "99.05") || !strings.Contains(n, Checked.Release) {
		t.Errorf("a newer release: %q", n)
	}
	if CompareReleases("24.11", "25.05") >= 0 || CompareReleases("25.05", "unstable") >= 0 {
		t.Error("releases out of order")
	}
}

func TestGivenNeverContradictsTheFacts(t *testing.T) {
	sd, _ := Best("sdImage", nil, "")
	off := sd.Given(map[string]any{"sdImage.compressImage": false}).Result
	for _, wrong := range []string{".img.zst", "zstdcat", "(the default)"} {
		if strings.Contains(off, wrong) {
			t.Errorf("compressImage off, the text still says %q: %s", wrong, off)
		}
	}
	if !strings.Contains(off, "uncompressed .img") {
		t.Errorf("compressImage off: %s", off)
	}
	on := sd.Given(map[string]any{"sdImage.compressImage": true}).Result
	if !strings.Contains(on, ".img.zst") || strings.Contains(on, "else .img") || strings.Contains(on, "dd the .img directly") {
		t.Errorf("compressImage on: %s", on)
	}
	if unknown := sd.Given(nil); unknown.Result != sd.Result {
		t.Errorf("without facts the text changed: %s", unknown.Result)
	}
	images, _ := Best("images", nil, "")
	mine := images.Given(map[string]any{"variants": []string{"myboard"}}).Result
	if strings.Contains(mine, "vmware") || !strings.Contains(mine, "image.modules.<name>") {
		t.Errorf("with the variants read, the fixed list must go: %s", mine)
	}
}

// TestAfterBuild: the steps after a build come from the catalogue: the
// entry every configuration has first (vm: build-vm.nix), none for an
// output nobody runs (manual) or an unknown one.
func TestAfterBuild(t *testing.T) {
	for name, want := range map[string]string{
		"sdImage":          "| sudo dd of=/dev/sdX",
		"isoImage":         "sudo dd if=<result>/iso/*.iso",
		"vm":               "<result>/bin/run-*-vm",
		"vmWithBootLoader": "<result>/bin/run-*-vm",
	} {
		steps := AfterBuild(name, "")
		if len(steps) != 1 || !strings.Contains(steps[0].Command, want) {
			t.Errorf("%s: %+v, want a command with %q", name, steps, want)
			continue
		}
		if strings.Contains(steps[0].Command, "dd ") != strings.Contains(steps[0].Warning, "lsblk") {
			t.Errorf("%s: a dd command goes with the warning about the device, and only it: %+v", name, steps[0])
		}
	}
	// A system's steps depend on the machine and the target (build's
	// Situation): switch here, or deploy to its host, each with a by-hand
	// step that makes a generation first.
	top := AfterBuild("toplevel", "")
	whens := map[string]string{}
	for _, st := range top {
		whens[strings.Join(st.When, ",")] = st.Command
	}
	for when, want := range map[string]string{
		"this-machine,rebuild":  "sudo <nixos-rebuild> switch <target>",
		"this-machine":          "sudo nix-env -p /nix/var/nix/profiles/system --set <out> && sudo <result>/bin/switch-to-configuration switch",
		"other-machine,rebuild": "<nixos-rebuild> switch <target> --target-host root@<host>",
		"other-machine":         "nix-copy-closure --to root@<host> <out>",
	} {
		if !strings.Contains(whens[when], want) {
			t.Errorf("toplevel, when %s: %q, want %q", when, whens[when], want)
		}
	}
	for _, name := range []string{"manual", "no-such-output"} {
		if steps := AfterBuild(name, ""); steps != nil {
			t.Errorf("%s: %+v", name, steps)
		}
	}
}

// TestFactCheckCorrections: each claim the fact check against nixpkgs
// found wrong stays corrected, and the entry cites the files it rests on.
func TestFactCheckCorrections(t *testing.T) {
	for _, tc := range []struct {
		name, release, source string
		want, wrong           []string
	}{
		{"grub", "", "nixos/modules/system/boot/loader/grub/grub.nix",
			[]string{"non-EFI GRUB", `[ "nodev" ]`, "EFI GRUB is still installed on the ESP"},
			[]string{"BIOS and/or EFI", "nothing is installed"}},
		{"squashfsStore", "", "nixos/modules/installer/netboot/netboot.nix",
			[]string{"A single file", "-squashfs.img", "/nix-store.squashfs is the name netbootRamdisk gives it"},
			[]string{"nix-store.squashfs holding"}},
		{"kexecTarball", "23.11", "nixos/modules/installer/netboot/netboot.nix",
			[]string{".tar.zst", "dropped it again before 24.05"}, nil},
		{"kexecTarball", "25.05", "nixos/modules/installer/netboot/netboot.nix",
			[]string{"tarball/<image.baseName>.tar.xz", "/kexec_nixos"}, []string{"initrd.gz and the kexec"}},
		{"images", "", "nixos/modules/image/images.nix",
			[]string{"in 25.05 <arch> is linuxArch", "since 25.11 it is qemuArch"},
			[]string{"--image-variant sd-card"}},
		{"initialRamdisk", "", "nixos/modules/system/boot/stage-1.nix", nil, nil},
	} {
		t.Run(tc.name+"@"+tc.release, func(t *testing.T) {
			e, ok := Best(tc.name, nil, tc.release)
			if !ok || e.Source != tc.source {
				t.Fatalf("Best = %q, %v; want %s", e.Source, ok, tc.source)
			}
			text := e.Summary + " " + e.Result + " " + e.Choose
			for _, w := range tc.want {
				if !strings.Contains(text, w) {
					t.Errorf("lacks %q: %s", w, text)
				}
			}
			for _, w := range tc.wrong {
				if strings.Contains(text, w) {
					t.Errorf("still says %q: %s", w, text)
				}
			}
			if len(e.Evidence) == 0 {
				t.Fatal("no evidence cited")
			}
			for _, ev := range e.Evidence {
				if ev.Repo != "NixOS/nixpkgs" || !strings.HasPrefix(ev.Path, "nixos/") {
					t.Errorf("evidence %+v is not a nixpkgs file", ev)
				}
			}
		})
	}
	// The two readings of netboot.nix are both cited: 03a5cc69 defines
	// kexecTarball, a748cedf does not.
	old, _ := Best("kexecTarball", nil, "23.11")
	var commits []string
	for _, ev := range old.Evidence {
		commits = append(commits, ev.Commit)
	}
	for _, c := range []string{"03a5cc692fa68dd055b01f52aee446f26475e3ec", "a748cedf46541dd8175ae9e6740a9e259ceaa73e"} {
		if !strings.Contains(strings.Join(commits, " "), c) {
			t.Errorf("kexecTarball@23.11 does not cite %s: %v", c, commits)
		}
	}
}

// TestBestGivenFollowsTheFact: which initialRamdisk entry describes a
// configuration is read from its boot.initrd.systemd.enable, not from its
// release.
func TestBestGivenFollowsTheFact(t *testing.T) {
	const scripted, systemd = "nixos/modules/system/boot/stage-1.nix", "nixos/modules/system/boot/systemd/initrd.nix"
	for _, tc := range []struct {
		name    string
		release string
		facts   map[string]any
		want    string
	}{
		{"systemd stage 1 on an old release", "24.11", map[string]any{"boot.initrd.systemd.enable": true}, systemd},
		{"systemd stage 1", "", map[string]any{"boot.initrd.systemd.enable": true}, systemd},
		{"scripted stage 1 on a new release", "26.05", map[string]any{"boot.initrd.systemd.enable": false}, scripted},
		{"scripted stage 1", "", map[string]any{"boot.initrd.systemd.enable": false}, scripted},
		{"fact unknown", "", nil, scripted},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, ok := BestGiven("initialRamdisk", nil, tc.release, tc.facts)
			if !ok || e.Source != tc.want {
				t.Fatalf("BestGiven = %q, %v; want %s", e.Source, ok, tc.want)
			}
		})
	}
	e, _ := Best("initialRamdisk", []string{"/x/" + "nixos/modules/system/boot/stage-1.nix"}, "")
	if got := e.HowToGet(); !strings.Contains(got, "when boot.initrd.systemd.enable is disabled") {
		t.Errorf("HowToGet of the scripted initrd: %q", got)
	}
}
