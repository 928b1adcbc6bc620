package diag

import (
	"regexp"
	"strings"

	"github.com/nixplore/nixplore/nixeval/nixproc"
)

// EvalBuild is a derivation Nix builds in the middle of an evaluation
// (import from derivation: `import "${drv}"`, `builtins.readFile drv`):
// the evaluation waits for it, which can take minutes.
type EvalBuild struct {
	Drv  string // /nix/store/…-gen-foo.drv
	Name string // gen-foo
	// Locked is the output another Nix process is building (Drv is then
	// empty): this evaluation waits for that process's lock on it, and
	// builds it itself if that process stops without finishing it.
	Locked string
	// Unrecognised is Nix's line when it named a derivation and a build
	// in a wording nixplore does not know (a newer Nix): reported as a
	// build, with the line, rather than ignored.
	Unrecognised string
}

// LogCommand is the command that prints the build's whole log once it has
// ended (every Nix version has it; it takes an output path as well as a
// .drv).
func (b EvalBuild) LogCommand() string {
	if b.Drv == "" {
		return "nix-store -l " + b.Locked
	}
	return "nix-store -l " + b.Drv
}

// String says what the evaluation waits for, as the footer and the CLI
// put it.
func (b EvalBuild) String() string {
	if b.Drv == "" {
		return "waiting for " + b.Name + " for evaluation (another Nix process builds it)"
	}
	if b.Unrecognised != "" {
		return "building " + b.Name + " for evaluation (as nixplore reads Nix's line, which it did not recognise: " + Clip(b.Unrecognised, 120) + ")"
	}
	return "building " + b.Name + " for evaluation"
}

// Key names the build the same way whichever Nix process reports it first.
func (b EvalBuild) Key() string {
	if b.Drv == "" {
		return b.Locked
	}
	return b.Drv
}

// evalBuildRE is the line Nix prints on stderr before it builds a
// derivation, the same from 2.8 to 2.34.
var evalBuildRE = regexp.MustCompile(`^building '(/[^']+\.drv)'\.\.\.$`)

// storeNameRE takes the hash off a store path's base name.
var storeNameRE = regexp.MustCompile(`^[0-9a-z]{32}-`)

// lockWaitRE is the line Nix prints (2.8 to 2.34) when another Nix
// process already builds the outputs it needs: it waits for that process's
// lock on them. Two requests that need the same derivation at once (two
// warm evaluators, or a nix-build in another terminal) meet this way.
var lockWaitRE = regexp.MustCompile(`^waiting for lock on '(/[^']+)'`)

// ParseEvalBuild reads Nix's `building '/nix/store/…drv'...` line, and its
// `waiting for lock on '/nix/store/…'...` line: either way the evaluation
// waits for that build.
func ParseEvalBuild(line string) (EvalBuild, bool) {
	line = strings.TrimSpace(nixproc.StripANSI(line))
	if m := evalBuildRE.FindStringSubmatch(line); m != nil {
		return EvalBuild{Drv: m[1], Name: strings.TrimSuffix(storeName(m[1]), ".drv")}, true
	}
	if m := lockWaitRE.FindStringSubmatch(line); m != nil {
		return EvalBuild{Locked: m[1], Name: storeName(m[1])}, true
	}
	if buildWordRE.MatchString(line) {
		if m := storeDrvRE.FindStringSubmatch(line); m != nil {
			return EvalBuild{Drv: m[1], Name: strings.TrimSuffix(storeName(m[1]), ".drv"), Unrecognised: line}, true
		}
	}
	return EvalBuild{}, false
}

// A line that names a .drv and a build in another wording than
// evalBuildRE: not recognised, so reported as such (EvalBuild.Unrecognised).
var (
	buildWordRE = regexp.MustCompile(`(?i)^\W*build`)
	storeDrvRE  = regexp.MustCompile(`(/[^\s'"]*/[0-9a-z]{32}-[^\s'"/]+\.drv)`)
)

// storeName is a store path's name: its base name without the hash.
func storeName(p string) string {
	return storeNameRE.ReplaceAllString(p[strings.LastIndexByte(p, '/')+1:], "")
}

// ifdRefusedRE is Nix refusing to build during evaluation: 2.8 names the
// .drv, 2.26 and later the output (`….drv^out`).
var ifdRefusedRE = regexp.MustCompile(`cannot build '(/[^'^]+\.drv)(?:\^[^']*)?' during evaluation because the option 'allow-import-from-derivation' is disabled`)

// IFDRefused reads that refusal: the derivation the evaluation needed.
func IFDRefused(msg string) (EvalBuild, bool) {
	m := ifdRefusedRE.FindStringSubmatch(msg)
	if m == nil {
		return EvalBuild{}, false
	}
	b, _ := ParseEvalBuild("building '" + m[1] + "'...")
	return b, true
}
