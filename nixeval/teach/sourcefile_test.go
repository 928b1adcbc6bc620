package teach

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

func testdataDir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "testdata")
}

func TestNixpkgsRelative(t *testing.T) {
	td, _ := filepath.Abs(testdataDir())
	// A user's tree that has a nixos/modules directory but is no nixpkgs.
	user := t.TempDir()
	if err := os.MkdirAll(filepath.Join(user, "etc", "nixos", "modules"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, file, want string
		ok               bool
	}{
		{"nixpkgs module", filepath.Join(td, "nixpkgs", "nixos", "modules", "installer", "sd-card", "sd-image.nix"), "nixos/modules/installer/sd-card/sd-image.nix", true},
		{"nixpkgs lib", filepath.Join(td, "nixpkgs", "lib", "default.nix"), "lib/default.nix", true},
		{"user config", filepath.Join(td, "configs", "laptop", "configuration.nix"), "", false},
		{"user nixos/modules dir", filepath.Join(user, "etc", "nixos", "modules", "x.nix"), "", false},
		{"relative", "nixos/modules/x.nix", "", false},
		{"pseudo file", "nixos/default.nix##vmWithBootLoader", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := NixpkgsRelative(tc.file)
			if got != tc.want || ok != tc.ok {
				t.Fatalf("NixpkgsRelative(%s) = %q, %v; want %q, %v", tc.file, got, ok, tc.want, tc.ok)
			}
			want := tc.want
			if !tc.ok {
				want = tc.file
			}
			if d := DisplayFile(tc.file); d != want {
				t.Errorf("DisplayFile = %q, want %q", d, want)
			}
		})
	}
}

func TestEditorCommand(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	for _, tc := range []struct {
		name string
		env  map[string]string
		line int
		want []string
	}{
		{"fallback vi", nil, 12, []string{"vi", "+12", "f.nix"}},
		{"no line", map[string]string{"EDITOR": "nano"}, 0, []string{"nano", "f.nix"}},
		{"VISUAL wins", map[string]string{"EDITOR": "nano", "VISUAL": "nvim"}, 3, []string{"nvim", "+3", "f.nix"}},
		{"editor with args", map[string]string{"EDITOR": "emacs -nw"}, 7, []string{"emacs", "-nw", "+7", "f.nix"}},
		{"vscode", map[string]string{"EDITOR": "/usr/bin/code --wait"}, 7, []string{"/usr/bin/code", "--wait", "-g", "f.nix:7"}},
		{"unknown editor gets no line", map[string]string{"EDITOR": "gedit"}, 7, []string{"gedit", "f.nix"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := EditorCommand("f.nix", tc.line, env(tc.env))
			if len(got) != len(tc.want) {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Fatalf("got %q, want %q", got, tc.want)
				}
			}
		})
	}
}

func TestDefinitionLine(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "m.nix")
	src := "{ config, ... }:\n{\n  # sdImage = old;\n  system.build.image = config.system.build.sdImage;\n  system.build.sdImage = mkDrv { };\n  system.build = {\n    vm = 1;\n    \"odd.name\" = 2;\n  };\n}\n"
	if err := os.WriteFile(f, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]int{"sdImage": 5, "image": 4, "vm": 7, "odd.name": 8, "absent": 0} {
		if got := DefinitionLine(f, name); got != want {
			t.Errorf("DefinitionLine(%q) = %d, want %d", name, got, want)
		}
	}
	if DefinitionLine(filepath.Join(dir, "missing.nix"), "vm") != 0 {
		t.Error("unreadable file gives a line")
	}
	// The fixture's own sd-image.nix.
	td, _ := filepath.Abs(testdataDir())
	if DefinitionLine(filepath.Join(td, "nixpkgs", "nixos", "modules", "installer", "sd-card", "sd-image.nix"), "sdImage") == 0 {
		t.Error("sdImage definition not found in the stand-in sd-image.nix")
	}
}
