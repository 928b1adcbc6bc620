// Package diag reads what Nix says besides an answer: its errors, explained
// for a user (EvalError, Classify), the warnings and traces an evaluation
// prints (Warning, WarningScanner), the frames of --show-trace (ParseTrace),
// the builds Nix starts while it evaluates (EvalBuild), and where a file it
// names lies in nixpkgs (NixpkgsRelative). It runs nothing: nixeval and the
// packages above it hand it Nix's text.
package diag

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/nixeval/nixproc"
)

// ErrKind says what went wrong in an evaluation, so the UI can explain it.
type ErrKind int

const (
	ErrOther ErrKind = iota
	ErrSyntax
	ErrAssertion
	ErrMissingAttr
	ErrInfiniteRecursion
	ErrThrow
	ErrType
	ErrFileMissing
	ErrSearchPath
	ErrFlakeHost
	ErrFeature
	ErrTimeout
	ErrNotNix
	ErrPlatform
	ErrUntracked  // a file of a git flake exists but git does not track it
	ErrFlakeInput // a flake's inputs cannot be locked or fetched
	ErrIFD        // evaluation needs a build that allow-import-from-derivation forbids
)

var errKindNames = map[ErrKind]string{
	ErrOther: "error", ErrSyntax: "syntax error", ErrAssertion: "failed assertion",
	ErrMissingAttr: "missing attribute", ErrInfiniteRecursion: "infinite recursion",
	ErrThrow: "evaluation aborted", ErrType: "type error", ErrFileMissing: "file missing",
	ErrSearchPath: "search path", ErrFlakeHost: "flake host missing", ErrFeature: "nix feature missing",
	ErrTimeout: "timeout", ErrNotNix: "not nix", ErrPlatform: "platform mismatch",
	ErrUntracked: "file not tracked by git", ErrFlakeInput: "flake input",
	ErrIFD: "import from derivation refused",
}

func (k ErrKind) String() string { return errKindNames[k] }

// EvalError is an evaluation failure explained for a user: what happened,
// what to do, and Nix's own text underneath.
type EvalError struct {
	Kind     ErrKind
	Summary  string   // one line: what happened
	Hint     string   // what to do about it
	Location string   // file:line:column when Nix gave one
	Details  []string // e.g. each failed assertion, or the available hosts
	// Where is the option and the user's own file, read from Nix's trace
	// (Trace.Where); "" without one.
	Where string
	Nix   *nixproc.NixError
}

func (e *EvalError) Error() string {
	var b strings.Builder
	b.WriteString(e.Summary)
	if e.Where != "" {
		fmt.Fprintf(&b, "\n  %s", e.Where)
	}
	if e.Location != "" && e.Where == "" {
		fmt.Fprintf(&b, "\n  at %s", e.Location)
	}
	for _, d := range e.Details {
		fmt.Fprintf(&b, "\n  - %s", d)
	}
	if e.Hint != "" {
		fmt.Fprintf(&b, "\n%s", e.Hint)
	}
	if e.Nix != nil && e.Nix.Message != "" && !e.SaysAllNixSaid() {
		fmt.Fprintf(&b, "\n\nNix said:\n%s", nixproc.Indent(e.Nix.Message, "  "))
	}
	return b.String()
}

// SaysAllNixSaid reports whether the summary and details already hold
// every line of Nix's message (a failed assertion: Nix's text is the list
// of assertions, each a detail), so quoting Nix would say it twice.
func (e *EvalError) SaysAllNixSaid() bool {
	if e.Nix == nil || len(e.Details) == 0 {
		return false
	}
	have := map[string]bool{strings.TrimSpace(e.Summary): true}
	for _, d := range e.Details {
		have[d] = true
	}
	for _, l := range strings.Split(e.Nix.Message, "\n") {
		l = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(l), "error:"))
		if l == "" || l == "Failed assertions:" {
			continue
		}
		if !have[strings.TrimSpace(strings.TrimPrefix(l, "- "))] {
			return false
		}
	}
	return true
}

func (e *EvalError) Unwrap() error {
	if e.Nix == nil {
		return nil
	}
	return e.Nix
}

// MissingAttrError is an attribute path that does not exist: the missing
// name, the deepest parent that does exist, and close matches there.
type MissingAttrError struct {
	Path       attr.Path // what was asked
	Missing    string    // the first name that is not there
	Parent     attr.Path // deepest existing parent
	NotAttrs   string    // when the parent is not an attribute set: its kind
	Suggest    []string  // close matches among the parent's names
	TargetDesc string
}

func (e *MissingAttrError) Error() string {
	var b strings.Builder
	if e.NotAttrs != "" {
		fmt.Fprintf(&b, "attribute path %s does not exist: %s is a %s, not an attribute set", e.Path, e.Parent, e.NotAttrs)
		return b.String()
	}
	fmt.Fprintf(&b, "attribute %s missing in %s", attr.Quote(e.Missing), pathOrRoot(e.Parent))
	if len(e.Suggest) > 0 {
		q := make([]string, len(e.Suggest))
		for i, s := range e.Suggest {
			q[i] = e.Parent.Child(s).String()
		}
		fmt.Fprintf(&b, "\nDid you mean: %s?", strings.Join(q, ", "))
	}
	fmt.Fprintf(&b, "\nList what is there with: nixplore ls %s", attr.ShellQuote(e.Parent.String()))
	return b.String()
}

func pathOrRoot(p attr.Path) string {
	if len(p) == 0 {
		return "the top level"
	}
	return p.String()
}

var (
	atLineRE     = regexp.MustCompile(`^\s*at («[^»]*»|/\S+):(\d+):(\d+):?\s*$`)
	excerptRE    = regexp.MustCompile(`^\s*(\d*)\s*\|(.*)$`)
	tempWrapperR = regexp.MustCompile(`/nixplore-\d+\.nix$`)
)

// HideWrapperLocations drops the locations (and their source excerpts)
// that point into nixplore's own expression, whose text is wrapper: its
// temporary file in the warm repl, the «string» it is given as with -E, or
// the request line sent to the repl. The user can do nothing with them;
// the error text itself stays. A «string» location is nixplore's only when
// the excerpt Nix shows is nixplore's text, since a user's --arg or --expr
// is a «string» too.
func HideWrapperLocations(msg, wrapper string) string {
	lines := strings.Split(msg, "\n")
	out := make([]string, 0, len(lines))
	for i := 0; i < len(lines); i++ {
		m := atLineRE.FindStringSubmatch(lines[i])
		if m == nil {
			out = append(out, lines[i])
			continue
		}
		j := i + 1 // the excerpt: blank lines and "NN| text" / "  |  ^"
		for j < len(lines) && (strings.TrimSpace(lines[j]) == "" || excerptRE.MatchString(lines[j])) {
			j++
		}
		if !isWrapperLocation(wrapper, m[1], m[2], lines[i+1:j]) {
			out = append(out, lines[i])
			continue
		}
		i = j - 1
	}
	return strings.TrimSpace(strings.Join(out, "\n"))
}

func isWrapperLocation(wrapperExpr, file, line string, excerpt []string) bool {
	if tempWrapperR.MatchString(file) {
		return true
	}
	if !strings.HasPrefix(file, "«") {
		return false
	}
	n, _ := strconv.Atoi(line)
	wrapper := strings.Split(wrapperExpr, "\n")
	for _, l := range excerpt {
		m := excerptRE.FindStringSubmatch(l)
		if m == nil || m[1] != line {
			continue
		}
		text := strings.TrimSpace(m[2])
		if strings.Contains(text, "(run (builtins.fromJSON ") {
			return true // the request line sent to the repl
		}
		return n >= 1 && n <= len(wrapper) && text == strings.TrimSpace(wrapper[n-1])
	}
	return false
}

var (
	missingAttrRE  = regexp.MustCompile(`attribute '([^']*)' missing`)
	locationRE     = regexp.MustCompile(`at (?:«[^»]*»|(/[^:\s]+)):(\d+):(\d+)`)
	syntaxRE       = regexp.MustCompile(`syntax error, (.*)`)
	assertionRE    = regexp.MustCompile(`(?m)^\s*- (.*)$`)
	searchPathRE   = regexp.MustCompile(`file '([^']*)' was not found in the Nix search path`)
	fileMissingRE  = regexp.MustCompile(`(?:getting status of|path) '([^']*)'(?:: No such file or directory| does not exist)`)
	flakeAttrRE    = regexp.MustCompile(`flake '([^']*)' does not provide attribute`)
	featureRE      = regexp.MustCompile(`experimental Nix feature '([^']*)' is disabled`)
	platformNixRE  = regexp.MustCompile(`a '([^']+)' with features \{[^}]*\} is required to build '([^']+)', but I am a '([^']+)'`)
	platform234RE  = regexp.MustCompile(`Cannot build '([^']+)'\.\s+Reason: platform mismatch\s+Required system: '([^']+)'\s+Current system: '([^']+)'`)
	builtinThrowRE = regexp.MustCompile(`(?s)^error:\s*(.*)`)
	// 2.8 says "value is a string while a set was expected", 2.26 and
	// later "expected a set but found a string"; the other type errors
	// read the same from 2.8 to 2.34.
	typeErrorRE = regexp.MustCompile(`value is (?:an? |the |null)[^\n]*? while an? [^\n]+? was expected|expected (?:an? |the )[^:\n]+? but found (?:an? |the |null)|cannot (?:add|coerce) an? [^\n]+? to an? |attempt to call something which is not a function`)
)

// PlatformMismatch reads Nix's refusal to build a derivation for another
// system: the system it needs, the derivation and this machine's system.
// Up to 2.26 it is one sentence; 2.34 says "Cannot build" with a reason.
func PlatformMismatch(msg string) (system, drv, machine string, ok bool) {
	if m := platformNixRE.FindStringSubmatch(msg); m != nil {
		return m[1], m[2], m[3], true
	}
	if m := platform234RE.FindStringSubmatch(msg); m != nil {
		return m[2], m[1], m[3], true
	}
	return "", "", "", false
}

// MissingFile is the file Nix says does not exist, if it says so.
func MissingFile(msg string) (string, bool) {
	if m := fileMissingRE.FindStringSubmatch(msg); m != nil {
		return m[1], true
	}
	return "", false
}

// Classify turns a NixError from an evaluation into an EvalError a user can
// act on. Errors it cannot place keep Nix's message under ErrOther.
func Classify(ne *nixproc.NixError) *EvalError {
	msg := ne.Message
	e := &EvalError{Kind: ErrOther, Nix: ne}
	if m := locationRE.FindStringSubmatch(msg); m != nil && m[1] != "" {
		e.Location = fmt.Sprintf("%s:%s:%s", m[1], m[2], m[3])
	}
	system, _, machine, isPlatform := PlatformMismatch(msg)
	ifd, isIFD := IFDRefused(msg)
	switch {
	case ne.Killed:
		e.Kind = ErrOther
		e.Summary = "Nix was killed before it answered"
		e.Hint = "It may have run out of memory, or something ended it. Try again; `r` re-evaluates."
	case syntaxRE.MatchString(msg):
		e.Kind = ErrSyntax
		e.Summary = "syntax error in a Nix file: " + strings.TrimSpace(syntaxRE.FindStringSubmatch(msg)[1])
		e.Hint = "Fix the file at the location above, then run again (in the explorer: R reloads)."
		if e.Location == "" && strings.Contains(msg, "«string»") {
			e.Summary = "syntax error in an expression given on the command line (--arg or --expr): " + strings.TrimSpace(syntaxRE.FindStringSubmatch(msg)[1])
			e.Hint = "--arg takes a Nix expression: quote strings twice (--arg system '\"aarch64-linux\"') or use --argstr."
		}
	case strings.Contains(msg, "Failed assertions:"):
		e.Kind = ErrAssertion
		e.Summary = "the configuration has failed assertions"
		after := msg[strings.Index(msg, "Failed assertions:"):]
		for _, m := range assertionRE.FindAllStringSubmatch(after, -1) {
			e.Details = append(e.Details, strings.TrimSpace(m[1]))
		}
		e.Hint = "Each assertion above names an option to change in your configuration."
	case strings.Contains(msg, "infinite recursion encountered"):
		e.Kind = ErrInfiniteRecursion
		e.Summary = "infinite recursion: a value depends on itself"
		e.Hint = "Often a module reads `config` to decide `imports` or an option reads itself; `nixplore show --trace PATH` (in the explorer: t) names the option and your file."
	case missingAttrRE.MatchString(msg):
		e.Kind = ErrMissingAttr
		e.Summary = fmt.Sprintf("attribute '%s' missing", missingAttrRE.FindStringSubmatch(msg)[1])
		e.Hint = "The configuration (or nixplore's path) refers to an attribute that does not exist."
	case searchPathRE.MatchString(msg):
		e.Kind = ErrSearchPath
		name := searchPathRE.FindStringSubmatch(msg)[1]
		e.Summary = fmt.Sprintf("<%s> is not on the Nix search path", name)
		e.Hint = searchPathHint(name)
	case fileMissingRE.MatchString(msg):
		e.Kind = ErrFileMissing
		e.Summary = fmt.Sprintf("file not found: %s", fileMissingRE.FindStringSubmatch(msg)[1])
		e.Hint = "Check the path given with -I nixos-config=, -f or --flake (relative paths are relative to the current directory)."
	case flakeAttrRE.MatchString(msg):
		e.Kind = ErrFlakeHost
		e.Summary = "the flake does not provide that attribute"
	case featureRE.MatchString(msg):
		e.Kind = ErrFeature
		e.Summary = fmt.Sprintf("this Nix needs the experimental feature '%s'", featureRE.FindStringSubmatch(msg)[1])
		e.Hint = "nixplore enables it itself; if you see this, your Nix is too old for flakes (2.4 or newer is needed)."
	case isIFD:
		e.Kind = ErrIFD
		e.Summary = fmt.Sprintf("evaluating this needs %s built first (import from derivation), and allow-import-from-derivation is false", ifd.Name)
		e.Hint = fmt.Sprintf("Nix refused to build %s during evaluation. Drop --option allow-import-from-derivation false (or allow it in nix.conf) to let it build.", ifd.Drv)
	case isPlatform:
		e.Kind = ErrPlatform
		e.Summary = fmt.Sprintf("this machine (%s) cannot build for %s", machine, system)
	case typeErrorRE.MatchString(msg):
		e.Kind = ErrType
		e.Summary = "type error: " + FirstLine(strings.TrimPrefix(msg, "error:"))
	default:
		e.Kind = ErrThrow
		if m := builtinThrowRE.FindStringSubmatch(msg); m != nil {
			e.Summary = FirstLine(m[1])
		} else {
			e.Summary = FirstLine(msg)
		}
		if strings.TrimSpace(e.Summary) == "" {
			e.Summary = "evaluation failed"
		}
	}
	return e
}

func searchPathHint(name string) string {
	switch {
	case name == "nixos-config":
		return "Say which configuration to use: -I nixos-config=./configuration.nix (or set NIXOS_CONFIG, or --flake)."
	case strings.HasPrefix(name, "nixpkgs"):
		return "NIX_PATH has no nixpkgs entry. Add one: -I nixpkgs=/path/to/nixpkgs (or -I nixpkgs=channel:nixos-unstable), or use --flake."
	}
	return fmt.Sprintf("Add it with -I %s=PATH or to NIX_PATH.", name)
}

// FirstLine is the first line of s, trimmed.
func FirstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return strings.TrimSpace(s[:i])
	}
	return s
}

// Clip shortens s, trimmed, to n bytes and an ellipsis.
func Clip(s string, n int) string {
	s = strings.TrimSpace(s)
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

// IsWrapperFile reports whether file is the temporary file the warm repl
// reads nixplore's expression from.
func IsWrapperFile(file string) bool { return tempWrapperR.MatchString(file) }
