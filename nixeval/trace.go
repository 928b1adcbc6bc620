package nixeval

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/nixeval/diag"
	"github.com/nixplore/nixplore/nixeval/nixproc"
)

// Trace evaluates path again in a one-shot Nix with --show-trace and reads
// the chain: forcing the value, and a derivation's drvPath, as listing and
// describing do. A value that evaluates now gives a Trace without Err.
func (e *Evaluator) Trace(ctx context.Context, p attr.Path) (*diag.Trace, error) {
	ctx, cancel := e.withTimeout(ctx)
	defer cancel()
	o := &OneShot{Target: e.Target, Tools: e.Tools, ShowTrace: true}
	raw, err := o.Eval(ctx, Request{Op: "trace", Path: p})
	tr := &diag.Trace{Path: p}
	if err == nil {
		var w walkStatus
		if err := json.Unmarshal(raw, &w); err != nil {
			return nil, &diag.EvalError{Kind: diag.ErrNotNix, Summary: "could not read Nix's answer: " + err.Error(), Hint: "Nix printed: " + diag.Clip(string(raw), 200)}
		}
		if w.Status != "ok" {
			return nil, e.pathError(p, w)
		}
		return tr, nil
	}
	var ne *nixproc.NixError
	if !errors.As(err, &ne) || ne.Killed {
		return nil, e.userError(ctx, err)
	}
	frames, unread := diag.TraceRead(ne.Stderr, wrapperExpr)
	tr.Frames = frames
	locate(tr, e.Target)
	tr.Err = e.userError(ctx, err)
	var ee *diag.EvalError
	if errors.As(tr.Err, &ee) {
		ee.Where = tr.Where()
		if unread != nil {
			ee.Hint = strings.TrimSpace(ee.Hint + "\n" + unread.Error())
		}
		if ee.Kind == diag.ErrInfiniteRecursion && tr.Option != "" {
			ee.Hint = "The option " + tr.Option + " depends on itself, perhaps through other options: look at its definitions (and what they read) in your files."
		}
	}
	return tr, nil
}

// The frames that name an option and a file of definitions; the quotes
// around the name are any of those Nix versions use.
var (
	optionFrameRE = regexp.MustCompile("^while evaluating the option [`'‘](.+)['’]:$")
	defsFrameRE   = regexp.MustCompile("^while evaluating definitions from [`'‘](.+)['’]:$")
)

// locate reads the option and the user's file from the frames: the
// innermost option Nix names, and the innermost place outside nixpkgs and
// nixplore (a location, or the file of `while evaluating definitions
// from`), a flake's store copy read back as the file in its directory.
func locate(t *diag.Trace, tg *Target) {
	userFile := func(f string) (string, bool) {
		if !filepath.IsAbs(f) || strings.HasPrefix(f, "//") || diag.IsWrapperFile(f) {
			return "", false
		}
		if _, ok := diag.NixpkgsRelative(f); ok {
			return "", false
		}
		return localSource(tg, f), true
	}
	found := false
	for i := range t.Frames {
		f := &t.Frames[i]
		if t.Option == "" {
			if m := optionFrameRE.FindStringSubmatch(f.Text); m != nil {
				t.Option = m[1]
			}
		}
		if found || f.Nixpkgs {
			continue
		}
		if file, ok := userFile(f.File); ok {
			t.File, t.Line, t.Column = file, f.Line, f.Column
			f.User, found = true, true
			continue
		}
		if m := defsFrameRE.FindStringSubmatch(f.Text); m != nil {
			if file, ok := userFile(m[1]); ok {
				t.File = file
				f.User, found = true, true
			}
		}
	}
}

// localSource is a file of a local flake's store copy as the file in the
// flake's directory, which the user edits; any other path as it is.
func localSource(t *Target, file string) string {
	if t == nil || t.Kind != Flake || t.FlakeDir == "" {
		return file
	}
	m := storeSourceRE.FindStringSubmatch(file)
	if m == nil || m[1] == "" {
		return file
	}
	local := filepath.Join(t.sourceRoot(), filepath.FromSlash(m[1]))
	if _, err := os.Stat(local); err != nil {
		return file
	}
	return local
}
