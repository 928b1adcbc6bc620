// Command nixplore explores what a NixOS configuration can build: a lazy
// tree of config.system.build, what each output is, what it would cost, and
// the nix-build command behind it.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/nixplore/nixplore/cmd/nixplore/cmdline"
	"github.com/nixplore/nixplore/cmd/nixplore/completion"
	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/nixeval/build"
	"github.com/nixplore/nixplore/nixeval/catalogue"
	"github.com/nixplore/nixplore/nixeval/flakelock"
	"github.com/nixplore/nixplore/nixeval/teach"
	"github.com/nixplore/nixplore/nixeval/warm"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// exitCode maps an error to the documented exit status.
func exitCode(err error) int {
	var ue *nixeval.UsageError
	var pe *attr.PathError
	if errors.As(err, &ue) || errors.As(err, &pe) {
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
	fmt.Fprintf(w, "nixplore: %s\n", err)
}

// verbEnv is what every verb needs: the resolved target and an evaluator.
type verbEnv struct {
	target *nixeval.Target
	eval   *nixeval.Evaluator
	tools  nixeval.Tools
	caps   *build.Capabilities // read once, by capabilities()
}

func openVerbEnv(ctx context.Context, o *cmdline.Options, stderr io.Writer, announce bool) (*verbEnv, error) {
	s, _, err := openVerbEnvNotes(ctx, o, stderr, announce)
	return s, err
}

// openVerbEnvNotes is openVerbEnv returning what preparing a local flake
// had to say (a dirty work tree, a lock file written); announce prints
// them on stderr, once, before any evaluation.
func openVerbEnvNotes(ctx context.Context, o *cmdline.Options, stderr io.Writer, announce bool) (*verbEnv, []string, error) {
	t, err := nixeval.Resolve(o.Target, nixeval.SystemEnvironment())
	if err != nil {
		return nil, nil, err
	}
	tools := nixeval.Tools{}
	if err := tools.LookPath(); err != nil {
		return nil, nil, err
	}
	if announce {
		fmt.Fprintf(stderr, "nixplore: target %s (chosen by %s)\n", t.Label(), t.ChosenBy)
	}
	// Before the first evaluation: it needs the lock file nix build would
	// write, and the warm evaluators must read the written one.
	notes, err := flakelock.Prepare(ctx, t, tools)
	if announce {
		for _, n := range notes {
			fmt.Fprintln(stderr, "nixplore: "+n)
		}
	}
	if err != nil {
		return nil, notes, err
	}
	ev := nixeval.New(t, tools)
	switch {
	case !o.OneShot:
		// Warm `nix repl`s answer every question of this run, several at
		// once; each falls back to one-shot processes by itself when it
		// cannot start.
		maxMem := o.MaxMem
		if maxMem < 0 {
			maxMem = warm.DefaultMaxMemory()
		}
		workers := o.Workers
		if workers == 0 {
			workers = warm.DefaultWorkers(maxMem)
		}
		pool := warm.NewPool(t, tools, workers, maxMem)
		if announce {
			var once sync.Once
			pool.OnMemoryRestart = func(r warm.MemoryRestart) {
				once.Do(func() {
					fmt.Fprintf(stderr, "nixplore: %s: it is replaced by a fresh one between requests (answers are kept)\n", r)
				})
			}
		}
		ev.Backend = pool
		ev.Parallel = workers
	case !o.NoCache:
		ev.Backend = warm.NewTrackedOneShot(t, tools) // names its files, so answers can be cached
	}
	if !o.NoCache {
		c, err := nixeval.OpenCache()
		if err != nil {
			fmt.Fprintf(stderr, "nixplore: warning: running without a cache: %v\n", nixeval.FirstLine(err.Error()))
		} else {
			ev.Cache, ev.Refresh = c, o.Refresh
			if announce { // the CLI; the explorer owns the terminal
				ev.OnCacheError = func(err error) {
					fmt.Fprintf(stderr, "nixplore: warning: could not write the cache in %s: %v\n", c.Dir(), nixeval.FirstLine(err.Error()))
				}
			}
		}
	}
	return &verbEnv{target: t, eval: ev, tools: tools}, notes, nil
}

func (s *verbEnv) Close() { _ = s.eval.Close() }

// fromCacheNote tells a CLI user that an answer was not re-evaluated.
const fromCacheNote = "nixplore: from the cache (no file it was computed from has changed; --refresh re-evaluates)"

// peekListings returns every listing from the cache, or false if any is
// missing there.
func peekListings(ev *nixeval.Evaluator, paths []attr.Path) ([]nixeval.Listing, bool) {
	out := make([]nixeval.Listing, 0, len(paths))
	for _, p := range paths {
		l, ok := ev.PeekList(p)
		if !ok {
			return nil, false
		}
		out = append(out, *l)
	}
	return out, true
}

// startPaths parses the PATH words, defaulting to config.system.build.
func startPaths(words []string) ([]attr.Path, error) {
	if len(words) == 0 {
		return []attr.Path{attr.DefaultPath}, nil
	}
	var out []attr.Path
	for _, w := range words {
		p, err := attr.Parse(w)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

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
	}
	return cmdTUI(ctx, o, stdout, stderr)
}

func onePath(o *cmdline.Options, verb string) (attr.Path, error) {
	if len(o.Paths) != 1 {
		return nil, &nixeval.UsageError{Msg: fmt.Sprintf("%s needs exactly one attribute PATH, e.g. nixplore %s config.system.build.toplevel", verb, verb)}
	}
	return attr.Parse(o.Paths[0])
}

func cmdLs(ctx context.Context, o *cmdline.Options, stdout, stderr io.Writer) error {
	paths, err := startPaths(o.Paths)
	if err != nil {
		return err
	}
	s, err := openVerbEnv(ctx, o, stderr, true)
	if err != nil {
		return err
	}
	defer s.Close()
	if o.Names {
		return lsNames(ctx, s, paths, o.JSON, stdout)
	}
	listings, ok := peekListings(s.eval, paths)
	switch {
	case ok:
		fmt.Fprintln(stderr, fromCacheNote)
	case !o.JSON && !o.Known && isTerminal(stdout) && !o.OneShot:
		// A person is reading: the names at once, then each line as soon
		// as its kind and those before it are known.
		return lsStreaming(ctx, s, paths, stdout, stderr)
	default:
		stop := stillEvaluating(stderr, "listing "+pathOrTop(paths[0]))
		listings, err = s.eval.List(ctx, paths...)
		stop()
		if err != nil {
			return err
		}
	}
	for _, l := range listings {
		var absent []knownAbsent
		if o.Known {
			release, system := releaseAndPlatform(ctx, s, l)
			absent = knownAbsentOf(l, imageVariants(ctx, s, l), release, system)
		}
		if o.JSON {
			if err := writeListingJSON(stdout, l, absent, runWarnings(ctx).inJSON(l.AllWarnings())); err != nil {
				return err
			}
			continue
		}
		writeListingText(stdout, l, len(listings) > 1)
		writeAbsentText(stdout, absent)
		runWarnings(ctx).print(l.AllWarnings())
	}
	return nil
}

// lsNames prints the names of each path's children: one builtins.attrNames
// each, no kinds (JSON children {"name","path"}).
func lsNames(ctx context.Context, s *verbEnv, paths []attr.Path, asJSON bool, stdout io.Writer) error {
	for _, p := range paths {
		var l *nixeval.Listing
		if cached, ok := s.eval.PeekList(p); ok {
			l = cached
		} else {
			var err error
			if l, err = s.eval.Names(ctx, p); err != nil {
				return err
			}
		}
		if asJSON {
			type nameJSON struct {
				Name string `json:"name"`
				Path string `json:"path"`
			}
			out := struct {
				Path     string        `json:"path"`
				Children []nameJSON    `json:"children"`
				Warnings []warningJSON `json:"warnings,omitempty"`
			}{Path: p.String(), Children: []nameJSON{}, Warnings: runWarnings(ctx).inJSON(l.AllWarnings())}
			for _, c := range l.Children {
				out.Children = append(out.Children, nameJSON{Name: c.Name, Path: c.Path.String()})
			}
			b, err := json.Marshal(out)
			if err != nil {
				return err
			}
			fmt.Fprintf(stdout, "%s\n", b)
			continue
		}
		if len(paths) > 1 {
			fmt.Fprintf(stdout, "%s:\n", p)
		}
		for _, c := range l.Children {
			fmt.Fprintln(stdout, attr.Printable(attr.Quote(c.Name)))
		}
		runWarnings(ctx).print(l.AllWarnings())
	}
	return nil
}

// lsStreaming lists for a terminal: each path's names on stderr at once
// (the answer to "what is there?"), then its lines on stdout in order, each
// printed as soon as its kind and the kinds before it are known.
func lsStreaming(ctx context.Context, s *verbEnv, paths []attr.Path, stdout, stderr io.Writer) error {
	for _, p := range paths {
		var l nixeval.Listing
		next := 0
		printReady := func() {
			for next < len(l.Children) && l.Children[next].Kind != nixeval.KindPending {
				writeChildText(stdout, l.Children[next])
				next++
			}
		}
		_, err := s.eval.ListStream(ctx, p,
			func(names nixeval.Listing) {
				l = names
				quoted := make([]string, len(names.Children))
				for i, c := range names.Children {
					quoted[i] = attr.Quote(c.Name)
				}
				fmt.Fprintf(stderr, "nixplore: %s has %s: %s (kinds follow)\n", pathOrTop(p), nixeval.Count(len(quoted), "attribute"),
					attr.Printable(clipList(quoted, 400)))
				if len(paths) > 1 {
					fmt.Fprintf(stdout, "%s:\n", p)
				}
				runWarnings(ctx).print(names.Warnings)
			},
			func(done []nixeval.Child) {
				printReady()
				for _, c := range done {
					runWarnings(ctx).print(c.Warnings)
				}
			})
		if err != nil {
			return err
		}
		printReady()
	}
	return nil
}

// stillEvaluating tells a person at a terminal, once an evaluation has
// taken a few seconds, that nixplore is working and how to stop it: a
// request that produces nothing is never waited on in silence. It returns
// the function that ends the notice.
func stillEvaluating(stderr io.Writer, what string) (stop func()) {
	if !isTerminal(stderr) {
		return func() {}
	}
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		start := time.Now()
		select {
		case <-done:
			return
		case <-time.After(3 * time.Second):
		}
		fmt.Fprintf(stderr, "nixplore: still %s (%s so far; Ctrl-C cancels)\n", attr.Printable(what), time.Since(start).Truncate(time.Second))
	}()
	return func() {
		close(done)
		<-finished
	}
}

func pathOrTop(p attr.Path) string {
	if len(p) == 0 {
		return "the top level"
	}
	return p.String()
}

// clipList joins names with ", " up to about n bytes, then "…".
func clipList(names []string, n int) string {
	var b strings.Builder
	for i, x := range names {
		if i > 0 {
			b.WriteString(", ")
		}
		if b.Len()+len(x) > n {
			b.WriteString("…")
			break
		}
		b.WriteString(x)
	}
	return b.String()
}

// knownAbsent is an output the catalogue knows and the configuration does
// not have (ls --known).
type knownAbsent struct {
	child nixeval.Child
	entry catalogue.Entry
}

// imageVariants are the names of the listed configuration's images
// (attrNames only: no variant is evaluated), nil when it has none or they
// cannot be read.
func imageVariants(ctx context.Context, s *verbEnv, l nixeval.Listing) []string {
	if !l.Path.Equal(attr.DefaultPath) {
		return nil
	}
	names, err := s.eval.Names(ctx, attr.DefaultPath.Child("images"))
	if err != nil {
		return nil
	}
	var out []string
	for _, c := range names.Children {
		out = append(out, c.Name)
	}
	return out
}

// releaseAndPlatform are the listed configuration's NixOS release and the
// platform it is built for, "" when they cannot be read: the image variants
// ls --known names depend on them (images.sd-card throws on some).
func releaseAndPlatform(ctx context.Context, s *verbEnv, l nixeval.Listing) (release, system string) {
	if !l.Path.Equal(attr.DefaultPath) {
		return "", ""
	}
	if fs, err := s.eval.Facts(ctx, l.Path); err == nil {
		release = fs.Release()
	}
	if info, err := s.eval.Info(ctx); err == nil {
		system = info.Platform()
	}
	return release, system
}

func knownAbsentOf(l nixeval.Listing, variants []string, release, system string) []knownAbsent {
	children, entries := nixeval.KnownAbsentOn(l, variants, release, system)
	out := make([]knownAbsent, len(children))
	for i := range children {
		out[i] = knownAbsent{children[i], entries[i]}
	}
	return out
}

func writeAbsentText(w io.Writer, absent []knownAbsent) {
	if len(absent) == 0 {
		return
	}
	fmt.Fprintln(w, "\nKnown outputs this configuration does not have (nixplore show PATH tells more):")
	for _, a := range absent {
		fmt.Fprintf(w, "%-10s %s  %s\n", a.child.Kind, a.child.Name, a.entry.Summary)
		fmt.Fprintf(w, "%-10s %s  to get it: %s\n", "", strings.Repeat(" ", len(a.child.Name)), a.entry.HowToGet())
	}
}

type childJSON struct {
	Name  string `json:"name"`
	Path  string `json:"path"`
	Kind  string `json:"kind"`
	Error string `json:"error,omitempty"`
	// For kind absent (ls --known): what it is and how to get it.
	Summary  string   `json:"summary,omitempty"`
	HowToGet string   `json:"howToGet,omitempty"`
	Modules  []string `json:"modules,omitempty"`
	Variants []string `json:"imageVariants,omitempty"`
}

func writeListingJSON(w io.Writer, l nixeval.Listing, absent []knownAbsent, warnings []warningJSON) error {
	out := struct {
		Path     string        `json:"path"`
		Children []childJSON   `json:"children"`
		Warnings []warningJSON `json:"warnings,omitempty"`
	}{Path: l.Path.String(), Children: []childJSON{}, Warnings: warnings}
	for _, c := range l.Children {
		out.Children = append(out.Children, childJSON{Name: c.Name, Path: c.Path.String(), Kind: c.Kind, Error: c.Error})
	}
	for _, a := range absent {
		out.Children = append(out.Children, childJSON{Name: a.child.Name, Path: a.child.Path.String(), Kind: a.child.Kind,
			Summary: a.entry.Summary, HowToGet: a.entry.HowToGet(), Modules: a.entry.Imports, Variants: a.entry.Variants})
	}
	b, err := json.Marshal(out)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", b)
	return err
}

func writeListingText(w io.Writer, l nixeval.Listing, header bool) {
	if header {
		fmt.Fprintf(w, "%s:\n", l.Path)
	}
	for _, c := range l.Children {
		writeChildText(w, c)
	}
}

func writeChildText(w io.Writer, c nixeval.Child) {
	line := fmt.Sprintf("%-10s %s", c.Kind, attr.Quote(c.Name))
	if c.Error != "" {
		line += "  " + nixeval.FirstLine(c.Error)
	}
	fmt.Fprintln(w, attr.Printable(line))
}

func cmdShow(ctx context.Context, o *cmdline.Options, stdout, stderr io.Writer) error {
	p, err := onePath(o, "show")
	if err != nil {
		return err
	}
	s, err := openVerbEnv(ctx, o, stderr, true)
	if err != nil {
		return err
	}
	defer s.Close()
	if o.Trace {
		return showTrace(ctx, s, p, o.JSON, stdout, stderr)
	}
	d, ok := s.eval.PeekDescribe(p)
	if ok {
		fmt.Fprintln(stderr, fromCacheNote)
	} else {
		stop := stillEvaluating(stderr, "describing "+pathOrTop(p))
		d, err = s.eval.Describe(ctx, p)
		stop()
	}
	if err != nil {
		// The value fails, but where it comes from and what it is meant
		// to be are still worth saying before the error.
		showFailed(ctx, s, p, o.JSON, stdout, err)
		return err
	}
	if o.JSON {
		out := describeJSON(d)
		out.Warnings = runWarnings(ctx).inJSON(d.Warnings)
		b, err := json.Marshal(out)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(stdout, "%s\n", b)
		return err
	}
	writeDescription(stdout, d)
	runWarnings(ctx).print(d.Warnings)
	return nil
}

// showFailed prints what is known of a node whose value fails: the
// catalogue's entry and the files that define it.
func showFailed(ctx context.Context, s *verbEnv, p attr.Path, asJSON bool, stdout io.Writer, cause error) {
	var def *nixeval.Definition
	var missing *nixeval.MissingAttrError
	if !errors.As(cause, &missing) {
		// A missing attribute has no definition to look for; a value
		// that throws still has the files that define it.
		if d, err := s.eval.DefinedIn(ctx, p); err == nil {
			def = d
		}
	}
	var files []string
	if def != nil {
		files = def.Files
	}
	// The value throws, so its facts (read by describe) are unknown: the
	// catalogue's current text, unqualified.
	doc, hasDoc := nixeval.DocFor(s.target, p, files, nil)
	if def == nil && !hasDoc {
		return
	}
	var docp *catalogue.Entry
	if hasDoc {
		docp = &doc
	}
	kind := nixeval.KindError
	if missing != nil {
		kind = nixeval.KindAbsent
	}
	if asJSON {
		out := showJSON{Path: p.String(), Kind: kind, Error: nixeval.ErrorText(cause), Doc: newDocJSON(docp, ""),
			Commands: map[string]string{"build": nixeval.BuildCommands(s.target, p).Build}}
		if wo := runWarnings(ctx); wo.sink != nil {
			// What Nix printed before the value failed.
			out.Warnings = wo.inJSON(nixeval.UniqueWarnings(wo.sink.Warnings()))
		}
		if def != nil {
			out.DefinedIn = def.Files
			out.Option = &optionJSON{Path: def.Option.String(), Declarations: def.Declarations, Type: def.Type, Description: def.Description}
		}
		if b, err := json.Marshal(out); err == nil {
			fmt.Fprintf(stdout, "%s\n", b)
		}
		return
	}
	fmt.Fprintf(stdout, "%-12s %s\n", "path:", attr.Printable(p.String()))
	fmt.Fprintf(stdout, "%-12s %s\n", "kind:", kind)
	writeOrigin(stdout, def)
	writeDoc(stdout, docp, "")
}

func cmdCmd(ctx context.Context, o *cmdline.Options, stdout, stderr io.Writer) error {
	p, err := onePath(o, "cmd")
	if err != nil {
		return err
	}
	t, err := nixeval.Resolve(o.Target, nixeval.SystemEnvironment())
	if err != nil {
		return err
	}
	if err := checkCmdPath(ctx, o, p, stderr); err != nil {
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
		fmt.Fprintf(stderr, "nixplore: could not evaluate the configuration's platform, explaining without it: %s\n", nixeval.FirstLine(err.Error()))
		return nil, nil
	}
	facts, err := ev.Facts(ctx, p)
	if err != nil {
		fmt.Fprintf(stderr, "nixplore: could not read what the configuration says about %s, explaining without it: %s\n", attr.Printable(p.String()), nixeval.FirstLine(err.Error()))
	}
	return info, facts
}
