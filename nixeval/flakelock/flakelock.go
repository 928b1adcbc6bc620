// Package flakelock does for a local flake what nix build does before it
// evaluates: note a dirty work tree, write a missing or outdated lock file
// (or, asked not to, say so), and explain inputs that cannot be fetched.
package flakelock

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/diag"
	"github.com/nixplore/nixplore/nixeval/gitwork"
	"github.com/nixplore/nixplore/nixeval/nixproc"
)

// lockWrittenRE finds Nix's note that it wrote a lock file: 2.8 says
// "creating lock file '/p/flake.lock'", 2.26 quotes the path twice, 2.34
// uses double quotes; "updating" when inputs changed.
var lockWrittenRE = regexp.MustCompile(`(creating|updating) lock file ['"]+([^'"]+)['"]+`)

// Prepare does for a local flake what `nix build` does before it
// evaluates: it notes a dirty work tree and, unless --no-write-lock-file
// was given, writes a missing or outdated flake.lock (Nix also `git add`s
// a new one in a work tree). It returns what to tell the user, each once.
// Other targets need nothing.
func Prepare(ctx context.Context, t *nixeval.Target, tools nixeval.Tools) ([]string, error) {
	if t.Kind != nixeval.Flake || t.FlakeDir == "" {
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
	args = append(args, nixeval.CommonArgs(t)...)
	res, err := (&nixproc.Command{Path: tools.Program("nix"), Args: args, Dir: t.Dir}).Run(ctx)
	if err != nil {
		var ne *nixproc.NixError
		if errors.As(err, &ne) {
			return notes, lockError(ctx, t, tools, ne)
		}
		return notes, err
	}
	switch note, written, unwritten := lockNote(string(res.Stderr), t.NoWriteLockFile); {
	case written != "":
		notes = append(notes, fmt.Sprintf("wrote the lock file %s, as nix build does (--no-write-lock-file leaves it alone)", written))
	case unwritten:
		t.LockUnwritten = true
		notes = append(notes, "the flake's lock file is missing or out of date; not writing "+filepath.Join(t.FlakeDir, "flake.lock")+" (--no-write-lock-file): its inputs are locked for this run only")
	case note != "":
		notes = append(notes, note)
	}
	return notes, nil
}

// lockSaidRE is any line of Nix's about the lock file: one that
// lockWrittenRE and the --no-write-lock-file note do not read is a
// wording nixplore does not know.
var lockSaidRE = regexp.MustCompile(`(?i)lock ?file`)

// lockNote reads what `nix flake lock` (or `nix flake metadata
// --no-write-lock-file`) said about the lock file: the file it wrote,
// that it did not write one, or, for a line about the lock file in a
// wording nixplore does not know, a note quoting it (never read as
// "nothing happened").
func lockNote(stderr string, noWrite bool) (note, written string, unwritten bool) {
	if m := lockWrittenRE.FindStringSubmatch(stderr); m != nil {
		return "", m[2], false
	}
	if noWrite && strings.Contains(stderr, "not writing modified lock file") {
		return "", "", true
	}
	for _, l := range strings.Split(nixproc.StripANSI(stderr), "\n") {
		if lockSaidRE.MatchString(l) {
			return "nixplore did not recognise what Nix said about the flake's lock file (a newer Nix may word it differently): " + strings.TrimSpace(l), "", false
		}
	}
	return "", "", false
}

var (
	inputNameRE = regexp.MustCompile(`while updating the flake input '([^']*)'`)
	inputURLRE  = regexp.MustCompile(`while fetching the input '([^']*)'`)
	downloadRE  = regexp.MustCompile(`unable to download '([^']*)'`)
	gitAccessRE = regexp.MustCompile(`fatal: unable to access '([^']*)'`)
)

// lockError explains a failure to lock the flake's inputs, naming the
// input and where it comes from as far as Nix said (2.8 names only the
// URL it tried).
func lockError(ctx context.Context, t *nixeval.Target, tools nixeval.Tools, ne *nixproc.NixError) error {
	// The whole stderr: Nix's trace lines ("… while updating the flake
	// input") come before the last error block, and 2.8's git says the
	// URL on a line of its own.
	msg := ne.Stderr
	e := &diag.EvalError{Kind: diag.ErrFlakeInput, Nix: ne}
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
		ev := diag.Classify(ne)
		nixeval.ExplainFlakeSource(t, ev)
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
	e.Details = []string{diag.FirstLine(lastLine(ne.Message))}
	e.Hint = "Nix needs the input to lock the flake: check the network, or point the input at a local copy (nix flake lock --override-input NAME path:/some/dir)."
	return e
}

// inputFor finds which of the flake's declared inputs a URL Nix could not
// download belongs to, for a Nix (2.8) that does not say: the one input
// whose every URL part (github:NixOS/nixpkgs/x → NixOS, nixpkgs, x)
// appears in it. "" when not exactly one does. flake.nix is imported as a
// plain Nix file, its path passed as data.
func inputFor(ctx context.Context, t *nixeval.Target, tools nixeval.Tools, download string) string {
	const expr = `{ file }: builtins.mapAttrs (n: i: i.url or "") ((import (/. + file)).inputs or { })`
	res, err := (&nixproc.Command{Path: tools.Program("nix-instantiate"),
		Args: append([]string{"--eval", "--strict", "--json", "-E", expr, "--argstr", "file", filepath.Join(t.FlakeDir, "flake.nix")}, nixeval.OptionArgs(t.Options)...)}).Run(ctx)
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
