package systems

import (
	"strings"
	"testing"
)

func TestSuggestionsKeepThePlatform(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"arm64-linux", "aarch64-linux"},
		{"aarch64", "aarch64-linux"},
		{"arm64", "aarch64-linux"},
		{"amd64-linux", "x86_64-linux"},
		{"x86-64-linux", "x86_64-linux"},
		{"armhf-linux", "armv7l-linux"},
		{"aarch64-macos", "aarch64-darwin"},
		{"x86_64", "x86_64-linux"},
		{"aarch64-linnux", "aarch64-linux"},
		{"riscv64", "riscv64-linux"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			err := Check(tc.in)
			if err == nil {
				t.Fatalf("%s accepted", tc.in)
			}
			if !strings.Contains(err.Error(), "Did you mean "+tc.want+"?") {
				t.Errorf("%s: %v", tc.in, err)
			}
		})
	}
}

func TestNixOSRefusesDarwin(t *testing.T) {
	for _, s := range []string{"aarch64-darwin", "x86_64-darwin"} {
		err := CheckNixOS(s)
		if err == nil || !strings.Contains(err.Error(), "NixOS runs on Linux only") || !strings.Contains(err.Error(), "nix-darwin") {
			t.Errorf("%s: %v", s, err)
		}
		if Check(s) != nil {
			t.Errorf("Check(%s) refused a known system", s)
		}
	}
	if err := CheckNixOS("x86_64-freebsd"); err == nil || !strings.Contains(err.Error(), "Did you mean x86_64-linux?") {
		t.Errorf("freebsd: %v", err)
	}
	for _, s := range []string{"", "aarch64-linux", "x86_64-linux"} {
		if err := CheckNixOS(s); err != nil {
			t.Errorf("%s: %v", s, err)
		}
	}
}
