package cmdline

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/resolve"
)

// Options are every flag of every verb; each verb reads those it takes.
type Options struct {
	Target  resolve.Flags
	Verb    string
	Paths   []string
	JSON    bool
	NoCache bool
	Refresh bool
	LogFile string
	Known   bool
	Explain bool
	DryRun  bool
	OutLink string
	NoLink  bool
	All     bool
	Force   bool // build: past the room check
	// diff: what to compare with (a revision or a built system), exit 1
	// on differences, every host of the flake.
	Against  string
	ExitCode bool
	AllHosts bool
	NoWatch  bool // the explorer: do not follow edits
	Help     bool
	Version  bool
	OneShot  bool
	Names    bool
	Trace    bool  // show --trace
	Workers  int   // --eval-workers; 0 = the default
	MaxMem   int64 // --max-eval-memory in bytes; -1 = the default, 0 = off
}

// on is the setter of a switch.
func on(field func(*Options) *bool) setter {
	return func(o *Options, _ []string) error {
		*field(o) = true
		return nil
	}
}

// text is the setter of a flag whose value is kept as given.
func text(field func(*Options) *string) setter {
	return func(o *Options, v []string) error {
		*field(o) = v[0]
		return nil
	}
}

func addSearchPath(o *Options, v []string) error {
	o.Target.SearchPath = append(o.Target.SearchPath, v[0])
	return nil
}

// addArg is the setter of --arg (an expression) or --argstr (a string).
func addArg(str bool) setter {
	return func(o *Options, v []string) error {
		o.Target.Args = append(o.Target.Args, nixeval.Arg{Name: v[0], Value: v[1], Str: str})
		return nil
	}
}

func addOption(o *Options, v []string) error {
	o.Target.Options = append(o.Target.Options, nixeval.Option{Name: v[0], Value: v[1]})
	return nil
}

func setTimeout(o *Options, v []string) error {
	d, err := ParseDuration(v[0])
	if err != nil {
		return err
	}
	o.Target.Timeout = d
	return nil
}

func setWorkers(o *Options, v []string) error {
	n, err := strconv.Atoi(v[0])
	if err != nil || n < 1 || n > 64 {
		return fmt.Errorf("--eval-workers %q: give a number of evaluators from 1 to 64", v[0])
	}
	o.Workers = n
	return nil
}

func setMaxMemory(o *Options, v []string) error {
	b, err := parseSize(v[0])
	if err != nil {
		return err
	}
	o.MaxMem = b
	return nil
}

// ParseDuration accepts Go durations and plain seconds, longer than zero.
func ParseDuration(s string) (time.Duration, error) {
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
