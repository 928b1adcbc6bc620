package teach

import (
	"errors"
	"strings"
	"testing"

	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/nixeval/build"
)

func classicTarget(system string) *nixeval.Target {
	t := &nixeval.Target{Kind: nixeval.Classic, File: "<nixpkgs/nixos>", SearchPath: []string{"nixpkgs=/src/nixpkgs", "nixos-config=/home/me/pi/configuration.nix"},
		ConfigFile: "/home/me/pi/configuration.nix"}
	if system != "" {
		t.Args = []nixeval.Arg{{Name: "system", Value: system, Str: true}}
	}
	return t
}

func partsByRole(x Explanation) map[string][]Part {
	m := map[string][]Part{}
	for _, p := range x.Parts {
		m[p.Role] = append(m[p.Role], p)
	}
	return m
}

// Every part of the command appears once, in order, and the parts put
// back together are the command.
func checkPartsCoverCommand(t *testing.T, x Explanation) {
	t.Helper()
	var words []string
	for i, p := range x.Parts {
		if p.Meaning == "" {
			t.Errorf("part %q has no meaning", p.Text)
		}
		switch {
		case p.Role == "flake":
		case i > 0 && x.Parts[i-1].Role == "flake": // REF and #ATTR are one word
			words = append(words, attr.ShellQuote(x.Parts[i-1].Text+p.Text))
		default:
			words = append(words, p.Text)
		}
	}
	joined := strings.Join(words, " ")
	if joined != x.Command {
		t.Errorf("parts %q do not make up the command %q", joined, x.Command)
	}
}

func TestExplainClassic(t *testing.T) {
	tg := classicTarget("aarch64-linux")
	sd := attr.DefaultPath.Child("sdImage")
	x := Explain(tg, sd, nil)
	checkPartsCoverCommand(t, x)
	r := partsByRole(x)
	for _, tc := range []struct {
		role, text string
		wants      []string
	}{
		{"program", "nix-build", []string{"links ./result"}},
		{"file", "'<nixpkgs/nixos>'", []string{"search path", "-I nixpkgs=/src/nixpkgs", "nixos/default.nix", "vmWithBootLoader"}},
		{"attribute", "-A config.system.build.sdImage", []string{"config.system.build.sdImage", "SD card image", "Without -A", "vm and vmWithBootLoader"}},
		{"argument", "--argstr system aarch64-linux", []string{"nixpkgs.system", "mkDefault", "ignored when the configuration sets nixpkgs.hostPlatform"}},
	} {
		t.Run(tc.role, func(t *testing.T) {
			ps := r[tc.role]
			if len(ps) != 1 || ps[0].Text != tc.text {
				t.Fatalf("%s parts %+v, want one %q", tc.role, ps, tc.text)
			}
			for _, w := range tc.wants {
				if !strings.Contains(ps[0].Meaning, w) {
					t.Errorf("%s: %q lacks %q", tc.role, ps[0].Meaning, w)
				}
			}
		})
	}
	sp := r["search-path"]
	if len(sp) != 2 || !strings.Contains(sp[0].Meaning, "<nixpkgs>") || !strings.Contains(sp[1].Meaning, "<nixos-config>") ||
		!strings.Contains(sp[1].Meaning, "NIXOS_CONFIG") {
		t.Errorf("search path parts: %+v", sp)
	}
	if x.Rebuild != "" {
		t.Errorf("sdImage has no nixos-rebuild command, got %q", x.Rebuild)
	}
	text := x.Text(80)
	if !strings.HasPrefix(text, x.Command+"\n") {
		t.Errorf("text does not start with the command:\n%s", text)
	}
	for _, l := range strings.Split(text, "\n")[1:] {
		if len(l) > 80 && !strings.Contains(l, "/") {
			t.Errorf("line longer than 80: %q", l)
		}
	}
}

func TestExplainWithoutSearchPathNixpkgs(t *testing.T) {
	tg := &nixeval.Target{Kind: nixeval.Classic, File: "<nixpkgs/nixos>", ConfigFile: "/etc/nixos/configuration.nix"}
	x := Explain(tg, attr.DefaultPath.Child("toplevel"), nil)
	checkPartsCoverCommand(t, x)
	f := partsByRole(x)["file"]
	if len(f) != 1 || !strings.Contains(f[0].Meaning, "NIX_PATH") || !strings.Contains(f[0].Meaning, "channel") {
		t.Errorf("file part %+v", f)
	}
	// The configuration chosen without -I is made explicit in the command.
	sp := partsByRole(x)["search-path"]
	if len(sp) != 1 || sp[0].Text != "-I nixos-config=/etc/nixos/configuration.nix" {
		t.Errorf("search path %+v", sp)
	}
	if x.Rebuild != "nixos-rebuild build -I nixos-config=/etc/nixos/configuration.nix" {
		t.Errorf("rebuild %q", x.Rebuild)
	}
}

func TestExplainFlake(t *testing.T) {
	tg := &nixeval.Target{Kind: nixeval.Flake, FlakeRef: "path:/home/me/flake", Host: "pi"}
	x := Explain(tg, attr.DefaultPath.Child("sdImage"), nil)
	checkPartsCoverCommand(t, x)
	r := partsByRole(x)
	for role, want := range map[string]string{
		"program":    "nix build",
		"feature":    "flakes",
		"subcommand": "./result",
		"flake":      "flake.lock",
		"attribute":  "nixosConfigurations.pi",
	} {
		if len(r[role]) != 1 || !strings.Contains(r[role][0].Meaning, want) {
			t.Errorf("%s: %+v, want a meaning with %q", role, r[role], want)
		}
	}
	if r["flake"][0].Text != "path:/home/me/flake" || r["attribute"][0].Text != "#nixosConfigurations.pi.config.system.build.sdImage" {
		t.Errorf("flake parts %q %q", r["flake"][0].Text, r["attribute"][0].Text)
	}
	if a := r["attribute"][0].Meaning; !strings.Contains(a, "no --argstr system") || !strings.Contains(a, "SD card image") {
		t.Errorf("attribute meaning %q", a)
	}
	for _, tc := range []struct{ path, rebuild string }{
		{"config.system.build.toplevel", "nixos-rebuild build --flake 'path:/home/me/flake#pi'"},
		{"config.system.build.vm", "nixos-rebuild build-vm --flake 'path:/home/me/flake#pi'"},
		{"config.system.build.vmWithBootLoader", "nixos-rebuild build-vm-with-bootloader --flake 'path:/home/me/flake#pi'"},
		{"config.system.build.images.sd-card", "nixos-rebuild build-image --image-variant sd-card --flake 'path:/home/me/flake#pi'"},
		{"config.system.build.kernel", ""},
	} {
		p, _ := attr.Parse(tc.path)
		if got := Explain(tg, p, nil).Rebuild; got != tc.rebuild {
			t.Errorf("%s: rebuild %q, want %q", tc.path, got, tc.rebuild)
		}
	}
}

func TestExplainRebuildClassic(t *testing.T) {
	tg := classicTarget("aarch64-linux")
	for _, tc := range []struct{ path, rebuild string }{
		{"system", "nixos-rebuild build -I nixpkgs=/src/nixpkgs -I nixos-config=/home/me/pi/configuration.nix"},
		{"vm", "nixos-rebuild build-vm -I nixpkgs=/src/nixpkgs -I nixos-config=/home/me/pi/configuration.nix"},
		{"config.system.build.vmWithBootLoader", "nixos-rebuild build-vm-with-bootloader -I nixpkgs=/src/nixpkgs -I nixos-config=/home/me/pi/configuration.nix"},
		{"config.system.build.images.iso", "nixos-rebuild build-image --image-variant iso -I nixpkgs=/src/nixpkgs -I nixos-config=/home/me/pi/configuration.nix"},
	} {
		p, _ := attr.Parse(tc.path)
		x := Explain(tg, p, nil)
		if x.Rebuild != tc.rebuild {
			t.Errorf("%s: rebuild %q, want %q", tc.path, x.Rebuild, tc.rebuild)
		}
		if !strings.Contains(x.RebuildNote, "no --argstr system") {
			t.Errorf("%s: note %q should say nixos-rebuild has no --argstr system", tc.path, x.RebuildNote)
		}
	}
}

func TestExplainNotesFromInfo(t *testing.T) {
	tg := classicTarget("x86_64-linux")
	ignored := &nixeval.Info{CurrentSystem: "x86_64-linux", RequestedSystem: "x86_64-linux", HostSystem: "aarch64-linux", BuildSystem: "aarch64-linux"}
	x := Explain(tg, attr.DefaultPath.Child("sdImage"), ignored)
	arg := partsByRole(x)["argument"]
	if len(arg) != 1 || !strings.Contains(arg[0].Meaning, "Here it IS ignored: nixpkgs.hostPlatform is aarch64-linux") {
		t.Errorf("argument %+v", arg)
	}
	var notes string
	for _, n := range x.Notes {
		notes += n + "\n"
	}
	for _, want := range []string{"was ignored", "binfmt", "--builders", "nixpkgs.buildPlatform"} {
		if !strings.Contains(notes, want) {
			t.Errorf("notes lack %q:\n%s", want, notes)
		}
	}
	// Cross compiling from this machine: no foreign-platform note.
	cross := &nixeval.Info{CurrentSystem: "x86_64-linux", RequestedSystem: "aarch64-linux", HostSystem: "aarch64-linux", BuildSystem: "x86_64-linux"}
	if n := Explain(classicTarget("aarch64-linux"), attr.DefaultPath.Child("sdImage"), cross).Notes; len(n) != 0 {
		t.Errorf("notes for a cross build: %q", n)
	}
}

func TestExplainNamesThatNeedAnExpression(t *testing.T) {
	tg := classicTarget("")
	x := Explain(tg, attr.DefaultPath.Child(`a"b`), nil)
	checkPartsCoverCommand(t, x)
	r := partsByRole(x)
	if len(r["expression"]) != 1 || len(r["attribute"]) != 0 {
		t.Fatalf("parts %+v", x.Parts)
	}
	found := false
	for _, a := range r["argument"] {
		found = found || strings.Contains(a.Text, "nixplorePath") && strings.Contains(a.Meaning, "never part of the code")
	}
	if !found {
		t.Errorf("nixplorePath not explained: %+v", r["argument"])
	}
}

func TestTopLevelCheckRefusesTheWholeNixOSEntry(t *testing.T) {
	for _, tc := range []struct {
		name   string
		target *nixeval.Target
		path   attr.Path
		refuse bool
	}{
		{"classic top level", classicTarget("aarch64-linux"), attr.Path{}, true},
		{"nixos checkout", &nixeval.Target{Kind: nixeval.Classic, File: "/src/nixpkgs/nixos"}, nil, true},
		{"nixos default.nix", &nixeval.Target{Kind: nixeval.Classic, File: "/src/nixpkgs/nixos/default.nix"}, nil, true},
		{"one output", classicTarget(""), attr.DefaultPath.Child("sdImage"), false},
		{"the system shortcut", classicTarget(""), attr.Path{"system"}, false},
		{"another file", &nixeval.Target{Kind: nixeval.Classic, File: "/home/me/release.nix"}, nil, false},
		{"flake", &nixeval.Target{Kind: nixeval.Flake, FlakeRef: ".", Host: "pi"}, nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := build.TopLevelCheck(tc.target, tc.path)
			if (err != nil) != tc.refuse {
				t.Fatalf("refusal %v, want %v", err, tc.refuse)
			}
			if err == nil {
				return
			}
			var ue *nixeval.UsageError
			if !errors.As(err, &ue) {
				t.Errorf("want a usage error (exit 2), got %T", err)
			}
			for _, w := range []string{"vmWithBootLoader", "--all", "config.system.build.sdImage"} {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("refusal lacks %q:\n%s", w, err)
				}
			}
		})
	}
}

func TestExplainFlakeReferenceKinds(t *testing.T) {
	for _, c := range []struct {
		name string
		tg   nixeval.Target
		want []string // in the flake part's meaning
		lock bool     // a --no-write-lock-file part
	}{
		{"git work tree, flake below the top",
			nixeval.Target{Kind: nixeval.Flake, FlakeRef: "git+file:///r?dir=sub", Host: "h", GitRoot: "/r", FlakeDir: "/r/sub"},
			[]string{"git work tree /r", "?dir=", "only the files git tracks"}, false},
		{"plain directory, --no-write-lock-file",
			nixeval.Target{Kind: nixeval.Flake, FlakeRef: "path:/d", Host: "h", FlakeDir: "/d", NoWriteLockFile: true},
			[]string{"the directory /d (not in a git work tree)"}, true},
		{"remote", nixeval.Target{Kind: nixeval.Flake, FlakeRef: "github:me/cfg", Host: "h"},
			[]string{"or other reference"}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			x := Explain(&c.tg, attr.DefaultPath.Child("toplevel"), nil)
			var flake, lock *Part
			for i := range x.Parts {
				switch x.Parts[i].Role {
				case "flake":
					flake = &x.Parts[i]
				case "lock":
					lock = &x.Parts[i]
				}
			}
			if flake == nil || flake.Text != c.tg.FlakeRef {
				t.Fatalf("no flake part for %s: %+v", c.tg.FlakeRef, x.Parts)
			}
			for _, w := range c.want {
				if !strings.Contains(flake.Meaning, w) {
					t.Errorf("flake part lacks %q: %s", w, flake.Meaning)
				}
			}
			if (lock != nil) != c.lock {
				t.Errorf("lock part %v, want %v: %s", lock, c.lock, x.Command)
			}
		})
	}
}
