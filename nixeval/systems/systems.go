// Package systems knows the platform doubles nixpkgs knows (CPU-OS), to
// refuse a --system string before an evaluation fails deep inside
// nixpkgs' platform parser.
package systems

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/nixplore/nixplore/nixeval/attr"
)

// knownSystems are the system doubles nixpkgs knows (lib/systems/doubles.nix,
// the ones a NixOS configuration can target or a Nix can build for).
var knownSystems = map[string]bool{
	"x86_64-linux": true, "i686-linux": true, "aarch64-linux": true, "armv5tel-linux": true,
	"armv6l-linux": true, "armv7a-linux": true, "armv7l-linux": true, "riscv32-linux": true,
	"riscv64-linux": true, "powerpc64-linux": true, "powerpc64le-linux": true, "powerpc-linux": true,
	"mips-linux": true, "mipsel-linux": true, "mips64-linux": true, "mips64el-linux": true,
	"m68k-linux": true, "s390-linux": true, "s390x-linux": true, "loongarch64-linux": true,
	"microblaze-linux": true, "microblazeel-linux": true, "armv6l-netbsd": true,
	"x86_64-darwin": true, "aarch64-darwin": true, "x86_64-freebsd": true, "aarch64-freebsd": true,
	"i686-freebsd": true, "x86_64-netbsd": true, "aarch64-netbsd": true, "x86_64-openbsd": true,
	"wasm32-wasi": true, "wasm64-wasi": true, "x86_64-cygwin": true, "x86_64-windows": true,
	"i686-windows": true, "aarch64-windows": true, "x86_64-solaris": true, "x86_64-redox": true,
	"aarch64-genode": true, "x86_64-genode": true, "i686-genode": true, "riscv32-none": true,
	"riscv64-none": true, "aarch64-none": true, "arm-none": true, "armv6l-none": true, "x86_64-none": true,
}

// Check rejects a --system string that nixpkgs would not know, with the
// common ones and the closest match.
func Check(s string) error {
	if s == "" || knownSystems[s] {
		return nil
	}
	var all []string
	for k := range knownSystems {
		all = append(all, k)
	}
	sort.Strings(all)
	msg := fmt.Sprintf("unknown system %q: a system is CPU-OS, e.g. aarch64-linux (Raspberry Pi 3/4/5), armv7l-linux, x86_64-linux", s)
	if sug := attr.Suggest(s, all, 1); len(sug) > 0 {
		msg += fmt.Sprintf("\nDid you mean %s?", sug[0])
	}
	if !strings.Contains(s, "-") {
		msg += "\n(the OS part is missing)"
	}
	return errors.New(msg)
}

// Known lists, sorted, the systems Check accepts (for shell completion of
// --system).
func Known() []string {
	out := make([]string, 0, len(knownSystems))
	for k := range knownSystems {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
