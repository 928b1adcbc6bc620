package nixproc

import (
	"context"
	"os/exec"
	"strings"
)

// Version asks the nix on PATH for its version: the first line `nix
// --version` prints, and the program's path. A nix not found is a
// *NixMissingError; one that fails or is cancelled (ctx bounds it: a
// broken Nix must not hang the caller) gives Command.Run's error.
func Version(ctx context.Context) (line, path string, err error) {
	path, err = exec.LookPath("nix")
	if err != nil {
		return "", "", &NixMissingError{Program: "nix", Err: err}
	}
	// Through Command like every Nix, for the parent-death signal and the
	// bounded wait on a child that keeps stdout open.
	res, err := (&Command{Path: path, Args: []string{"--version"}}).Run(ctx)
	if err != nil {
		return "", path, err
	}
	line, _, _ = strings.Cut(res.Trimmed(), "\n")
	return strings.TrimSpace(line), path, nil
}
