package cmdline

// The one text of nixplore's documentation and the one table of its
// flags: Parse reads the command line with it, WriteHelp and WriteMan
// render it, and completion offers its verbs, flags and values.

// Verb is one verb of the command line.
type Verb struct {
	Name string // "" for the explorer (no verb, or ExplorerVerb)
	Args string // what follows the verb in the synopsis
	Doc  string
}

// group is a titled list of flags with an optional note after it.
type group struct {
	Title string
	Flags []Flag
	After string
}

// entry is an environment variable nixplore reads, or a file it keeps.
type entry struct{ Name, Doc string }

// document is everything --help and the man page say.
type document struct {
	Summary     string
	Description []string
	Verbs       []Verb
	Path        string
	Groups      []group
	Exit        string
	Environment []entry
	Files       []entry
	SeeAlso     []string
}

var manual = document{
	Summary: "explore what a NixOS configuration can build",
	Description: []string{
		"config.system.build is where a NixOS configuration keeps everything it can build (the system closure, VMs, SD and ISO images, the initrd), but it is a freeform, undocumented attribute set. nixplore shows it as a lazy tree, tells what each output is and how to build it, builds it with live progress and explains failures, and prints the equivalent nix-build or nix build command.",
		"On a terminal, nixplore without a verb opens a full-screen explorer (? there lists its keys); with stdout not a terminal it lists like nixplore ls.",
		"A first word one slip from a verb (shwo, lss) or a common name for one (list) is refused with the verb it meant (did you mean show?), exit 2; nixplore tui NAME opens the explorer on an attribute so named.",
	},
	Verbs: []Verb{
		{"", "[TARGET FLAGS] [PATH]", "open the explorer on PATH (the default on a terminal)"},
		{"ls", "[TARGET FLAGS] [PATH…] [--json] [--known] [--names]", "list the children of each attribute set with their kind (names first on a terminal)"},
		{"show", "[TARGET FLAGS] PATH [--json] [--trace]", "describe one node: kind, derivation, outputs, where it is defined, what this configuration says about it, what it is for in general; with --trace, evaluate a failing value again with Nix's --show-trace and name the option and your file behind the error"},
		{"cmd", "[TARGET FLAGS] PATH [--explain [--json]]", "print the equivalent build command, shell-quoted (a missing path fails as show does; a set's command comes with what it builds on stderr; a string or number has none)"},
		{"build", "[TARGET FLAGS] PATH [--dry-run] [--out-link P | --no-link] [--json] [--all]", "build PATH with progress, explaining failures"},
		{"compare", "[TARGET FLAGS] PATH… [--json]", "weigh outputs side by side: what each is, whether this machine can build it, what Nix would build and fetch (download and unpacked sizes) against the free space, whether it is built, what running it needs, its command"},
		{"diff", "[TARGET FLAGS] [PATH] [--against REV|SYSTEM] [--json] [--exit-code] [--all-hosts]", "what an edit changes: each child of PATH (default config.system.build), or PATH itself when it is one output, changed, added, removed, unchanged or failing, between the configuration on disk and a git revision (default HEAD) of the repository that holds it, or a built system (its toplevel); a changed derivation says why (the chain of inputs down to what differs, with an excerpt). Nothing is built"},
		{"completion", "bash|zsh|fish", "print a shell completion script (see ENVIRONMENT for its time limit)"},
		{"version", "", "print the version, the commit it was built from and the Nix found on PATH"},
		{"help", "", "print the verbs, flags and environment variables (the text of man nixplore)"},
	},
	Path: "PATH is an attribute path with Nix quoting, relative to the evaluation (default config.system.build), e.g. config.system.build.units.\"sshd.service\".",
	Groups: []group{
		{
			Title: "Target flags (the same words as nix-build and nixos-rebuild)",
			Flags: []Flag{
				{Names: []string{"-I"}, Values: []string{"name=path"}, Kind: SearchPath, Doc: "add to the Nix search path (repeatable), e.g. -I nixos-config=./configuration.nix",
					Joined: true, set: addSearchPath},
				{Names: []string{"--arg"}, Values: []string{"name", "expr"}, Doc: "pass a Nix expression argument to the file's function",
					set: addArg(false)},
				{Names: []string{"--argstr"}, Values: []string{"name", "value"}, Doc: "pass a string argument",
					set: addArg(true)},
				{Names: []string{"--system"}, Values: []string{"X"}, Kind: System, Doc: "shorthand for --argstr system X (a NixOS configuration runs on Linux: *-darwin is refused)",
					set: text(func(o *Options) *string { return &o.Target.System })},
				{Names: []string{"--file", "-f"}, Values: []string{"FILE"}, Kind: File, Doc: "the file to evaluate (default <nixpkgs/nixos>)",
					set: text(func(o *Options) *string { return &o.Target.File })},
				{Names: []string{"--expr", "-E"}, Values: []string{"EXPR"}, Doc: "evaluate an expression instead of a file",
					set: text(func(o *Options) *string { return &o.Target.Expr })},
				{Names: []string{"--flake"}, Values: []string{"REF[#host]"}, Kind: Flake, Doc: "nixosConfigurations.<host> of a flake (host defaults to the hostname); a directory in a git work tree is read as git+file, tracked files only, as nix build reads it",
					set: text(func(o *Options) *string { return &o.Target.Flake })},
				{Names: []string{"--no-write-lock-file"}, Doc: "do not write a missing or outdated flake.lock (by default it is written, as nix build does)",
					set: on(func(o *Options) *bool { return &o.Target.NoWriteLockFile })},
				{Names: []string{"--option"}, Values: []string{"name", "value"}, Doc: "pass a Nix setting to every Nix nixplore runs, e.g. --option allow-import-from-derivation false",
					set: addOption},
				{Names: []string{"--builders"}, Values: []string{"SPEC"}, Doc: "remote builders, as Nix's --builders ('ssh://HOST aarch64-linux', ';'-separated, @FILE); the platform check counts them",
					set: text(func(o *Options) *string { return &o.Target.Builders })},
				{Names: []string{"--timeout"}, Values: []string{"D"}, Doc: "give up on an evaluation after D (e.g. 30s; default: none)",
					set: setTimeout},
			},
			After: "Without target flags the configuration is found like nixos-rebuild does: NIXOS_CONFIG, <nixos-config> in NIX_PATH, /etc/nixos/flake.nix, /etc/nixos/configuration.nix.",
		},
		{
			Title: "Other flags",
			Flags: []Flag{
				{Names: []string{"--json"}, Verbs: []string{"ls", "show", "cmd", "build", "compare", "diff"}, Doc: "machine-readable output (ls: one JSON object per path per line; diff: one per child; compare: a list, one object per PATH); what Nix warned about is in its \"warnings\", otherwise on stderr as warning: MSG",
					set: on(func(o *Options) *bool { return &o.JSON })},
				{Names: []string{"--no-cache"}, Verbs: []string{"", "ls", "show", "build", "compare", "diff"}, Doc: "neither read nor write the disk cache",
					set: on(func(o *Options) *bool { return &o.NoCache })},
				{Names: []string{"--refresh"}, Verbs: []string{"", "ls", "show", "build", "compare", "diff"}, Doc: "ignore cached answers, evaluate again and update the cache",
					set: on(func(o *Options) *bool { return &o.Refresh })},
				{Names: []string{"--one-shot"}, Verbs: []string{"", "ls", "show", "build", "compare", "diff"}, Doc: "one nix process per question instead of warm evaluators",
					set: on(func(o *Options) *bool { return &o.OneShot })},
				{Names: []string{"--eval-workers"}, Values: []string{"N"}, Verbs: []string{"", "ls", "show", "build", "compare", "diff"}, Doc: "warm evaluators answering at once (default: one per core, at most 4, and at most one per 512 MiB of --max-eval-memory)",
					set: setWorkers},
				{Names: []string{"--max-eval-memory"}, Values: []string{"SIZE"}, Verbs: []string{"", "ls", "show", "build", "compare", "diff"}, Doc: "resident memory of all evaluators together, e.g. 700M or 4G; an evaluator past its share is replaced by a fresh one between requests, keeping every answer (default: a quarter of the machine's memory, at most 4G; 0: no bound)",
					set: setMaxMemory},
				{Names: []string{"--names"}, Verbs: []string{"ls"}, Doc: "the names only, at the cost of builtins.attrNames (no kinds)",
					set: on(func(o *Options) *bool { return &o.Names })},
				{Names: []string{"--trace", "--show-trace"}, Verbs: []string{"show"}, Doc: "evaluate PATH again with Nix's --show-trace; print the chain and the option and file of your own configuration behind the error",
					set: on(func(o *Options) *bool { return &o.Trace })},
				{Names: []string{"--no-watch"}, Verbs: []string{""}, Doc: "do not follow edits: by default the explorer watches the configuration's files and, after a save, marks the outputs on screen that the edit changed",
					set: on(func(o *Options) *bool { return &o.NoWatch })},
				{Names: []string{"--log"}, Values: []string{"FILE"}, Kind: File, Verbs: []string{""}, Doc: "write a debug log to FILE (never to the terminal)",
					set: text(func(o *Options) *string { return &o.LogFile })},
				{Names: []string{"--known"}, Verbs: []string{"ls"}, Doc: "also list well-known outputs this configuration lacks",
					set: on(func(o *Options) *bool { return &o.Known })},
				{Names: []string{"--explain"}, Verbs: []string{"cmd"}, Doc: "explain every part of the command, and its nixos-rebuild equivalent",
					set: on(func(o *Options) *bool { return &o.Explain })},
				{Names: []string{"--dry-run"}, Verbs: []string{"build"}, Doc: "show what would be built and fetched, build nothing",
					set: on(func(o *Options) *bool { return &o.DryRun })},
				{Names: []string{"--out-link", "-o"}, Values: []string{"P"}, Kind: File, Verbs: []string{"build"}, Doc: "result symlink (default ./result, as nix-build)",
					set: text(func(o *Options) *string { return &o.OutLink })},
				{Names: []string{"--no-link", "--no-out-link"}, Verbs: []string{"build"}, Doc: "no result symlink",
					set: on(func(o *Options) *bool { return &o.NoLink })},
				{Names: []string{"--all"}, Verbs: []string{"build"}, Doc: "allow building the whole top level of <nixpkgs/nixos>",
					set: on(func(o *Options) *bool { return &o.All })},
				{Names: []string{"--force"}, Verbs: []string{"build"}, Doc: "build even when no one here can build part of the plan (this machine's platforms and features, the builders the store uses) or what Nix would fetch alone does not fit in the store's free space",
					set: on(func(o *Options) *bool { return &o.Force })},
				{Names: []string{"--against"}, Values: []string{"REV|SYSTEM"}, Verbs: []string{"diff"}, Doc: "what to compare with: a git revision of the repository holding the configuration (default HEAD; a flake is read as git+file?rev=, with that revision's flake.lock), or a built system (a store path, /run/current-system, a generation link such as /nix/var/nix/profiles/system-42-link), whose toplevel is compared",
					set: text(func(o *Options) *string { return &o.Against })},
				{Names: []string{"--exit-code"}, Verbs: []string{"diff"}, Doc: "exit 1 when something differs (as git diff --exit-code); errors exit 2 or more",
					set: on(func(o *Options) *bool { return &o.ExitCode })},
				{Names: []string{"--all-hosts"}, Verbs: []string{"diff"}, Doc: "compare every nixosConfigurations host of the --flake, one block per host (JSON lines carry \"host\")",
					set: on(func(o *Options) *bool { return &o.AllHosts })},
				{Names: []string{"--help", "-h"}, Doc: "print the help",
					set: on(func(o *Options) *bool { return &o.Help })},
				{Names: []string{"--version"}, Doc: "print the version (as nixplore version)",
					set: on(func(o *Options) *bool { return &o.Version })},
			},
		},
	},
	Exit: "0 success, 1 evaluation or Nix error, 2 usage error, 128 plus the signal's number when a signal ended it (130 for Ctrl-C; nothing more is printed).",
	Environment: []entry{
		{"NIXOS_CONFIG, NIX_PATH", "where the configuration is found without target flags, as nixos-rebuild does"},
		{"XDG_CACHE_HOME", "the disk cache lives in $XDG_CACHE_HOME/nixplore (default ~/.cache/nixplore)"},
		{"NIXPLORE_COMPLETE_TIMEOUT", "how long shell completion waits for Nix to list attribute names that are not in the cache (default 2s); after it, the listing goes on in a background nixplore that fills the cache, so a later TAB completes"},
		{"NIXPLORE_FILL_TIMEOUT", "how long that background listing may take (default 5m)"},
		{"VISUAL, EDITOR", "the editor the explorer's e key opens (default vi)"},
		{"NO_COLOR", "turns the explorer's colours off"},
		{"NIX_SSHOPTS", "options Nix gives ssh to reach remote builders (--builders, nix.conf's builders)"},
	},
	Files: []entry{
		{"~/.cache/nixplore", "cached listings and descriptions, at most 256 MB; safe to delete"},
	},
	SeeAlso: []string{"nix-build(1)", "nixos-rebuild(8)", "nix(1)"},
}
