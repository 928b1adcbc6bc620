package main

import (
	"fmt"
	"io"
	"strings"
)

// The one text of nixplore's documentation: `--help` (renderHelp) and the
// man page nixplore.1 (renderMan, man.go) are both rendered from these
// values, and shell completion (complete.go) reads the verbs and flags from
// them, so the three never disagree.

// verbDoc is one verb of the command line.
type verbDoc struct {
	Name string // "" for the explorer (no verb)
	Args string // what follows the verb in the synopsis
	Doc  string
}

// What a flag's value is, for completion.
const (
	valueNone       = ""
	valueFile       = "file"
	valueSearchPath = "search-path" // -I name=path
	valueSystem     = "system"
	valueFlake      = "flake"
	valueShell      = "shell"
)

// flagDoc is one flag. Arity is how many words follow it.
type flagDoc struct {
	Names []string // long name first when there is one, e.g. "--file", "-f"
	Arg   string   // the value words as shown, e.g. "name expr"
	Arity int
	Doc   string
	Verbs []string // the verbs it applies to; nil for every verb
	Value string   // what its (last) value is, for completion
}

// flagGroup is a titled list of flags with an optional note after it.
type flagGroup struct {
	Title string
	Flags []flagDoc
	After string
}

// envDoc is an environment variable nixplore reads.
type envDoc struct{ Name, Doc string }

// manual is everything --help and the man page say.
var manual = struct {
	Summary     string
	Description []string
	Verbs       []verbDoc
	Path        string
	Groups      []flagGroup
	Exit        string
	Environment []envDoc
	Files       []envDoc
	SeeAlso     []string
}{
	Summary: "explore what a NixOS configuration can build",
	Description: []string{
		"config.system.build is where a NixOS configuration keeps everything it can build (the system closure, VMs, SD and ISO images, the initrd), but it is a freeform, undocumented attribute set. nixplore shows it as a lazy tree, tells what each output is and how to build it, builds it with live progress and explains failures, and prints the equivalent nix-build or nix build command.",
		"On a terminal, nixplore without a verb opens a full-screen explorer (? there lists its keys); with stdout not a terminal it lists like nixplore ls.",
		"A first word one slip from a verb (shwo, lss) or a common name for one (list) is refused with the verb it meant (did you mean show?), exit 2; nixplore tui NAME opens the explorer on an attribute so named.",
	},
	Verbs: []verbDoc{
		{"", "[TARGET FLAGS] [PATH]", "open the explorer on PATH (the default on a terminal)"},
		{"ls", "[TARGET FLAGS] [PATH…] [--json] [--known] [--names]", "list the children of each attribute set with their kind (names first on a terminal)"},
		{"show", "[TARGET FLAGS] PATH [--json] [--trace]", "describe one node: kind, derivation, outputs, where it is defined, what this configuration says about it, what it is for in general; with --trace, evaluate a failing value again with Nix's --show-trace and name the option and your file behind the error"},
		{"cmd", "[TARGET FLAGS] PATH [--explain [--json]]", "print the equivalent build command, shell-quoted (a missing path fails as show does; a set's command comes with what it builds on stderr; a string or number has none)"},
		{"build", "[TARGET FLAGS] PATH [--dry-run] [--out-link P | --no-link] [--json] [--all]", "build PATH with progress, explaining failures"},
		{"compare", "[TARGET FLAGS] PATH… [--json]", "weigh outputs side by side: what each is, whether this machine can build it, what Nix would build and fetch (download and unpacked sizes) against the free space, whether it is built, what running it needs, its command"},
		{"completion", "bash|zsh|fish", "print a shell completion script (see ENVIRONMENT for its time limit)"},
		{"version", "", "print the version, the commit it was built from and the Nix found on PATH"},
		{"help", "", "print the verbs, flags and environment variables (the text of man nixplore)"},
	},
	Path: "PATH is an attribute path with Nix quoting, relative to the evaluation (default config.system.build), e.g. config.system.build.units.\"sshd.service\".",
	Groups: []flagGroup{
		{
			Title: "Target flags (the same words as nix-build and nixos-rebuild)",
			Flags: []flagDoc{
				{Names: []string{"-I"}, Arg: "name=path", Arity: 1, Value: valueSearchPath, Doc: "add to the Nix search path (repeatable), e.g. -I nixos-config=./configuration.nix"},
				{Names: []string{"--arg"}, Arg: "name expr", Arity: 2, Doc: "pass a Nix expression argument to the file's function"},
				{Names: []string{"--argstr"}, Arg: "name value", Arity: 2, Doc: "pass a string argument"},
				{Names: []string{"--system"}, Arg: "X", Arity: 1, Value: valueSystem, Doc: "shorthand for --argstr system X (a NixOS configuration runs on Linux: *-darwin is refused)"},
				{Names: []string{"--file", "-f"}, Arg: "FILE", Arity: 1, Value: valueFile, Doc: "the file to evaluate (default <nixpkgs/nixos>)"},
				{Names: []string{"--expr", "-E"}, Arg: "EXPR", Arity: 1, Doc: "evaluate an expression instead of a file"},
				{Names: []string{"--flake"}, Arg: "REF[#host]", Arity: 1, Value: valueFlake, Doc: "nixosConfigurations.<host> of a flake (host defaults to the hostname); a directory in a git work tree is read as git+file, tracked files only, as nix build reads it"},
				{Names: []string{"--no-write-lock-file"}, Doc: "do not write a missing or outdated flake.lock (by default it is written, as nix build does)"},
				{Names: []string{"--option"}, Arg: "name value", Arity: 2, Doc: "pass a Nix setting to every Nix nixplore runs, e.g. --option allow-import-from-derivation false"},
				{Names: []string{"--builders"}, Arg: "SPEC", Arity: 1, Doc: "remote builders, as Nix's --builders ('ssh://HOST aarch64-linux', ';'-separated, @FILE); the platform check counts them"},
				{Names: []string{"--timeout"}, Arg: "D", Arity: 1, Doc: "give up on an evaluation after D (e.g. 30s; default: none)"},
			},
			After: "Without target flags the configuration is found like nixos-rebuild does: NIXOS_CONFIG, <nixos-config> in NIX_PATH, /etc/nixos/flake.nix, /etc/nixos/configuration.nix.",
		},
		{
			Title: "Other flags",
			Flags: []flagDoc{
				{Names: []string{"--json"}, Verbs: []string{"ls", "show", "cmd", "build", "compare"}, Doc: "machine-readable output (ls: one JSON object per path per line; compare: a list, one object per PATH); what Nix warned about is in its \"warnings\", otherwise on stderr as warning: MSG"},
				{Names: []string{"--no-cache"}, Verbs: []string{"", "ls", "show", "build", "compare"}, Doc: "neither read nor write the disk cache"},
				{Names: []string{"--refresh"}, Verbs: []string{"", "ls", "show", "build", "compare"}, Doc: "ignore cached answers, evaluate again and update the cache"},
				{Names: []string{"--one-shot"}, Verbs: []string{"", "ls", "show", "build", "compare"}, Doc: "one nix process per question instead of warm evaluators"},
				{Names: []string{"--eval-workers"}, Arg: "N", Arity: 1, Verbs: []string{"", "ls", "show", "build", "compare"}, Doc: "warm evaluators answering at once (default: one per core, at most 4, and at most one per 512 MiB of --max-eval-memory)"},
				{Names: []string{"--max-eval-memory"}, Arg: "SIZE", Arity: 1, Verbs: []string{"", "ls", "show", "build", "compare"}, Doc: "resident memory of all evaluators together, e.g. 700M or 4G; an evaluator past its share is replaced by a fresh one between requests, keeping every answer (default: a quarter of the machine's memory, at most 4G; 0: no bound)"},
				{Names: []string{"--names"}, Verbs: []string{"ls"}, Doc: "ls: the names only, at the cost of builtins.attrNames (no kinds)"},
				{Names: []string{"--trace", "--show-trace"}, Verbs: []string{"show"}, Doc: "show: evaluate PATH again with Nix's --show-trace; print the chain and the option and file of your own configuration behind the error"},
				{Names: []string{"--log"}, Arg: "FILE", Arity: 1, Value: valueFile, Verbs: []string{""}, Doc: "write a debug log to FILE (never to the terminal)"},
				{Names: []string{"--known"}, Verbs: []string{"ls"}, Doc: "ls: also list well-known outputs this configuration lacks"},
				{Names: []string{"--explain"}, Verbs: []string{"cmd"}, Doc: "cmd: explain every part of the command, and its nixos-rebuild equivalent"},
				{Names: []string{"--dry-run"}, Verbs: []string{"build"}, Doc: "build: show what would be built and fetched, build nothing"},
				{Names: []string{"--out-link", "-o"}, Arg: "P", Arity: 1, Value: valueFile, Verbs: []string{"build"}, Doc: "build: result symlink (default ./result, as nix-build)"},
				{Names: []string{"--no-link", "--no-out-link"}, Verbs: []string{"build"}, Doc: "build: no result symlink"},
				{Names: []string{"--all"}, Verbs: []string{"build"}, Doc: "build: allow building the whole top level of <nixpkgs/nixos>"},
				{Names: []string{"--force"}, Verbs: []string{"build"}, Doc: "build: build even when no one here can build part of the plan (this machine's platforms and features, the builders the store uses) or what Nix would fetch alone does not fit in the store's free space"},
				{Names: []string{"--help", "-h"}, Doc: "print the help"},
				{Names: []string{"--version"}, Doc: "print the version (as nixplore version)"},
			},
		},
	},
	Exit: "0 success, 1 evaluation or Nix error, 2 usage error, 128 plus the signal's number when a signal ended it (130 for Ctrl-C; nothing more is printed).",
	Environment: []envDoc{
		{"NIXOS_CONFIG, NIX_PATH", "where the configuration is found without target flags, as nixos-rebuild does"},
		{"XDG_CACHE_HOME", "the disk cache lives in $XDG_CACHE_HOME/nixplore (default ~/.cache/nixplore)"},
		{"NIXPLORE_COMPLETE_TIMEOUT", "how long shell completion waits for Nix to list attribute names that are not in the cache (default 2s); after it, nothing is completed"},
		{"VISUAL, EDITOR", "the editor the explorer's e key opens (default vi)"},
		{"NO_COLOR", "turns the explorer's colours off"},
		{"NIX_SSHOPTS", "options Nix gives ssh to reach remote builders (--builders, nix.conf's builders)"},
	},
	Files: []envDoc{
		{"~/.cache/nixplore", "cached listings and descriptions, at most 256 MB; safe to delete"},
	},
	SeeAlso: []string{"nix-build(1)", "nixos-rebuild(8)", "nix(1)"},
}

// allFlags lists every flag of every group.
func allFlags() []flagDoc {
	var out []flagDoc
	for _, g := range manual.Groups {
		out = append(out, g.Flags...)
	}
	return out
}

// flagByName finds a flag by any of its names.
func flagByName(name string) (flagDoc, bool) {
	for _, f := range allFlags() {
		for _, n := range f.Names {
			if n == name {
				return f, true
			}
		}
	}
	return flagDoc{}, false
}

// appliesTo reports whether f is meaningful for verb ("" is the explorer).
func (f flagDoc) appliesTo(verb string) bool {
	if f.Verbs == nil {
		return true
	}
	for _, v := range f.Verbs {
		if v == verb {
			return true
		}
	}
	return false
}

// label is how the flag is shown: "-f, --file FILE".
func (f flagDoc) label() string {
	names := append([]string(nil), f.Names...)
	// Short names first, as in most help texts.
	if len(names) == 2 && !strings.HasPrefix(names[1], "--") {
		names[0], names[1] = names[1], names[0]
	}
	s := strings.Join(names, ", ")
	if f.Arg != "" {
		s += " " + f.Arg
	}
	return s
}

// synopsis is one verb's usage line without the leading "nixplore".
func (v verbDoc) synopsis() string {
	return strings.TrimSpace(v.Name + " " + v.Args)
}

// renderHelp writes the --help text.
func renderHelp(w io.Writer) {
	fmt.Fprintf(w, "nixplore: %s.\n\nUsage:\n", manual.Summary)
	for _, v := range manual.Verbs {
		fmt.Fprintf(w, "  nixplore %s\n", v.synopsis())
		fmt.Fprintf(w, "      %s\n", v.Doc)
	}
	fmt.Fprintln(w)
	writeWrapped(w, "", manual.Path, 76)
	for _, g := range manual.Groups {
		fmt.Fprintf(w, "\n%s:\n", g.Title)
		for _, f := range g.Flags {
			l := f.label()
			if len(l) > 20 {
				fmt.Fprintf(w, "  %s\n  %-20s  %s\n", l, "", f.Doc)
				continue
			}
			fmt.Fprintf(w, "  %-20s  %s\n", l, f.Doc)
		}
		if g.After != "" {
			writeWrapped(w, "", g.After, 76)
		}
	}
	fmt.Fprintln(w, "\nEnvironment:")
	for _, e := range manual.Environment {
		fmt.Fprintf(w, "  %s\n", e.Name)
		writeWrapped(w, "      ", e.Doc, 76)
	}
	fmt.Fprintf(w, "\nExit status: %s\n", manual.Exit)
}

// writeWrapped writes text filled to width, each line after indent.
func writeWrapped(w io.Writer, indent, text string, width int) {
	line := indent
	for _, word := range strings.Fields(text) {
		if len(line) > len(indent) && len(line)+1+len(word) > width {
			fmt.Fprintln(w, line)
			line = indent
		}
		if len(line) > len(indent) {
			line += " "
		}
		line += word
	}
	if len(line) > len(indent) {
		fmt.Fprintln(w, line)
	}
}
