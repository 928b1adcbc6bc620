// Package completion completes nixplore's command line for bash, zsh and
// fish: verbs and flags from the flag table (package cmdline), flag
// values, and attribute paths from the disk cache or a bounded Nix.
package completion

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/nixplore/nixplore/cmd/nixplore/cmdline"
	"github.com/nixplore/nixplore/cmd/nixplore/shellwords"
	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/nixeval/flakehosts"
	"github.com/nixplore/nixplore/nixeval/nixproc"
	"github.com/nixplore/nixplore/nixeval/systems"
)

// The scripts (scripts.go) only call
// `nixplore __complete SHELL …` and turn its answer into the shell's own
// calls; everything else is here, in Go, so it is tested like the rest.
//
//	nixplore __complete bash READLINE-WORD LINE   (LINE: the command line up to the cursor)
//	nixplore __complete zsh -- WORD…              (raw words after "nixplore", the current one last)
//	nixplore __complete fish -- WORD…             (fish's unescaped tokens, then the raw current token)
//
// The answer is one directive line, then one candidate per line. It never
// fails visibly: on any problem it prints nothing and exits 0, so a shell
// never shows an error in the middle of a command line.

// Directives: what the shell does besides offering the candidates.
const (
	directivePlain   = "plain"   // offer the candidates, a space after a unique one
	directiveNoSpace = "nospace" // no space after: the word goes on (config.system.)
	directiveFiles   = "files"   // the shell's own file name completion
	directiveDirs    = "dirs"    // the shell's own directory completion
)

// defaultCompleteTimeout bounds the live listing when the cache cannot
// answer; NIXPLORE_COMPLETE_TIMEOUT overrides it.
const defaultCompleteTimeout = 2 * time.Second

// completeGrace is how long a cancelled Nix gets before it is killed, and
// how long after the timeout the answer is given up altogether.
const completeGrace = 300 * time.Millisecond

func completeTimeout() time.Duration {
	if s := os.Getenv("NIXPLORE_COMPLETE_TIMEOUT"); s != "" {
		if d, err := cmdline.ParseDuration(s); err == nil {
			return d
		}
	}
	return defaultCompleteTimeout
}

// candidate is one completion: the word as the shell's user means it
// (unquoted for the shell, Nix-quoted inside) and a short description.
type candidate struct {
	Text string
	Desc string
}

// answer is the result of completing one word.
type answer struct {
	Directive string
	Cands     []candidate
	// For directiveFiles: the part of the word before the file name
	// (nixos-config= in -I nixos-config=./c) and the file name typed so far.
	FilePrefix, FilePart string
}

// Run answers `nixplore __complete ARGS…` on stdout; the exit status is
// always 0.
func Run(args []string, stdout io.Writer) int {
	if len(args) < 2 {
		return 0
	}
	// A Nix the completion gave up on is killed soon after: the user is
	// typing, not waiting.
	nixproc.GracePeriod = completeGrace
	shell := args[0]
	var words []string
	var rlWord, rawCur string
	switch shell {
	case "bash":
		if len(args) != 3 {
			return 0
		}
		rlWord = args[1]
		var ok bool
		words, rawCur, ok = shellwords.SplitLine(args[2])
		if !ok || len(words) == 0 {
			return 0
		}
		words = words[1:] // the program's name
	case "zsh", "fish":
		if args[1] != "--" {
			return 0
		}
		words = args[2:]
		if len(words) == 0 {
			words = []string{""}
		}
		rawCur = words[len(words)-1]
		if shell == "zsh" {
			// zsh's $words hold every word as typed, quotes included.
			for i, w := range words {
				words[i] = shellwords.Unquote(w)
			}
		} else {
			// fish's earlier tokens come unescaped; the current one raw.
			words[len(words)-1] = shellwords.Unquote(rawCur)
		}
	default:
		return 0
	}
	if len(words) == 0 {
		return 0
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan answer, 1)
	go func() { done <- completeWords(ctx, words[:len(words)-1], words[len(words)-1]) }()
	var a answer
	select {
	case a = <-done:
	case <-time.After(completeTimeout() + 2*completeGrace):
		// Something beyond the live listing (a flake's metadata for the
		// cache key) is slow: give up rather than keep the shell waiting.
		return 0
	}
	if a.Directive == "" {
		return 0
	}
	writeAnswer(stdout, shell, a, rawCur, rlWord)
	return 0
}

// writeAnswer prints the answer in the form the shell's script reads.
func writeAnswer(w io.Writer, shell string, a answer, rawCur, rlWord string) {
	fmt.Fprintln(w, a.Directive)
	switch {
	case a.Directive == directiveFiles || a.Directive == directiveDirs:
		if shell == "fish" {
			fmt.Fprintln(w, a.FilePrefix)
			fmt.Fprintln(w, a.FilePart)
		}
	case shell == "bash":
		for _, c := range a.Cands {
			if s, ok := shellwords.BashReplacement(c.Text, rawCur, rlWord); ok {
				fmt.Fprintln(w, s)
			}
		}
	case shell == "fish":
		for _, c := range a.Cands {
			fmt.Fprintf(w, "%s\t%s\n", c.Text, c.Desc)
		}
	default:
		for _, c := range a.Cands {
			fmt.Fprintln(w, c.Text)
		}
	}
}

// completeWords completes cur, the word under the cursor, after the words
// before it (both as the program will receive them, shell quoting removed).
func completeWords(ctx context.Context, prev []string, cur string) answer {
	verb, positional := "", 0
	for i := 0; i < len(prev); i++ {
		w := prev[i]
		if w == "--" {
			positional += len(prev) - i - 1
			break
		}
		if strings.HasPrefix(w, "-") && len(w) > 1 {
			if strings.HasPrefix(w, "--") && strings.Contains(w, "=") {
				continue
			}
			if f, ok := cmdline.Lookup(w); ok && f.Arity() > 0 {
				if i+f.Arity() >= len(prev) {
					return completeFlagValue(ctx, f, len(prev)-i, "", cur, optionWords(prev[:i]))
				}
				i += f.Arity()
			}
			continue
		}
		if verb == "" && positional == 0 && cmdline.IsVerb(w) {
			verb = w
			continue
		}
		positional++
	}
	if verb == cmdline.ExplorerVerb {
		verb = ""
	}
	if name, val, ok := strings.Cut(cur, "="); ok && strings.HasPrefix(cur, "--") {
		if f, found := cmdline.Lookup(name); found && f.Arity() == 1 {
			return completeFlagValue(ctx, f, 1, name+"=", val, optionWords(prev))
		}
		return answer{}
	}
	if strings.HasPrefix(cur, "-") {
		return completeFlags(verb, cur)
	}
	switch verb {
	case "completion":
		if positional == 0 {
			return fixedChoices([]string{"bash", "zsh", "fish"}, "shell", "", cur)
		}
		return answer{}
	case "help", "version":
		return answer{}
	case "show", "cmd", "build":
		if positional > 0 {
			return answer{} // they take one PATH
		}
	case "":
		if positional == 0 {
			var names []string
			for _, v := range cmdline.Verbs() {
				if v.Name != "" && strings.HasPrefix(v.Name, cur) {
					names = append(names, v.Name)
				}
			}
			// An attribute path is also a first word (the explorer's), but
			// only asked for once the word can be no verb: TAB on an empty
			// word must not start Nix.
			if len(names) > 0 || cur == "" {
				return fixedChoices(names, "verb", "", "")
			}
		}
	}
	return completePath(ctx, prev, cur)
}

// completeFlags offers the flags that apply to verb.
func completeFlags(verb, cur string) answer {
	a := answer{Directive: directivePlain}
	for _, f := range cmdline.Flags() {
		if !f.AppliesTo(verb) {
			continue
		}
		for _, n := range f.Names {
			if strings.HasPrefix(n, cur) {
				a.Cands = append(a.Cands, candidate{Text: n, Desc: f.Doc})
			}
		}
	}
	return a
}

// fixedChoices offers the choices that start with cur, each after prefix.
func fixedChoices(choices []string, desc, prefix, cur string) answer {
	a := answer{Directive: directivePlain}
	for _, c := range choices {
		if strings.HasPrefix(c, cur) {
			a.Cands = append(a.Cands, candidate{Text: prefix + c, Desc: desc})
		}
	}
	return a
}

// completeFlagValue completes value number n (from 1) of flag f; prefix is
// "--flag=" when the value is written in the same word; options are the
// --option settings typed before it, for the Nix it asks.
func completeFlagValue(ctx context.Context, f *cmdline.Flag, n int, prefix, cur string, options []string) answer {
	if n != f.Arity() {
		return answer{} // names of --arg, --option: anything goes
	}
	switch f.Kind {
	case cmdline.System:
		return fixedChoices(systems.Known(), "system", prefix, cur)
	case cmdline.File:
		return answer{Directive: directiveFiles, FilePrefix: prefix, FilePart: cur}
	case cmdline.SearchPath:
		name, path, ok := strings.Cut(cur, "=")
		if !ok {
			a := fixedChoices([]string{"nixos-config=", "nixpkgs="}, "search path entry", prefix, cur)
			a.Directive = directiveNoSpace
			return a
		}
		return answer{Directive: directiveFiles, FilePrefix: prefix + name + "=", FilePart: path}
	case cmdline.Flake:
		ref, host, ok := strings.Cut(cur, "#")
		if !ok {
			return answer{Directive: directiveDirs, FilePrefix: prefix, FilePart: cur}
		}
		hosts := flakeHosts(ctx, ref, options)
		a := answer{Directive: directivePlain}
		for _, h := range hosts {
			if strings.HasPrefix(h, host) {
				if text := prefix + ref + "#" + attr.Quote(h); typeable(text) {
					a.Cands = append(a.Cands, candidate{Text: text, Desc: "host"})
				}
			}
		}
		return a
	}
	return answer{}
}

// optionWords are the `--option NAME VALUE` settings among words, as Nix's
// words: the Nix completion runs gets them as every other Nix nixplore
// runs does (`--option store …` is another store).
func optionWords(words []string) []string {
	var out []string
	for i := 0; i < len(words); i++ {
		if words[i] == "--" {
			break
		}
		if words[i] == "--option" && i+2 < len(words) {
			out = append(out, "--option", words[i+1], words[i+2])
			i += 2
		}
	}
	return out
}

// flakeHosts lists nixosConfigurations of a flake with the settings of
// options, bounded by the completion timeout; nil when Nix cannot say in
// time.
func flakeHosts(ctx context.Context, ref string, options []string) []string {
	ctx, cancel := context.WithTimeout(ctx, completeTimeout())
	defer cancel()
	names, err := flakehosts.List(ctx, ref, options)
	if err != nil {
		return nil
	}
	return names
}
