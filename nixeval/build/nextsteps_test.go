package build

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// system makes a directory shaped like a built system of host for
// system: named nixos-system-HOST-LABEL, with bin/switch-to-configuration
// and the system file top-level.nix writes.
func fakeSystem(t *testing.T, host, system string) string {
	out := filepath.Join(t.TempDir(), "0123456789abcdfghijklmnpqrsvwxyz-nixos-system-"+host+"-25.05.20250101.0000000")
	if err := os.MkdirAll(filepath.Join(out, "bin"), 0o755); err != nil {
		t.Fatal(err)
	}
	for f, text := range map[string]string{"bin/switch-to-configuration": "#!/bin/sh\n", "system": system} {
		if err := os.WriteFile(filepath.Join(out, f), []byte(text), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

func commands(steps []NextStep) string {
	var c []string
	for _, s := range steps {
		c = append(c, s.Command)
	}
	return strings.Join(c, "\n")
}

// TestSystemStepsBySituation: switch only when the configuration is this
// NixOS machine (host name and platform), with --flake REF#HOST or the
// classic -I words that pin what was built; else deploy to its host; the
// by-hand switch makes a generation first; nix run where nixos-rebuild is
// missing.
func TestSystemStepsBySituation(t *testing.T) {
	out := fakeSystem(t, "pi-kitchen", "aarch64-linux")
	outs := []BuiltOutput{{Path: out}}
	flake := "--flake 'path:/home/me/nixos#pi'"
	here := Situation{RebuildTarget: flake, ThisHost: "pi-kitchen", ThisSystem: "aarch64-linux", ThisIsNixOS: true, NixosRebuild: "nixos-rebuild"}
	got := commands(NextSteps(outs, nil, here))
	for _, want := range []string{
		"sudo nixos-rebuild switch " + flake,
		"sudo nix-env -p /nix/var/nix/profiles/system --set " + out + " && sudo " + out + "/bin/switch-to-configuration switch",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("this machine: lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "--target-host") || strings.Contains(got, "switch-to-configuration test") {
		t.Errorf("this machine: %s", got)
	}
	if w := NextSteps(outs, nil, here)[0].Warning; !strings.Contains(w, "sudo nixos-rebuild test "+flake) || !strings.Contains(w, "until the next reboot") {
		t.Errorf("test is not described as activating until the next reboot: %q", w)
	}

	for name, other := range map[string]Situation{
		"another host":     {RebuildTarget: flake, ThisHost: "laptop", ThisSystem: "aarch64-linux", ThisIsNixOS: true, NixosRebuild: "nixos-rebuild"},
		"another platform": {RebuildTarget: flake, ThisHost: "pi-kitchen", ThisSystem: "x86_64-linux", ThisIsNixOS: true, NixosRebuild: "nixos-rebuild"},
		"not NixOS":        {RebuildTarget: flake, ThisHost: "pi-kitchen", ThisSystem: "aarch64-linux", NixosRebuild: "nixos-rebuild"},
	} {
		got := commands(NextSteps(outs, nil, other))
		if strings.Contains(got, "sudo nixos-rebuild switch") || !strings.Contains(got, "nixos-rebuild switch "+flake+" --target-host root@pi-kitchen") ||
			!strings.Contains(got, "nix-copy-closure --to root@pi-kitchen "+out) {
			t.Errorf("%s: %s", name, got)
		}
	}

	classic := Situation{RebuildTarget: "-I 'nixos-config=/etc/nixos/pi.nix' -I 'nixpkgs=/src/nixpkgs'", ThisHost: "pi-kitchen", ThisSystem: "aarch64-linux", ThisIsNixOS: true,
		NixosRebuild: "nix --extra-experimental-features 'nix-command flakes' run nixpkgs#nixos-rebuild --"}
	if got := commands(NextSteps(outs, nil, classic)); !strings.Contains(got, "sudo nix --extra-experimental-features 'nix-command flakes' run nixpkgs#nixos-rebuild -- switch -I 'nixos-config=/etc/nixos/pi.nix' -I 'nixpkgs=/src/nixpkgs'") {
		t.Errorf("classic, without nixos-rebuild: %s", got)
	}
	unpinned := classic
	unpinned.NixpkgsUnpinned = true
	if st := NextSteps(outs, nil, unpinned); !strings.Contains(st[0].Warning, "root's <nixpkgs> channel") {
		t.Errorf("unpinned: %+v", st[0])
	}
	// An --expr target: nixos-rebuild cannot name it, so only by hand.
	if got := commands(NextSteps(outs, nil, Situation{ThisHost: "pi-kitchen", ThisSystem: "aarch64-linux", ThisIsNixOS: true})); strings.Contains(got, "nixos-rebuild") || !strings.Contains(got, "switch-to-configuration switch") {
		t.Errorf("expr target: %s", got)
	}
}

func TestSystemOf(t *testing.T) {
	out := fakeSystem(t, "my-host-2", "riscv64-linux")
	if h, s := SystemOf(out, "x"); h != "my-host-2" || s != "riscv64-linux" {
		t.Errorf("got %q %q", h, s)
	}
	if h, s := SystemOf("/nix/store/0123456789abcdfghijklmnpqrsvwxyz-hello-2.12", "x86_64-linux"); h != "" || s != "x86_64-linux" {
		t.Errorf("not a system: %q %q", h, s)
	}
}
