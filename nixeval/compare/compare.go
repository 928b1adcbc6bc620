// Package compare gathers what a user weighs when choosing between
// outputs (sdImage, toplevel, vm): what each is, whether this machine can
// build it, what building it would fetch and build, whether it is built,
// what running it needs and the command. The CLI's `compare` and the
// explorer's comparison both read it; it knows nothing of either.
package compare

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"

	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/nixeval/build"
	"github.com/nixplore/nixplore/nixeval/build/buildlog"
	"github.com/nixplore/nixplore/nixeval/catalogue"
	"github.com/nixplore/nixplore/nixeval/setbuild"
	"github.com/nixplore/nixplore/nixeval/teach"
)

// Column is one output as compared. Every field is always present in
// JSON; ClosureBytes only when the output is built; Platform and Plan are
// null when the path is not one derivation (a set, a string) or its plan
// could not be read: never made-up values.
type Column struct {
	Path string `json:"path"`
	// Summary is the catalogue's one line, or that the output is
	// undocumented, with the module that defines it.
	Summary    string    `json:"summary"`
	Documented bool      `json:"documented"`
	DefinedIn  []string  `json:"definedIn"`
	Platform   *Platform `json:"platform"`
	Plan       *Plan     `json:"plan"`
	Built      bool      `json:"built"`
	// ClosureBytes is the size of the output with everything it needs,
	// when it is built.
	ClosureBytes int64  `json:"closureBytes,omitempty"`
	RunNeeds     []Need `json:"runNeeds"`
	// Result is what the result holds (the catalogue's text).
	Result  string `json:"result"`
	Command string `json:"command"`
	// CommandWarning says what Command builds when the path is not one
	// output (a set: every derivation inside), as `nixplore cmd` does.
	CommandWarning string `json:"commandWarning,omitempty"`
	// Error is why the output could not be compared ("" when it could).
	Error string `json:"error,omitempty"`
}

// Platform says whether this machine builds the output's platform.
type Platform struct {
	System string `json:"system"`
	// BuildableHere: everything the plan builds has someone here to build
	// it (this machine or a builder); an output of another platform that
	// can all be fetched is buildable here. Without a plan (built
	// already), whether this machine builds the output's platform.
	BuildableHere bool `json:"buildableHere"`
	// Ways are the ways out when not buildable here; none when it is, or
	// when the output is built already.
	Ways []string `json:"ways"`
}

// Plan is Nix's dry run in numbers, with the room it needs.
type Plan struct {
	Build         int   `json:"build"` // derivations to build
	Fetch         int   `json:"fetch"` // paths to fetch
	DownloadBytes int64 `json:"downloadBytes"`
	UnpackedBytes int64 `json:"unpackedBytes"`
	// Unbuildable counts the derivations to build that no one here can
	// build (build.Judge): the build would be refused.
	Unbuildable int `json:"unbuildable"`
	// Needs estimates the store space the build needs, before it runs.
	Needs *SpaceEstimate `json:"spaceNeeded,omitempty"`
	// Fits is false when the fetched paths alone exceed the store's free
	// space (build.CheckRoom).
	Fits  bool        `json:"fits"`
	Space build.Space `json:"space"`
}

// SpaceEstimate is the store space a build needs, as far as it can be
// known before the build: what it fetches, and for an image what the image
// is built from. It is not the image's size (compression makes that
// smaller): an SD or disk image is built by writing an uncompressed root
// file system of the system's closure, then the image from it.
type SpaceEstimate struct {
	FetchBytes int64 `json:"fetchBytes"` // what the plan fetches, unpacked
	// Holds is what the image holds (the configuration's system, toplevel)
	// and HoldsBytes its closure's size when it is built (0: unknown).
	Holds      string `json:"holds,omitempty"`
	HoldsBytes int64  `json:"holdsBytes,omitempty"`
	// AtLeastBytes: FetchBytes, plus for an image the root file system it
	// writes on the way (about HoldsBytes); the image itself comes on top
	// (at most about HoldsBytes more, less once compressed).
	AtLeastBytes int64 `json:"atLeastBytes"`
	// UnknownBuilds are the derivations whose outputs' sizes nothing can
	// tell before they run.
	UnknownBuilds int `json:"unknownBuilds"`
}

// Text says the estimate in one line, labelled as one.
func (e *SpaceEstimate) Text() string {
	t := "store space needed (an estimate, not the image's size): at least " + build.HumanBytes(e.AtLeastBytes)
	var parts []string
	if e.FetchBytes > 0 {
		parts = append(parts, build.HumanBytes(e.FetchBytes)+" fetched")
	}
	switch {
	case e.Holds != "" && e.HoldsBytes > 0:
		parts = append(parts, "an uncompressed root file system of "+e.Holds+"'s closure ("+build.HumanBytes(e.HoldsBytes)+")")
	case e.Holds != "":
		parts = append(parts, "a root file system of "+e.Holds+"'s closure, whose size is unknown until it is built")
	}
	if len(parts) > 0 {
		t += " (" + strings.Join(parts, ", ") + ")"
	}
	if e.Holds != "" {
		t += ", then the image itself (up to as much again, less once compressed)"
	}
	if e.UnknownBuilds > 0 {
		t += ", plus what " + nixeval.Count(e.UnknownBuilds, "build") + " write, unknown before they run"
	}
	return t
}

// isImage says whether path is a disk image built from the system's
// closure: sdImage, isoImage, an images.* variant, another …Image.
func isImage(path attr.Path) bool {
	n := len(path)
	if n == len(attr.DefaultPath)+2 && path.HasPrefix(attr.DefaultPath.Child("images")) {
		return true
	}
	return n == len(attr.DefaultPath)+1 && path.HasPrefix(attr.DefaultPath) && strings.HasSuffix(path.Last(), "Image")
}

// estimate is the space the plan p of path needs (see SpaceEstimate).
func (c *Comparer) estimate(ctx context.Context, path attr.Path, p *buildlog.Plan) *SpaceEstimate {
	e := &SpaceEstimate{FetchBytes: p.UnpackedSize, UnknownBuilds: len(p.Build)}
	if isImage(path) {
		top := attr.DefaultPath.Child("toplevel")
		e.Holds = top.String()
		if d, err := c.Eval.Describe(ctx, top); err == nil && len(d.Outputs) > 0 && d.Outputs[0].Built {
			if n, err := build.ClosureSize(ctx, c.Tools, []string{d.Outputs[0].Path}, c.Target.Options...); err == nil {
				e.HoldsBytes = n
			}
		}
	}
	e.AtLeastBytes = e.FetchBytes + e.HoldsBytes
	return e
}

// Need is one thing running the result needs.
type Need struct {
	What string `json:"what"`
	// Here says whether this machine has it, when that can be known
	// (a usable /dev/kvm); nil otherwise (an SD card).
	Here   *bool  `json:"here,omitempty"`
	Detail string `json:"detail,omitempty"`
}

// Describer describes a node; *nixeval.Evaluator is one.
type Describer interface {
	Describe(ctx context.Context, path attr.Path) (*nixeval.Description, error)
}

// Comparer gathers columns for one target. It is safe for concurrent use:
// columns are gathered in parallel, sharing the platform checks and the
// free space, which are read once.
type Comparer struct {
	Tools  nixeval.Tools
	Target *nixeval.Target
	Eval   Describer
	// Parallel bounds the columns gathered at once (each dry run is a
	// whole evaluation in a Nix process of its own): the evaluators'
	// number. 0 means 1.
	Parallel int

	once   sync.Once
	slots  chan struct{}
	mu     sync.Mutex
	checks map[string]*build.PlatformCheck
	space  *build.Space
	caps   *build.Capabilities
}

// capabilities are read once per comparison (several Nix settings reads).
func (c *Comparer) capabilities(ctx context.Context) *build.Capabilities {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.caps == nil || c.caps.Err != nil {
		c.caps = build.ReadCapabilities(ctx, c.Tools, c.Target)
	}
	return c.caps
}

// Column gathers everything about path. A failure is the column's Error,
// so one broken output never hides the others; only a cancelled ctx
// returns an error.
func (c *Comparer) Column(ctx context.Context, path attr.Path) (Column, error) {
	c.once.Do(func() { c.slots = make(chan struct{}, max(1, c.Parallel)) })
	select {
	case c.slots <- struct{}{}:
		defer func() { <-c.slots }()
	case <-ctx.Done():
		return Column{Path: path.String()}, ctx.Err()
	}
	col := Column{Path: path.String(), DefinedIn: []string{}, RunNeeds: []Need{}}
	col.Command = nixeval.BuildCommands(c.Target, path).Build
	// A stray interrupt from a cancelled request is the warm session's
	// to handle (it asks again, and replaces a repl that keeps answering
	// "interrupted"), not each caller's.
	d, err := c.Eval.Describe(ctx, path)
	if err != nil {
		if ctx.Err() != nil {
			return col, ctx.Err()
		}
		col.Error = nixeval.ErrorText(err)
		return col, nil
	}
	col.Command = d.Commands.Build
	if d.DefinedIn != nil {
		col.DefinedIn = teach.DisplayFiles(d.DefinedIn.Files)
	}
	col.Summary, col.Result, col.Documented = summary(d, col.DefinedIn)
	if d.Kind != nixeval.KindDerivation {
		col.Error, col.CommandWarning = notOneOutput(path, d)
		if !setbuild.Buildable(d.Kind) {
			col.Command = "" // a string or a number has nothing to build
		}
		return col, nil
	}
	pc := c.check(ctx, d.System)
	col.Platform = &Platform{System: d.System, BuildableHere: pc.CanBuild, Ways: Ways(pc)}
	col.Built = len(d.Outputs) > 0
	var outs []string
	for _, o := range d.Outputs {
		col.Built = col.Built && o.Built
		outs = append(outs, o.Path)
	}
	space := c.readSpace(ctx)
	if col.Built {
		// Nothing to build or fetch (a plan of zeros that is true): no
		// way out is needed.
		col.Plan = &Plan{Fits: true, Space: space}
		col.Platform.Ways = []string{}
		if n, err := build.ClosureSize(ctx, c.Tools, outs, c.Target.Options...); err == nil {
			col.ClosureBytes = n
		}
	} else {
		p, err := build.DryRun(ctx, c.Tools, c.Target, path, outs...)
		if err != nil {
			if ctx.Err() != nil {
				return col, ctx.Err()
			}
			col.Error = nixeval.ErrorText(err)
		} else {
			col.Plan = &Plan{Build: len(p.Build), Fetch: len(p.Fetch), DownloadBytes: p.DownloadSize, UnpackedBytes: p.UnpackedSize,
				Fits: build.CheckRoom(p, space) == nil, Space: space, Needs: c.estimate(ctx, path, p)}
			if j, err := build.Judge(ctx, c.Tools, c.Target, p, c.capabilities(ctx)); err == nil {
				col.Plan.Unbuildable = len(j.Unbuildable)
				col.Platform.BuildableHere = j.OK()
				if j.OK() {
					col.Platform.Ways = []string{}
				}
			}
		}
	}
	col.RunNeeds = runNeeds(d, pc.Machine)
	return col, ctx.Err()
}

// notOneOutput says why a value that is not a derivation has no column,
// what to compare instead, and what its build command would build.
func notOneOutput(path attr.Path, d *nixeval.Description) (why, commandWarning string) {
	if !setbuild.Buildable(d.Kind) {
		return setbuild.NothingToBuild(path.String(), d.Kind), ""
	}
	// A set has a command (nix-build builds what is inside); it says so.
	var set setbuild.Contents
	set.FromDescription(d)
	what := nixeval.AKind(d.Kind)
	if d.Count != nil {
		what += " of " + nixeval.Count(*d.Count, "attribute")
	}
	why = fmt.Sprintf("%s is %s, not one output: compare weighs single outputs. Compare its children instead "+
		"(`nixplore ls %s` lists them, `nixplore compare %s` weighs one)", path, what,
		attr.ShellQuote(path.String()), attr.ShellQuote(path.String()+".NAME"))
	return why, "this command " + set.Warning()
}

// SharedSpace is the free space every column read (it is read once per
// comparison): from the first column that has it, as a column that could
// not be compared read none.
func SharedSpace(cols []Column) (build.Space, bool) {
	for _, c := range cols {
		if c.Plan != nil && c.Plan.Space.Store.Dir != "" {
			return c.Plan.Space, true
		}
	}
	return build.Space{}, false
}

func (c *Comparer) check(ctx context.Context, system string) *build.PlatformCheck {
	c.mu.Lock()
	defer c.mu.Unlock()
	if pc, ok := c.checks[system]; ok {
		return pc
	}
	pc := build.CheckPlatformFor(ctx, c.Tools, c.Target, system)
	if c.checks == nil {
		c.checks = map[string]*build.PlatformCheck{}
	}
	if pc.Err == nil {
		c.checks[system] = pc
	}
	return pc
}

func (c *Comparer) readSpace(ctx context.Context) build.Space {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.space == nil {
		s := build.ReadSpace(ctx, c.Tools, c.Target)
		c.space = &s
	}
	return *c.space
}

// summary is the catalogue's text, or says the output is undocumented
// and where it comes from.
func summary(d *nixeval.Description, definedIn []string) (sum, result string, documented bool) {
	if d.Doc != nil {
		return d.Doc.Summary, d.Doc.Result, true
	}
	sum = "undocumented: not in nixplore's catalogue"
	if d.Description != "" {
		sum += "; its meta.description says: " + d.Description
	}
	if len(definedIn) > 0 {
		sum += "; defined in " + strings.Join(definedIn, ", ")
	}
	result = "not documented: look inside the output once it is built"
	if d.Kind == nixeval.KindDerivation && d.Name != "" {
		result = "a store path named " + d.Name + "; " + result
	}
	return sum, result, false
}

// Ways are the ways out when this machine cannot build the platform, one
// line each (PlatformCheck.Explain says each at length); none when it can.
func Ways(pc *build.PlatformCheck) []string {
	if pc.CanBuild {
		return []string{}
	}
	machine := pc.Machine
	if machine == "" {
		machine = "this machine's system"
	}
	return []string{
		fmt.Sprintf("emulation: boot.binfmt.emulatedSystems = [ %q ] on this machine (NixOS), or extra-platforms = %s with a binfmt registration", pc.System, pc.System),
		fmt.Sprintf("a remote builder: --builders 'ssh://user@host %s' (or nix.buildMachines)", pc.System),
		fmt.Sprintf("cross compilation: nixpkgs.buildPlatform = %q in the configuration", machine),
	}
}

// KVMUsable reports whether this process can open /dev/kvm for reading
// and writing, as QEMU must.
func KVMUsable() bool {
	f, err := os.OpenFile("/dev/kvm", os.O_RDWR, 0)
	if err != nil {
		return false
	}
	f.Close()
	return true
}

// runNeeds says what running the result takes, for the outputs the
// catalogue knows by name.
func runNeeds(d *nixeval.Description, machine string) []Need {
	name := ""
	if d.Doc != nil {
		name = d.Doc.Name
	}
	switch name {
	case "vm", "vmWithBootLoader":
		ok := KVMUsable()
		detail := "/dev/kvm is usable here"
		if !ok {
			detail = "/dev/kvm is not usable here: QEMU emulates every instruction (slow)"
		}
		if machine != "" && d.System != "" && archOf(machine) != archOf(d.System) {
			ok = false
			detail = "KVM runs only the host's architecture: a " + d.System + " VM on " + machine + " is fully emulated (slow)"
		}
		return []Need{{What: "KVM", Here: &ok, Detail: detail}, {What: "QEMU", Detail: "comes with the VM's closure"}}
	case "sdImage":
		return []Need{{What: "an SD card", Detail: "at least as large as the image; its contents are erased"},
			{What: "dd", Detail: "to write the image (zstdcat … | dd for a .img.zst)"}}
	case "isoImage":
		return []Need{{What: "a USB stick (or a VM)", Detail: "its contents are erased"}, {What: "dd", Detail: "to write the image"}}
	case "toplevel":
		return []Need{{What: "a NixOS machine of " + orSystem(d.System), Detail: "activated with nixos-rebuild switch or bin/switch-to-configuration"}}
	}
	return []Need{}
}

func archOf(system string) string {
	a, _, _ := strings.Cut(system, "-")
	return a
}

func orSystem(s string) string {
	if s == "" {
		return "its platform"
	}
	return s
}

// Siblings are the well-known outputs to show beside path when nothing is
// marked: path itself, then the alternatives the catalogue weighs it
// against (catalogue.Alternatives) that present has (config.system.build's
// children), in that order.
func Siblings(path attr.Path, doc *catalogue.Entry, present func(attr.Path) bool) []attr.Path {
	out := []attr.Path{path}
	var names []string
	if doc != nil {
		names = catalogue.Alternatives(*doc)
	} else {
		names = catalogue.Alternatives(catalogue.Entry{Name: path.Last()})
	}
	for _, n := range names {
		p := attr.DefaultPath.Child(n)
		if !p.Equal(path) && present(p) {
			out = append(out, p)
		}
	}
	return out
}
