package build

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/nixplore/nixplore/nixeval"
)

// BinfmtDir is where Linux lists binfmt_misc registrations.
var BinfmtDir = "/proc/sys/fs/binfmt_misc"

// Binfmt is what the kernel says about running another architecture's
// programs through an emulator.
type Binfmt struct {
	Arch        string `json:"arch"`        // e.g. "aarch64"
	Registered  bool   `json:"registered"`  // a registration for Arch exists
	Enabled     bool   `json:"enabled"`     // … and is enabled
	Entry       string `json:"entry"`       // its file under BinfmtDir
	Interpreter string `json:"interpreter"` // the emulator it runs
	Mounted     bool   `json:"mounted"`     // binfmt_misc is mounted at all
}

// PlatformCheck says whether this machine can build for a system, and if
// not, what the ways out are.
type PlatformCheck struct {
	System         string   `json:"system"`  // the derivation's platform
	Machine        string   `json:"machine"` // Nix's `system` here
	ExtraPlatforms []string `json:"extraPlatforms"`
	Builders       string   `json:"builders"` // Nix's `builders` setting, or --builders
	// CanBuild: Local, or a configured or passed builder serves System.
	CanBuild bool `json:"canBuild"`
	// Local: System is Machine or in ExtraPlatforms.
	Local bool `json:"local"`
	// Machines are the remote builders Builders lists (machines files
	// read); Builder is the first of them that serves System.
	Machines []Builder `json:"machines,omitempty"`
	Builder  *Builder  `json:"builder,omitempty"`
	Binfmt   Binfmt    `json:"binfmt"`
	// IgnoredNote is set when --argstr system was given but the
	// configuration fixes another platform (see Info.IgnoredWarning).
	IgnoredNote string `json:"ignoredNote,omitempty"`
	// Err is set when Nix's settings could not be read; the check then
	// falls back to what is known.
	Err error `json:"-"`
	// Caps are the capabilities the check was made against.
	Caps *Capabilities `json:"capabilities,omitempty"`
}

// CheckPlatform compares system with what the local Nix builds: its own
// `system` and `extra-platforms` (read from Nix's settings, not guessed from
// its version), the remote builders of its `builders` setting (nix.conf,
// NIX_CONFIG, machines files) or of builders, the --builders value the
// build is run with, which replaces the setting as it does for Nix; and it
// looks for a binfmt registration for the architecture.
func CheckPlatform(ctx context.Context, tools nixeval.Tools, system string, builders ...string) *PlatformCheck {
	return checkPlatform(ctx, tools, nil, system, builders)
}

// CheckPlatformFor is CheckPlatform for a target: its --option settings
// are given to Nix, as to every Nix nixplore runs for it (`--option
// extra-platforms aarch64-linux` makes this Nix build for aarch64), and
// its --builders replace the setting.
func CheckPlatformFor(ctx context.Context, tools nixeval.Tools, t *nixeval.Target, system string) *PlatformCheck {
	var builders []string
	if t != nil {
		builders = []string{t.Builders}
	}
	return checkPlatform(ctx, tools, t, system, builders)
}

func checkPlatform(ctx context.Context, tools nixeval.Tools, t *nixeval.Target, system string, builders []string) *PlatformCheck {
	var opts []string
	if t != nil {
		opts = nixeval.OptionArgs(t.Options)
	}
	client := ""
	for _, b := range builders {
		if b != "" {
			client = b
		}
	}
	return readCapabilities(ctx, tools, opts, optionsOf(t), client).Check(system)
}

// Check says whether system builds here or on a builder, and holds what
// Explain needs to say why not.
func (c *Capabilities) Check(system string) *PlatformCheck {
	pc := &PlatformCheck{System: system, Machine: c.Machine, ExtraPlatforms: c.ExtraPlatforms,
		Builders: c.Builders, Machines: c.Machines, Err: c.Err, Caps: c}
	pc.Local = system == "" || c.Who(system, nil) == "this machine"
	for i := range pc.Machines {
		if pc.Machines[i].Takes(system, nil) {
			pc.Builder = &pc.Machines[i]
			break
		}
	}
	pc.CanBuild = pc.Local || pc.Builder != nil
	pc.Binfmt = checkBinfmt(BinfmtDir, archOf(system))
	return pc
}

// WithInfo adds the note about an ignored --argstr system.
func (pc *PlatformCheck) WithInfo(info *nixeval.Info) *PlatformCheck {
	if info != nil {
		pc.IgnoredNote = info.IgnoredWarning()
	}
	return pc
}

// archOf is the CPU part of a Nix system double ("aarch64-linux" → "aarch64").
func archOf(system string) string {
	a, _, _ := strings.Cut(system, "-")
	return a
}

// checkBinfmt looks for a registration for arch under dir. NixOS names them
// after the system (aarch64-linux), distributions' qemu-user packages after
// the architecture (qemu-aarch64); both are found.
func checkBinfmt(dir, arch string) Binfmt {
	b := Binfmt{Arch: arch}
	if _, err := os.Stat(filepath.Join(dir, "register")); err == nil {
		b.Mounted = true
	}
	if arch == "" {
		return b
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		n := e.Name()
		if n == "register" || n == "status" || !strings.Contains(n, arch) {
			continue
		}
		b.Registered = true
		b.Entry = filepath.Join(dir, n)
		f, err := os.Open(b.Entry)
		if err != nil {
			continue
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			l := sc.Text()
			if l == "enabled" {
				b.Enabled = true
			}
			if v, ok := strings.CutPrefix(l, "interpreter "); ok {
				b.Interpreter = v
			}
		}
		f.Close()
		break
	}
	return b
}

// Explain says in a few lines whether the build can run here and, when it
// cannot, the three ways out.
func (pc *PlatformCheck) Explain() string {
	var b strings.Builder
	if pc.IgnoredNote != "" {
		fmt.Fprintf(&b, "note: %s\n", pc.IgnoredNote)
	}
	if pc.Local {
		fmt.Fprintf(&b, "platform: %s builds on this machine (%s)", pc.System, pc.Machine)
		return b.String()
	}
	if pc.Builder != nil {
		fmt.Fprintf(&b, "platform: %s builds on the remote builder %s (from %s); this machine is %s", pc.System, pc.Builder.URI, pc.Builder.Source, orUnknown(pc.Machine))
		return b.String()
	}
	extra := "none"
	if len(pc.ExtraPlatforms) > 0 {
		extra = strings.Join(pc.ExtraPlatforms, " ")
	}
	fmt.Fprintf(&b, "platform: this machine is %s (extra-platforms: %s) and cannot build %s itself.\n", orUnknown(pc.Machine), extra, pc.System)
	if pc.Caps != nil && slices.Contains(pc.Caps.Unbacked, pc.System) {
		fmt.Fprintf(&b, "  extra-platforms lists %s, but no binfmt registration lets this machine run its programs: a build would fetch its inputs, then fail at its first program.\n", pc.System)
	}
	if pc.Caps != nil && pc.Caps.Store.Daemon && !pc.Caps.Store.Trusted {
		for _, ig := range pc.Caps.Ignored {
			fmt.Fprintf(&b, "  %s\n", ig.Explain())
		}
	}
	b.WriteString("Three ways out:\n")
	switch {
	case pc.Binfmt.Registered && pc.Binfmt.Enabled:
		fmt.Fprintf(&b, "  1. emulation: %s runs %s programs through %s, but Nix does not list %s in extra-platforms;\n"+
			"     on NixOS set boot.binfmt.emulatedSystems = [ %q ]; elsewhere add `extra-platforms = %s` to nix.conf.\n",
			pc.Binfmt.Entry, pc.Binfmt.Arch, orUnknown(pc.Binfmt.Interpreter), pc.System, pc.System, pc.System)
	case pc.Binfmt.Registered:
		fmt.Fprintf(&b, "  1. emulation: %s exists but is disabled; enable it, or on NixOS set boot.binfmt.emulatedSystems = [ %q ] and switch.\n", pc.Binfmt.Entry, pc.System)
	default:
		where := "no registration for " + pc.Binfmt.Arch + " under " + BinfmtDir
		if !pc.Binfmt.Mounted {
			where = BinfmtDir + " is not mounted"
		}
		fmt.Fprintf(&b, "  1. emulation on this build host (%s): on NixOS add boot.binfmt.emulatedSystems = [ %q ]\n"+
			"     to THIS machine's configuration and `nixos-rebuild switch` (slow: every compiler runs under QEMU).\n", where, pc.System)
	}
	builders := "none configured"
	if len(pc.Machines) > 0 {
		var l []string
		for _, m := range pc.Machines {
			l = append(l, m.URI+" for "+strings.Join(m.Systems, ","))
		}
		builders = strings.Join(l, "; ")
	}
	fmt.Fprintf(&b, "  2. a remote %s builder (now: %s): --builders 'ssh://user@host %s' or nix.buildMachines on NixOS.\n", pc.System, builders, pc.System)
	fmt.Fprintf(&b, "  3. cross compilation: set nixpkgs.buildPlatform = %q in the configuration being built;\n"+
		"     everything is then built here natively, for %s (nothing comes from the binary cache's native builds).", orUnknown(pc.Machine), pc.System)
	return b.String()
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}
