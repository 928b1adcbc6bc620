package nixeval

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/nixplore/nixplore/cache"
	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/nixeval/diag"
	"github.com/nixplore/nixplore/nixeval/nixproc"
)

// Kinds of nodes, as `ls --json` prints them.
const (
	KindDerivation = "derivation"
	KindAttrs      = "attrs"
	KindList       = "list"
	KindString     = "string"
	KindPath       = "path"
	KindInt        = "int"
	KindFloat      = "float"
	KindBool       = "bool"
	KindNull       = "null"
	KindFunction   = "function"
	KindError      = "error"
	KindAbsent     = "absent"
)

// Child is one attribute of a listed set.
type Child struct {
	Name  string    `json:"name"`
	Path  attr.Path `json:"-"`
	Kind  string    `json:"kind"`
	Error string    `json:"error,omitempty"`
	// Warnings are what Nix printed evaluating this child's kind.
	Warnings []diag.Warning `json:"-"`
}

// Listing is the children of one attribute set.
type Listing struct {
	Path     attr.Path
	Children []Child
	// FromCache is set when the answer came from the disk cache and has not
	// been re-checked against Nix in this session.
	FromCache bool
	// Warnings are what Nix printed reaching the set (its children's own
	// are theirs; AllWarnings has both).
	Warnings []diag.Warning
}

// Evaluator answers questions about one target through a Backend.
type Evaluator struct {
	Target  *Target
	Backend Backend
	Tools   Tools
	// Parallel bounds the child-by-child fallback's concurrent requests.
	Parallel int
	// Cache, when set, keeps listings and descriptions on disk for
	// PeekList and PeekDescribe (diskcache.go).
	Cache *cache.Cache
	// Refresh makes Peek miss: answers are computed again (and stored).
	Refresh bool
	// OnCacheError, when set, hears the first failure to write the cache
	// (a full disk): answers still come, only the next start is slower.
	OnCacheError func(error)
	cacheErrOnce sync.Once

	// warned remembers every warning by the path that printed it: a warm
	// evaluator prints a value's warnings only the first time it evaluates
	// it, and every later answer about that path still reports them.
	warned diag.WarningMemo

	keyMu   sync.Mutex
	keyDone bool
	keyBase string

	// life is cancelled by Close: what runs for the evaluator rather than
	// for one request (a Peek's flake key) ends with it.
	lifeOnce   sync.Once
	life       context.Context
	lifeCancel context.CancelFunc
}

// New returns an evaluator using one Nix process per request.
func New(t *Target, tools Tools) *Evaluator {
	return &Evaluator{Target: t, Backend: &OneShot{Target: t, Tools: tools}, Tools: tools, Parallel: 4}
}

// Close ends the backend's processes and whatever else runs for the
// evaluator.
func (e *Evaluator) Close() error {
	e.lifetime()
	e.lifeCancel()
	return e.Backend.Close()
}

func (e *Evaluator) lifetime() context.Context {
	e.lifeOnce.Do(func() { e.life, e.lifeCancel = context.WithCancel(context.Background()) })
	return e.life
}

func (e *Evaluator) withTimeout(ctx context.Context) (context.Context, context.CancelFunc) {
	if e.Target.Timeout > 0 {
		return context.WithTimeout(ctx, e.Target.Timeout)
	}
	return context.WithCancel(ctx)
}

// eval runs one request and decodes its answer, turning Nix failures into
// errors a user can act on.
func (e *Evaluator) eval(ctx context.Context, req Request, out any) error {
	ctx, cancel := e.withTimeout(ctx)
	defer cancel()
	if len(req.Paths) > 0 && req.Mark == "" {
		req.Mark = newMark()
	}
	ctx, sink := diag.CollectWarnings(ctx)
	raw, err := e.Backend.Eval(ctx, req)
	e.warned.Note(sink.Warnings())
	if err != nil {
		return e.userError(ctx, err)
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return &diag.EvalError{Kind: diag.ErrNotNix, Summary: "could not read Nix's answer: " + err.Error(), Hint: "Nix printed: " + diag.Clip(string(raw), 200)}
	}
	return nil
}

// userError turns a backend failure into the error a user reads: a timeout
// as such, Nix's message classified.
func (e *Evaluator) userError(ctx context.Context, err error) error {
	var ce *nixproc.CancelledError
	if errors.As(err, &ce) && errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return &diag.EvalError{Kind: diag.ErrTimeout, Summary: fmt.Sprintf("evaluation timed out after %s", e.Target.Timeout),
			Hint: "Raise --timeout, or look for an evaluation that never ends (a value that loops)."}
	}
	var ne *nixproc.NixError
	if errors.As(err, &ne) {
		// Nix's message may point into nixplore's own expression; the
		// user can act only on their own files and words.
		shown := *ne
		shown.Message = diag.HideWrapperLocations(ne.Message, wrapperExpr)
		ev := diag.Classify(&shown)
		ExplainFlakeSource(e.Target, ev)
		return ev
	}
	return err
}

// walkStatus is the wrapper's answer when a path cannot be walked.
type walkStatus struct {
	Status    string      `json:"status"`
	Depth     int         `json:"depth"`
	Missing   attr.Wire   `json:"missing"`
	Available []attr.Wire `json:"available"`
	Kind      string      `json:"kind"`
	Hosts     []attr.Wire `json:"hosts"`
	Outputs   []string    `json:"flakeOutputs"`
}

// pathError explains a walk that stopped before the end of path.
func (e *Evaluator) pathError(path attr.Path, w walkStatus) error {
	switch w.Status {
	case "nohost":
		return &diag.EvalError{Kind: diag.ErrFlakeHost,
			Summary: fmt.Sprintf("flake %s has no nixosConfigurations.%s; the hosts it has are:", e.Target.FlakeRef, attr.Quote(e.Target.Host)),
			Hint:    "Pick one with --flake " + e.Target.FlakeRef + "#HOST.", Details: attr.WireStrings(w.Hosts)}
	case "noconfigs":
		return &diag.EvalError{Kind: diag.ErrFlakeHost,
			Summary: fmt.Sprintf("flake %s has no nixosConfigurations output", e.Target.FlakeRef),
			Hint:    "Its outputs are: " + strings.Join(w.Outputs, ", ")}
	case "missing":
		return &diag.MissingAttrError{Path: path, Missing: string(w.Missing), Parent: path[:w.Depth], Suggest: attr.Suggest(string(w.Missing), attr.WireStrings(w.Available), 3)}
	case "notattrs":
		return &diag.MissingAttrError{Path: path, Parent: path[:w.Depth], NotAttrs: w.Kind}
	}
	return fmt.Errorf("unexpected answer %q for %s", w.Status, path)
}

type listAnswer struct {
	walkStatus
	Children []struct {
		Name attr.Wire `json:"name"`
		Kind string    `json:"kind"`
	} `json:"children"`
}

// List returns the children of each attribute set in paths. All paths share
// one evaluation; when an error that tryEval cannot catch aborts it, each
// path is listed child by child so one broken child never hides its
// siblings. Listing never instantiates a derivation.
func (e *Evaluator) List(ctx context.Context, paths ...attr.Path) ([]Listing, error) {
	since := time.Now()
	ctx, sink := diag.CollectWarnings(ctx)
	out, err := e.list(ctx, paths...)
	if err == nil {
		giveListingsWarnings(out, sink.Warnings())
		e.storeListings(ctx, out, since)
	}
	return out, err
}

func (e *Evaluator) list(ctx context.Context, paths ...attr.Path) ([]Listing, error) {
	if _, ok := e.Backend.(Concurrent); ok {
		// Warm evaluators: names first, kinds a few children per request,
		// spread over the workers (the same machinery the explorer uses).
		out := make([]Listing, len(paths))
		for i, p := range paths {
			l, err := e.Names(ctx, p)
			if err != nil {
				return nil, err
			}
			if err := e.kindsInBatches(ctx, l.Children, nil); err != nil {
				return nil, err
			}
			out[i] = *l
		}
		return out, nil
	}
	var answers []listAnswer
	err := e.eval(ctx, Request{Op: "list", Paths: paths}, &answers)
	if err == nil && len(answers) != len(paths) {
		err = fmt.Errorf("nix answered %d listings for %d paths", len(answers), len(paths))
	}
	if err != nil {
		if !fallbackHelps(err) {
			return nil, err
		}
		out := make([]Listing, len(paths))
		for i, p := range paths {
			l, err := e.listChildByChild(ctx, p)
			if err != nil {
				return nil, err
			}
			out[i] = *l
		}
		return out, nil
	}
	out := make([]Listing, len(paths))
	for i, a := range answers {
		p := paths[i]
		if err := e.walkError(ctx, p, a.walkStatus); err != nil {
			return nil, err
		}
		children := make([]Child, len(a.Children))
		for j, c := range a.Children {
			children[j] = Child{Name: string(c.Name), Path: p.Child(string(c.Name)), Kind: c.Kind}
		}
		out[i] = Listing{Path: p, Children: children}
		e.fillErrors(ctx, out[i].Children)
	}
	return out, nil
}

// fallbackHelps reports whether listing child by child can get past err:
// only for failures inside a value that tryEval cannot catch, not for a
// configuration that fails as a whole.
func fallbackHelps(err error) bool {
	var ee *diag.EvalError
	if !errors.As(err, &ee) {
		return false
	}
	switch ee.Kind {
	case diag.ErrMissingAttr, diag.ErrInfiniteRecursion, diag.ErrType, diag.ErrThrow, diag.ErrOther, diag.ErrIFD:
		return ee.Nix != nil && !ee.Nix.Killed
	}
	return false
}

// walkError is the error of a walk to path that did not end "ok": the
// value on the way throws (Nix's own message, from forcing it again
// unprotected), or the path is missing or goes through a non-set.
func (e *Evaluator) walkError(ctx context.Context, path attr.Path, w walkStatus) error {
	switch w.Status {
	case "ok":
		return nil
	case "error":
		return e.forceError(ctx, path)
	}
	return e.pathError(path, w)
}

// forceError evaluates path unprotected and returns the error Nix gives.
func (e *Evaluator) forceError(ctx context.Context, p attr.Path) error {
	var w walkStatus
	if err := e.eval(ctx, Request{Op: "force", Path: p}, &w); err != nil {
		return err
	}
	if w.Status != "ok" {
		return e.pathError(p, w)
	}
	return fmt.Errorf("%s failed to evaluate once but not again", p)
}

// fillErrors asks Nix for the message of every child that failed, since
// tryEval only says that it failed.
func (e *Evaluator) fillErrors(ctx context.Context, children []Child) {
	e.forEach(ctx, children, func(c *Child) bool { return c.Kind == KindError && c.Error == "" }, func(c *Child) {
		c.Error = ErrorText(e.forceError(ctx, c.Path))
	})
}

func (e *Evaluator) forEach(ctx context.Context, children []Child, want func(*Child) bool, do func(*Child)) {
	n := e.Parallel
	if n < 1 {
		n = 1
	}
	sem := make(chan struct{}, n)
	var wg sync.WaitGroup
	for i := range children {
		c := &children[i]
		if !want(c) {
			continue
		}
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			do(c)
		}()
	}
	wg.Wait()
}

func (e *Evaluator) listChildByChild(ctx context.Context, p attr.Path) (*Listing, error) {
	l, err := e.Names(ctx, p)
	if err != nil {
		return nil, err
	}
	e.forEach(ctx, l.Children, func(*Child) bool { return true }, func(c *Child) {
		var w walkStatus
		if err := e.eval(ctx, Request{Op: "force", Path: c.Path}, &w); err != nil {
			c.Kind, c.Error = KindError, ErrorText(err)
			return
		}
		c.Kind = w.Kind
	})
	if err := ctx.Err(); err != nil {
		return nil, &nixproc.CancelledError{Command: "listing " + p.String(), Cause: err}
	}
	return l, nil
}

// ErrorText is the one-paragraph form of an error for a node's message:
// the explanation, then Nix's own text.
func ErrorText(err error) string {
	if err == nil {
		return ""
	}
	var ee *diag.EvalError
	if errors.As(err, &ee) {
		s := ee.Summary
		switch {
		case ee.Where != "":
			s += " (" + ee.Where + ")"
		case ee.Location != "":
			s += " (at " + ee.Location + ")"
		}
		for _, d := range ee.Details {
			s += "\n- " + d
		}
		if ee.Nix != nil && ee.Nix.Message != "" && !ee.SaysAllNixSaid() {
			nixMsg := strings.TrimSpace(strings.TrimPrefix(ee.Nix.Message, "error:"))
			if strings.Contains(nixMsg, ee.Summary) {
				return nixMsg
			}
			if rest := notSaidIn(s, nixMsg); rest != "" {
				s += "\n" + rest
			}
		}
		return s
	}
	return err.Error()
}

// notSaidIn is what of Nix's message msg the explanation s does not say
// already, so a node's message says it once: a syntax error's summary
// holds Nix's "syntax error, unexpected …" line and its location, and
// only the code excerpt below them is new.
func notSaidIn(s, msg string) string {
	said := func(l string) bool {
		l = strings.TrimSuffix(strings.TrimSpace(l), ":")
		if l == "" {
			return false
		}
		if strings.Contains(s, l) || strings.Contains(s, strings.TrimPrefix(l, "at ")) {
			return true
		}
		// "syntax error, unexpected '='" restated as "…: unexpected '='".
		_, rest, ok := strings.Cut(l, ", ")
		return ok && len(rest) >= 12 && strings.Contains(s, rest)
	}
	var keep []string
	for _, l := range strings.Split(msg, "\n") {
		switch {
		case said(l):
		case strings.TrimSpace(l) == "" && (len(keep) == 0 || strings.TrimSpace(keep[len(keep)-1]) == ""):
		default:
			keep = append(keep, l)
		}
	}
	return strings.TrimRight(strings.Join(keep, "\n"), "\n ")
}

// Count says n things in English: "1 attribute", "0 derivations".
func Count(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return fmt.Sprintf("%d %ss", n, thing)
}

// AKind names a kind with its article: "an attribute set", "a list".
func AKind(kind string) string {
	switch kind {
	case KindAttrs:
		return "an attribute set"
	case KindList:
		return "a list"
	case KindInt:
		return "an int"
	}
	return "a " + kind
}
