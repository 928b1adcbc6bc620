package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/nixplore/nixplore/cmd/nixplore/cmdline"
	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/nixeval/diag"
	"github.com/nixplore/nixplore/nixeval/resolve"
	"github.com/nixplore/nixplore/nixeval/teach"
)

func cmdCmd(ctx context.Context, o *cmdline.Options, stdout, stderr io.Writer) error {
	p, err := onePath(o, "cmd")
	if err != nil {
		return err
	}
	t, err := resolve.Target(o.Target, resolve.SystemEnvironment())
	if err != nil {
		return err
	}
	if p, err = checkCmdPath(ctx, o, p, stderr); err != nil {
		return err
	}
	if !o.Explain {
		fmt.Fprintln(stdout, nixeval.BuildCommands(t, p).Build)
		return nil
	}
	info, facts := explainEval(ctx, t, p, !o.NoCache, stderr)
	x := teach.ExplainWith(t, p, info, facts)
	if o.JSON {
		b, err := json.Marshal(x)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(stdout, "%s\n", b)
		return err
	}
	fmt.Fprint(stdout, x.Text(100))
	return nil
}

// explainEval evaluates the platform facts that change what a command
// does (an ignored --argstr system) and what the configuration says about
// the node (its facts, shown first, as in the preview and `show`). The
// explanation stands without either, so a failure is only mentioned.
func explainEval(ctx context.Context, t *nixeval.Target, p attr.Path, useCache bool, stderr io.Writer) (*nixeval.Info, nixeval.Facts) {
	tools := nixeval.Tools{}
	if tools.LookPath() != nil {
		return nil, nil
	}
	ev := nixeval.New(t, tools)
	defer ev.Close()
	if c, err := nixeval.OpenCache(); err == nil && useCache {
		// As in the other verbs: the facts that come from a cached
		// listing (the variants known to fail) are the ones show gives.
		ev.Cache = c
	}
	info, err := ev.Info(ctx)
	if err != nil {
		fmt.Fprintf(stderr, "nixplore: could not evaluate the configuration's platform, explaining without it: %s\n", diag.FirstLine(err.Error()))
		return nil, nil
	}
	facts, err := ev.Facts(ctx, p)
	if err != nil {
		fmt.Fprintf(stderr, "nixplore: could not read what the configuration says about %s, explaining without it: %s\n", attr.Printable(p.String()), diag.FirstLine(err.Error()))
	}
	return info, facts
}
