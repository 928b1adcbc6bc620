package main

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/resolve"
)

// options are every flag of every verb; each verb checks which apply.
type options struct {
	target   resolve.Flags
	verb     string
	paths    []string
	json     bool
	noCache  bool
	refresh  bool
	logFile  string
	known    bool
	explain  bool
	dryRun   bool
	outLink  string
	noLink   bool
	all      bool
	force    bool // build: past the room check
	help     bool
	version  bool
	oneShot  bool
	names    bool
	trace    bool  // show --trace
	workers  int   // --eval-workers; 0 = the default
	maxMem   int64 // --max-eval-memory in bytes; -1 = the default, 0 = off
	anyFlags bool  // any target flag was given
}

var verbs = map[string]bool{"ls": true, "show": true, "cmd": true, "build": true, "compare": true, "tui": true, "help": true, "version": true, "completion": true}

// parseArgs reads flags the way nix-build does: -I takes one value,
// --arg/--argstr/--option two; flags and positional words may mix.
func parseArgs(args []string) (*options, error) {
	o := &options{maxMem: -1}
	need := func(i *int, n int, flag string) ([]string, error) {
		if *i+n >= len(args) {
			return nil, fmt.Errorf("%s needs %s", flag, nixeval.Count(n, "value"))
		}
		v := args[*i+1 : *i+1+n]
		*i += n
		return v, nil
	}
	for i := 0; i < len(args); i++ {
		a := args[i]
		// --flag=value for the one-value flags.
		if strings.HasPrefix(a, "--") && strings.Contains(a, "=") {
			name, val, _ := strings.Cut(a, "=")
			switch name {
			case "--system", "--file", "--expr", "--flake", "--builders", "--timeout", "--log", "--out-link", "--eval-workers", "--max-eval-memory":
				args = append(args[:i], append([]string{name, val}, args[i+1:]...)...)
				a = name
			}
		}
		switch {
		case a == "-I":
			v, err := need(&i, 1, a)
			if err != nil {
				return nil, err
			}
			o.target.SearchPath = append(o.target.SearchPath, v[0])
			o.anyFlags = true
		case strings.HasPrefix(a, "-I") && len(a) > 2:
			o.target.SearchPath = append(o.target.SearchPath, a[2:])
			o.anyFlags = true
		case a == "--arg" || a == "--argstr":
			v, err := need(&i, 2, a)
			if err != nil {
				return nil, err
			}
			o.target.Args = append(o.target.Args, nixeval.Arg{Name: v[0], Value: v[1], Str: a == "--argstr"})
			o.anyFlags = true
		case a == "--option":
			v, err := need(&i, 2, a)
			if err != nil {
				return nil, err
			}
			o.target.Options = append(o.target.Options, nixeval.Option{Name: v[0], Value: v[1]})
		case a == "--system" || a == "-f" || a == "--file" || a == "--expr" || a == "-E" || a == "--flake" || a == "--builders" || a == "--timeout" || a == "--log" || a == "--out-link" || a == "-o":
			v, err := need(&i, 1, a)
			if err != nil {
				return nil, err
			}
			switch a {
			case "--system":
				o.target.System = v[0]
			case "-f", "--file":
				o.target.File = v[0]
			case "--expr", "-E":
				o.target.Expr = v[0]
			case "--flake":
				o.target.Flake = v[0]
			case "--builders":
				o.target.Builders = v[0]
			case "--timeout":
				d, err := parseDuration(v[0])
				if err != nil {
					return nil, err
				}
				o.target.Timeout = d
			case "--log":
				o.logFile = v[0]
			case "--out-link", "-o":
				o.outLink = v[0]
			}
		case a == "--eval-workers" || a == "--max-eval-memory":
			v, err := need(&i, 1, a)
			if err != nil {
				return nil, err
			}
			if a == "--eval-workers" {
				n, err := strconv.Atoi(v[0])
				if err != nil || n < 1 || n > 64 {
					return nil, fmt.Errorf("--eval-workers %q: give a number of evaluators from 1 to 64", v[0])
				}
				o.workers = n
			} else {
				b, err := parseSize(v[0])
				if err != nil {
					return nil, err
				}
				o.maxMem = b
			}
		case a == "--names":
			o.names = true
		case a == "--trace", a == "--show-trace":
			o.trace = true
		case a == "--json":
			o.json = true
		case a == "--no-cache":
			o.noCache = true
		case a == "--no-write-lock-file":
			o.target.NoWriteLockFile = true
		case a == "--refresh":
			o.refresh = true
		case a == "--known":
			o.known = true
		case a == "--explain":
			o.explain = true
		case a == "--dry-run":
			o.dryRun = true
		case a == "--no-link", a == "--no-out-link":
			o.noLink = true
		case a == "--all":
			o.all = true
		case a == "--force":
			o.force = true
		case a == "--one-shot":
			o.oneShot = true
		case a == "-h" || a == "--help":
			o.help = true
		case a == "--version":
			o.version = true
		case a == "--":
			o.paths = append(o.paths, args[i+1:]...)
			i = len(args)
		case strings.HasPrefix(a, "-") && a != "-":
			return nil, fmt.Errorf("unknown flag %s (see nixplore --help)", a)
		default:
			if o.verb == "" && len(o.paths) == 0 && verbs[a] {
				o.verb = a
			} else if v, ok := verbTypo(a); ok && o.verb == "" && len(o.paths) == 0 {
				return nil, verbTypoError(a, v)
			} else {
				o.paths = append(o.paths, a)
			}
		}
	}
	return o, nil
}

// parseDuration accepts Go durations and plain seconds.
func parseDuration(s string) (time.Duration, error) {
	d, err := time.ParseDuration(s)
	if err != nil {
		var secs float64
		if _, serr := fmt.Sscanf(s, "%g", &secs); serr != nil || fmt.Sprint(secs) != strings.TrimSpace(s) {
			return 0, fmt.Errorf("--timeout %q: give a duration such as 30s or 2m", s)
		}
		d = time.Duration(secs * float64(time.Second))
	}
	if d <= 0 {
		// A limit of zero would stop every evaluation before it starts;
		// "no limit" is what leaving the flag out means.
		return 0, fmt.Errorf("--timeout %q: the limit must be longer than zero (e.g. 30s); leave --timeout out for no limit", s)
	}
	return d, nil
}

// parseSize reads a memory size as nix-eval-jobs and GNU tools write it:
// a number of bytes with an optional K, M, G or T suffix (powers of 1024,
// with or without a trailing B or iB); 0 turns the bound off.
func parseSize(s string) (int64, error) {
	t := strings.ToUpper(strings.TrimSpace(s))
	t = strings.TrimSuffix(strings.TrimSuffix(t, "IB"), "B")
	mult := int64(1)
	if n := len(t); n > 0 {
		switch t[n-1] {
		case 'K':
			mult = 1 << 10
		case 'M':
			mult = 1 << 20
		case 'G':
			mult = 1 << 30
		case 'T':
			mult = 1 << 40
		}
		if mult > 1 {
			t = t[:n-1]
		}
	}
	f, err := strconv.ParseFloat(t, 64)
	if err != nil || f < 0 || math.IsInf(f, 0) || math.IsNaN(f) || f*float64(mult) > 1<<62 {
		return 0, fmt.Errorf("--max-eval-memory %q: give a size such as 700M or 4G (0 turns the bound off)", s)
	}
	b := int64(f * float64(mult))
	if b != 0 && b < 64<<20 {
		return 0, fmt.Errorf("--max-eval-memory %q: under 64 MiB no NixOS evaluation fits; give e.g. 700M, or 0 for no bound", s)
	}
	return b, nil
}
