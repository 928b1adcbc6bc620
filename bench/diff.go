package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/nixplore/nixplore/nixeval/attr"
)

// drvPathsApply is the plain side of the diff measurement: every child's
// drvPath (null for a set or a failing value), which is what a user would
// evaluate on each side to compare them by hand.
const drvPathsApply = `b: builtins.mapAttrs (n: v: let t = builtins.tryEval (if builtins.isAttrs v && v ? drvPath then v.drvPath else null); in if t.success then t.value else null) b`

// heavyRepo copies the heavy fixture's configuration into a git
// repository of its own, commits it, then edits the host name in the work
// tree: the edit a diff is asked about. It returns the repository and the
// export of the committed tree (the plain side's "before").
func (b *benchEnv) heavyRepo() (repo, before string, err error) {
	dir, err := os.MkdirTemp("", "nixplore-bench-diff-")
	if err != nil {
		return "", "", err
	}
	repo, before = filepath.Join(dir, "nixos"), filepath.Join(dir, "before", "nixos")
	src, err := os.ReadFile(filepath.Join(b.root, "testdata/configs/heavy/configuration.nix"))
	if err != nil {
		return "", "", err
	}
	for _, d := range []string{repo, before} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return "", "", err
		}
	}
	if err := os.WriteFile(filepath.Join(before, "configuration.nix"), src, 0o644); err != nil {
		return "", "", err
	}
	if err := os.WriteFile(filepath.Join(repo, "configuration.nix"), src, 0o644); err != nil {
		return "", "", err
	}
	git := func(args ...string) error {
		cmd := exec.Command("git", append([]string{"-C", repo}, args...)...)
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=bench", "GIT_AUTHOR_EMAIL=bench@example.org", "GIT_COMMITTER_NAME=bench", "GIT_COMMITTER_EMAIL=bench@example.org")
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("git %v: %v: %s", args, err, out)
		}
		return nil
	}
	for _, a := range [][]string{{"init", "-q"}, {"add", "."}, {"commit", "-qm", "heavy"}} {
		if err := git(a...); err != nil {
			return "", "", err
		}
	}
	edited := strings.Replace(string(src), `networking.hostName = "heavy";`, `networking.hostName = "heavier";`, 1)
	return repo, before, os.WriteFile(filepath.Join(repo, "configuration.nix"), []byte(edited), 0o644)
}

func (b *benchEnv) classicFlags(conf string) []string {
	return []string{"-I", "nixpkgs=" + filepath.Join(b.root, "testdata/nixpkgs"), "-I", "nixos-config=" + conf}
}

// diffBoth: `nixplore diff` of an edit against HEAD with two evaluators
// (one a side, at once) against plain `nix eval` of both sides' drvPaths,
// one after the other.
func (b *benchEnv) diffBoth() (pair, error) {
	p := pair{name: "`nixplore diff --eval-workers 2 --no-cache` of a host-name edit / plain `nix eval` of both sides' drvPaths", bar: "1.3", barValue: 1.3}
	repo, before, err := b.heavyRepo()
	if err != nil {
		return p, err
	}
	defer os.RemoveAll(filepath.Dir(repo))
	conf := filepath.Join(repo, "configuration.nix")
	plain := func(c string) []string {
		return append([]string{"nix", "--extra-experimental-features", "nix-command", "eval", "--json",
			"-f", filepath.Join(b.root, "testdata/nixpkgs/nixos"), "config.system.build", "--apply", drvPathsApply}, b.classicFlags(c)...)
	}
	for i := 0; i < b.runs; i++ {
		d1, err := run(plain(filepath.Join(before, "configuration.nix")))
		if err != nil {
			return p, err
		}
		d2, err := run(plain(conf))
		if err != nil {
			return p, err
		}
		p.plain = append(p.plain, d1+d2)
		d, err := run(append([]string{b.nixplore, "diff", "--json", "--no-cache", "--eval-workers", "2", "--max-eval-memory", "0"}, b.classicFlags(conf)...))
		if err != nil {
			return p, err
		}
		p.ours = append(p.ours, d)
	}
	return p, nil
}

// saveToMarks: the explorer in a tmux pane on the repository's
// configuration; after the rows on screen are known, an editor's save
// (a new file renamed over the old); the time until the footer says what
// the edit changed (the rows are marked in the same frame).
func (b *benchEnv) saveToMarks() ([]time.Duration, error) {
	if _, err := exec.LookPath("tmux"); err != nil {
		return nil, err
	}
	var out []time.Duration
	for i := 0; i < b.runs; i++ {
		repo, _, err := b.heavyRepo()
		if err != nil {
			return nil, err
		}
		conf := filepath.Join(repo, "configuration.nix")
		logFile := filepath.Join(filepath.Dir(repo), "tui.log")
		session := fmt.Sprintf("nixplore-bench-edit-%d-%d", os.Getpid(), i)
		argv := append([]string{b.nixplore, "--no-cache", "--log", logFile}, b.classicFlags(conf)...)
		quoted := make([]string, len(argv))
		for j, a := range argv {
			quoted[j] = attr.ShellQuote(a)
		}
		if o, err := exec.Command("tmux", "new-session", "-d", "-s", session, "-x", "120", "-y", "40", strings.Join(quoted, " ")).CombinedOutput(); err != nil {
			return nil, fmt.Errorf("tmux: %v: %s", err, o)
		}
		wait := func(ok func() bool, what string) error {
			deadline := time.Now().Add(3 * time.Minute)
			for time.Now().Before(deadline) {
				if ok() {
					return nil
				}
				time.Sleep(5 * time.Millisecond)
			}
			return fmt.Errorf("the explorer did not show %s within 3 minutes", what)
		}
		screen := func() string {
			o, _ := exec.Command("tmux", "capture-pane", "-p", "-t", session).Output()
			return string(o)
		}
		err = wait(func() bool {
			l, _ := os.ReadFile(logFile)
			return strings.Contains(string(l), "edits: baseline of") && strings.Contains(screen(), "toplevel")
		}, "the rows' baseline")
		if err == nil {
			src, _ := os.ReadFile(conf)
			tmp := conf + ".tmp"
			_ = os.WriteFile(tmp, []byte(strings.Replace(string(src), `"heavier"`, `"heaviest"`, 1)), 0o644)
			start := time.Now()
			_ = os.Rename(tmp, conf)
			err = wait(func() bool { return strings.Contains(screen(), "your edit to configuration.nix") }, "the edit's marks")
			out = append(out, time.Since(start))
		}
		_ = exec.Command("tmux", "kill-session", "-t", session).Run()
		os.RemoveAll(filepath.Dir(repo))
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}
