package nixeval

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/nixeval/catalogue"
	"github.com/nixplore/nixplore/nixeval/diag"
	"github.com/nixplore/nixplore/nixeval/nixproc"
)

// Output is one output of a derivation.
type Output struct {
	Name  string `json:"-"`
	Path  string `json:"path"`
	Built bool   `json:"built"`
}

// Definition says where a value under config comes from.
type Definition struct {
	Files        []string  `json:"files"`
	Option       attr.Path `json:"option"`
	Declarations []string  `json:"declarations"`
	Type         string    `json:"type,omitempty"`
	Description  string    `json:"description,omitempty"`
	Declared     bool      `json:"declared"` // the path is the option itself, not an attribute inside its value
}

// Description is everything nixplore knows about one node.
type Description struct {
	Path        attr.Path
	Kind        string
	Name        string
	System      string
	DrvPath     string
	DrvError    string // why drvPath could not be computed
	Outputs     []Output
	Description string
	MainProgram string
	FilePath    string
	Value       json.RawMessage // scalars: the value (strings clipped to 4 KiB)
	Length      int             // strings: full length
	Count       *int            // attrs and lists: number of elements
	DefinedIn   *Definition
	// Doc is the catalogue's entry for a well-known output (sdImage,
	// toplevel, vm, images.<variant>, …); nil when the catalogue does not
	// know the node. Its text is the one for the configuration's release,
	// qualified by Facts (catalogue.Entry.Given).
	Doc *catalogue.Entry
	// Facts are what the configuration itself says about the node (its
	// release, image variants, image file, outputs), shown before Doc.
	Facts Facts
	// DocNote says when the configuration's release is newer than the
	// catalogue's last check; "" otherwise.
	DocNote   string
	Commands  Commands
	FromCache bool // see Listing.FromCache
	// Warnings are what Nix printed describing the node.
	Warnings []diag.Warning
}

type describeAnswer struct {
	walkStatus
	Name          *string `json:"name"`
	System        *string `json:"system"`
	DrvPath       *string `json:"drvPath"`
	DrvPathFailed bool    `json:"drvPathFailed"`
	Outputs       []struct{ Name, Path *string }
	Description   *string         `json:"description"`
	MainProgram   *string         `json:"mainProgram"`
	FilePath      *string         `json:"filePath"`
	Value         json.RawMessage `json:"value"`
	Length        int             `json:"length"`
	Count         *int            `json:"count"`
	DefinedIn     *Definition     `json:"definedIn"`
	Facts         []factAnswer    `json:"facts"`
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// Describe evaluates one node: for a derivation its name, system, .drv and
// outputs (and whether each is built), for anything its value or size, and
// for values under config the files that define them. It instantiates the
// derivation (writes its .drv), unlike List.
func (e *Evaluator) Describe(ctx context.Context, path attr.Path) (*Description, error) {
	since := time.Now()
	ctx, sink := diag.CollectWarnings(ctx)
	d, err := e.describe(ctx, path)
	if err == nil {
		d.Warnings = diag.UniqueWarnings(sink.Warnings(), e.warned.At(path))
		e.storeDescription(ctx, d, since)
	}
	return d, err
}

func (e *Evaluator) describe(ctx context.Context, path attr.Path) (*Description, error) {
	var a describeAnswer
	if err := e.eval(ctx, Request{Op: "describe", Path: path}, &a); err != nil {
		return nil, err
	}
	if err := e.walkError(ctx, path, a.walkStatus); err != nil {
		return nil, err
	}
	d := &Description{Path: path, Kind: a.Kind, Name: deref(a.Name), System: deref(a.System), DrvPath: deref(a.DrvPath),
		Description: deref(a.Description), MainProgram: deref(a.MainProgram), FilePath: deref(a.FilePath),
		Value: a.Value, Length: a.Length, Count: a.Count, DefinedIn: a.DefinedIn, Facts: decodeFacts(a.Facts)}
	for _, o := range a.Outputs {
		d.Outputs = append(d.Outputs, Output{Name: deref(o.Name), Path: deref(o.Path)})
	}
	if a.DrvPathFailed {
		d.DrvError = ErrorText(e.forceError(ctx, path.Child("drvPath")))
	}
	if d.Kind == KindDerivation {
		if err := e.markBuilt(ctx, d.Outputs); err != nil {
			return nil, err
		}
	}
	e.finishDescription(d)
	return d, nil
}

// finishDescription adds what follows from the path and the facts:
// commands and the catalogue entry.
func (e *Evaluator) finishDescription(d *Description) {
	d.Commands = BuildCommands(e.Target, d.Path)
	d.Facts = e.withCachedFailures(d.Path, d.Facts)
	var files []string
	if d.DefinedIn != nil {
		files = d.DefinedIn.Files
	}
	if doc, ok := DocFor(e.Target, d.Path, files, d.Facts); ok {
		d.Doc = &doc
		d.DocNote = catalogue.NewerThanChecked(d.Facts.Release())
	}
}

// DefinedIn says where the value at path (under config) comes from: the
// files whose definitions set it, after mkIf/mkMerge/mkDefault/mkOverride
// (a mkIf false definition is not listed), and the option that holds it
// with its declarations, type and description. Unlike Describe it does not
// force the value, so it also answers for a value that throws. It returns
// nil for a path outside config or not under any option.
func (e *Evaluator) DefinedIn(ctx context.Context, path attr.Path) (*Definition, error) {
	var a struct {
		walkStatus
		DefinedIn *Definition `json:"definedIn"`
	}
	if err := e.eval(ctx, Request{Op: "where", Path: path}, &a); err != nil {
		return nil, err
	}
	if a.Status != "ok" {
		return nil, e.pathError(path, a.walkStatus)
	}
	return a.DefinedIn, nil
}

// markBuilt asks the store which outputs are valid (built or substituted).
func (e *Evaluator) markBuilt(ctx context.Context, outs []Output) error {
	var paths []string
	for _, o := range outs {
		if o.Path != "" {
			paths = append(paths, o.Path)
		}
	}
	if len(paths) == 0 {
		return nil
	}
	valid, err := ValidPaths(ctx, e.Tools, paths, e.Target.Options...)
	if err != nil {
		return err
	}
	for i := range outs {
		outs[i].Built = valid[outs[i].Path]
	}
	return nil
}

// ValidPaths reports which store paths exist in the local store, with the
// user's --option settings (a `store` setting names another store).
func ValidPaths(ctx context.Context, tools Tools, paths []string, settings ...Option) (map[string]bool, error) {
	args := append([]string{"--check-validity", "--print-invalid"}, OptionArgs(settings)...)
	cmd := &nixproc.Command{Path: tools.Program("nix-store"), Args: append(append(args, "--"), paths...)}
	res, err := cmd.Run(ctx)
	if err != nil {
		return nil, err
	}
	invalid := map[string]bool{}
	for _, l := range strings.Split(string(res.Stdout), "\n") {
		invalid[strings.TrimSpace(l)] = true
	}
	out := map[string]bool{}
	for _, p := range paths {
		out[p] = !invalid[p]
	}
	return out, nil
}

// Info is what the header shows about the evaluation.
type Info struct {
	NixVersion      string `json:"nixVersion"`
	CurrentSystem   string `json:"currentSystem"`
	RequestedSystem string `json:"requestedSystem"`
	HostSystem      string `json:"hostSystem"`
	BuildSystem     string `json:"buildSystem"`
	// Warnings are what Nix printed reading these facts (stored with them).
	Warnings []diag.Warning `json:"warnings,omitempty"`
}

// SystemIgnored reports whether --argstr system was given but the
// configuration fixes another platform with nixpkgs.hostPlatform.
func (i *Info) SystemIgnored() bool {
	return i.RequestedSystem != "" && i.HostSystem != "" && i.RequestedSystem != i.HostSystem
}

// Platform is the platform the configuration is really built for.
func (i *Info) Platform() string {
	if i.HostSystem != "" {
		return i.HostSystem
	}
	if i.RequestedSystem != "" {
		return i.RequestedSystem
	}
	return i.CurrentSystem
}

// IgnoredWarning explains a silently ignored --argstr system.
func (i *Info) IgnoredWarning() string {
	if !i.SystemIgnored() {
		return ""
	}
	return "--argstr system " + i.RequestedSystem + " was ignored: the configuration sets nixpkgs.hostPlatform = \"" +
		i.HostSystem + "\" (often in hardware-configuration.nix), which wins over the system argument. Outputs are built for " + i.HostSystem + "."
}

// Info evaluates the target's platform facts. A flake host that does not
// exist is reported here with the hosts that do.
func (e *Evaluator) Info(ctx context.Context) (*Info, error) {
	var a struct {
		Info
		Status  string      `json:"status"`
		Hosts   []attr.Wire `json:"hosts"`
		Outputs []string    `json:"flakeOutputs"`
	}
	since := time.Now()
	ctx, sink := diag.CollectWarnings(ctx)
	if err := e.eval(ctx, Request{Op: "info"}, &a); err != nil {
		return nil, err
	}
	a.Info.Warnings = diag.UniqueWarnings(sink.Warnings())
	if a.Status != "ok" {
		return nil, e.pathError(nil, walkStatus{Status: a.Status, Hosts: a.Hosts, Outputs: a.Outputs})
	}
	e.store(ctx, "info", nil, since, a.Info)
	return &a.Info, nil
}
