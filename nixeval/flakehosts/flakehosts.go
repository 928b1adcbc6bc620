// Package flakehosts lists the NixOS configurations a flake holds, the
// hosts `--flake REF#host` can name (shell completion offers them).
package flakehosts

import (
	"context"
	"encoding/json"

	"github.com/nixplore/nixplore/nixeval/nixproc"
)

// List returns the names of ref's nixosConfigurations ("." when ref is
// empty), asking `nix eval`; nixArgs are Nix's own words added to the
// command (`--option NAME VALUE`, as every Nix nixplore runs gets them:
// `--option store …` reads the flake into another store).
func List(ctx context.Context, ref string, nixArgs []string) ([]string, error) {
	if ref == "" {
		ref = "."
	}
	// The reference is one argv word, as the user typed it; the applied
	// function is constant.
	// Listing hosts never writes the flake's lock file nor fetches an
	// input: it is asked while a user types (completion).
	args := append([]string{"--extra-experimental-features", "nix-command flakes",
		"eval", "--json", "--no-write-lock-file", "--offline", ref + "#nixosConfigurations", "--apply", "builtins.attrNames"}, nixArgs...)
	res, err := (&nixproc.Command{Path: "nix", Args: args}).Run(ctx)
	if err != nil {
		return nil, err
	}
	var names []string
	if err := json.Unmarshal(res.Stdout, &names); err != nil {
		return nil, err
	}
	return names, nil
}
