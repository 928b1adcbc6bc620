package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os/exec"
	"runtime/debug"
	"strings"
	"time"

	"github.com/nixplore/nixplore/nixeval/diag"
	"github.com/nixplore/nixplore/nixeval/nixproc"
)

// version is nixplore's release. Packages stamp it with
// -ldflags "-X main.version=…" (package.nix does); CHANGELOG.md says what
// each one holds.
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
	path, err := exec.LookPath("nix")
	if err != nil {
		return "nix: not found on PATH"
	}
	ctx, cancel := context.WithTimeout(ctx, nixVersionTimeout)
	defer cancel()
	// `nix --version` starts no builders, so the interrupt-then-kill of
	// nixproc.Command is not needed; the parent-death signal is.
	cmd := exec.CommandContext(ctx, path, "--version")
	nixproc.SetProcessGroup(cmd)
	cmd.WaitDelay = time.Second // a child holding stdout open must not hang us either
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	err = nixproc.Start(cmd)
	if err == nil {
		err = cmd.Wait()
	}
	out := stdout.Bytes()
	if err != nil {
		if ctx.Err() != nil {
			return "nix: " + path + " did not answer --version within " + nixVersionTimeout.String()
		}
		return "nix: " + path + " --version failed: " + err.Error()
	}
	return "nix: " + strings.TrimSpace(diag.FirstLine(string(out))) + " (" + path + ")"
}
