package nixeval

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/nixeval/diag"
	"github.com/nixplore/nixplore/nixeval/gitwork"
)

// sourceRoot is the directory the flake's store copy (…-source) holds:
// the work tree's top for git+file, the flake directory for path:.
func (t *Target) sourceRoot() string {
	if t.GitRoot != "" {
		return t.GitRoot
	}
	return t.FlakeDir
}

// lockFromFile is Nix refusing to evaluate a flake whose lock file it
// may not write (Nix 2.8 with --no-write-lock-file).
var lockFromFile = regexp.MustCompile(`requires lock file changes but they're not allowed`)

// untrackedRE is Nix 2.34's own word on an untracked file it needed.
var untrackedRE = regexp.MustCompile(`Path '([^']*)' in the repository "[^"]*" is not tracked by Git`)

// storeSourceRE is a file inside a flake's store copy.
var storeSourceRE = regexp.MustCompile(`^/nix/store/[0-9a-z]{32}-source(?:/(.*))?$`)

// ExplainFlakeSource turns "file not found" inside a local flake's store
// copy into what the user can act on: a file that exists in the work tree
// but is not tracked (Nix copies only tracked files), or a file missing
// from the tree altogether, named with the file that imports it.
func ExplainFlakeSource(t *Target, e *diag.EvalError) {
	if e == nil || t.Kind != Flake || t.FlakeDir == "" {
		return
	}
	if e.Nix != nil && lockFromFile.MatchString(e.Nix.Message) {
		e.Kind = diag.ErrFlakeInput
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
		if e.Kind != diag.ErrFileMissing {
			return
		}
		missing, ok := diag.MissingFile(e.Nix.Message)
		if !ok {
			return
		}
		sm := storeSourceRE.FindStringSubmatch(missing)
		if sm == nil || sm[1] == "" {
			return
		}
		rel = filepath.FromSlash(sm[1])
	}
	local := filepath.Join(t.sourceRoot(), rel)
	if _, err := os.Lstat(local); err == nil && t.GitRoot != "" && gitwork.NothingTracked(t.GitRoot) {
		// A fresh git init: naming one file at a time would take the
		// user through every file of the flake.
		e.Kind = diag.ErrUntracked
		e.Summary = fmt.Sprintf("git tracks no file in %s yet (a fresh git init?): a flake in a git work tree sees only tracked files, so Nix (and nix build) cannot read %s", t.GitRoot, rel)
		e.Hint = "Track the flake's files (committing is not needed): " + gitAddCommand(t, t.GitRoot)
		return
	}
	if _, err := os.Lstat(local); err == nil && t.GitRoot != "" && !gitwork.Tracked(t.GitRoot, rel) {
		e.Kind = diag.ErrUntracked
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
