// Package gitwork answers what Nix asks of a git work tree holding a
// flake: which reference names it, whether it is dirty, whether a file is
// tracked. It runs git only where a question needs it, and knows nothing
// of nixplore's other packages.
package gitwork

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// FlakeRef gives a flake directory the reference Nix itself gives it
// when a user types the directory to `nix build`: inside a git work tree,
// git+file of the work tree's top (with ?dir= for a flake below it), so
// only tracked files are seen; otherwise path: of the directory. Nix finds
// the work tree by looking upward for a .git entry (a directory, or a file
// in a linked work tree or submodule), and so does this, so no git program
// is needed to decide. Making the reference explicit means the evaluation
// and the printed `nix build` command name the same flake.
func FlakeRef(dir string) (ref, gitRoot string) {
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Lstat(filepath.Join(d, ".git")); err == nil {
			u := url.URL{Scheme: "git+file", Path: d}
			if rel, err := filepath.Rel(d, dir); err == nil && rel != "." {
				u.RawQuery = "dir=" + url.QueryEscape(filepath.ToSlash(rel))
			}
			return u.String(), d
		}
		if parent := filepath.Dir(d); parent == d {
			break
		}
	}
	return "path:" + dir, ""
}

// Dirty says whether the work tree differs from its last commit in a
// tracked file (or has no commit), which is when Nix warns "Git tree '…'
// is dirty": untracked files do not count, as they do not for Nix.
func Dirty(ctx context.Context, root string) (bool, error) {
	if err := exec.CommandContext(ctx, "git", "-C", root, "rev-parse", "--verify", "--quiet", "HEAD").Run(); err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return true, nil // no commit yet: everything is uncommitted
		}
		return false, err
	}
	out, err := exec.CommandContext(ctx, "git", "-C", root, "status", "--porcelain", "--untracked-files=no").Output()
	if err != nil {
		return false, err
	}
	return len(strings.TrimSpace(string(out))) > 0, nil
}

// Tracked says whether rel (relative to the work tree's top) is in
// git's index; a file added but not committed is tracked, as Nix sees it.
func Tracked(root, rel string) bool {
	return exec.Command("git", "-C", root, "ls-files", "--error-unmatch", "--", rel).Run() == nil
}

// NothingTracked says whether git tracks no file at all in the work tree
// at root: a fresh `git init`, nothing added yet, so Nix sees an empty
// flake source.
func NothingTracked(root string) bool {
	out, err := exec.Command("git", "-C", root, "ls-files", "-z").Output()
	return err == nil && len(out) == 0
}

// DirtyWarning is Nix's own words for a dirty work tree.
func DirtyWarning(root string) string { return fmt.Sprintf("warning: Git tree '%s' is dirty", root) }

// NixFiles lists the .nix files of a flake's source, relative to root: in
// a work tree (inGit) the tracked ones, as Nix sees no other; else every
// one below root. ok is false when git cannot list them.
func NixFiles(root string, inGit bool) (files []string, ok bool) {
	if inGit {
		out, err := exec.Command("git", "-C", root, "ls-files", "-z", "--", "*.nix").Output()
		if err != nil {
			return nil, false
		}
		return strings.Split(strings.TrimRight(string(out), "\x00"), "\x00"), true
	}
	_ = filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".nix") {
			r, _ := filepath.Rel(root, p)
			files = append(files, r)
		}
		return nil
	})
	return files, true
}
