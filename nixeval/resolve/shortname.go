package resolve

import (
	"context"

	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/attr"
)

// ShortName reads the path a user typed whose first name is not at the root of the
// evaluation but is an output under config.system.build as that output's
// full path: `sdImage` is config.system.build.sdImage, `images.iso` is
// config.system.build.images.iso. People name outputs this way (the wiki's
// -A config.system.build.sdImage is what they are learning). ok is false
// when the root has the name, or config.system.build has not. It asks Nix
// only for names (the root's and config.system.build's), never for a value.
func ShortName(ctx context.Context, e *nixeval.Evaluator, p attr.Path) (attr.Path, bool, error) {
	if len(p) == 0 || p.HasPrefix(attr.DefaultPath[:1]) {
		return nil, false, nil
	}
	has := func(set attr.Path, name string) (bool, error) {
		l, ok := e.PeekList(set)
		if !ok {
			var err error
			if l, err = e.Names(ctx, set); err != nil {
				return false, err
			}
		}
		for _, c := range l.Children {
			if c.Name == name {
				return true, nil
			}
		}
		return false, nil
	}
	if atRoot, err := has(attr.Path{}, p[0]); err != nil || atRoot {
		return nil, false, err
	}
	if inBuild, err := has(attr.DefaultPath, p[0]); err != nil || !inBuild {
		return nil, false, err
	}
	return append(append(attr.Path{}, attr.DefaultPath...), p...), true, nil
}
