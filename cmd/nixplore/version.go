package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime/debug"
	"time"

	"github.com/nixplore/nixplore/nixeval/diag"
	"github.com/nixplore/nixplore/nixeval/nixproc"
)

// version is nixplore's release; the Makefile's dist target reads it
// here. Packages stamp it with -ldflags "-X main.version=…" (package.nix
// does); CHANGELOG.md says what each one holds.
var version = "0.1.0"

// nixVersionTimeout bounds `nix --version`: a broken Nix must not make
// --version hang.
const nixVersionTimeout = 3 * time.Second

// writeVersion prints the version, the commit the binary was built from
// when Go recorded one, and the Nix on PATH.
func writeVersion(ctx context.Context, w io.Writer) {
	fmt.Fprintf(w, "nixplore %s\n", version)
	if info, ok := debug.ReadBuildInfo(); ok {
		if c := commitLine(info.Settings); c != "" {
			fmt.Fprintln(w, c)
		}
	}
	fmt.Fprintln(w, nixVersionLine(ctx))
}

// commitLine is "commit <rev>" with " (modified)" for a dirty tree, from
// the vcs.* build settings; "" when the binary was not built from git
// (go install of a module, a Nix build from a source tarball).
func commitLine(settings []debug.BuildSetting) string {
	var rev, modified, when string
	for _, s := range settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			modified = s.Value
		case "vcs.time":
			when = s.Value
		}
	}
	if rev == "" {
		return ""
	}
	line := "commit " + rev
	if when != "" {
		line += " (" + when + ")"
	}
	if modified == "true" {
		line += " with uncommitted changes"
	}
	return line
}

// nixVersionLine is what `nix --version` says, or why it says nothing.
func nixVersionLine(ctx context.Context) string {
	ctx, cancel := context.WithTimeout(ctx, nixVersionTimeout)
	defer cancel()
	line, path, err := nixproc.Version(ctx)
	var missing *nixproc.NixMissingError
	switch {
	case errors.As(err, &missing):
		return "nix: not found on PATH"
	case err != nil && ctx.Err() != nil:
		return "nix: " + path + " did not answer --version within " + nixVersionTimeout.String()
	case err != nil:
		return "nix: " + path + " --version failed: " + diag.FirstLine(err.Error())
	}
	return "nix: " + line + " (" + path + ")"
}
