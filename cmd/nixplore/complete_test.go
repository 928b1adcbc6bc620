package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/nixplore/nixplore/cmd/nixplore/completion"
	"github.com/nixplore/nixplore/cmd/nixplore/shellwords"
	"github.com/nixplore/nixplore/internal/testnix"
	"github.com/nixplore/nixplore/nixeval/attr"
)

// shellwords.BashReplacement against bash itself: what it returns, put where
// readline's word starts (with the closing quote readline adds), means
// the candidate to bash.
func TestBashReplacementMeansTheCandidate(t *testing.T) {
	bash := needTool(t, "bash")
	texts := []string{`config.system.build.sdImage`, `units."sshd.service"`, `a."with space"`,
		`b."$(touch /tmp/nixplore-pwned)"`, `c."'; touch x; '"`, "d.\"`id`\"", `e."\${x}"`, `f."a\"b"`, `g."back\\slash"`, `path:/x#h`}
	for _, text := range texts {
		for _, c := range []struct{ typed, rlWord string }{
			{"", ""}, // nothing typed
			{text[:1], text[:1]},
			{"'" + text[:1], text[:1]},
			{`"` + text[:1], text[:1]},
		} {
			rep, ok := shellwords.BashReplacement(text, c.typed, c.rlWord)
			if !ok {
				t.Errorf("%q after %q: no replacement", text, c.typed)
				continue
			}
			word := readlineInsert(c.typed[:len(c.typed)-len(c.rlWord)], rep)
			out, err := exec.Command(bash, "-c", `printf '%s' `+word).Output()
			if err != nil || string(out) != text {
				t.Errorf("%q after %q: bash reads %s as %q (%v)", text, c.typed, word, out, err)
			}
		}
	}
	if _, ok := shellwords.BashReplacement("config.x", "other.", "other."[6:]); ok {
		t.Error("a candidate that does not extend the typed text was rendered")
	}
}

// The binary the completion scripts call, built once for the package's
// tests and removed by TestMain.
var built struct {
	once sync.Once
	dir  string
	out  []byte
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if built.dir != "" {
		_ = os.RemoveAll(built.dir)
	}
	os.Exit(code)
}

// readlineInsert is the word readline leaves for a unique match: the
// text before its word, the match, and the quote it found open closed,
// unless the match already ends with that quote character (readline's
// append_to_match looks at the last character only).
func readlineInsert(before, match string) string {
	word := before + match
	_, st := shellwords.Scan(before)
	if st != shellwords.Outside && !strings.HasSuffix(word, string(st)) {
		word += string(st)
	}
	return word
}

// buildNixplore builds nixplore (once) and returns a PATH with it first.
func buildNixplore(t *testing.T) string {
	t.Helper()
	goBin := needTool(t, "go")
	built.once.Do(func() {
		built.dir, built.err = os.MkdirTemp("", "nixplore-bin-")
		if built.err != nil {
			return
		}
		built.out, built.err = exec.Command(goBin, "build", "-o", filepath.Join(built.dir, "nixplore"), ".").CombinedOutput()
	})
	if built.err != nil {
		t.Fatalf("go build: %v\n%s", built.err, built.out)
	}
	return built.dir + string(os.PathListSeparator) + os.Getenv("PATH")
}

// writeScript writes `nixplore completion SHELL` to a file.
func writeScript(t *testing.T, shell string) string {
	t.Helper()
	var b bytes.Buffer
	if err := completion.WriteScript([]string{shell}, &b); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "nixplore."+shell)
	if err := os.WriteFile(p, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// bashDriver sources the script and calls its function the way bash's
// programmable completion does: COMP_LINE, COMP_POINT, COMP_WORDS,
// COMP_CWORD set, the command, readline's word and the previous word as
// arguments; then prints COMPREPLY.
const bashDriver = `set -u
source "$1"
COMP_LINE=$2
COMP_POINT=${#COMP_LINE}
cur=$3
shift 3
COMP_WORDS=("$@")
COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
_nixplore nixplore "$cur" "${COMP_WORDS[COMP_CWORD-1]}"
status=$?
for r in "${COMPREPLY[@]}"; do printf '%s\n' "$r"; done
exit $status
`

type bashCompleter struct {
	t              *testing.T
	bash, path     string
	script, driver string
}

func newBashCompleter(t *testing.T) *bashCompleter {
	bash := needTool(t, "bash")
	driver := filepath.Join(t.TempDir(), "driver.bash")
	if err := os.WriteFile(driver, []byte(bashDriver), 0o644); err != nil {
		t.Fatal(err)
	}
	return &bashCompleter{t: t, bash: bash, path: buildNixplore(t), script: writeScript(t, "bash"), driver: driver}
}

// with is the completer reporting to t (a subtest).
func (b *bashCompleter) with(t *testing.T) *bashCompleter {
	c := *b
	c.t = t
	return &c
}

// complete completes the last of words (raw, as typed after "nixplore");
// rlWord is readline's word when it is not the whole last word (after a
// word-break character such as ':' or '=', or inside an open quote).
func (b *bashCompleter) complete(env []string, rlWord string, words ...string) []string {
	b.t.Helper()
	line := "nixplore " + strings.Join(words, " ")
	if rlWord == "" {
		rlWord = words[len(words)-1]
	}
	compWords := append([]string{"nixplore"}, words...)
	// A guard against a hanging completion, not a speed test.
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, b.bash, append([]string{b.driver, b.script, line, rlWord}, compWords...)...)
	cmd.Env = append(os.Environ(), append([]string{"PATH=" + b.path}, env...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil || stderr.Len() > 0 {
		b.t.Fatalf("completing %q: %v\nstderr: %s", line, err, stderr.String())
	}
	var reply []string
	for _, l := range strings.Split(string(out), "\n") {
		if l != "" {
			reply = append(reply, l)
		}
	}
	return reply
}

// meaning is what bash makes of a completed word (typed text before
// readline's word, then the reply, then the quote readline closes).
func (b *bashCompleter) meaning(typedBefore, reply string) string {
	b.t.Helper()
	word := readlineInsert(typedBefore, reply)
	out, err := exec.Command(b.bash, "-c", `printf '%s' `+word).Output()
	if err != nil {
		b.t.Fatalf("bash cannot read %s: %v", word, err)
	}
	return string(out)
}

// The bash script in a real bash: verbs, flags, flag values, and
// attribute paths on the Raspberry Pi fixture live and from the cache.
func TestBashCompletion(t *testing.T) {
	testnix.Setup(t)
	b := newBashCompleter(t)
	pi := testnix.ClassicArgs("pi", "aarch64-linux")
	check := func(name string, got, want []string) {
		t.Helper()
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: COMPREPLY %q, want %q", name, got, want)
		}
	}
	check("verb", b.complete(nil, "", "l"), []string{"ls"})
	check("verbs", b.complete(nil, "", "c"), []string{"cmd", "compare", "completion"})
	check("flag", b.complete(nil, "", "build", "--dr"), []string{"--dry-run"})
	check("--system", b.complete(nil, "", "--system", "aarch64-l"), []string{"aarch64-linux"})
	check("-I", b.complete(nil, "", "-I", "nixos-c"), []string{"nixos-config="})
	conf := testnix.Testdata("configs", "pi", "configuration.n")
	check("-I file", b.complete(nil, conf, "-I", "nixos-config="+conf), []string{conf + "ix"})

	noLive := []string{"NIXPLORE_COMPLETE_TIMEOUT=1ns"}
	t.Run("live", func(t *testing.T) {
		b := b.with(t)
		t.Setenv("XDG_CACHE_HOME", t.TempDir())
		check("live", b.complete(nil, "", append(pi, "config.system.build.sd")...), []string{"config.system.build.sdImage"})
		// The answer was cached: the next TAB needs no Nix.
		check("cached by the live listing", b.complete(noLive, "", append(pi, "config.system.build.sd")...), []string{"config.system.build.sdImage"})
		check("a set goes on", b.complete(nil, "", append(pi, "config.system.b")...), []string{"config.system.build."})
		check("show", b.complete(nil, "", append(append([]string{"show"}, pi...), "config.system.build.toplevel")...), []string{"config.system.build.toplevel"})
	})
	t.Run("from the cache", func(t *testing.T) {
		b := b.with(t)
		t.Setenv("XDG_CACHE_HOME", t.TempDir())
		// Without the cache, no time for Nix means no answer ...
		check("nothing without cache or time", b.complete(noLive, "", append(pi, "config.system.build.sd")...), nil)
		// ... and after an ls the cache answers.
		if _, errOut, code := runCLI(t, append([]string{"ls"}, pi...)...); code != 0 {
			t.Fatalf("ls: %s", errOut)
		}
		check("cache", b.complete(noLive, "", append(pi, "config.system.build.sd")...), []string{"config.system.build.sdImage"})
	})
}

// Names that need Nix quoting are completed quoted, and escaped for bash
// in every quoting state; none of them runs as code.
func TestBashCompletionQuotes(t *testing.T) {
	testnix.Setup(t)
	const pwned = "/tmp/nixplore-pwned"
	_, errBefore := os.Lstat(pwned)
	b := newBashCompleter(t)
	hostile := testnix.ClassicArgs("hostile", "")
	for _, c := range []struct {
		name, typed, rlWord string
		want                []string // replies
		means               string   // what the completed word means, for one reply
		attr                string   // the last name of that path
	}{
		{"unquoted", "config.system.build.do", "", []string{`config.system.build.\"dot.ted\"`}, `config.system.build."dot.ted"`, "dot.ted"},
		{"shell code", `config.system.build.\"\$\(`, "", []string{`config.system.build.\"\$\(touch\ /tmp/nixplore-pwned\)\"`},
			`config.system.build."$(touch /tmp/nixplore-pwned)"`, "$(touch /tmp/nixplore-pwned)"},
		{"in single quotes", `'config.system.build."with`, `config.system.build."with`, []string{`config.system.build."with space"`},
			`config.system.build."with space"`, "with space"},
		{"in double quotes", `"config.system.build.\"a`, `config.system.build.\"a`, []string{`config.system.build.\"a\\\"b\""`},
			`config.system.build."a\"b"`, `a"b`},
		{"backquotes", "config.system.build.\\\"\\`", "", []string{"config.system.build.\\\"\\`id\\`\\\""}, "config.system.build.\"`id`\"", "`id`"},
	} {
		t.Run(c.name, func(t *testing.T) {
			b := b.with(t)
			t.Setenv("XDG_CACHE_HOME", t.TempDir())
			rl := c.rlWord
			if rl == "" {
				rl = c.typed
			}
			got := b.complete(nil, rl, append(append([]string{}, hostile...), c.typed)...)
			if !reflect.DeepEqual(got, c.want) {
				t.Fatalf("COMPREPLY %q, want %q", got, c.want)
			}
			m := b.meaning(c.typed[:len(c.typed)-len(rl)], got[0])
			p, err := attr.Parse(m)
			if m != c.means || err != nil || p.Last() != c.attr {
				t.Fatalf("bash reads the completed word as %q (path %q, %v), want %q", m, p, err, c.means)
			}
		})
	}
	// Names that cannot be typed (an escape sequence, invalid UTF-8) are
	// not offered; the others are.
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	all := b.complete(nil, "", append(append([]string{}, hostile...), "config.system.build.")...)
	for _, r := range all {
		// Valid UTF-8 without C0 or C1 controls or DEL.
		if !utf8.ValidString(r) || strings.ContainsFunc(r, unicode.IsControl) {
			t.Errorf("untypeable reply %q", r)
		}
	}
	if !contains(all, `config.system.build.\"new\\nline\"`) || !contains(all, `config.system.build.plain`) {
		t.Errorf("replies %q", all)
	}
	if _, err := os.Lstat(pwned); err == nil && errBefore != nil {
		t.Fatalf("%s was created: a name ran as code", pwned)
	}
}

// A flake's hosts complete after #, with a word-break character (':') in
// the reference.
func TestBashCompletionFlakeHosts(t *testing.T) {
	testnix.Setup(t)
	b := newBashCompleter(t)
	dir := testnix.FlakeDir(t)
	got := b.complete(nil, dir+"#", "--flake", "path:"+dir+"#")
	if !reflect.DeepEqual(got, []string{dir + "#laptop", dir + "#pi"}) {
		t.Fatalf("COMPREPLY %q", got)
	}
	if m := b.meaning("path:", got[1]); m != "path:"+dir+"#pi" {
		t.Fatalf("completed word means %q", m)
	}
	got = b.complete(nil, "", "--flake", "path:"+dir+"#pi", "config.system.build.topl")
	if !reflect.DeepEqual(got, []string{"config.system.build.toplevel"}) {
		t.Fatalf("path in a flake: COMPREPLY %q", got)
	}
}

// markedProcs lists the live processes whose command line holds marker,
// and how many of them are background fills (nixplore __fill).
func markedProcs(marker string) (pids []int, fills int) {
	for _, p := range testnix.Processes() {
		cmdline, _ := os.ReadFile(filepath.Join("/proc", strconv.Itoa(p.PID), "cmdline"))
		if p.State != "Z" && bytes.Contains(cmdline, []byte(marker)) {
			pids = append(pids, p.PID)
			if bytes.Contains(cmdline, []byte("\x00__fill\x00")) {
				fills++
			}
		}
	}
	return pids, fills
}

// When Nix is slow and the cache has nothing, the TAB gives up after
// NIXPLORE_COMPLETE_TIMEOUT with nothing offered, and leaves the listing
// to one background nixplore (__fill), in a session of its own, however
// often TAB is pressed; that one ends at NIXPLORE_FILL_TIMEOUT with every
// Nix it started.
func TestBashCompletionGivesUp(t *testing.T) {
	testnix.Setup(t)
	b := newBashCompleter(t)
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	t.Setenv("NIXPLORE_SLOW_N", "400000000") // minutes of evaluation
	marker := "nixplore-complete-marker=" + t.TempDir()
	args := append(testnix.ClassicArgs("slow", ""), "-I", marker, "config.system.build.gr")
	env := []string{"NIXPLORE_COMPLETE_TIMEOUT=300ms", "NIXPLORE_FILL_TIMEOUT=4s"}
	start := time.Now()
	if got := b.complete(env, "", args...); got != nil {
		t.Fatalf("COMPREPLY %q, want nothing", got)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("the TAB took %v", d)
	}
	deadline := time.Now().Add(10 * time.Second)
	for _, fills := markedProcs(marker); fills == 0; _, fills = markedProcs(marker) {
		if time.Now().After(deadline) {
			t.Fatal("no background listing started")
		}
		time.Sleep(20 * time.Millisecond)
	}
	// More TABs start no second listing of the same (a lock).
	for range 3 {
		b.complete(env, "", args...)
	}
	time.Sleep(300 * time.Millisecond) // a refused fill exits at once; let it
	if _, fills := markedProcs(marker); fills != 1 {
		t.Errorf("%d background listings, want 1", fills)
	}
	deadline = time.Now().Add(4*time.Second + 15*time.Second)
	for left, _ := markedProcs(marker); len(left) > 0; left, _ = markedProcs(marker) {
		if time.Now().After(deadline) {
			t.Fatalf("processes left after the fill's time ran out: %v", left)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// On a cold cache a listing longer than the TAB's time (the default 2 s:
// real configurations take longer) completes by a later TAB: the first
// leaves it to the background, which fills the cache. Completion writes
// no flake.lock.
func TestCompletionFillsTheCache(t *testing.T) {
	testnix.Setup(t)
	b := newBashCompleter(t)
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	t.Setenv("NIXPLORE_COMPLETE_TIMEOUT", "")
	t.Setenv("NIXPLORE_SLOW_N", "12000000") // longer than the default timeout here
	args := append(testnix.ClassicArgs("slow", ""), "config.system.build.gr")
	start := time.Now()
	if got := b.complete(nil, "", args...); got != nil {
		t.Fatalf("the listing finished within the TAB's 2 s (%q, %v): NIXPLORE_SLOW_N is too small for this machine, so the test proves nothing", got, time.Since(start))
	}
	// A person presses TAB again a few seconds later: that TAB waits
	// for the background listing's answer instead of starting another.
	// No TAB's own listing can finish within its 2 s (the first did
	// not), so an answer comes from the background listing's cache.
	time.Sleep(2 * time.Second)
	tabs := 1
	var got []string
	for deadline := time.Now().Add(2 * time.Minute); got == nil && time.Now().Before(deadline); {
		got = b.complete(nil, "", args...)
		tabs++
	}
	if !reflect.DeepEqual(got, []string{"config.system.build.groups.", "config.system.build.grub"}) {
		t.Fatalf("TAB %d: COMPREPLY %q", tabs, got)
	}
	t.Logf("completed at TAB %d, %v after the first", tabs, time.Since(start))
	// config.system.build. itself needs no Nix at all.
	if got := b.complete([]string{"NIXPLORE_COMPLETE_TIMEOUT=1ns"}, "", append(testnix.ClassicArgs("slow", ""), "config.sys")...); !reflect.DeepEqual(got, []string{"config.system."}) {
		t.Errorf("config.sys: COMPREPLY %q", got)
	}
	// A flake whose lock file is missing: completing its paths and hosts
	// writes none.
	dir := t.TempDir()
	testnix.WriteFile(t, filepath.Join(dir, "flake.nix"), testnix.InputFlake(t, testnix.Testdata("nixpkgs")), 0o644)
	b.complete(nil, "", "--flake", "path:"+dir+"#box", "config.system.build.topl")
	b.complete(nil, "path:"+dir+"#", "--flake", "path:"+dir+"#")
	if _, err := os.Stat(filepath.Join(dir, "flake.lock")); err == nil {
		t.Error("completion wrote flake.lock")
	}
}

// The zsh and fish scripts parse; fish completes through its own
// completion machinery (complete -C), as a user's TAB would.
func TestZshAndFishScripts(t *testing.T) {
	zsh, fish := needTool(t, "zsh"), needTool(t, "fish")
	if out, err := exec.Command(zsh, "-n", writeScript(t, "zsh")).CombinedOutput(); err != nil {
		t.Errorf("zsh -n: %v\n%s", err, out)
	}
	fishScript := writeScript(t, "fish")
	if out, err := exec.Command(fish, "--no-execute", fishScript).CombinedOutput(); err != nil {
		t.Errorf("fish --no-execute: %v\n%s", err, out)
	}
	testnix.Setup(t)
	path := buildNixplore(t)
	line := "nixplore ls " + strings.Join(testnix.ClassicArgs("pi", "aarch64-linux"), " ") + " config.system.build.sd"
	cmd := exec.Command(fish, "--no-config", "-c", `source $argv[1]; complete -C $argv[2]`, fishScript, line)
	cmd.Env = append(os.Environ(), "PATH="+path)
	out, err := cmd.CombinedOutput()
	if err != nil || string(out) != "config.system.build.sdImage\tderivation\n" {
		t.Fatalf("fish complete -C: %v\n%q", err, out)
	}
}

func TestCompletionVerb(t *testing.T) {
	for shell, want := range map[string]string{"bash": "complete -F _nixplore nixplore\n", "zsh": "compdef _nixplore nixplore\n", "fish": "complete -c nixplore -f -a '(__nixplore_complete)'\n"} {
		out, errOut, code := runCLI(t, "completion", shell)
		if code != 0 || !strings.Contains(out, want) || errOut != "" {
			t.Errorf("completion %s: exit %d, stderr %q, script lacks %q", shell, code, errOut, want)
		}
	}
	for _, args := range [][]string{{"completion"}, {"completion", "tcsh"}, {"completion", "bash", "zsh"}} {
		if _, errOut, code := runCLI(t, args...); code != 2 || !strings.Contains(errOut, "bash|zsh|fish") {
			t.Errorf("%v: exit %d, stderr %q; want a usage error naming the shells", args, code, errOut)
		}
	}
	// The hidden verb never fails visibly, whatever it is given.
	for _, args := range [][]string{{"__complete"}, {"__complete", "tcsh", "--", "x"}, {"__complete", "bash", "x"}, {"__complete", "zsh", "x"}} {
		if out, errOut, code := runCLI(t, args...); code != 0 || out != "" || errOut != "" {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", args, code, out, errOut)
		}
	}
}
