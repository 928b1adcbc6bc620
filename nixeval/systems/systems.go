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

// cpuAliases are the names other tools give CPUs nixpkgs calls otherwise
// (Debian, Docker, Go, Apple): arm64 is aarch64, not armv6l.
var cpuAliases = map[string]string{
	"arm64": "aarch64", "aarch64": "aarch64", "armv8": "aarch64", "armv8l": "aarch64",
	"amd64": "x86_64", "x64": "x86_64", "x86-64": "x86_64", "x86_64": "x86_64",
	"i386": "i686", "i486": "i686", "i586": "i686", "x86": "i686", "386": "i686", "i686": "i686",
	"armhf": "armv7l", "armv7": "armv7l", "arm": "armv7l", "armel": "armv6l", "armv6": "armv6l",
	"ppc64le": "powerpc64le", "ppc64el": "powerpc64le", "ppc64": "powerpc64", "ppc": "powerpc",
	"riscv64": "riscv64", "rv64": "riscv64", "loong64": "loongarch64", "s390x": "s390x",
}

// osAliases are names for the OS part; NixOS itself is Linux.
var osAliases = map[string]string{
	"linux": "linux", "gnu": "linux", "nixos": "linux", "unknown-linux-gnu": "linux", "linux-gnu": "linux",
	"darwin": "darwin", "macos": "darwin", "osx": "darwin", "apple-darwin": "darwin",
	"freebsd": "freebsd", "netbsd": "netbsd", "openbsd": "openbsd", "windows": "windows", "mingw32": "windows",
}

// Check rejects a --system string that nixpkgs would not know, with the
// common ones and the closest match. A match keeps the platform the user
// meant: arm64-linux is aarch64-linux; a bare CPU is that CPU's Linux (a
// NixOS configuration runs on Linux), never another OS of the same name.
func Check(s string) error {
	if s == "" || knownSystems[s] {
		return nil
	}
	msg := fmt.Sprintf("unknown system %q: a system is CPU-OS, e.g. aarch64-linux (Raspberry Pi 3/4/5), armv7l-linux, x86_64-linux", s)
	if sug := suggest(s); sug != "" {
		msg += fmt.Sprintf("\nDid you mean %s?", sug)
	}
	if !strings.Contains(s, "-") {
		msg += "\n(the OS part is missing)"
	}
	return errors.New(msg)
}

// suggest is the known system s most likely means, "" when none is close.
func suggest(s string) string {
	low := strings.ToLower(strings.TrimSpace(s))
	cpu, osPart, _ := strings.Cut(low, "-")
	// Keep the longest CPU alias that prefixes the string (x86-64-linux).
	for alias := range cpuAliases {
		if rest, ok := strings.CutPrefix(low, alias); ok && (rest == "" || rest[0] == '-') && len(alias) > len(cpu) {
			cpu, osPart = alias, strings.TrimPrefix(rest, "-")
		}
	}
	if c, ok := cpuAliases[cpu]; ok {
		cpu = c
	}
	if o, ok := osAliases[osPart]; ok {
		osPart = o
	} else if osPart == "" {
		osPart = "linux"
	}
	if cand := cpu + "-" + osPart; knownSystems[cand] {
		return cand
	}
	// Else the closest name on the same OS, then anywhere.
	var same, all []string
	for k := range knownSystems {
		all = append(all, k)
		if strings.HasSuffix(k, "-"+osPart) {
			same = append(same, k)
		}
	}
	sort.Strings(same)
	sort.Strings(all)
	if sug := attr.Suggest(cpu+"-"+osPart, same, 1); len(sug) > 0 {
		return sug[0]
	}
	if sug := attr.Suggest(s, all, 1); len(sug) > 0 {
		return sug[0]
	}
	return ""
}

// CheckNixOS is Check for the platform of a NixOS configuration, which
// runs on Linux only: a *-darwin (or other non-Linux) system is refused
// with the reason.
func CheckNixOS(s string) error {
	if err := Check(s); err != nil {
		return err
	}
	cpu, osPart, _ := strings.Cut(s, "-")
	if s == "" || osPart == "linux" {
		return nil
	}
	msg := fmt.Sprintf("--system %s: NixOS runs on Linux only, so a NixOS configuration cannot be built for %s", s, s)
	if osPart == "darwin" {
		msg += fmt.Sprintf(" (macOS is nix-darwin's platform, not NixOS's).\nFor NixOS on that CPU use --system %s-linux (e.g. in a VM on the Mac); "+
			"to build Linux derivations on a Mac, make it (or a Linux VM on it) a remote builder with --builders.", cpu)
	} else if knownSystems[cpu+"-linux"] {
		msg += fmt.Sprintf(".\nDid you mean %s-linux?", cpu)
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
