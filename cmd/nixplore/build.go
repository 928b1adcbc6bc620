package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/charmbracelet/x/term"

	"github.com/nixplore/nixplore/cmd/nixplore/cmdline"
	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/nixeval/build"
	"github.com/nixplore/nixplore/nixeval/build/buildlog"
)

// cmdBuild builds one attribute path: platform check and plan first, then
// the build command of `nixplore cmd` with Nix's JSON log, progress on
// stderr, output paths on stdout.
func cmdBuild(ctx context.Context, o *cmdline.Options, stdout, stderr io.Writer) error {
	if len(o.Paths) != 1 {
		return &nixeval.UsageError{Msg: "build needs exactly one attribute PATH, e.g. nixplore build config.system.build.sdImage"}
	}
	path, err := attr.Parse(o.Paths[0])
	if err != nil {
		return err
	}
	if o.NoLink && o.OutLink != "" {
		return &nixeval.UsageError{Msg: "use only one of --out-link and --no-link"}
	}
	s, err := openVerbEnv(ctx, o, stderr, !o.JSON)
	if err != nil {
		return err
	}
	defer s.Close()
	path = s.fullPath(ctx, path, stderr)
	if !o.All {
		if err := build.TopLevelCheck(s.target, path); err != nil {
			return err
		}
	}
	out := &buildOutput{json: o.JSON, stdout: stdout, stderr: stderr, tty: isTerminal(stderr)}
	built := false
	var outputs []string
	if len(path) > 0 {
		if built, outputs, err = checkBefore(ctx, s, path, out, o.Force && !o.DryRun); err != nil {
			return err
		}
	}
	// The dry run comes first, so what would not fit in the store stops
	// here, before Nix fetches anything; --force skips it (Nix then
	// announces its plan as it starts).
	planned := built // "already built" says it all
	if !built && (o.DryRun || !o.Force) {
		if err := planFirst(ctx, s, path, out, !o.DryRun, outputs); err != nil {
			return err
		}
		planned = true
	}
	if o.DryRun {
		return nil
	}
	run := build.Start(ctx, s.tools, s.target, build.Options{Path: path, OutLink: o.OutLink, NoLink: o.NoLink, AllowTopLevel: o.All})
	out.info("building: %s", run.Command)
	for ev := range run.Events() {
		if ev.Kind == buildlog.EventPlan {
			if planned {
				continue // printed from the dry run already
			}
			planned = true
		}
		out.event(ev)
	}
	out.endLine()
	res, err := run.Wait()
	if err == nil && !planned {
		out.plan(res.Plan)
	}
	if err != nil {
		var f *build.Failure
		if o.JSON && errors.As(err, &f) {
			out.jsonLine(map[string]any{"kind": "failure", "failure": f, "message": f.Error()})
		}
		return err
	}
	out.result(res)
	return nil
}

// checkBefore describes the derivation and says where its platform
// builds; it reports whether every output is built already (then no
// warning applies). Whether the build can go ahead is the plan's to say
// (planFirst): an output of another platform that can all be fetched
// needs no builder for it. Only under --force, where no plan is made,
// does the output's own platform get a warning here.
func checkBefore(ctx context.Context, s *verbEnv, path attr.Path, out *buildOutput, forced bool) (built bool, outputs []string, err error) {
	d, err := s.eval.Describe(ctx, path)
	if err != nil {
		return false, nil, err
	}
	if d.Kind != nixeval.KindDerivation {
		out.info("note: %s is %s, not a derivation; Nix builds every derivation inside it", path, d.Kind)
		return false, nil, nil
	}
	for _, o := range d.Outputs {
		outputs = append(outputs, o.Path)
	}
	if outs, ok := builtOutputs(d); ok {
		if out.json {
			out.jsonLine(map[string]any{"kind": "platform", "alreadyBuilt": true, "outputs": outs, "drv": d.DrvPath})
		} else {
			alreadyBuilt(out, outs)
		}
		return true, outputs, nil
	}
	pc := s.capabilities(ctx).Check(d.System)
	if s.target.Kind == nixeval.Classic {
		if info, err := s.eval.Info(ctx); err == nil {
			pc.WithInfo(info)
		}
	}
	if out.json {
		out.jsonLine(map[string]any{"kind": "platform", "platform": pc, "drv": d.DrvPath})
		return false, outputs, nil
	}
	switch {
	case pc.CanBuild:
		out.info("%s", pc.Explain())
	case forced:
		out.info("warning: --force: building without a plan, although %s", pc.Explain())
	default:
		if pc.IgnoredNote != "" {
			out.info("note: %s", pc.IgnoredNote)
		}
		out.info("platform: %s is for %s, which this machine does not build itself; the plan below says whether anything must be built for it", d.Name, d.System)
	}
	return false, outputs, nil
}

// buildOutput writes a build for a terminal (one updating line), a pipe
// (plain lines) or a program (--json: one JSON object per line on stdout).
type buildOutput struct {
	json           bool
	tty            bool
	stdout, stderr io.Writer
	lineOpen       bool
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(f.Fd())
}

func (b *buildOutput) width() int {
	if f, ok := b.stderr.(*os.File); ok {
		if w, _, err := term.GetSize(f.Fd()); err == nil && w > 10 {
			return w
		}
	}
	return 80
}

func (b *buildOutput) jsonLine(v any) {
	if j, err := json.Marshal(v); err == nil {
		fmt.Fprintf(b.stdout, "%s\n", j)
	}
}

// info prints a line for people on stderr (nothing with --json).
func (b *buildOutput) info(format string, args ...any) {
	if b.json {
		return
	}
	b.endLine()
	fmt.Fprintf(b.stderr, "nixplore: "+format+"\n", args...)
}

func (b *buildOutput) endLine() {
	if b.lineOpen {
		fmt.Fprint(b.stderr, "\r\x1b[K")
		b.lineOpen = false
	}
}

func (b *buildOutput) plan(p *buildlog.Plan) {
	if b.json {
		b.jsonLine(map[string]any{"kind": "plan", "plan": p})
		return
	}
	if p.Empty() {
		b.info("plan: nothing to build or fetch, everything is in the store already")
		return
	}
	if len(p.Build) > 0 {
		b.info("plan: build %s: %s", nixeval.Count(len(p.Build), "derivation"), strings.Join(p.BuildNames(), ", "))
	}
	if len(p.Fetch) > 0 {
		b.info("plan: fetch %s, %s download, %s unpacked", nixeval.Count(len(p.Fetch), "path"), build.HumanBytes(p.DownloadSize), build.HumanBytes(p.UnpackedSize))
	}
	if len(p.Unknown) > 0 {
		b.info("plan: Nix does not know how to build %s: %s", nixeval.Count(len(p.Unknown), "path"), strings.Join(p.Unknown, ", "))
	}
}

// who says who builds the plan's derivations, when not all on this
// machine.
func (b *buildOutput) who(j *build.Judgement) {
	count := map[string]int{}
	var order []string
	for _, n := range j.Needs {
		w := n.Who
		if w == "" {
			w = "no one here"
		}
		if count[w] == 0 {
			order = append(order, w)
		}
		count[w]++
	}
	if len(order) == 0 || (len(order) == 1 && order[0] == "this machine") {
		return
	}
	var parts []string
	for _, w := range order {
		if w == "no one here" {
			parts = append(parts, fmt.Sprintf("%d that no one here can build", count[w]))
		} else {
			parts = append(parts, fmt.Sprintf("%d on %s", count[w], w))
		}
	}
	b.info("plan: of these, %s", strings.Join(parts, ", "))
}

func (b *buildOutput) event(ev buildlog.Event) {
	if b.json {
		b.jsonLine(ev)
		return
	}
	switch ev.Kind {
	case buildlog.EventMessage:
		// Errors come back explained at the end; info is Nix's chatter.
		if ev.Level == 1 {
			b.endLine()
			fmt.Fprintf(b.stderr, "%s\n", attr.Printable(ev.Text))
		}
		return
	case buildlog.EventPlan:
		b.plan(ev.Plan)
		return
	}
	if b.tty {
		b.progressLine(ev.Stats)
		return
	}
	switch ev.Kind {
	case buildlog.EventBuildStarted:
		fmt.Fprintf(b.stderr, "building %s%s [%s]\n", buildlog.DrvName(ev.Drv), onMachine(ev.Machine), counts(ev.Stats))
	case buildlog.EventBuildStopped:
		fmt.Fprintf(b.stderr, "stopped %s [%s]\n", buildlog.DrvName(ev.Drv), counts(ev.Stats))
	case buildlog.EventBuildFailed:
		fmt.Fprintf(b.stderr, "failed %s\n", buildlog.DrvName(ev.Drv))
	case buildlog.EventPhase:
		fmt.Fprintf(b.stderr, "%s: %s\n", buildlog.DrvName(ev.Drv), ev.Phase)
	case buildlog.EventLog:
		fmt.Fprintf(b.stderr, "%s> %s\n", buildlog.DrvName(ev.Drv), attr.Printable(ev.Line))
	case buildlog.EventFetch:
		fmt.Fprintf(b.stderr, "fetching %s\n", ev.Path)
	case buildlog.EventCopy:
		fmt.Fprintf(b.stderr, "%s\n", buildlog.CopyText(ev.Path, ev.From, ev.To))
	}
}

// progressLine redraws the one status line: counts, then the running
// builds with their phase or last log line, cut to the terminal width.
func (b *buildOutput) progressLine(s buildlog.Stats) {
	line := "[" + counts(s) + "]"
	for _, a := range s.Active {
		line += " " + a.Name + onMachine(a.Machine)
		switch {
		case a.Phase != "":
			line += " (" + a.Phase + ")"
		case a.LastLine != "":
			line += ": " + attr.Printable(a.LastLine)
		}
	}
	if r := []rune(line); len(r) > b.width()-1 {
		line = string(r[:b.width()-2]) + "…"
	}
	fmt.Fprintf(b.stderr, "\r\x1b[K%s", line)
	b.lineOpen = true
}

// onMachine names the remote builder a build runs on ("" for this machine).
func onMachine(m string) string {
	if m == "" {
		return ""
	}
	return " on " + m
}

// counts are the totals as Nix's progress bar shows them.
func counts(s buildlog.Stats) string {
	c := fmt.Sprintf("%d/%d built", s.Done, s.Expected)
	if s.Running > 0 {
		c += fmt.Sprintf(", %d running", s.Running)
	}
	if s.Failed > 0 {
		c += fmt.Sprintf(", %d failed", s.Failed)
	}
	if s.FetchExpected > 0 {
		c += fmt.Sprintf(", %d/%d fetched", s.Fetched, s.FetchExpected)
	}
	if s.DownloadExpected > 0 {
		c += fmt.Sprintf(", %s/%s downloaded", build.HumanBytes(s.Downloaded), build.HumanBytes(s.DownloadExpected))
	}
	return c
}

func (b *buildOutput) result(res *build.Result) {
	if b.json {
		b.jsonLine(map[string]any{"kind": "result", "result": res})
		return
	}
	for _, o := range res.Outputs {
		fmt.Fprintln(b.stdout, o.Path)
	}
	where := ""
	if w := res.Where(); w != "" {
		where = " (" + w + ")"
	}
	if len(res.Built) == 0 && len(res.Fetched) == 0 {
		b.info("already built; closure size %s", build.HumanBytes(res.ClosureSize))
	} else {
		b.info("built %s%s in %s; closure size %s", nixeval.Count(len(res.Built), "derivation"), where, res.Duration.Round(1e7), build.HumanBytes(res.ClosureSize))
	}
	for _, l := range res.Links {
		if t, err := os.Readlink(l); err == nil {
			b.info("link: %s -> %s", l, t)
		}
	}
	for _, st := range res.NextSteps {
		b.info("next: %s", st.Title)
		if st.Command != "" {
			fmt.Fprintf(b.stderr, "    %s\n", st.Command)
		}
		if st.Warning != "" {
			fmt.Fprintf(b.stderr, "    warning: %s\n", st.Warning)
		}
	}
}
