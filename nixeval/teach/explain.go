package teach

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/attr"
)

// Part is one piece of a command (a program, a file, a flag with its
// values) and what it does.
type Part struct {
	// Text is the piece as it appears in the command, shell-quoted; a
	// flake installable (REF#ATTR) is one word given as two parts, REF
	// and #ATTR, unquoted.
	Text string `json:"text"`
	// Role names the piece: program, file, attribute, search-path,
	// argument, flake, option, builders, expression, feature, subcommand.
	Role    string `json:"role"`
	Meaning string `json:"meaning"`
}

// Explanation is a build command taken apart, for `nixplore cmd
// --explain` and the explorer's explain panel.
type Explanation struct {
	Command string `json:"command"` // shell-quoted, as BuildCommands prints it
	Parts   []Part `json:"parts"`
	// Rebuild is the nixos-rebuild command that builds the same output,
	// empty when there is none.
	Rebuild     string `json:"rebuild,omitempty"`
	RebuildNote string `json:"rebuildNote,omitempty"`
	// Notes are facts about this evaluation that change what the command
	// does (a silently ignored --argstr system, a foreign platform).
	Notes []string `json:"notes,omitempty"`
	// Facts are what the configuration says about the node (the same as
	// the preview's and `show`'s), as name → value in JSON.
	Facts nixeval.Facts `json:"facts,omitempty"`
}

// isNixOSEntry reports whether a classic target's file is NixOS's entry
// point (nixos/default.nix of some nixpkgs), whose top level holds the
// system and two VMs.
func isNixOSEntry(file string) bool {
	if strings.HasPrefix(file, "<") && strings.HasSuffix(file, ">") {
		file = strings.Trim(file, "<>")
	}
	file = strings.TrimSuffix(strings.TrimSuffix(file, "/"), "/default.nix")
	return file == "nixos" || filepath.Base(file) == "nixos"
}

const withoutA = "Without -A, nix-build builds every derivation at the top level of <nixpkgs/nixos>: " +
	"system (the NixOS closure), vm and vmWithBootLoader, two QEMU virtual machines, the second of which builds a " +
	"bootable disk image inside a VM first. That is slow, needs QEMU for the configuration's platform, and is rarely what you want."

// Explain takes apart the command that builds path of t (the one
// BuildCommands prints) and says what each part does. info, when not nil,
// adds what this evaluation revealed (Evaluator.Info): an --argstr system
// that the configuration ignores, a platform this machine cannot build.
func Explain(t *nixeval.Target, path attr.Path, info *nixeval.Info) Explanation {
	return ExplainWith(t, path, info, nil)
}

// ExplainWith is Explain with the facts read from the configuration
// (Evaluator.Facts): they are listed first, and the catalogue's summary of
// the attribute is the one for the configuration's release, qualified by
// them.
func ExplainWith(t *nixeval.Target, path attr.Path, info *nixeval.Info, facts nixeval.Facts) Explanation {
	cmd := nixeval.BuildCommands(t, path)
	x := Explanation{Command: cmd.Build, Facts: facts}
	argv := cmd.Argv
	add := func(role, meaning string, words ...string) {
		x.Parts = append(x.Parts, Part{Text: attr.ShellJoin(words), Role: role, Meaning: meaning})
	}
	for i := 0; i < len(argv); i++ {
		a := argv[i]
		two := func() []string { // a flag and its value
			if i+1 < len(argv) {
				i++
				return []string{a, argv[i]}
			}
			return []string{a}
		}
		three := func() []string { // a flag and its two values
			if i+2 < len(argv) {
				i += 2
				return []string{a, argv[i-1], argv[i]}
			}
			return []string{a}
		}
		switch {
		case i == 0 && a == "nix-build":
			add("program", "Evaluates a Nix expression, builds the derivations it selects (or fetches them from a binary cache) and links ./result to the output. It is nix-instantiate (evaluate, write .drv files) followed by nix-store --realise (build).", a)
		case i == 0 && a == "nix":
			add("program", "The newer Nix command line; `nix build` builds installables such as a flake output and links ./result.", a)
		case a == "--extra-experimental-features":
			add("feature", "Turns on the `nix` subcommands and flakes for this run; not needed when nix.conf already has experimental-features = nix-command flakes.", two()...)
		case a == "build" && len(x.Parts) > 0 && x.Parts[len(x.Parts)-1].Role == "feature":
			add("subcommand", "Build the installable that follows and link ./result to it (--no-link: no link; --print-out-paths, in Nix 2.9 and later: print the store path).", a)
		case i == 1 && argv[0] == "nix-build" && a != "-E":
			add("file", explainFile(t, a), a)
		case a == "-A":
			w := two()
			add("attribute", explainAttr(t, path, facts), w...)
		case a == "-I":
			w := two()
			add("search-path", explainSearchPath(w[len(w)-1]), w...)
		case a == "--argstr" || a == "--arg":
			w := three()
			add("argument", explainArg(t, w, info), w...)
		case a == "--option":
			w := three()
			add("option", "Sets the Nix setting "+w[len(w)-2]+" for this run, as if it were in nix.conf.", w...)
		case a == "--no-write-lock-file":
			add("lock", "Do not write flake.lock: inputs missing from it are locked for this run only (you gave --no-write-lock-file).", a)
		case a == "--builders":
			add("builders", "Remote machines Nix may build on (Nix's distributed builds), e.g. for a platform this machine cannot build itself.", two()...)
		case a == "-E":
			add("expression", "An expression instead of a file: nixplore writes one when an attribute name cannot be written after -A (it contains a double quote). It selects the path name by name; the names arrive as data in --arg nixplorePath, never as code.", two()...)
		case t.Kind == nixeval.Flake && strings.Contains(a, "#"):
			ref, frag, _ := strings.Cut(a, "#")
			// The installable is one word; its two halves are shown apart
			// (unquoted: quote the joined word to use it).
			x.Parts = append(x.Parts, Part{Text: ref, Role: "flake", Meaning: explainFlakeRef(t, ref)},
				Part{Text: "#" + frag, Role: "attribute", Meaning: explainFlakeAttr(t, path, frag, facts)})
		default:
			add("argument", "Passed to Nix as it is.", a)
		}
	}
	x.Rebuild, x.RebuildNote = rebuildFor(t, path)
	if info != nil {
		if w := info.IgnoredWarning(); w != "" {
			x.Notes = append(x.Notes, w)
		}
		if p := info.Platform(); p != "" && info.CurrentSystem != "" && p != info.CurrentSystem && info.BuildSystem != info.CurrentSystem {
			x.Notes = append(x.Notes, "This configuration is for "+p+" and this machine is "+info.CurrentSystem+
				": building needs binfmt emulation on this machine (boot.binfmt.emulatedSystems = [ \""+p+"\" ]), a remote builder (--builders), "+
				"or cross compilation (nixpkgs.buildPlatform = \""+info.CurrentSystem+"\"). Without one, Nix stops with \"a '"+p+"' … is required to build\".")
		}
	}
	return x
}

// explainFlakeRef says what Nix reads of the flake, which for a local
// directory nixplore has made explicit (git+file or path:).
func explainFlakeRef(t *nixeval.Target, ref string) string {
	const pinned = " Its inputs (nixpkgs) are pinned by flake.lock, not by your channels or NIX_PATH."
	switch {
	case t.GitRoot != "":
		m := "The flake, read from the git work tree " + t.GitRoot
		if t.FlakeDir != t.GitRoot {
			m += " (?dir= names the flake's directory in it)"
		}
		return m + ": Nix copies only the files git tracks to the store (added counts, committed or not; an untracked file is invisible), as it does when you type the directory itself." + pinned
	case t.FlakeDir != "":
		return "The flake, the directory " + t.FlakeDir + " (not in a git work tree): Nix copies all of it to the store." + pinned
	}
	return "The flake: a directory, git repository or other reference with a flake.nix. Nix copies it to the store first." + pinned
}

func explainFile(t *nixeval.Target, file string) string {
	if !strings.HasPrefix(file, "<") {
		if isNixOSEntry(file) {
			return "The file to evaluate: NixOS's entry point (nixos/default.nix) of the nixpkgs at " + filepath.Dir(strings.TrimSuffix(file, "/default.nix")) +
				". It is a function of configuration (default: NIXOS_CONFIG, else <nixos-config>) and system, and returns config, options, pkgs, system, vm and vmWithBootLoader."
		}
		return "The file to evaluate; if it is a function, nix-build calls it with the --arg/--argstr values it declares."
	}
	name := strings.Trim(file, "<>")
	first, rest, _ := strings.Cut(name, "/")
	where := "NIX_PATH (on NixOS usually the root user's channel, `nixos`, as nix-channel --list shows; a flake-based system may set it to its flake input) or the nix-path setting"
	for _, s := range t.SearchPath {
		if p, ok := strings.CutPrefix(s, first+"="); ok {
			where = "-I " + first + "=" + p + ", given below"
			break
		}
	}
	m := "A path looked up in the search path: <" + name + "> is " + rest + " inside the first search path entry named " + first +
		", that is, from " + where + ". The quotes keep the shell from reading < and > as redirections."
	if rest == "" {
		m = "A path looked up in the search path: the entry named " + first + ", from " + where + "."
	}
	if isNixOSEntry(file) {
		m += " nixos/default.nix is NixOS's entry point: a function of configuration (default: NIXOS_CONFIG, else <nixos-config>) and system, " +
			"returning config, options, pkgs, system (= config.system.build.toplevel), vm and vmWithBootLoader."
	}
	return m
}

func explainAttr(t *nixeval.Target, path attr.Path, facts nixeval.Facts) string {
	m := "Which attribute of the evaluated file to build: " + path.String() + "."
	if doc, ok := nixeval.DocFor(t, path, nil, facts); ok {
		m += " " + doc.Name + ": " + doc.Summary
	}
	if t.Kind == nixeval.Classic && isNixOSEntry(t.File) {
		m += " " + withoutA
	}
	return m
}

func explainFlakeAttr(t *nixeval.Target, path attr.Path, frag string, facts nixeval.Facts) string {
	m := "The output to build, after #: nixosConfigurations." + attr.Quote(t.Host) + " is the NixOS configuration the flake made with nixpkgs.lib.nixosSystem, " +
		"and ." + path.String() + " the attribute inside it (the same path as after -A with <nixpkgs/nixos>; its system and vm shortcuts do not exist here)."
	if doc, ok := nixeval.DocFor(t, path, nil, facts); ok {
		m += " " + doc.Name + ": " + doc.Summary
	}
	m += " There is no --argstr system for a flake: the platform is fixed inside the flake (nixpkgs.hostPlatform or nixosSystem's system)."
	if frag == "" {
		m += " Without a fragment nix build looks for packages.<system>.default, not a NixOS output."
	}
	return m
}

func explainSearchPath(entry string) string {
	name, p, ok := strings.Cut(entry, "=")
	switch {
	case !ok:
		return "Adds the directory " + entry + " to the search path: <x> then also looks for " + entry + "/x."
	case name == "nixos-config":
		return "Puts nixos-config=" + p + " first in the search path, so <nixos-config>, the configuration <nixpkgs/nixos> evaluates by default, is " + p +
			". It is your configuration.nix: it imports its other files (hardware-configuration.nix, …) itself. NIXOS_CONFIG=" + p + " does the same and is read first."
	case name == "nixpkgs":
		return "Puts nixpkgs=" + p + " first in the search path, so <nixpkgs> (and <nixpkgs/nixos>) is this nixpkgs instead of the one from NIX_PATH or your channel."
	}
	return "Puts " + name + "=" + p + " first in the search path, so <" + name + "> resolves to " + p + "."
}

func explainArg(t *nixeval.Target, w []string, info *nixeval.Info) string {
	if len(w) < 3 {
		return "An argument for the file's function."
	}
	kind, name, val := w[0], w[1], w[2]
	if name == "system" && kind == "--argstr" && t.Kind == nixeval.Classic && isNixOSEntry(t.File) {
		m := "Passes system = \"" + val + "\" to nixos/default.nix, which sets nixpkgs.system with low priority (mkDefault): packages are built for " + val +
			" instead of this machine's platform (builtins.currentSystem). It is silently ignored when the configuration sets nixpkgs.hostPlatform " +
			"(recent hardware-configuration.nix files do): that setting wins."
		if info != nil && info.SystemIgnored() {
			m += " Here it IS ignored: nixpkgs.hostPlatform is " + info.HostSystem + "."
		} else if info != nil && info.HostSystem == val {
			m += " Here it is in effect: the configuration is built for " + val + "."
		}
		return m
	}
	if kind == "--argstr" {
		return "Passes " + name + " = " + attr.NixString(val) + " (a string) to the file's function, if it declares " + name + "."
	}
	if name == "nixplorePath" || name == "nixploreFile" || name == "nixploreExpr" {
		return "Data for the expression above: " + name + " is given as a Nix value so that names are never part of the code."
	}
	return "Passes " + name + " = " + val + " (a Nix expression) to the file's function, if it declares " + name + "."
}

// rebuildFor is the nixos-rebuild command that builds the same output,
// when there is one.
func rebuildFor(t *nixeval.Target, path attr.Path) (string, string) {
	var sub string
	switch {
	case path.Equal(attr.DefaultPath.Child("toplevel")) || (t.Kind == nixeval.Classic && path.Equal(attr.Path{"system"})):
		sub = "build"
	case path.Equal(attr.DefaultPath.Child("vm")) || (t.Kind == nixeval.Classic && path.Equal(attr.Path{"vm"})):
		sub = "build-vm"
	case path.Equal(attr.DefaultPath.Child("vmWithBootLoader")) || (t.Kind == nixeval.Classic && path.Equal(attr.Path{"vmWithBootLoader"})):
		sub = "build-vm-with-bootloader"
	case len(path) == len(attr.DefaultPath)+2 && path.HasPrefix(attr.DefaultPath.Child("images")):
		sub = "build-image --image-variant " + attr.ShellQuote(path.Last())
	default:
		return "", ""
	}
	argv := "nixos-rebuild " + sub
	switch t.Kind {
	case nixeval.Flake:
		return argv + " --flake " + attr.ShellQuote(t.FlakeRef+"#"+t.Host), "nixos-rebuild evaluates the same nixosConfigurations." + attr.Quote(t.Host) + " and leaves ./result like nix build."
	case nixeval.Classic:
		if !isNixOSEntry(t.File) {
			return "", ""
		}
		var words []string
		for _, s := range t.SearchPath {
			words = append(words, "-I", s)
		}
		if t.ConfigFile != "" && nixeval.ConfigFromSearchPath(t.SearchPath) == "" {
			words = append(words, "-I", "nixos-config="+t.ConfigFile)
		}
		if len(words) > 0 {
			argv += " " + attr.ShellJoin(words)
		}
		note := "nixos-rebuild evaluates <nixpkgs/nixos> with the same <nixos-config> and leaves ./result; it needs no root for build commands."
		if t.RequestedSystem() != "" {
			note += " It has no --argstr system: set nixpkgs.hostPlatform = \"" + t.RequestedSystem() + "\" in the configuration instead."
		}
		return argv, note
	}
	return "", ""
}

// Text renders the explanation: the command, then each part on its own
// line with what it does, then the nixos-rebuild equivalent and notes.
func (x Explanation) Text(width int) string {
	if width < 40 {
		width = 40
	}
	var b strings.Builder
	b.WriteString(x.Command + "\n")
	if len(x.Facts) > 0 {
		b.WriteString("\nIn this configuration:\n")
		for _, f := range x.Facts {
			for i, l := range WrapWords(f.Text(), width-6) {
				lead := "  - "
				if i > 0 {
					lead = "    "
				}
				fmt.Fprintf(&b, "%s%s\n", lead, attr.Printable(l))
			}
		}
	}
	for _, p := range x.Parts {
		fmt.Fprintf(&b, "\n  %s\n", p.Text)
		for _, l := range WrapWords(p.Meaning, width-6) {
			fmt.Fprintf(&b, "      %s\n", l)
		}
	}
	if x.Rebuild != "" {
		b.WriteString("\nThe same with nixos-rebuild:\n  " + x.Rebuild + "\n")
		for _, l := range WrapWords(x.RebuildNote, width-6) {
			fmt.Fprintf(&b, "      %s\n", l)
		}
	}
	for _, n := range x.Notes {
		b.WriteString("\nNote:\n")
		for _, l := range WrapWords(n, width-6) {
			fmt.Fprintf(&b, "      %s\n", l)
		}
	}
	return b.String()
}

// WrapWords breaks text into lines of at most width bytes at spaces (a
// longer word gets a line of its own).
func WrapWords(text string, width int) []string {
	var lines []string
	line := ""
	for _, word := range strings.Fields(text) {
		if line != "" && len(line)+1+len(word) > width {
			lines = append(lines, line)
			line = ""
		}
		if line != "" {
			line += " "
		}
		line += word
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}
