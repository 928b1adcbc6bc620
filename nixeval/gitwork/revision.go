package gitwork

import (
	"archive/tar"
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// RevisionError is a revision git cannot resolve in the repository.
type RevisionError struct {
	Root, Rev string
	Git       string // git's own message
}

func (e *RevisionError) Error() string {
	msg := fmt.Sprintf("no revision %q in the git repository %s", e.Rev, e.Root)
	if e.Git != "" {
		msg += ": " + e.Git
	}
	return msg
}

// Revision resolves rev (HEAD, a branch, a tag, a short hash) to the full
// hash of its commit in the repository at root. The revision is a user's
// word: it reaches git as one argument after --end-of-options, so a name
// starting with "-" is never read as an option.
func Revision(ctx context.Context, root, rev string) (string, error) {
	cmd := exec.CommandContext(ctx, "git", "-C", root, "rev-parse", "--verify", "--quiet", "--end-of-options", rev+"^{commit}")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) && ctx.Err() == nil {
			return "", &RevisionError{Root: root, Rev: rev, Git: strings.TrimSpace(stderr.String())}
		}
		return "", err
	}
	return strings.TrimSpace(string(out)), nil
}

// FlakeRefAt is the reference `nix build` reads for the flake in dir at the
// commit sha (a full hash, from Revision): git+file of the work tree's top
// with ?rev= and, for a flake below the top, ?dir=.
func FlakeRefAt(dir, sha string) (string, error) {
	ref, root := FlakeRef(dir)
	if root == "" {
		return "", fmt.Errorf("%s is not inside a git work tree", dir)
	}
	u, err := url.Parse(ref)
	if err != nil {
		return "", err
	}
	q := u.Query()
	q.Set("rev", sha)
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// Export writes the tree of commit sha of the repository at root into a
// new temporary directory, as TMP/<root's base name>, and returns that
// copy's path and the function that removes it. The base name is kept
// because `${./.}` names store paths after the directory: a copy under
// another name would change every derivation that holds the source.
// It reads `git archive`'s tar stream itself: no worktree (which writes
// into the repository and outlives a killed process), no shell.
func Export(ctx context.Context, root, sha string) (dir string, remove func(), err error) {
	tmp, err := os.MkdirTemp("", "nixplore-rev-")
	if err != nil {
		return "", nil, err
	}
	remove = func() { _ = os.RemoveAll(tmp) }
	dir = filepath.Join(tmp, filepath.Base(root))
	if err := os.Mkdir(dir, 0o755); err != nil {
		remove()
		return "", nil, err
	}
	cmd := exec.CommandContext(ctx, "git", "-C", root, "archive", "--format=tar", "--end-of-options", sha)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		remove()
		return "", nil, err
	}
	if err := cmd.Start(); err != nil {
		remove()
		return "", nil, err
	}
	untarErr := untar(tar.NewReader(stdout), dir)
	_, _ = io.Copy(io.Discard, stdout)
	waitErr := cmd.Wait()
	switch {
	case waitErr != nil:
		remove()
		return "", nil, fmt.Errorf("git archive %s in %s: %v: %s", sha, root, waitErr, strings.TrimSpace(stderr.String()))
	case untarErr != nil:
		remove()
		return "", nil, fmt.Errorf("unpacking git archive %s of %s: %w", sha, root, untarErr)
	}
	return dir, remove, nil
}

// untar writes a tar stream's files, directories and symbolic links below
// dir, refusing any entry that would land outside it.
func untar(tr *tar.Reader, dir string) error {
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		name := filepath.Clean(filepath.FromSlash(h.Name))
		if name == "." || h.Typeflag == tar.TypeXGlobalHeader {
			continue
		}
		if filepath.IsAbs(name) || name == ".." || strings.HasPrefix(name, ".."+string(filepath.Separator)) {
			return fmt.Errorf("entry %q leaves the directory", h.Name)
		}
		p := filepath.Join(dir, name)
		if err := noLinkBetween(dir, filepath.Dir(p)); err != nil {
			return fmt.Errorf("entry %q: %w", h.Name, err)
		}
		switch h.Typeflag {
		case tar.TypeDir:
			err = os.MkdirAll(p, 0o755)
		case tar.TypeSymlink:
			err = os.Symlink(h.Linkname, p)
		case tar.TypeReg:
			err = writeEntry(tr, p, os.FileMode(h.Mode).Perm())
		default:
			err = fmt.Errorf("entry %q: unexpected type %q", h.Name, h.Typeflag)
		}
		if err != nil {
			return err
		}
	}
}

func writeEntry(r io.Reader, p string, perm os.FileMode) error {
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, r); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// noLinkBetween checks that no directory from below dir down to p is a
// symbolic link, so an entry cannot be written through a link the stream
// made earlier (git never holds such a tree; a tar stream could).
func noLinkBetween(dir, p string) error {
	rel, err := filepath.Rel(dir, p)
	if err != nil || rel == "." {
		return err
	}
	cur := dir
	for _, part := range strings.Split(rel, string(filepath.Separator)) {
		cur = filepath.Join(cur, part)
		st, err := os.Lstat(cur)
		if errors.Is(err, os.ErrNotExist) {
			return nil
		}
		if err != nil {
			return err
		}
		if st.Mode()&os.ModeSymlink != 0 {
			return fmt.Errorf("%s is a symbolic link", cur)
		}
	}
	return nil
}
