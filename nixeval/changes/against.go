package changes

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/nixeval/gitwork"
	"github.com/nixplore/nixplore/nixeval/nixproc"
)

// Before is the old side of a comparison: the configuration at a git
// revision (Target), or a built system (System).
type Before struct {
	// Label says what the old side is, for headings: "HEAD (1a2b3c4d)",
	// "/run/current-system".
	Label string
	// Target evaluates the configuration as it was at the revision.
	Target *nixeval.Target
	// System is the deriver of a built system when comparing against one.
	System *SystemSide
	// Rev is the revision's full commit hash ("" for a system).
	Rev string
	// Note says what the old side costs beyond an evaluation: a flake
	// whose lock at the revision names other inputs than the one on disk
	// (an older nixpkgs), which Nix fetches unless they are in the store.
	Note string
	// Remove deletes the revision's exported tree (classic configurations);
	// never nil.
	Remove func()
}

// NotInGitError is a configuration outside any git repository compared
// against a revision.
type NotInGitError struct{ What string }

func (e *NotInGitError) Error() string {
	return e.What + " is not inside a git repository, so there is no revision to compare with. " +
		"Compare with a built system instead: nixplore diff --against /run/current-system " +
		"(or a generation such as /nix/var/nix/profiles/system-42-link), or put the configuration in git (git init; git add; git commit)."
}

// AtRevision returns the target t as it was at revision rev of the git
// repository that holds it. A flake is read as `nix build` would read it:
// git+file with ?rev= (the revision's own flake.lock; an input it locks
// that is not in the store is fetched, or fails under --offline). A
// classic configuration file is evaluated from the revision's tree,
// exported beside nothing else; the -I entries that point into the same
// repository point into the export too, the others (a channel's nixpkgs)
// stay as they are.
func AtRevision(ctx context.Context, t *nixeval.Target, rev string) (*Before, error) {
	switch {
	case t.Kind == nixeval.Flake && t.GitRoot != "":
		sha, err := gitwork.Revision(ctx, t.GitRoot, rev)
		if err != nil {
			return nil, err
		}
		ref, err := gitwork.FlakeRefAt(t.FlakeDir, sha)
		if err != nil {
			return nil, err
		}
		old := *t
		old.FlakeRef, old.FlakeDir, old.GitRoot = ref, "", ""
		old.Dirty, old.LockUnwritten = false, false
		old.NoWriteLockFile = true
		old.ChosenBy = "--flake " + ref + "#" + t.Host
		b := &Before{Label: label(rev, sha), Rev: sha, Target: &old, Remove: func() {}}
		if lockDiffers(ctx, t, sha) {
			b.Note = "flake.lock at " + b.Label + " locks other inputs than the one on disk: Nix fetches those it does not have in the store (an older nixpkgs is a download)"
		}
		return b, nil
	case t.Kind == nixeval.Flake:
		return nil, &NotInGitError{What: "the flake " + t.FlakeRef}
	case t.Kind == nixeval.Expr:
		return nil, errors.New("an --expr has no revision to compare with: diff a configuration file or a flake")
	}
	file := t.ConfigFile
	if t.File != "<nixpkgs/nixos>" {
		file = t.File
	}
	_, root := gitwork.FlakeRef(filepath.Dir(file))
	if root == "" {
		return nil, &NotInGitError{What: file}
	}
	sha, err := gitwork.Revision(ctx, root, rev)
	if err != nil {
		return nil, err
	}
	dir, remove, err := gitwork.Export(ctx, root, sha)
	if err != nil {
		return nil, err
	}
	moved := func(p string) string {
		if rel, err := filepath.Rel(root, p); err == nil && rel != ".." && !strings.HasPrefix(rel, "../") {
			return filepath.Join(dir, rel)
		}
		return p
	}
	old := *t
	old.SearchPath = make([]string, len(t.SearchPath))
	for i, e := range t.SearchPath {
		name, p, ok := strings.Cut(e, "=")
		if !ok {
			old.SearchPath[i] = moved(e)
			continue
		}
		old.SearchPath[i] = name + "=" + moved(p)
	}
	if t.ConfigFile != "" {
		old.ConfigFile = moved(t.ConfigFile)
		if nixeval.ConfigFromSearchPath(t.SearchPath) == "" {
			// From NIXOS_CONFIG or NIX_PATH: name it on the command line,
			// which <nixos-config> then resolves to.
			old.SearchPath = append([]string{"nixos-config=" + old.ConfigFile}, old.SearchPath...)
		}
	}
	if old.File != "<nixpkgs/nixos>" {
		old.File = moved(old.File)
	}
	if _, err := os.Stat(moved(file)); err != nil {
		remove()
		return nil, fmt.Errorf("%s is not in revision %s of %s: nothing to compare with", file, rev, root)
	}
	return &Before{Label: label(rev, sha), Rev: sha, Target: &old, Remove: remove}, nil
}

func label(rev, sha string) string {
	if strings.HasPrefix(sha, rev) {
		return sha[:12]
	}
	return rev + " (" + sha[:12] + ")"
}

// SystemSide is a built system as the old side: only its toplevel, the
// derivation that built it.
type SystemSide struct {
	Path    string // the system as given: a store path or a link to one
	DrvPath string // its deriver, present in the store
}

// NoDeriverError is a built system whose derivation is not in the store
// any more (garbage-collected, or copied from another machine).
type NoDeriverError struct {
	System, Deriver string
}

func (e *NoDeriverError) Error() string {
	if e.Deriver == "" {
		return "the store does not say which derivation built " + e.System + " (copied from another machine or a binary cache?): there is nothing to compare with"
	}
	return "the derivation that built " + e.System + " (" + e.Deriver + ") is no longer in the store (garbage-collected): " +
		"compare against a git revision instead (--against HEAD), or keep derivations with keep-derivations = true in nix.conf"
}

// AtSystem returns the old side for a built system: a store path or a link
// to one (/run/current-system, /nix/var/nix/profiles/system-42-link).
func AtSystem(ctx context.Context, tools nixeval.Tools, system string) (*Before, error) {
	res, err := (&nixproc.Command{Path: tools.Program("nix-store"), Args: []string{"--query", "--deriver", "--", system}}).Run(ctx)
	if err != nil {
		return nil, fmt.Errorf("which derivation built %s: %w", system, err)
	}
	drv := strings.TrimSpace(string(res.Stdout))
	if drv == "" || drv == "unknown-deriver" {
		return nil, &NoDeriverError{System: system}
	}
	if _, err := os.Stat(drv); err != nil {
		return nil, &NoDeriverError{System: system, Deriver: drv}
	}
	return &Before{Label: system, System: &SystemSide{Path: system, DrvPath: drv}, Remove: func() {}}, nil
}

// Names: a built system is one derivation, no set (Values never says
// "attrs"), so Compare never asks.
func (s *SystemSide) Names(context.Context, attr.Path) ([]string, error) {
	return nil, errors.New("a built system has no children to list")
}

// Values answers the built system's derivation for the one path asked
// (config.system.build.toplevel, or the classic root's `system`).
func (s *SystemSide) Values(_ context.Context, paths []attr.Path) ([]Value, error) {
	out := make([]Value, len(paths))
	for i := range paths {
		out[i] = Value{Kind: nixeval.KindDerivation, DrvPath: s.DrvPath}
	}
	return out, nil
}

// lockDiffers says whether the flake's lock file at commit sha differs
// from the one on disk (either missing counts as different when the
// other is there).
func lockDiffers(ctx context.Context, t *nixeval.Target, sha string) bool {
	rel, err := filepath.Rel(t.GitRoot, filepath.Join(t.FlakeDir, "flake.lock"))
	if err != nil {
		return false
	}
	then, errThen := exec.CommandContext(ctx, "git", "-C", t.GitRoot, "show", "--end-of-options", sha+":"+filepath.ToSlash(rel)).Output()
	now, errNow := os.ReadFile(filepath.Join(t.FlakeDir, "flake.lock"))
	if errThen != nil || errNow != nil {
		return (errThen == nil) != (errNow == nil)
	}
	return string(then) != string(now)
}
