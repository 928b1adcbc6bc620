package nixeval

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/nixeval/gitwork"
	"github.com/nixplore/nixplore/nixeval/nixproc"
)

// setLocalFlake fills the target's local-source facts from a reference
// nixplore made or a user gave as git+file:///… or path:/…: the work tree
// (for dirtiness and untracked files) and the flake's directory (for its
// lock file and missing files).
func setLocalFlake(t *Target) {
	switch {
	case strings.HasPrefix(t.FlakeRef, "git+file:"):
		u, err := url.Parse(t.FlakeRef)
		if err != nil || u.Path == "" {
			return
		}
		t.GitRoot = filepath.Clean(u.Path)
		t.FlakeDir = filepath.Join(t.GitRoot, filepath.FromSlash(u.Query().Get("dir")))
	case strings.HasPrefix(t.FlakeRef, "path:"):
		p, q, _ := strings.Cut(strings.TrimPrefix(t.FlakeRef, "path:"), "?")
		if !filepath.IsAbs(p) {
			return
		}
		t.FlakeDir = filepath.Clean(p)
		if v, err := url.ParseQuery(q); err == nil && v.Get("dir") != "" {
			t.FlakeDir = filepath.Join(t.FlakeDir, filepath.FromSlash(v.Get("dir")))
		}
	}
}

// sourceRoot is the directory the flake's store copy (…-source) holds:
// the work tree's top for git+file, the flake directory for path:.
func (t *Target) sourceRoot() string {
	if t.GitRoot != "" {
		return t.GitRoot
	}
	return t.FlakeDir
}

// lockWrittenRE finds Nix's note that it wrote a lock file: 2.8 says
// "creating lock file '/p/flake.lock'", 2.26 quotes the path twice, 2.34
// uses double quotes; "updating" when inputs changed.
var lockWrittenRE = regexp.MustCompile(`(creating|updating) lock file ['"]+([^'"]+)['"]+`)

// PrepareFlake does for a local flake what `nix build` does before it
// evaluates: it notes a dirty work tree and, unless --no-write-lock-file
// was given, writes a missing or outdated flake.lock (Nix also `git add`s
// a new one in a work tree). It returns what to tell the user, each once.
// Other targets need nothing.
func PrepareFlake(ctx context.Context, t *Target, tools Tools) ([]string, error) {
	if t.Kind != Flake || t.FlakeDir == "" {
		return nil, nil
	}
	var notes []string
	if t.GitRoot != "" {
		dirty, err := gitwork.Dirty(ctx, t.GitRoot)
		if err == nil && dirty {
			t.Dirty = true
			notes = append(notes, gitwork.DirtyWarning(t.GitRoot))
		}
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	args := []string{"--extra-experimental-features", "nix-command flakes"}
	if t.NoWriteLockFile {
		// Locks in memory only; Nix says so itself when they differ from
		// the file ("not writing modified lock file").
		args = append(args, "flake", "metadata", "--no-write-lock-file", t.FlakeRef)
	} else {
		args = append(args, "flake", "lock", t.FlakeRef)
	}
	args = append(args, commonArgs(t)...)
	res, err := (&nixproc.Command{Path: tools.Program("nix"), Args: args, Dir: t.Dir}).Run(ctx)
	if err != nil {
		var ne *nixproc.NixError
		if errors.As(err, &ne) {
			return notes, lockError(ctx, t, tools, ne)
		}
		return notes, err
	}
	stderr := string(res.Stderr)
	if m := lockWrittenRE.FindStringSubmatch(stderr); m != nil {
		notes = append(notes, fmt.Sprintf("wrote the lock file %s, as nix build does (--no-write-lock-file leaves it alone)", m[2]))
	} else if t.NoWriteLockFile && strings.Contains(stderr, "not writing modified lock file") {
		t.LockUnwritten = true
		notes = append(notes, "the flake's lock file is missing or out of date; not writing "+filepath.Join(t.FlakeDir, "flake.lock")+" (--no-write-lock-file): its inputs are locked for this run only")
	}
	return notes, nil
}

var (
	inputNameRE  = regexp.MustCompile(`while updating the flake input '([^']*)'`)
	inputURLRE   = regexp.MustCompile(`while fetching the input '([^']*)'`)
	downloadRE   = regexp.MustCompile(`unable to download '([^']*)'`)
	gitAccessRE  = regexp.MustCompile(`fatal: unable to access '([^']*)'`)
	lockFromFile = regexp.MustCompile(`requires lock file changes but they're not allowed`)
)

// lockError explains a failure to lock the flake's inputs, naming the
// input and where it comes from as far as Nix said (2.8 names only the
// URL it tried).
func lockError(ctx context.Context, t *Target, tools Tools, ne *nixproc.NixError) error {
	// The whole stderr: Nix's trace lines ("… while updating the flake
	// input") come before the last error block, and 2.8's git says the
	// URL on a line of its own.
	msg := ne.Stderr
	e := &EvalError{Kind: ErrFlakeInput, Nix: ne}
	name, from := "", ""
	if m := inputNameRE.FindStringSubmatch(msg); m != nil {
		name = m[1]
	}
	if m := inputURLRE.FindStringSubmatch(msg); m != nil {
		from = m[1]
	} else if m := downloadRE.FindStringSubmatch(msg); m != nil {
		from = m[1]
	} else if m := gitAccessRE.FindStringSubmatch(msg); m != nil {
		from = m[1]
	}
	if name == "" && from == "" {
		// Not an input: locking read the flake itself and failed on it
		// (an untracked flake.nix, a syntax error), as evaluating would.
		ev := Classify(ne)
		explainFlakeSource(t, ev)
		return ev
	}
	if name == "" {
		name = inputFor(ctx, t, tools, from)
	}
	switch {
	case name != "" && from != "":
		e.Summary = fmt.Sprintf("cannot fetch the flake input '%s' from %s", name, from)
	case from != "":
		e.Summary = "cannot fetch a flake input from " + from
	default:
		e.Summary = "cannot lock the inputs of flake " + t.FlakeRef
	}
	e.Details = []string{FirstLine(lastLine(ne.Message))}
	e.Hint = "Nix needs the input to lock the flake: check the network, or point the input at a local copy (nix flake lock --override-input NAME path:/some/dir)."
	return e
}

// inputFor finds which of the flake's declared inputs a URL Nix could not
// download belongs to, for a Nix (2.8) that does not say: the one input
// whose every URL part (github:NixOS/nixpkgs/x → NixOS, nixpkgs, x)
// appears in it. "" when not exactly one does. flake.nix is imported as a
// plain Nix file, its path passed as data.
func inputFor(ctx context.Context, t *Target, tools Tools, download string) string {
	const expr = `{ file }: builtins.mapAttrs (n: i: i.url or "") ((import (/. + file)).inputs or { })`
	res, err := (&nixproc.Command{Path: tools.Program("nix-instantiate"),
		Args: []string{"--eval", "--strict", "--json", "-E", expr, "--argstr", "file", filepath.Join(t.FlakeDir, "flake.nix")}}).Run(ctx)
	if err != nil {
		return ""
	}
	var inputs map[string]string
	if json.Unmarshal(res.Stdout, &inputs) != nil {
		return ""
	}
	found := ""
	for name, u := range inputs {
		_, rest, ok := strings.Cut(u, ":")
		if !ok || rest == "" {
			continue
		}
		all := true
		for _, part := range strings.FieldsFunc(rest, func(r rune) bool { return r == '/' || r == '?' || r == '&' || r == '=' }) {
			if !strings.Contains(download, part) {
				all = false
				break
			}
		}
		if !all {
			continue
		}
		if found != "" {
			return ""
		}
		found = name
	}
	return found
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}

// untrackedRE is Nix 2.34's own word on an untracked file it needed.
var untrackedRE = regexp.MustCompile(`Path '([^']*)' in the repository "[^"]*" is not tracked by Git`)

// storeSourceRE is a file inside a flake's store copy.
var storeSourceRE = regexp.MustCompile(`^/nix/store/[0-9a-z]{32}-source(?:/(.*))?$`)

// explainFlakeSource turns "file not found" inside a local flake's store
// copy into what the user can act on: a file that exists in the work tree
// but is not tracked (Nix copies only tracked files), or a file missing
// from the tree altogether, named with the file that imports it.
func explainFlakeSource(t *Target, e *EvalError) {
	if e == nil || t.Kind != Flake || t.FlakeDir == "" {
		return
	}
	if e.Nix != nil && lockFromFile.MatchString(e.Nix.Message) {
		e.Kind = ErrFlakeInput
		e.Summary = "the flake's lock file is missing or out of date, and this Nix evaluates a flake only with its lock file written"
		e.Hint = "Drop --no-write-lock-file so nixplore locks it as nix build does, or run: nix flake lock " + t.FlakeRef
		return
	}
	if e.Nix == nil {
		return
	}
	var rel string
	if m := untrackedRE.FindStringSubmatch(e.Nix.Message); m != nil && t.GitRoot != "" {
		// 2.34 says it itself (for flake.nix), naming the work tree.
		rel = filepath.FromSlash(m[1])
	} else {
		if e.Kind != ErrFileMissing {
			return
		}
		m := fileMissingRE.FindStringSubmatch(e.Nix.Message)
		if m == nil {
			return
		}
		sm := storeSourceRE.FindStringSubmatch(m[1])
		if sm == nil || sm[1] == "" {
			return
		}
		rel = filepath.FromSlash(sm[1])
	}
	local := filepath.Join(t.sourceRoot(), rel)
	if _, err := os.Lstat(local); err == nil && t.GitRoot != "" && !gitwork.Tracked(t.GitRoot, rel) {
		e.Kind = ErrUntracked
		e.Summary = fmt.Sprintf("%s is not tracked by git: a flake in a git work tree sees only tracked files, so Nix (and nix build) cannot read it", rel)
		e.Hint = "Track it (committing is not needed): " + gitAddCommand(t, local)
		return
	}
	e.Summary = fmt.Sprintf("file not found: %s is not in the flake's source (%s)", rel, t.sourceRoot())
	if imp := importerOf(t, rel); imp != "" {
		e.Summary += ", imported from " + imp
		e.Hint = "Create " + rel + " or fix the path in " + imp + "."
	} else {
		e.Hint = "Create " + rel + " or fix the path that refers to it."
	}
}

// gitAddCommand is the command to type in the directory nixplore started
// in: a relative path when that is inside the work tree, else git -C.
func gitAddCommand(t *Target, local string) string {
	if t.Dir != "" {
		if rel, err := filepath.Rel(t.Dir, local); err == nil && !strings.HasPrefix(rel, "..") {
			if inside, err := filepath.Rel(t.GitRoot, t.Dir); err == nil && !strings.HasPrefix(inside, "..") {
				return "git add " + attr.ShellQuote(rel)
			}
		}
	}
	rel, _ := filepath.Rel(t.GitRoot, local)
	return "git -C " + attr.ShellQuote(t.GitRoot) + " add " + attr.ShellQuote(rel)
}

// importerOf finds a .nix file of the flake's source that names the
// missing file (by its base name), so the error can say where it is
// imported from; "" when none or more than one does. In a work tree only
// tracked files count, as Nix sees no other.
func importerOf(t *Target, rel string) string {
	root := t.sourceRoot()
	files, ok := gitwork.NixFiles(root, t.GitRoot != "")
	if !ok {
		return ""
	}
	base := filepath.Base(rel)
	found := ""
	for _, f := range files {
		if f == "" || f == filepath.ToSlash(rel) {
			continue
		}
		b, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(f)))
		if err != nil || !strings.Contains(string(b), base) {
			continue
		}
		if found != "" {
			return ""
		}
		found = f
	}
	return found
}
