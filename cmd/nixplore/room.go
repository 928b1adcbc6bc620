package main

import (
	"context"
	"strings"

	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/nixeval/build"
)

// planFirst asks Nix's dry run what building path would fetch and build,
// prints it with the free space of the store and the build directory, and
// stops with a *build.NoRoomError when the fetched paths alone do not fit
// in the store (unless stop is false: --dry-run and --force only say so).
func planFirst(ctx context.Context, s *verbEnv, path attr.Path, out *buildOutput, stop bool) error {
	plan, err := build.DryRun(ctx, s.tools, s.target, path)
	if err != nil {
		return err
	}
	space := build.ReadSpace(ctx, s.tools, s.target)
	room := build.CheckRoom(plan, space)
	if out.json {
		out.jsonLine(map[string]any{"kind": "plan", "plan": plan, "space": space, "fits": room == nil})
	} else {
		out.plan(plan)
		out.info("%s", space)
	}
	if room != nil && stop {
		return room
	}
	if room != nil {
		out.info("warning: %s", room)
	}
	return nil
}

// alreadyBuilt says that every output is in the store: nothing to build or
// fetch, so no platform warning applies.
func alreadyBuilt(out *buildOutput, outputs []string) {
	out.info("already built: %s (nothing to build or fetch)", strings.Join(outputs, " "))
}

// builtOutputs are d's output paths when every one is in the store.
func builtOutputs(d *nixeval.Description) ([]string, bool) {
	var outs []string
	for _, o := range d.Outputs {
		if !o.Built {
			return nil, false
		}
		outs = append(outs, o.Path)
	}
	return outs, len(outs) > 0
}
