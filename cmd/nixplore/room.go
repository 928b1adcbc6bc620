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
// judges it: a derivation to build that no one here can build (this
// machine, with the extra platforms it can really run, or a builder the
// store will use) stops the build with a *build.CannotBuildError, and what
// Nix would fetch that does not fit stops it with a *build.NoRoomError,
// both before Nix fetches anything (unless stop is false: --dry-run only
// says so).
func planFirst(ctx context.Context, s *verbEnv, path attr.Path, out *buildOutput, stop bool, outputs []string) error {
	plan, err := build.DryRun(ctx, s.tools, s.target, path, outputs...)
	if err != nil {
		return err
	}
	caps := s.capabilities(ctx)
	judged, err := build.Judge(ctx, s.tools, s.target, plan, caps)
	if err != nil {
		return err
	}
	space := build.ReadSpace(ctx, s.tools, s.target)
	room := build.CheckRoom(plan, space)
	refusal := judged.Refusal(plan)
	if out.json {
		out.jsonLine(map[string]any{"kind": "plan", "plan": plan, "space": space, "fits": room == nil, "judgement": judged, "buildable": refusal == nil})
	} else {
		out.plan(plan)
		out.info("%s", space)
		out.who(judged)
	}
	if refusal != nil && stop {
		return refusal
	}
	if refusal != nil {
		out.info("warning: a build would be %s", refusal)
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

// capabilities are who builds what for this target, read once per verb
// (several Nix processes: its settings, the store's trust).
func (s *verbEnv) capabilities(ctx context.Context) *build.Capabilities {
	if s.caps == nil {
		s.caps = build.ReadCapabilities(ctx, s.tools, s.target)
	}
	return s.caps
}
