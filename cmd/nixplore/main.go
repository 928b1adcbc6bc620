// Command nixplore explores what a NixOS configuration can build: a lazy
// tree of config.system.build, what each output is, what it would cost, and
// the nix-build command behind it.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/nixplore/nixplore/cmd/nixplore/cmdline"
	"github.com/nixplore/nixplore/cmd/nixplore/completion"
	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/attr"
)

func main() {
	// The binary a TAB's background listing runs is this one.
	completion.Self, _ = os.Executable()
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// exitCode maps an error to the documented exit status.
func exitCode(err error) int {
	var ue *nixeval.UsageError
	var pe *attr.PathError
	var df diffFailure
	if errors.As(err, &ue) || errors.As(err, &pe) || errors.As(err, &df) {
		return 2
	}
	return 1
}

func run(args []string, stdout, stderr io.Writer) int {
	// Hidden verbs for the completion scripts and make man; their words
	// are not nixplore's flags.
	if len(args) > 0 {
		switch args[0] {
		case "__complete":
			return completion.Run(args[1:], stdout)
		case completion.FillVerb:
			return completion.Fill(args[1:])
		case "__man":
			cmdline.WriteMan(stdout, version)
			return 0
		}
	}
	o, err := cmdline.Parse(args)
	if err != nil {
		fmt.Fprintf(stderr, "nixplore: %v\n", err)
		return 2
	}
	if o.Help || o.Verb == "help" {
		cmdline.WriteHelp(stdout)
		return 0
	}
	ctx, stop := signalContext()
	defer stop()
	if o.Version || o.Verb == "version" {
		writeVersion(ctx, stdout)
		return 0
	}
	if o.Verb == "completion" {
		if err := completion.WriteScript(o.Paths, stdout); err != nil {
			printError(stderr, err)
			return 2
		}
		return 0
	}
	err = dispatch(ctx, o, stdout, stderr)
	if code, ok := exitBySignal(ctx); ok {
		if err != nil && worthSayingAfterSignal(err) {
			printError(stderr, err)
		}
		return code
	}
	if err != nil {
		printError(stderr, err)
		return exitCode(err)
	}
	return 0
}

func printError(w io.Writer, err error) {
	if errors.As(err, new(differError)) {
		return // diff --exit-code: the differences are the answer
	}
	fmt.Fprintf(w, "nixplore: %s\n", err)
}

// dispatch runs the verb. Each verb has its file: ls.go, show.go (with
// describe.go and trace.go), cmd.go (cmdcheck.go), build.go (room.go),
// compare.go, diff.go, tui.go (the explorer, also without a verb), version.go;
// help, the man page and the flags are package cmdline, `completion` and
// `__complete` package completion. verbenv.go opens what they share.
func dispatch(ctx context.Context, o *cmdline.Options, stdout, stderr io.Writer) error {
	if o.Verb != "" {
		// Before an error is printed: what Nix warned about first.
		var wo *warningOut
		ctx, wo = withWarningOut(ctx, stderr)
		defer wo.flush()
	}
	if o.Verb == "ls" || o.Verb == "show" || o.Verb == "cmd" {
		ctx = reportEvalBuilds(ctx, stderr)
	}
	switch o.Verb {
	case "ls":
		return cmdLs(ctx, o, stdout, stderr)
	case "show":
		return cmdShow(ctx, o, stdout, stderr)
	case "cmd":
		return cmdCmd(ctx, o, stdout, stderr)
	case "build":
		return cmdBuild(ctx, o, stdout, stderr)
	case "compare":
		return cmdCompare(ctx, o, stdout, stderr)
	case "diff":
		return cmdDiff(ctx, o, stdout, stderr)
	}
	return cmdTUI(ctx, o, stdout, stderr)
}
