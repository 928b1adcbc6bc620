package build

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/nixeval/catalogue"
	"github.com/nixplore/nixplore/nixeval/nixproc"
)

// Situation is what a system's next steps depend on besides the result:
// how nixos-rebuild names the configuration that was built, and whether it
// is this machine's. A step run as printed must do what it says: `sudo
// nixos-rebuild switch` without --flake activates /etc/nixos (another
// system), and without -I nixpkgs= it builds with root's channel.
type Situation struct {
	// RebuildTarget are nixos-rebuild's words for the configuration:
	// --flake REF#HOST, or -I nixos-config=… -I nixpkgs=… (shell-quoted);
	// "" when nixos-rebuild cannot express it (an --expr or -f target).
	RebuildTarget string
	// NixpkgsUnpinned: a classic target whose nixpkgs could not be found,
	// so the command falls back to root's channel.
	NixpkgsUnpinned bool
	ThisHost        string // this machine's host name
	ThisSystem      string // this machine's Nix system
	ThisIsNixOS     bool   // /etc/NIXOS: a machine nixos-rebuild can switch
	// NixosRebuild is how to run nixos-rebuild here: the program, or `nix
	// run nixpkgs#nixos-rebuild --` where it is not installed.
	NixosRebuild string
}

// ReadSituation finds the Situation of target t on this machine.
func ReadSituation(ctx context.Context, tools nixeval.Tools, t *nixeval.Target) Situation {
	s := Situation{NixosRebuild: "nixos-rebuild"}
	if _, err := exec.LookPath("nixos-rebuild"); err != nil {
		s.NixosRebuild = "nix --extra-experimental-features 'nix-command flakes' run nixpkgs#nixos-rebuild --"
	}
	s.ThisHost, _ = os.Hostname()
	if _, err := os.Stat("/etc/NIXOS"); err == nil {
		s.ThisIsNixOS = true
	}
	var opts []string
	if t != nil {
		opts = nixeval.OptionArgs(t.Options)
	}
	if settings, err := nixSettings(ctx, tools, opts); err == nil {
		s.ThisSystem = settings["system"]
	}
	if t == nil {
		return s
	}
	switch {
	case t.Kind == nixeval.Flake:
		s.RebuildTarget = "--flake " + attr.ShellQuote(t.FlakeRef+"#"+t.Host)
	case t.Kind == nixeval.Classic && t.File == "<nixpkgs/nixos>" && t.ConfigFile != "":
		pin := nixpkgsOf(ctx, tools, t)
		s.RebuildTarget = "-I " + attr.ShellQuote("nixos-config="+t.ConfigFile)
		if pin != "" {
			s.RebuildTarget += " -I " + attr.ShellQuote("nixpkgs="+pin)
		} else {
			s.NixpkgsUnpinned = true
		}
	}
	return s
}

// nixpkgsOf is the nixpkgs a classic target was built with: its -I
// nixpkgs= entry, else what <nixpkgs> resolves to for it.
func nixpkgsOf(ctx context.Context, tools nixeval.Tools, t *nixeval.Target) string {
	for i := len(t.SearchPath) - 1; i >= 0; i-- {
		if p, ok := strings.CutPrefix(t.SearchPath[i], "nixpkgs="); ok {
			if !filepath.IsAbs(p) && !strings.Contains(p, "://") && t.Dir != "" {
				p = filepath.Join(t.Dir, p)
			}
			return p
		}
	}
	args := []string{"--find-file", "nixpkgs"}
	for _, e := range t.SearchPath {
		args = append(args, "-I", e)
	}
	res, err := (&nixproc.Command{Path: tools.Program("nix-instantiate"), Args: append(args, nixeval.OptionArgs(t.Options)...), Dir: t.Dir}).Run(ctx)
	if err != nil {
		return ""
	}
	return res.Trimmed()
}

// systemName reads the host name and version from a system's store path:
// nixos-system-<system.name>-<label> (top-level.nix), the label starting
// with the release's digits.
var systemName = regexp.MustCompile(`^[0-9a-z]{32}-nixos-system-(.+)-(\d+\.\d+[^-]*)$`)

// SystemOf reads what a built system says of itself: its host name (from
// its name) and its platform (its `system` file, as top-level.nix writes
// it; fallback when the file is absent or unreadable).
func SystemOf(out, fallback string) (host, system string) {
	if m := systemName.FindStringSubmatch(filepath.Base(out)); m != nil {
		host = m[1]
	}
	system = fallback
	if b, err := os.ReadFile(filepath.Join(out, "system")); err == nil && len(strings.TrimSpace(string(b))) > 0 {
		system = strings.TrimSpace(string(b))
	}
	return host, system
}

// Step conditions in the catalogue (catalogue.Step.When).
const (
	whenThisMachine  = "this-machine"  // the configuration is this NixOS machine's
	whenOtherMachine = "other-machine" // it is for another machine
	whenRebuild      = "rebuild"       // nixos-rebuild can name the configuration
)

// systemSteps are the catalogue's steps for a built system (toplevel),
// chosen for the situation: switch here only when the configuration is
// this machine (host name and platform); else deploy it to its host.
func systemSteps(o BuiltOutput, shown, fallbackSystem string, sit Situation) []NextStep {
	host, system := SystemOf(o.Path, fallbackSystem)
	here := sit.ThisIsNixOS && host != "" && strings.EqualFold(host, sit.ThisHost) && (system == "" || system == sit.ThisSystem)
	text := map[string]string{
		catalogue.ResultPlaceholder: shown,
		"<out>":                     o.Path,
		"<nixos-rebuild>":           sit.NixosRebuild,
		"<target>":                  sit.RebuildTarget,
		"<host>":                    orUnknown(host),
		"<system>":                  orUnknown(system),
		"<this-host>":               orUnknown(sit.ThisHost),
		"<this-system>":             orUnknown(sit.ThisSystem),
	}
	command := map[string]string{}
	for k, v := range text {
		command[k] = v
	}
	command[catalogue.ResultPlaceholder], command["<out>"] = attr.ShellQuote(shown), attr.ShellQuote(o.Path)
	var steps []NextStep
	for _, st := range catalogue.AfterBuild("toplevel", "") {
		if !holds(st.When, here, sit) {
			continue
		}
		ns := NextStep{Title: fill(st.Title, text), Command: fill(st.Command, command), Warning: fill(st.Warning, text)}
		if sit.NixpkgsUnpinned && strings.Contains(st.Command, "<target>") {
			ns.Warning = strings.TrimSpace(ns.Warning + " nixplore could not find which nixpkgs was built with, so this uses root's <nixpkgs> channel, which may differ: add -I nixpkgs=PATH.")
		}
		steps = append(steps, ns)
	}
	return steps
}

func holds(when []string, here bool, sit Situation) bool {
	for _, w := range when {
		switch w {
		case whenThisMachine:
			if !here {
				return false
			}
		case whenOtherMachine:
			if here {
				return false
			}
		case whenRebuild:
			if sit.RebuildTarget == "" {
				return false
			}
		}
	}
	return true
}

// fill puts the words in (paths shell-quoted in a command's words).
func fill(s string, words map[string]string) string {
	for k, v := range words {
		s = strings.ReplaceAll(s, k, v)
	}
	return s
}
