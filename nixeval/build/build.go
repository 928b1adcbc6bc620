package build

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/nixeval/build/buildlog"
	"github.com/nixplore/nixplore/nixeval/catalogue"
	"github.com/nixplore/nixplore/nixeval/diag"
	"github.com/nixplore/nixplore/nixeval/nixproc"
)

// Options say what to build and where to put the result link.
type Options struct {
	Path    attr.Path
	DryRun  bool   // only report what would be built and fetched
	OutLink string // result symlink; "" = Nix's default ./result
	NoLink  bool   // no result symlink
	// AllowTopLevel permits building the whole top level of
	// <nixpkgs/nixos> (system, vm and vmWithBootLoader); see TopLevelCheck.
	AllowTopLevel bool
}

// BuiltOutput is one output path a build produced.
type BuiltOutput struct {
	Name string `json:"name"` // "out", …; empty when Nix did not say
	Path string `json:"path"`
}

// Where says where the derivations of this run were built: "" when all
// here, else e.g. "on ssh://pi-builder" or "2 on ssh://a, 1 here".
func (r *Result) Where() string {
	if len(r.BuiltOn) == 0 {
		return ""
	}
	count := map[string]int{}
	var order []string
	for _, b := range r.BuiltOn {
		if count[b.Machine] == 0 {
			order = append(order, b.Machine)
		}
		count[b.Machine]++
	}
	local := len(r.Built) - len(r.BuiltOn)
	if len(order) == 1 && local == 0 {
		return "on " + order[0]
	}
	var parts []string
	for _, m := range order {
		parts = append(parts, fmt.Sprintf("%d on %s", count[m], m))
	}
	if local > 0 {
		parts = append(parts, fmt.Sprintf("%d here", local))
	}
	return strings.Join(parts, ", ")
}

// NextStep is what to do with a well-known output.
type NextStep struct {
	Title   string `json:"title"`
	Command string `json:"command,omitempty"`
	Warning string `json:"warning,omitempty"`
}

// Result is a build that succeeded: only outputs that exist in the
// store are reported.
type Result struct {
	Command     string         `json:"command"`
	DryRun      bool           `json:"dryRun,omitempty"`
	Plan        *buildlog.Plan `json:"plan,omitempty"` // what Nix announced (for a dry run: everything)
	Outputs     []BuiltOutput  `json:"outputs,omitempty"`
	Links       []string       `json:"links,omitempty"`       // result symlinks created
	ClosureSize int64          `json:"closureSize,omitempty"` // bytes, all outputs with their dependencies
	Built       []string       `json:"built,omitempty"`       // derivations built by this run
	Fetched     []string       `json:"fetched,omitempty"`
	// BuiltOn are the derivations of Built that ran on a remote builder,
	// Copies the paths copied to and from it.
	BuiltOn   []buildlog.BuiltOn `json:"builtOn,omitempty"`
	Copies    []buildlog.Copy    `json:"copies,omitempty"`
	NextSteps []NextStep         `json:"nextSteps,omitempty"`
	Stats     buildlog.Stats     `json:"stats"`
	Duration  time.Duration      `json:"duration"`
}

// Run is a build in progress. Read Events until it is closed, then
// call Wait (Wait may also be called first; it does not need the events
// to be read).
type Run struct {
	// Command is the Nix command running, shell-quoted for display.
	Command string
	events  chan buildlog.Event
	queue   *eventQueue
	done    chan struct{}
	result  *Result
	err     error
	// forwarded is closed when the forwarder has returned (tests).
	forwarded chan struct{}
}

// Events delivers the build's events in order; it is closed after the last.
func (r *Run) Events() <-chan buildlog.Event { return r.events }

// Wait returns the result, or a *Failure (also for a cancelled build)
// or another error.
func (r *Run) Wait() (*Result, error) {
	<-r.done
	return r.result, r.err
}

// eventQueue never blocks the reader of Nix's stderr, however slowly the
// events are consumed, and never grows without bound: past queueCap
// queued events a reader that is behind gets the newest progress, phase
// and log event in place of the ones it missed (every event carries the
// totals after it), while the events a build's outcome is read from
// (plan, builds started, stopped and failed, fetches, errors and
// warnings) are always kept. Those are bounded by the derivations and
// Nix's own messages, not by what builders print.
type eventQueue struct {
	mu      sync.Mutex
	cond    *sync.Cond
	items   []buildlog.Event
	closed  bool
	dropped int // events coalesced away, for tests
}

// queueCap bounds the queued events a builder's output can add.
const queueCap = 4096

func newEventQueue() *eventQueue {
	q := &eventQueue{}
	q.cond = sync.NewCond(&q.mu)
	return q
}

// coalescible reports whether a newer event may stand for ev when the
// reader is behind: ev only moves the counters, the phase or the log on.
func coalescible(ev buildlog.Event) bool {
	switch ev.Kind {
	case buildlog.EventProgress, buildlog.EventPhase, buildlog.EventLog:
		return true
	case buildlog.EventMessage:
		return ev.Level > 1 // info and chattier; errors and warnings stay
	}
	return false
}

func (q *eventQueue) push(evs ...buildlog.Event) {
	if len(evs) == 0 {
		return
	}
	q.mu.Lock()
	for _, ev := range evs {
		last := len(q.items) - 1
		if len(q.items) >= queueCap && coalescible(ev) && coalescible(q.items[last]) {
			q.items[last] = ev
			q.dropped++
			continue
		}
		q.items = append(q.items, ev)
	}
	q.mu.Unlock()
	q.cond.Signal()
}

func (q *eventQueue) close() {
	q.mu.Lock()
	q.closed = true
	q.mu.Unlock()
	q.cond.Signal()
}

// abandonAfter is how long, once the build has ended or its context is
// done, the forwarder waits for someone to take an event before deciding
// nobody reads any more (a caller that only calls Wait, an explorer that
// quit) and closing the channel.
var abandonAfter = 2 * time.Second

// forward sends queued events to out and closes it after the last one. It
// blocks on a slow reader while the build runs and its context lives
// (queueCap bounds what waits); after stop is closed (the build ended or
// its context is done) an event nobody takes within abandonAfter ends it,
// so the goroutine never outlives its build waiting on a reader that left.
func (q *eventQueue) forward(out chan<- buildlog.Event, stop <-chan struct{}) {
	defer close(out)
	for {
		q.mu.Lock()
		for len(q.items) == 0 && !q.closed {
			q.cond.Wait()
		}
		if len(q.items) == 0 {
			q.mu.Unlock()
			return
		}
		batch := q.items
		q.items = nil
		q.mu.Unlock()
		for _, ev := range batch {
			select {
			case out <- ev:
				continue
			case <-stop:
			}
			t := time.NewTimer(abandonAfter)
			select {
			case out <- ev:
				t.Stop()
			case <-t.C:
				return
			}
		}
	}
}

// TopLevelCheck refuses building the whole top level of <nixpkgs/nixos>:
// without -A, nix-build builds every derivation there, system, vm and
// vmWithBootLoader, two of them virtual machines with disk images.
func TopLevelCheck(t *nixeval.Target, path attr.Path) error {
	if len(path) != 0 || t.Kind != nixeval.Classic {
		return nil
	}
	f := strings.TrimSuffix(t.File, "/default.nix")
	if f != "<nixpkgs/nixos>" && !strings.HasSuffix(f, "/nixos") && !strings.HasSuffix(f, "/nixos>") {
		return nil
	}
	return &nixeval.UsageError{Msg: "refusing to build the whole top level of " + t.File + ".\n" +
		"Without an attribute path, nix-build builds every derivation there: system (config.system.build.toplevel),\n" +
		"vm and vmWithBootLoader, two QEMU virtual machines with their own disk images. That is how a build meant\n" +
		"for an SD card ends up running QEMU for minutes and failing with \"No space left on device\".\n" +
		"Build the output you want, e.g.\n  nixplore build config.system.build.sdImage\n  nixplore build config.system.build.toplevel\n" +
		"(list them with `nixplore ls`), or pass --all to build all three anyway."}
}

// buildFlags are the flags nixplore adds to the build command.
func buildFlags(program string, opts Options) []string {
	flags := []string{"--log-format", "internal-json"}
	classic := program != "nix"
	switch {
	case opts.DryRun:
		return append(flags, "--dry-run")
	case opts.NoLink && classic:
		flags = append(flags, "--no-out-link")
	case opts.NoLink:
		flags = append(flags, "--no-link")
	case opts.OutLink != "":
		flags = append(flags, "--out-link", opts.OutLink)
	}
	if !classic {
		flags = append(flags, "--json") // nix build prints nothing else on stdout
	}
	return flags
}

// Start builds opts.Path of t with exactly the command of
// BuildCommands plus --log-format internal-json and the link flags. Cancel
// ctx to stop it: Nix and every builder under it get SIGINT, then SIGKILL
// after GracePeriod.
func Start(ctx context.Context, tools nixeval.Tools, t *nixeval.Target, opts Options) *Run {
	program := nixeval.BuildCommands(t, opts.Path).Argv[0]
	cmd := buildCommand(tools, t, opts.Path, buildFlags(program, opts)...)
	r := &Run{Command: cmd.String(), events: make(chan buildlog.Event, 64), queue: newEventQueue(), done: make(chan struct{}),
		forwarded: make(chan struct{})}
	// The forwarder may give up on a reader once the build has ended or
	// its requester is gone (ctx done: a quit, a closed panel).
	stop := make(chan struct{})
	go func() {
		select {
		case <-r.done:
		case <-ctx.Done():
		}
		close(stop)
	}()
	go func() {
		defer close(r.forwarded)
		r.queue.forward(r.events, stop)
	}()
	go func() {
		defer close(r.done)
		defer r.queue.close()
		if !opts.AllowTopLevel {
			if err := TopLevelCheck(t, opts.Path); err != nil {
				r.err = err
				return
			}
		}
		r.result, r.err = runBuild(ctx, tools, cmd, program, opts, r.queue, t)
	}()
	return r
}

// stderrKeep is how much of a build's stderr is kept for its NixError, and
// plainKeep how many lines Nix printed before its logger started (a bad
// flag's error is among the last of them).
const (
	stderrKeep = 64 << 10
	plainKeep  = 200
)

func runBuild(ctx context.Context, tools nixeval.Tools, cmd *nixproc.Command, program string, opts Options, q *eventQueue, t *nixeval.Target) (*Result, error) {
	start := time.Now()
	prog := buildlog.NewProgress()
	// Builders can print gigabytes: only the end of stderr is kept (Nix's
	// error is there; the builders' logs are kept per derivation by prog).
	cmd.StderrTail = stderrKeep
	var plain []string // the last stderr lines that were not @nix lines
	cmd.OnStderrLine = func(line string) {
		if !strings.HasPrefix(line, "@nix ") {
			plain = append(plain, line)
			if len(plain) > 2*plainKeep {
				plain = append(plain[:0], plain[len(plain)-plainKeep:]...)
			}
		}
		q.push(prog.Feed([]byte(line))...)
	}
	res, err := cmd.Run(ctx)
	q.push(prog.Flush()...)
	if err != nil {
		return nil, buildError(ctx, tools, prog, plain, cmd, res, err, t)
	}
	plan := prog.Plan()
	out := &Result{Command: cmd.String(), DryRun: opts.DryRun, Plan: &plan, Built: prog.Finished(),
		Fetched: prog.Fetched, BuiltOn: prog.Remote(), Copies: prog.Copies, Stats: prog.Stats(), Duration: time.Since(start)}
	if opts.DryRun {
		return out, nil
	}
	if program == "nix" {
		out.Outputs, err = parseBuildJSON(res.Stdout)
		if err != nil {
			return nil, err
		}
	} else {
		out.Outputs = parseOutPaths(res.Stdout)
	}
	// Report only what really is in the store.
	var paths []string
	for _, o := range out.Outputs {
		paths = append(paths, o.Path)
	}
	if len(paths) == 0 {
		return nil, fmt.Errorf("nix reported success but printed no output path\n  command: %s", cmd.String())
	}
	valid, err := nixeval.ValidPaths(ctx, tools, paths, t.Options...)
	if err != nil {
		return nil, err
	}
	for _, p := range paths {
		if !valid[p] {
			return nil, fmt.Errorf("nix reported %s as built but it is not valid in the store", p)
		}
	}
	if !opts.NoLink {
		out.Links = findLinks(opts.OutLink, paths)
	}
	out.ClosureSize, err = ClosureSize(ctx, tools, paths, t.Options...)
	if err != nil {
		return nil, err
	}
	sit := ReadSituation(ctx, tools, t)
	out.NextSteps = NextSteps(out.Outputs, out.Links, sit)
	if len(out.NextSteps) == 0 && len(opts.Path) > 0 {
		out.NextSteps = KnownNextSteps(opts.Path[len(opts.Path)-1], out.Outputs, out.Links, sit)
	}
	return out, nil
}

// buildError turns a failed or cancelled build into a *Failure.
func buildError(ctx context.Context, tools nixeval.Tools, prog *buildlog.Progress, plain []string, cmd *nixproc.Command, res *nixproc.Result, err error, t *nixeval.Target) error {
	var ce *nixproc.CancelledError
	if errors.As(err, &ce) {
		f := &Failure{Kind: FailCancelled, Summary: "build cancelled", Finished: prog.Finished(), Command: cmd.String(), Err: err}
		if stopped := prog.Unfinished(); len(stopped) > 0 {
			f.Notes = append(f.Notes, "stopped while building: "+strings.Join(names(stopped), ", "))
		}
		return f
	}
	var ne *nixproc.NixError
	if !errors.As(err, &ne) {
		return err
	}
	errs := prog.Errors
	if len(errs) == 0 {
		// Nix failed before its logger started (e.g. a bad flag): its
		// message is in the plain lines.
		if b := nixproc.LastErrorBlock(strings.Join(plain, "\n")); b != "" {
			errs = []string{b}
		}
	}
	all := prog.KeptLog()
	in := failureInput{errors: errs, warnings: prog.Messages, logs: prog.LogTail, lastLog: prog.LastLogged(), stopped: prog.Stopped(), allLog: strings.Join(all, "\n")}
	f := diagnose(in, func(system string) *PlatformCheck {
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 20*time.Second)
		defer cancel()
		// The same check as before the build: the target's --option
		// settings and --builders count.
		return CheckPlatformFor(cctx, tools, t, system)
	})
	f.Finished = prog.Finished()
	f.Command = cmd.String()
	if res != nil {
		f.Exit = res.Exit
	}
	f.Err = ne
	// Evaluation errors (no build started) keep their own explanation.
	if f.Kind == FailOther && f.Drv == "" && len(prog.Stopped()) == 0 {
		ne2 := *ne
		ne2.Message = strings.Join(errs, "\n")
		if ev := diag.Classify(&ne2); ev.Kind != diag.ErrThrow && ev.Kind != diag.ErrOther {
			return ev
		}
	}
	return f
}

// parseOutPaths reads nix-build's stdout: one output path per line.
func parseOutPaths(stdout []byte) []BuiltOutput {
	var out []BuiltOutput
	for _, l := range strings.Split(string(stdout), "\n") {
		if l = strings.TrimSpace(l); strings.HasPrefix(l, "/") {
			out = append(out, BuiltOutput{Path: l})
		}
	}
	return out
}

// parseBuildJSON reads `nix build --json`:
// [{"drvPath": …, "outputs": {"out": "/nix/store/…"}}].
func parseBuildJSON(stdout []byte) ([]BuiltOutput, error) {
	var items []struct {
		Outputs map[string]string `json:"outputs"`
	}
	if err := json.Unmarshal(stdout, &items); err != nil {
		return nil, fmt.Errorf("could not read `nix build --json` output: %w", err)
	}
	var out []BuiltOutput
	for _, it := range items {
		names := make([]string, 0, len(it.Outputs))
		for n := range it.Outputs {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			out = append(out, BuiltOutput{Name: n, Path: it.Outputs[n]})
		}
	}
	return out, nil
}

// findLinks lists the result symlinks pointing at the outputs: link, and
// the link-<output> / link-2 … names Nix gives further outputs.
func findLinks(link string, paths []string) []string {
	if link == "" {
		link = "result"
	}
	want := map[string]bool{}
	for _, p := range paths {
		want[p] = true
	}
	dir, base := filepath.Split(link)
	if dir == "" {
		dir = "."
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range entries {
		n := e.Name()
		if n != base && !strings.HasPrefix(n, base+"-") {
			continue
		}
		p := n
		if dir != "." {
			p = filepath.Join(dir, n)
		}
		if target, err := os.Readlink(p); err == nil && want[target] {
			out = append(out, p)
		}
	}
	return out
}

// ClosureSize sums the store size of paths and everything they depend on,
// asked with the target's --option settings (`--option store …` is
// another store).
func ClosureSize(ctx context.Context, tools nixeval.Tools, paths []string, settings ...nixeval.Option) (int64, error) {
	opts := nixeval.OptionArgs(settings)
	res, err := (&nixproc.Command{Path: tools.Program("nix-store"), Args: append(append(append([]string{"-q", "-R"}, opts...), "--"), paths...)}).Run(ctx)
	if err != nil {
		return 0, err
	}
	closure := strings.Fields(string(res.Stdout))
	if len(closure) == 0 {
		return 0, nil
	}
	res, err = (&nixproc.Command{Path: tools.Program("nix-store"), Args: append(append(append([]string{"-q", "--size"}, opts...), "--"), closure...)}).Run(ctx)
	if err != nil {
		return 0, err
	}
	var total int64
	for _, f := range strings.Fields(string(res.Stdout)) {
		n, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("nix-store -q --size printed %q", f)
		}
		total += n
	}
	return total, nil
}

const ddWarning = "Replace /dev/sdX with the card's device: compare `lsblk` before and after inserting it. dd overwrites the whole device without asking; a wrong letter erases another disk."

// NextSteps says what to do with well-known outputs, found by what is
// inside them (not by attribute name): an SD or ISO image, a VM script, a
// system closure (whose steps depend on sit: see systemSteps).
func NextSteps(outputs []BuiltOutput, links []string, sit Situation) []NextStep {
	var steps []NextStep
	for _, o := range outputs {
		shown := shownPath(o.Path, links)
		for _, img := range imageFiles(o.Path) {
			rel := shown + strings.TrimPrefix(img.file, o.Path)
			write := "sudo dd if=" + attr.ShellQuote(rel) + " of=/dev/sdX bs=4M status=progress conv=fsync"
			if strings.HasSuffix(img.file, ".zst") {
				write = "zstdcat " + attr.ShellQuote(rel) + " | sudo dd of=/dev/sdX bs=4M status=progress conv=fsync"
			}
			title, warning := "the SD card image is "+rel+"; write it to a card", ddWarning
			if img.kind == "iso" {
				title = "the ISO image is " + rel + "; write it to a USB stick (or boot it in a VM)"
				warning = strings.Replace(ddWarning, "the card's device", "the stick's device", 1)
			}
			steps = append(steps, NextStep{Title: title, Command: write, Warning: warning})
		}
		if vms, _ := filepath.Glob(filepath.Join(o.Path, "bin", "run-*-vm")); len(vms) > 0 {
			for _, vm := range vms {
				steps = append(steps, NextStep{Title: "start the virtual machine", Command: attr.ShellQuote(shown + "/bin/" + filepath.Base(vm))})
			}
		}
		if _, err := os.Stat(filepath.Join(o.Path, "bin", "switch-to-configuration")); err == nil {
			steps = append(steps, systemSteps(o, shown, "", sit)...)
		}
	}
	return steps
}

// KnownNextSteps are the next steps of a well-known output (by its
// attribute name, as the catalogue knows it: catalogue.AfterBuild) whose
// files NextSteps did not find where nixpkgs puts them: the catalogue's
// commands, with the result's path (its ./result link when there is one)
// put in.
func KnownNextSteps(name string, outputs []BuiltOutput, links []string, sit Situation) []NextStep {
	if len(outputs) == 0 {
		return nil
	}
	shown := shownPath(outputs[0].Path, links)
	if name == "toplevel" {
		return systemSteps(outputs[0], shown, "", sit)
	}
	var steps []NextStep
	for _, st := range catalogue.AfterBuild(name, "") {
		steps = append(steps, NextStep{
			Title:   strings.ReplaceAll(st.Title, catalogue.ResultPlaceholder, shown),
			Command: strings.ReplaceAll(st.Command, catalogue.ResultPlaceholder, attr.ShellQuote(shown)),
			Warning: st.Warning,
		})
	}
	return steps
}

// shownPath is how a result is named for the user: its ./result link when
// there is one, else the store path.
func shownPath(out string, links []string) string {
	for _, l := range links {
		if t, err := os.Readlink(l); err == nil && t == out {
			if filepath.IsAbs(l) {
				return l
			}
			return "./" + filepath.Clean(l)
		}
	}
	return out
}

type imageFile struct{ kind, file string }

// imageFiles finds disk images in an output: the hydra-build-products list
// nixpkgs' image builders write, else sd-image/ and iso/ directories.
func imageFiles(out string) []imageFile {
	var files []imageFile
	if f, err := os.Open(filepath.Join(out, "nix-support", "hydra-build-products")); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			fields := strings.Fields(sc.Text())
			if len(fields) == 3 && fields[0] == "file" && (fields[1] == "sd-image" || fields[1] == "iso") && strings.HasPrefix(fields[2], out+"/") {
				files = append(files, imageFile{fields[1], fields[2]})
			}
		}
		if sc.Err() != nil {
			files = nil // not read to its end: look at the directories instead
		}
		f.Close()
		if len(files) > 0 {
			return files
		}
	}
	for kind, pat := range map[string]string{"sd-image": "sd-image/*.img*", "iso": "iso/*.iso"} {
		m, _ := filepath.Glob(filepath.Join(out, pat))
		for _, p := range m {
			files = append(files, imageFile{kind, p})
		}
	}
	sort.Slice(files, func(i, j int) bool { return files[i].file < files[j].file })
	return files
}
