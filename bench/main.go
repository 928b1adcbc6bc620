// Command bench measures nixplore against plain `nix eval` on the heavy
// fixture (testdata/configs/heavy: upstream's cost shape, every evaluation
// costing CPU and memory, 25 images.* variants each an evaluation of its
// own), side by side in one run, and prints a Markdown table of medians
// for BENCHMARKS.md. Run it with `make bench`,
// which builds nixplore first and runs once per Nix version found.
//
//	go run ./bench -nixplore bin/nixplore -runs 5
//
// Nix is whatever is first on PATH. Measured:
//   - cold: `nixplore ls --no-cache` (process start, repl start, first
//     listing) / plain `nix eval … --apply builtins.attrNames` of the listing;
//   - further: five listings of other attribute sets in one warm session /
//     five plain `nix eval`s of the same sets;
//   - warm cache: a second `nixplore ls` process with the cache filled /
//     plain `nix eval` of the listing;
//   - describe again: Describe of a derivation already described in the
//     session / plain `nix eval` of its drvPath;
//   - memory: peak RSS (VmHWM) of the nixplore process itself (not Nix)
//     listing a set of 100,000 attributes.
package main

import (
	"bufio"
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/nixeval/resolve"
	"github.com/nixplore/nixplore/nixeval/warm"
)

// defaultCPU is a first guess at the heavy fixture's work per evaluation
// (NIXPLORE_EVAL_CPU, testdata/nixpkgs/nixos/modules/misc/eval-cost.nix);
// the bench sizes it so a plain listing takes about 1.5 s here.
const defaultCPU = 2700000

// defaultKeep is how many strings each evaluation keeps alive
// (NIXPLORE_EVAL_KEEP): about 30 MB a variant, as memory grows upstream.
const defaultKeep = 300000

type benchEnv struct {
	root     string
	nixplore string
	cacheDir string
	runs     int
}

func (b *benchEnv) targetFlags() []string {
	return []string{"-I", "nixpkgs=" + filepath.Join(b.root, "testdata/nixpkgs"),
		"-I", "nixos-config=" + filepath.Join(b.root, "testdata/configs/heavy/configuration.nix")}
}

// plainEval is the reference: nix eval of one attribute, as a user would type it.
func (b *benchEnv) plainEval(attr, apply string) []string {
	a := []string{"nix", "--extra-experimental-features", "nix-command", "eval", "--json",
		"-f", filepath.Join(b.root, "testdata/nixpkgs/nixos"), attr}
	if apply != "" {
		a = append(a, "--apply", apply)
	}
	return append(a, b.targetFlags()...)
}

func run(argv []string, env ...string) (time.Duration, error) {
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = append(os.Environ(), env...)
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = nil, &stderr
	start := time.Now()
	err := cmd.Run()
	d := time.Since(start)
	if err != nil {
		return d, fmt.Errorf("%s: %v\n%s", strings.Join(argv, " "), err, stderr.String())
	}
	return d, nil
}

func median(ds []time.Duration) time.Duration {
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}

// pair is one ratio: nixplore's times against plain Nix's, interleaved run
// by run so load on the machine hits both alike.
type pair struct {
	name     string
	bar      string
	ours     []time.Duration
	plain    []time.Duration
	barValue float64
}

func (p pair) ratio() float64 { return float64(median(p.ours)) / float64(median(p.plain)) }

func must(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func main() {
	b := &benchEnv{}
	flag.StringVar(&b.nixplore, "nixplore", "bin/nixplore", "the nixplore binary to measure")
	flag.IntVar(&b.runs, "runs", 5, "runs per measurement (the median is reported)")
	only := flag.String("only", "", "measure only this: diff (nixplore diff and the explorer's save-to-marks)")
	flag.Parse()
	wd, _ := os.Getwd()
	b.root = wd
	if p, err := filepath.Abs(b.nixplore); err == nil {
		b.nixplore = p
	}
	tmp, err := os.MkdirTemp("", "nixplore-bench-")
	must(err)
	defer os.RemoveAll(tmp)
	b.cacheDir = tmp
	os.Setenv("XDG_CACHE_HOME", tmp)
	os.Setenv("NIX_PATH", "")
	os.Setenv("NIXOS_CONFIG", "")

	version, _ := exec.Command("nix", "--version").Output()
	fmt.Fprintf(os.Stderr, "bench: %s, %d runs each\n", strings.TrimSpace(string(version)), b.runs)

	// Warm the OS file cache and the store (.drv files) once, unmeasured,
	// and size the fixture's work so a plain listing takes about 1.5 s on
	// this machine and Nix, as the issue asks (NIXPLORE_SLOW_N set by the
	// caller wins).
	d, err := run(b.plainEval("config.system.build", "builtins.attrNames"))
	must(err)
	if os.Getenv("NIXPLORE_EVAL_KEEP") == "" {
		os.Setenv("NIXPLORE_EVAL_KEEP", strconv.Itoa(defaultKeep))
	}
	if os.Getenv("NIXPLORE_EVAL_CPU") == "" {
		const want = 1500 * time.Millisecond
		n := defaultCPU
		os.Setenv("NIXPLORE_EVAL_CPU", strconv.Itoa(n))
		d, err = run(b.plainEval("config.system.build", "builtins.attrNames"))
		must(err)
		for i := 0; i < 4 && (d < want*9/10 || d > want*11/10); i++ {
			n = int(float64(n) * float64(want) / float64(d))
			os.Setenv("NIXPLORE_EVAL_CPU", strconv.Itoa(n))
			d, err = run(b.plainEval("config.system.build", "builtins.attrNames"))
			must(err)
		}
	}
	fmt.Fprintf(os.Stderr, "bench: NIXPLORE_EVAL_CPU=%s NIXPLORE_EVAL_KEEP=%s, plain listing %s\n", os.Getenv("NIXPLORE_EVAL_CPU"), os.Getenv("NIXPLORE_EVAL_KEEP"), ms(d))

	if *only == "diff" {
		p, err := b.diffBoth()
		must(err)
		marks, err := b.saveToMarks()
		must(err)
		fmt.Printf("| %s | %s | %s | %.3f | ≤ %s |\n", p.name, ms(median(p.ours)), ms(median(p.plain)), p.ratio(), p.bar)
		fmt.Printf("| explorer: from an editor's save to the marked rows | %s | | | no bar |\n", ms(median(marks)))
		return
	}
	loadBefore := readFirstLine("/proc/loadavg")
	pairs := []pair{b.coldNames(), b.cold(), b.workers(), b.further(), b.warmCache(), b.describeAgain()}
	if p, err := b.explorerNames(); err == nil {
		pairs = append(pairs, p)
	} else {
		fmt.Fprintf(os.Stderr, "bench: explorer names of images not measured: %v\n", err)
	}
	if p, err := b.diffBoth(); err == nil {
		pairs = append(pairs, p)
	} else {
		fmt.Fprintf(os.Stderr, "bench: diff not measured: %v\n", err)
	}
	marks, marksErr := b.saveToMarks()
	peakNix, limit, memErr := b.nixMemory()
	rss, err := b.memory()
	must(err)
	tuiRSS, tuiErr := b.memoryTUI()

	fmt.Printf("Machine: %d CPUs (%s), %s memory; load average before %s, after %s; %s; %d runs each, medians; NIXPLORE_EVAL_CPU=%s, NIXPLORE_EVAL_KEEP=%s.\n\n",
		runtime.NumCPU(), procField("/proc/cpuinfo", "model name"), procField("/proc/meminfo", "MemTotal"),
		field3(loadBefore), field3(readFirstLine("/proc/loadavg")), time.Now().UTC().Format("2006-01-02 15:04 UTC"), b.runs,
		os.Getenv("NIXPLORE_EVAL_CPU"), os.Getenv("NIXPLORE_EVAL_KEEP"))

	fmt.Printf("| %s | | | | |\n|---|---|---|---|---|\n", strings.TrimSpace(string(version)))
	fmt.Printf("| measurement | nixplore (median) | plain nix (median) | ratio | bar |\n")
	for _, p := range pairs {
		ok := "meets"
		if p.ratio() > p.barValue {
			ok = "**misses**"
		}
		if p.barValue == 0 {
			ok, p.bar = "no bar", "—"
		}
		fmt.Printf("| %s | %s | %s | %.3f | ≤ %s (%s) |\n", p.name, ms(median(p.ours)), ms(median(p.plain)), p.ratio(), p.bar, ok)
	}
	if marksErr != nil {
		fmt.Printf("| explorer: from an editor's save to the marked rows | not measured: %v | | | no bar |\n", marksErr)
	} else {
		fmt.Printf("| explorer: from an editor's save to the marked rows (heavy fixture, rows on screen evaluated again) | %s | | | no bar (reported) |\n", ms(median(marks)))
	}
	if memErr != nil {
		fmt.Printf("| peak RSS of all Nix processes, every kind of `images` under `--max-eval-memory` | not measured: %v | | | ≤ 1.2 |\n", memErr)
	} else {
		ok := "meets"
		if float64(peakNix) > 1.2*float64(limit) {
			ok = "**misses**"
		}
		fmt.Printf("| peak RSS of all Nix processes, every kind of `images` with `--max-eval-memory %s` (25 answers, sd-card's error among them) | %.0f MB | %.0f MB (the limit) | %.3f | ≤ 1.2 (%s) |\n",
			humanMiB(limit), float64(peakNix)/(1<<20), float64(limit)/(1<<20), float64(peakNix)/float64(limit), ok)
	}
	ok := "meets"
	if rss > 150<<20 {
		ok = "**misses**"
	}
	fmt.Printf("| peak RSS of nixplore, 100,000 nodes listed (`ls --json`) | %.1f MB | | | < 150 MB (%s) |\n", float64(rss)/(1<<20), ok)
	if tuiErr != nil {
		fmt.Printf("| peak RSS of the explorer, 100,000 nodes loaded | not measured: %v | | | < 150 MB |\n", tuiErr)
		return
	}
	ok = "meets"
	if tuiRSS > 150<<20 {
		ok = "**misses**"
	}
	fmt.Printf("| peak RSS of the explorer (TUI in tmux), 100,000 nodes loaded | %.1f MB | | | < 150 MB (%s) |\n", float64(tuiRSS)/(1<<20), ok)
}

func ms(d time.Duration) string { return fmt.Sprintf("%.0f ms", float64(d)/float64(time.Millisecond)) }

// coldNames: a fresh nixplore process without cache lists the names of
// config.system.build: the answer to "what can I build?".
func (b *benchEnv) coldNames() pair {
	p := pair{name: "cold names (`nixplore ls --names --no-cache`) / `nix eval` of the attrNames", bar: "1.1", barValue: 1.1}
	b.alternate(&p, append([]string{b.nixplore, "ls", "--names", "--json", "--no-cache"}, b.targetFlags()...))
	return p
}

// cold: a fresh nixplore process without cache lists config.system.build
// with every kind. No bar: the kinds of vm and vmWithBootLoader are two
// more evaluations of the configuration, as upstream.
func (b *benchEnv) cold() pair {
	p := pair{name: "cold listing with kinds (`nixplore ls --no-cache`: vm and vmWithBootLoader evaluate the configuration again) / `nix eval` of the attrNames"}
	b.alternate(&p, append([]string{b.nixplore, "ls", "--json", "--no-cache"}, b.targetFlags()...))
	return p
}

// workers: every kind of images (25 evaluations) with two evaluators
// against one, interleaved.
func (b *benchEnv) workers() pair {
	p := pair{name: "every kind of `images`, `--eval-workers 2` / `--eval-workers 1` (`ls --no-cache`)", bar: "0.7", barValue: 0.7}
	ls := func(n string) []string {
		return append([]string{b.nixplore, "ls", "--json", "--no-cache", "--max-eval-memory", "0", "--eval-workers", n, "config.system.build.images"}, b.targetFlags()...)
	}
	for i := 0; i < max(1, b.runs/2); i++ {
		d, err := run(ls("1"))
		must(err)
		p.plain = append(p.plain, d)
		d, err = run(ls("2"))
		must(err)
		p.ours = append(p.ours, d)
	}
	return p
}

// nixMemory lists every kind of images with one evaluator under a memory
// bound below what it reaches without one, sampling the resident memory of
// every Nix process nixplore runs; every answer must still be there.
func (b *benchEnv) nixMemory() (peak, limit int64, err error) {
	// What one evaluator reaches: the base evaluation, then all variants.
	free, err := b.peakNix(append([]string{b.nixplore, "ls", "--json", "--no-cache", "--max-eval-memory", "0", "--eval-workers", "1", "config.system.build.images"}, b.targetFlags()...))
	if err != nil {
		return 0, 0, err
	}
	base, err := b.peakNix(append([]string{b.nixplore, "ls", "--names", "--json", "--no-cache", "--max-eval-memory", "0", "--eval-workers", "1"}, b.targetFlags()...))
	if err != nil {
		return 0, 0, err
	}
	limit = base + (free-base)/3
	fmt.Fprintf(os.Stderr, "bench: one evaluator reaches %s listing every kind of images (%s after the base evaluation); bound %s\n", humanMiB(free), humanMiB(base), humanMiB(limit))
	peak, err = b.peakNix(append([]string{b.nixplore, "ls", "--json", "--no-cache", "--max-eval-memory", strconv.FormatInt(limit, 10), "--eval-workers", "1", "config.system.build.images"}, b.targetFlags()...))
	return peak, limit, err
}

// peakNix runs argv and samples the summed resident memory of its Nix
// descendants every 10 ms; it checks the images answer is complete when
// argv lists images with kinds.
func (b *benchEnv) peakNix(argv []string) (int64, error) {
	cmd := exec.Command(argv[0], argv[1:]...)
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var peak int64
	for {
		if v := descendantsRSS(cmd.Process.Pid); v > peak {
			peak = v
		}
		select {
		case err := <-done:
			if err != nil {
				return 0, fmt.Errorf("%s: %v\n%s", strings.Join(argv, " "), err, stderr.String())
			}
			if strings.Contains(strings.Join(argv, " "), "images") && !strings.Contains(strings.Join(argv, " "), "--names") {
				s := out.String()
				if n := strings.Count(s, `"kind":"derivation"`); n != 24 || !strings.Contains(s, "sd-image-arm64.nix does not exist") {
					return 0, fmt.Errorf("answers lost: %d derivations (want 24) and sd-card's error in\n%s", n, s)
				}
			}
			return peak, nil
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// descendantsRSS sums VmRSS over the descendants of pid.
func descendantsRSS(pid int) int64 {
	parent := map[int]int{}
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		p, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		s := string(stat)
		if i := strings.LastIndexByte(s, ')'); i > 0 {
			f := strings.Fields(s[i+1:])
			if len(f) > 1 {
				pp, _ := strconv.Atoi(f[1])
				parent[p] = pp
			}
		}
	}
	var sum int64
	for p := range parent {
		for q := parent[p]; q > 1; q = parent[q] {
			if q == pid {
				sum += statusKB("/proc/"+strconv.Itoa(p)+"/status", "VmRSS:") << 10
				break
			}
		}
	}
	return sum
}

func humanMiB(n int64) string { return fmt.Sprintf("%dM", n>>20) }

// alternate times plain `nix eval` of the listing and the nixplore command,
// one after the other, runs times.
func (b *benchEnv) alternate(p *pair, nixplore []string) {
	for i := 0; i < b.runs; i++ {
		d, err := run(b.plainEval("config.system.build", "builtins.attrNames"))
		must(err)
		p.plain = append(p.plain, d)
		d, err = run(nixplore)
		must(err)
		p.ours = append(p.ours, d)
	}
}

// furtherSets are other attribute sets of the heavy fixture, each listed
// once in the session after config.system.build.
var furtherSets = []string{"config.system.build.units", "config.system.build.manual", `config.system.build.units."sshd.service"`,
	"config.system.nixos", "config.boot.loader"}

func (b *benchEnv) target() *nixeval.Target {
	t, err := resolve.Target(resolve.Flags{SearchPath: []string{"nixpkgs=" + filepath.Join(b.root, "testdata/nixpkgs"),
		"nixos-config=" + filepath.Join(b.root, "testdata/configs/heavy/configuration.nix")}}, resolve.SystemEnvironment())
	must(err)
	return t
}

// warmSession is an evaluator with a warm repl that has listed
// config.system.build (no disk cache: this measures the session alone).
func (b *benchEnv) warmSession() *nixeval.Evaluator {
	ev := nixeval.New(b.target(), nixeval.Tools{})
	ev.Backend = warm.NewSession(ev.Target, nixeval.Tools{})
	_, err := ev.List(context.Background(), attr.DefaultPath)
	must(err)
	return ev
}

func (b *benchEnv) further() pair {
	p := pair{name: "five further listings in the session / five `nix eval`s", bar: "0.15", barValue: 0.15}
	for i := 0; i < b.runs; i++ {
		var plain time.Duration
		for _, s := range furtherSets {
			d, err := run(b.plainEval(s, "builtins.attrNames"))
			must(err)
			plain += d
		}
		p.plain = append(p.plain, plain)
		ev := b.warmSession()
		start := time.Now()
		for _, s := range furtherSets {
			path, err := attr.Parse(s)
			must(err)
			_, err = ev.List(context.Background(), path)
			must(err)
		}
		p.ours = append(p.ours, time.Since(start))
		ev.Close()
	}
	return p
}

// warmCache: a second nixplore process, cache filled by the first.
func (b *benchEnv) warmCache() pair {
	p := pair{name: "second process, warm cache (`nixplore ls`) / `nix eval` of the listing", bar: "0.1", barValue: 0.1}
	ls := append([]string{b.nixplore, "ls", "--json"}, b.targetFlags()...)
	_, err := run(ls) // fills the cache
	must(err)
	b.alternate(&p, ls)
	return p
}

func (b *benchEnv) describeAgain() pair {
	p := pair{name: "describe `toplevel` again in the session / `nix eval` of its drvPath", bar: "0.1", barValue: 0.1}
	ev := b.warmSession()
	defer ev.Close()
	top := attr.DefaultPath.Child("toplevel")
	_, err := ev.Describe(context.Background(), top)
	must(err)
	for i := 0; i < b.runs; i++ {
		d, err := run(b.plainEval("config.system.build.toplevel.drvPath", ""))
		must(err)
		p.plain = append(p.plain, d)
		start := time.Now()
		_, err = ev.Describe(context.Background(), top)
		must(err)
		p.ours = append(p.ours, time.Since(start))
	}
	return p
}

// explorerNames times, in a warm explorer in tmux, how long the names of
// images take to appear after → on it, against a cold plain listing of
// config.system.build's names.
func (b *benchEnv) explorerNames() (pair, error) {
	p := pair{name: "warm explorer: names of `images` on screen after → / `nix eval` of the attrNames", bar: "0.2", barValue: 0.2}
	if _, err := exec.LookPath("tmux"); err != nil {
		return p, err
	}
	selected := regexp.MustCompile(`(?m)^\s*>.*\bimages\b`)
	variantRow := regexp.MustCompile(`(?m)^\s+\S?\s*(···|drv|ERR) azure\b`)
	for i := 0; i < b.runs; i++ {
		d, err := run(b.plainEval("config.system.build", "builtins.attrNames"))
		if err != nil {
			return p, err
		}
		p.plain = append(p.plain, d)
		session := fmt.Sprintf("nixplore-bench-names-%d-%d", os.Getpid(), i)
		argv := append([]string{b.nixplore, "--no-cache"}, b.targetFlags()...)
		quoted := make([]string, len(argv))
		for j, a := range argv {
			quoted[j] = attr.ShellQuote(a)
		}
		if out, err := exec.Command("tmux", "new-session", "-d", "-s", session, "-x", "120", "-y", "40", strings.Join(quoted, " ")).CombinedOutput(); err != nil {
			return p, fmt.Errorf("tmux: %v: %s", err, out)
		}
		screen := func() string {
			out, _ := exec.Command("tmux", "capture-pane", "-p", "-t", session).Output()
			return string(out)
		}
		waitFor := func(ok func(string) bool, what string) error {
			deadline := time.Now().Add(3 * time.Minute)
			for time.Now().Before(deadline) {
				if ok(screen()) {
					return nil
				}
				time.Sleep(5 * time.Millisecond)
			}
			return fmt.Errorf("the explorer did not show %s within 3 minutes:\n%s", what, screen())
		}
		err = waitFor(func(sc string) bool { return strings.Contains(sc, "images") && strings.Contains(sc, "toplevel") }, "config.system.build")
		if err == nil {
			_ = exec.Command("tmux", "send-keys", "-t", session, "/").Run()
			_ = exec.Command("tmux", "send-keys", "-t", session, "-l", "images").Run()
			_ = exec.Command("tmux", "send-keys", "-t", session, "Enter").Run()
			err = waitFor(selected.MatchString, "images selected")
		}
		if err == nil {
			start := time.Now()
			_ = exec.Command("tmux", "send-keys", "-t", session, "Right").Run()
			// A tree row of a variant (pending or known), not the preview's
			// text about images, which names variants too.
			err = waitFor(variantRow.MatchString, "the names of images")
			p.ours = append(p.ours, time.Since(start))
		}
		_ = exec.Command("tmux", "kill-session", "-t", session).Run()
		if err != nil {
			return p, err
		}
	}
	return p, nil
}

// hundredThousand is a target whose config.system.build has 100,000 children.
const hundredThousand = `{ config.system.build = builtins.listToAttrs (builtins.genList (i: { name = "node-" + toString i; value = i; }) 100000); }`

// memoryTUI opens the explorer in a tmux pane on the 100,000-children set,
// waits until the tree shows them, and reads the process's VmHWM.
func (b *benchEnv) memoryTUI() (int64, error) {
	if _, err := exec.LookPath("tmux"); err != nil {
		return 0, err
	}
	session := fmt.Sprintf("nixplore-bench-%d", os.Getpid())
	pidFile := filepath.Join(b.cacheDir, "tui.pid")
	shell := fmt.Sprintf("echo $$ > %s; exec %s --no-cache --expr %s", pidFile, attr.ShellQuote(b.nixplore), attr.ShellQuote(hundredThousand))
	if out, err := exec.Command("tmux", "new-session", "-d", "-s", session, "-x", "120", "-y", "40", shell).CombinedOutput(); err != nil {
		return 0, fmt.Errorf("tmux: %v: %s", err, out)
	}
	defer exec.Command("tmux", "kill-session", "-t", session).Run()
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) {
		time.Sleep(200 * time.Millisecond)
		pane, _ := exec.Command("tmux", "capture-pane", "-p", "-t", session).Output()
		if !strings.Contains(string(pane), "node-1 ") {
			continue
		}
		// Move to the last node and back, so the whole tree has been walked.
		_ = exec.Command("tmux", "send-keys", "-t", session, "End").Run()
		time.Sleep(time.Second)
		_ = exec.Command("tmux", "send-keys", "-t", session, "Home").Run()
		time.Sleep(time.Second)
		pid := strings.TrimSpace(readFirstLine(pidFile))
		v := vmHWM("/proc/" + pid + "/status")
		_ = exec.Command("tmux", "send-keys", "-t", session, "q").Run()
		if v == 0 {
			return 0, fmt.Errorf("no VmHWM for pid %q", pid)
		}
		return v, nil
	}
	return 0, fmt.Errorf("the explorer did not show the 100,000 nodes within 2 minutes")
}

// memory lists a set of 100,000 attributes with the nixplore binary and
// samples its VmHWM (peak resident set of that process alone) until it exits.
func (b *benchEnv) memory() (int64, error) {
	cmd := exec.Command(b.nixplore, "ls", "--json", "--no-cache", "--expr", hundredThousand)
	var out bytes.Buffer
	cmd.Stdout = &out
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var peak int64
	status := fmt.Sprintf("/proc/%d/status", cmd.Process.Pid)
	for {
		if v := vmHWM(status); v > peak {
			peak = v
		}
		select {
		case err := <-done:
			if err != nil {
				return 0, fmt.Errorf("nixplore ls --expr: %v", err)
			}
			if n := strings.Count(out.String(), `"kind":"int"`); n != 100000 {
				return 0, fmt.Errorf("listed %d nodes, want 100000", n)
			}
			return peak, nil
		case <-time.After(2 * time.Millisecond):
		}
	}
}

func readFirstLine(path string) string {
	b, _ := os.ReadFile(path)
	line, _, _ := strings.Cut(string(b), "\n")
	return line
}

// field3 is the three load averages of a /proc/loadavg line.
func field3(s string) string {
	f := strings.Fields(s)
	if len(f) < 3 {
		return s
	}
	return strings.Join(f[:3], " ")
}

// procField is the value of the first "name: value" line of a /proc file.
func procField(path, name string) string {
	b, _ := os.ReadFile(path)
	for _, l := range strings.Split(string(b), "\n") {
		k, v, ok := strings.Cut(l, ":")
		if ok && strings.TrimSpace(k) == name {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}

func vmHWM(path string) int64 { return statusKB(path, "VmHWM:") << 10 }

// statusKB is a "Name:  123 kB" field of a /proc status file, in kB.
func statusKB(path, name string) int64 {
	f, err := os.Open(path)
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), name); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb
		}
	}
	return 0
}
