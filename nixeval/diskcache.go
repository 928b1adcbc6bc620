package nixeval

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"time"

	"github.com/nixplore/nixplore/cache"
	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/nixeval/diag"
	"github.com/nixplore/nixplore/nixeval/nixproc"
)

// The disk cache as the evaluator uses it. An answer is stored with every
// file the backend reports evaluating (DepsReporter) under a key made of
// everything else it depends on (cacheBase); PeekList and PeekDescribe
// serve it marked FromCache while those files are unchanged. Answers from
// a backend that cannot name its files are not stored.

// CacheNote says where cached answers come from, for a status line.
func (e *Evaluator) CacheNote() string {
	if e.Cache == nil {
		return "cache off"
	}
	return "cache " + e.Cache.Dir()
}

// Reload forgets what the evaluator knows for this run: the warm repl
// restarts with the next request and a flake's locked source is asked for
// again. The explorer's "reload all" should call it.
func (e *Evaluator) Reload() {
	if r, ok := e.Backend.(interface{ Restart() }); ok {
		r.Restart()
	}
	e.keyMu.Lock()
	e.keyBase, e.keyDone = "", false
	e.keyMu.Unlock()
	e.warned.Reset()
}

// cacheKey is the key of one answer, or "" when the target cannot be keyed.
// ctx bounds the one Nix process a flake's key needs (flakeFingerprint):
// the request's, so a cancelled request or a quit does not leave it
// running; when it is cancelled the key is asked for again next time.
func (e *Evaluator) cacheKey(ctx context.Context, op string, path attr.Path) string {
	e.keyMu.Lock()
	if !e.keyDone {
		e.keyBase = cacheBase(ctx, e.Target, e.Tools)
		e.keyDone = e.keyBase != "" || ctx.Err() == nil
	}
	base := e.keyBase
	e.keyMu.Unlock()
	if base == "" {
		return ""
	}
	p, _ := json.Marshal(path)
	return base + "\x00" + op + "\x00" + string(p)
}

// cacheBase digests everything an answer depends on besides the files Nix
// reads: nixplore's expression, the Nix installation, the target and its
// arguments, the environment Nix reads paths from, and for a flake its
// locked source. "" means the target cannot be keyed (a flake whose
// metadata Nix cannot give).
func cacheBase(ctx context.Context, t *Target, tools Tools) string {
	id := struct {
		Wrapper    string
		Nix        []string
		Kind       string
		File       string
		Expr       string
		Dir        string
		FlakeRef   string
		Host       string
		Flake      string
		SearchPath []string
		Args       []Arg
		Options    []Option
		Env        []string
		Platform   string
	}{
		Wrapper: digest(wrapperExpr), Kind: t.Kind.String(), File: t.File, Expr: t.ExprText, FlakeRef: t.FlakeRef, Host: t.Host,
		SearchPath: t.SearchPath, Args: t.Args, Options: t.Options, Platform: runtime.GOOS + "/" + runtime.GOARCH,
	}
	if t.Kind == Expr {
		id.Dir = t.Dir // relative paths in the expression
	}
	for _, prog := range []string{"nix", "nix-instantiate"} {
		id.Nix = append(id.Nix, programIdentity(tools.Program(prog)))
	}
	for _, v := range []string{"NIX_PATH", "NIXOS_CONFIG", "NIX_CONFIG", "NIX_CONF_DIR", "NIX_USER_CONF_FILES"} {
		id.Env = append(id.Env, v+"="+os.Getenv(v))
	}
	if t.Kind == Flake {
		fp, err := flakeFingerprint(ctx, t, tools)
		if err != nil {
			return ""
		}
		id.Flake = fp
	}
	b, _ := json.Marshal(id)
	return digest(string(b))
}

func digest(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// programIdentity names one installed program by its resolved path, size
// and modification time: a Nix upgrade changes it, without running Nix.
func programIdentity(prog string) string {
	p, err := exec.LookPath(prog)
	if err != nil {
		return prog + " missing"
	}
	if r, err := filepath.EvalSymlinks(p); err == nil {
		p = r
	}
	fi, err := os.Stat(p)
	if err != nil {
		return p + " missing"
	}
	return p + " " + fi.ModTime().UTC().Format(time.RFC3339Nano) + " " + strconv.FormatInt(fi.Size(), 10)
}

// flakeFingerprint is the flake's locked source as Nix reports it: the
// store path of its source (a content hash) and its locked inputs.
func flakeFingerprint(ctx context.Context, t *Target, tools Tools) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	// --no-write-lock-file: reading the key must never write the lock file
	// (flakelock.Prepare has written it already, unless the user said not to).
	args := append([]string{"--extra-experimental-features", "nix-command flakes", "flake", "metadata", "--json", "--no-write-lock-file", t.FlakeRef}, CommonArgs(t)...)
	res, err := (&nixproc.Command{Path: tools.Program("nix"), Args: args, Dir: t.Dir}).Run(ctx)
	if err != nil {
		return "", err
	}
	var m struct {
		Path   string          `json:"path"`
		Locked json.RawMessage `json:"locked"`
		Locks  json.RawMessage `json:"locks"`
	}
	if err := json.Unmarshal(res.Stdout, &m); err != nil {
		return "", err
	}
	return m.Path + "\x00" + string(m.Locked) + "\x00" + string(m.Locks), nil
}

// cachedChild is a listed child on disk; names and texts in the lossless
// wire form.
type cachedChild struct {
	Name     attr.Wire      `json:"name"`
	Kind     string         `json:"kind"`
	Error    attr.Wire      `json:"error,omitempty"`
	Warnings []diag.Warning `json:"warnings,omitempty"`
}

// cachedListing is a Listing on disk, with what Nix printed computing it,
// so an answer from the cache reports the same warnings.
type cachedListing struct {
	Children []cachedChild  `json:"children"`
	Warnings []diag.Warning `json:"warnings,omitempty"`
}

// PeekList returns the cached listing of path, marked FromCache, when every
// file it was computed from is unchanged; it never runs Nix (except once,
// for a flake, `nix flake metadata` to key on its locked source). Show it
// at once, then re-check with List in the background and update the view
// if the answer differs. False without a cache, with Refresh, or on a miss.
func (e *Evaluator) PeekList(path attr.Path) (*Listing, bool) {
	var cl cachedListing
	if !e.peek("list", path, &cl) {
		return nil, false
	}
	l := &Listing{Path: path, Children: make([]Child, len(cl.Children)), FromCache: true, Warnings: cl.Warnings}
	for i, c := range cl.Children {
		l.Children[i] = Child{Name: string(c.Name), Path: path.Child(string(c.Name)), Kind: c.Kind, Error: string(c.Error), Warnings: c.Warnings}
	}
	return l, true
}

// cachedDescription is a Description on disk. Commands and the catalogue
// entry are recomputed; whether outputs are built is checked again.
type cachedDescription struct {
	Kind        string          `json:"kind"`
	Name        attr.Wire       `json:"name"`
	System      attr.Wire       `json:"system"`
	DrvPath     string          `json:"drvPath"`
	DrvError    attr.Wire       `json:"drvError"`
	Outputs     []cachedOutput  `json:"outputs"`
	Description attr.Wire       `json:"description"`
	MainProgram attr.Wire       `json:"mainProgram"`
	FilePath    attr.Wire       `json:"filePath"`
	Value       json.RawMessage `json:"value,omitempty"`
	Length      int             `json:"length"`
	Count       *int            `json:"count"`
	DefinedIn   *Definition     `json:"definedIn"`
	Facts       []factAnswer    `json:"facts,omitempty"`
	Warnings    []diag.Warning  `json:"warnings,omitempty"`
}

type cachedOutput struct {
	Name attr.Wire `json:"name"`
	Path string    `json:"path"`
}

// PeekDescribe is PeekList for descriptions. Outputs are marked built when
// their store path exists (Describe asks the store properly).
func (e *Evaluator) PeekDescribe(path attr.Path) (*Description, bool) {
	var c cachedDescription
	if !e.peek("describe", path, &c) {
		return nil, false
	}
	d := &Description{Path: path, Kind: c.Kind, Name: string(c.Name), System: string(c.System), DrvPath: c.DrvPath,
		DrvError: string(c.DrvError), Description: string(c.Description), MainProgram: string(c.MainProgram),
		FilePath: string(c.FilePath), Value: c.Value, Length: c.Length, Count: c.Count, DefinedIn: c.DefinedIn,
		Facts: decodeFacts(c.Facts), FromCache: true, Warnings: c.Warnings}
	for _, o := range c.Outputs {
		_, err := os.Stat(o.Path)
		d.Outputs = append(d.Outputs, Output{Name: string(o.Name), Path: o.Path, Built: o.Path != "" && err == nil})
	}
	e.finishDescription(d)
	return d, true
}

// PeekInfo is PeekList for the header's platform facts (Info).
func (e *Evaluator) PeekInfo() (*Info, bool) {
	var i Info
	if !e.peek("info", nil, &i) {
		return nil, false
	}
	return &i, true
}

// peek has no request: a flake's key is asked for on the evaluator's own
// context, which Close cancels (the explorer closes it on quit).
func (e *Evaluator) peek(op string, path attr.Path, v any) bool {
	if e.Cache == nil || e.Refresh {
		return false
	}
	key := e.cacheKey(e.lifetime(), op, path)
	if key == "" {
		return false
	}
	hit, ok := e.Cache.Get(key)
	return ok && json.Unmarshal(hit.Value, v) == nil
}

// store writes an answer computed since the given time, with the files
// the backend evaluated so far (a superset of what it depends on).
func (e *Evaluator) store(ctx context.Context, op string, path attr.Path, since time.Time, v any) {
	if e.Cache == nil {
		return
	}
	dr, ok := e.Backend.(DepsReporter)
	if !ok {
		return
	}
	deps := dr.Deps()
	if deps == nil || !e.depsCoverTarget(deps) {
		return
	}
	key := e.cacheKey(ctx, op, path)
	if key == "" {
		return
	}
	b, err := json.Marshal(v)
	if err != nil {
		return
	}
	// A failed write only costs speed next time; ErrRacy is expected
	// while the user edits files. Anything else (a full disk) is said once.
	if err := e.Cache.Put(key, deps, since, b); err != nil && !errors.Is(err, cache.ErrRacy) && e.OnCacheError != nil {
		e.cacheErrOnce.Do(func() { e.OnCacheError(err) })
	}
}

// depsCoverTarget reports whether the files an answer was computed from
// include the configuration itself (classic: the nixos-config file; a
// flake: its flake.nix): an answer is served from the cache only while its
// files are unchanged, so a list that lacks them (Nix's -v output changed,
// or a file was read some way Nix does not report) must never be stored.
func (e *Evaluator) depsCoverTarget(deps []string) bool {
	t := e.Target
	var want func(string) bool
	switch {
	case t.Kind == Flake:
		want = func(d string) bool { return filepath.Base(d) == "flake.nix" }
	case t.ConfigFile != "" && filepath.IsAbs(t.ConfigFile):
		conf := t.ConfigFile
		if fi, err := os.Stat(conf); err == nil && fi.IsDir() {
			conf = filepath.Join(conf, "default.nix")
		}
		real, err := filepath.EvalSymlinks(conf)
		if err != nil {
			real = conf
		}
		want = func(d string) bool { return d == conf || d == real }
	default:
		return true // an --expr or a search-path file: nothing to require
	}
	for _, d := range deps {
		if want(d) {
			return true
		}
	}
	return false
}

// Remember stores a listing whose kinds were filled in after its names
// (the explorer asks for them row by row): since is when its names were
// asked for, so a file written after that keeps it out of the cache.
func (e *Evaluator) Remember(ctx context.Context, l Listing, since time.Time) {
	for _, c := range l.Children {
		if c.Kind == KindPending {
			return // never store half an answer
		}
	}
	e.storeListings(ctx, []Listing{l}, since)
}

func (e *Evaluator) storeListings(ctx context.Context, ls []Listing, since time.Time) {
	for _, l := range ls {
		cl := cachedListing{Children: make([]cachedChild, len(l.Children)), Warnings: l.Warnings}
		for i, c := range l.Children {
			cl.Children[i] = cachedChild{Name: attr.Wire(c.Name), Kind: c.Kind, Error: attr.Wire(c.Error), Warnings: c.Warnings}
		}
		e.store(ctx, "list", l.Path, since, cl)
	}
}

func (e *Evaluator) storeDescription(ctx context.Context, d *Description, since time.Time) {
	c := cachedDescription{Kind: d.Kind, Name: attr.Wire(d.Name), System: attr.Wire(d.System), DrvPath: d.DrvPath,
		DrvError: attr.Wire(d.DrvError), Description: attr.Wire(d.Description), MainProgram: attr.Wire(d.MainProgram),
		FilePath: attr.Wire(d.FilePath), Value: d.Value, Length: d.Length, Count: d.Count, DefinedIn: d.DefinedIn,
		Facts: encodeFacts(d.Facts), Warnings: d.Warnings}
	for _, o := range d.Outputs {
		c.Outputs = append(c.Outputs, cachedOutput{Name: attr.Wire(o.Name), Path: o.Path})
	}
	e.store(ctx, "describe", d.Path, since, c)
}

// OpenCache opens the default cache directory for an evaluator. On error
// (for instance an unwritable directory) the caller runs without a cache
// and warns once.
func OpenCache() (*cache.Cache, error) {
	dir, err := cache.DefaultDir()
	if err != nil {
		return nil, err
	}
	return cache.Open(dir)
}

// DepsReporter is a Backend that knows which files its answers so far were
// computed from (the disk cache keys on them).
type DepsReporter interface {
	// Deps returns the absolute paths of every Nix file evaluated for the
	// answers given so far (a superset is fine; nil means unknown).
	Deps() []string
}
