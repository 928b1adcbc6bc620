package build

import (
	"context"
	"errors"
	"regexp"
	"strconv"
	"strings"

	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/nixeval/diag"
	"github.com/nixplore/nixplore/nixeval/nixproc"
)

// Plan is what a build would do, as Nix's dry run reports it: the
// derivations it would build and the paths it would fetch from a binary
// cache, with their sizes.
type Plan struct {
	Build        []string `json:"build"`        // .drv paths, in Nix's order
	Fetch        []string `json:"fetch"`        // store paths to substitute
	Unknown      []string `json:"unknown"`      // paths Nix does not know how to build
	DownloadSize int64    `json:"downloadSize"` // bytes to download (Nix prints MiB with two decimals)
	UnpackedSize int64    `json:"unpackedSize"` // bytes in the store once unpacked
}

// Empty reports whether nothing needs to be built or fetched.
func (p *Plan) Empty() bool { return len(p.Build) == 0 && len(p.Fetch) == 0 && len(p.Unknown) == 0 }

// BuildNames are the names of the derivations to build, without store hash
// and .drv suffix (e.g. "chain-step-1").
func (p *Plan) BuildNames() []string {
	out := make([]string, len(p.Build))
	for i, d := range p.Build {
		out[i] = DrvName(d)
	}
	return out
}

// DrvName is the name part of a store path: no /nix/store/<hash>- and no
// .drv suffix.
func DrvName(p string) string {
	base := p[strings.LastIndexByte(p, '/')+1:]
	if i := strings.IndexByte(base, '-'); i == 32 {
		base = base[i+1:]
	}
	return strings.TrimSuffix(base, ".drv")
}

// The section headers of Nix's printMissing, singular and plural, 2.8 to
// 2.26 ("these derivations" without a count in old versions).
var (
	planBuildRE   = regexp.MustCompile(`^(?:these (?:\d+ )?derivations|this derivation) will be built:$`)
	planFetchRE   = regexp.MustCompile(`^(?:these (?:\d+ )?paths|this path) will be fetched \(([\d.]+) ?([KMGT]?i?B) download, ([\d.]+) ?([KMGT]?i?B) unpacked\):$`)
	planUnknownRE = regexp.MustCompile(`^don't know how to build these paths`)
)

// planParser reads printMissing's lines one at a time, so the same code
// reads a dry run's stderr and the msg events of a real build.
type planParser struct {
	plan    Plan
	section *[]string
}

// add reads one line; it reports whether the line belonged to the plan.
func (pp *planParser) add(line string) bool {
	l := strings.TrimRight(nixproc.StripANSI(line), " \r")
	switch {
	case planBuildRE.MatchString(l):
		pp.section = &pp.plan.Build
	case planFetchRE.MatchString(l):
		m := planFetchRE.FindStringSubmatch(l)
		pp.plan.DownloadSize += sizeBytes(m[1], m[2])
		pp.plan.UnpackedSize += sizeBytes(m[3], m[4])
		pp.section = &pp.plan.Fetch
	case planUnknownRE.MatchString(l):
		pp.section = &pp.plan.Unknown
	case pp.section != nil && strings.HasPrefix(l, "  /"):
		*pp.section = append(*pp.section, strings.TrimSpace(l))
	default:
		pp.section = nil
		return false
	}
	return true
}

func sizeBytes(num, unit string) int64 {
	f, err := strconv.ParseFloat(num, 64)
	if err != nil {
		return 0
	}
	mult := map[string]float64{"B": 1, "KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30, "TiB": 1 << 40,
		"KB": 1e3, "MB": 1e6, "GB": 1e9, "TB": 1e12}[unit]
	return int64(f * mult)
}

// parsePlan reads the output of `nix-build --dry-run` or
// `nix build --dry-run` (stderr; lines that are not part of the plan, such as
// warnings, are skipped).
func parsePlan(out []byte) *Plan {
	var pp planParser
	for _, l := range strings.Split(string(out), "\n") {
		pp.add(l)
	}
	p := pp.plan
	return &p
}

// DryRun asks Nix what building path would do, running exactly the build
// command of BuildCommands with --dry-run. Nothing is built; derivations are
// instantiated (their .drv files written).
//
// outputs, when the caller knows them (a description), are the output
// paths: an empty plan while one of them is not in the store is a
// contradiction (a Nix whose wording nixplore does not recognise), said
// with Nix's own text instead of "nothing to build".
func DryRun(ctx context.Context, tools nixeval.Tools, t *nixeval.Target, path attr.Path, outputs ...string) (*Plan, error) {
	cmd := buildCommand(tools, t, path, "--dry-run")
	// Read line by line as Nix prints it: what Command keeps of stderr is
	// a bounded tail, and a plan of tens of thousands of paths is longer.
	var pp planParser
	cmd.OnStderrLine = func(line string) { pp.add(line) }
	res, err := cmd.Run(ctx)
	if err != nil {
		var ne *nixproc.NixError
		if errors.As(err, &ne) {
			return nil, diag.Classify(ne)
		}
		return nil, err
	}
	plan := &pp.plan
	if plan.Empty() && len(outputs) > 0 {
		var opts []nixeval.Option
		if t != nil {
			opts = t.Options
		}
		valid, err := nixeval.ValidPaths(ctx, tools, outputs, opts...)
		if err != nil {
			return nil, err
		}
		for _, o := range outputs {
			if !valid[o] {
				e := unrecognised(cmd.String(), res.Stderr)
				e.Version = nixVersion(ctx, tools)
				e.Why = "its dry run lists nothing to build or fetch, yet " + o + " is not in the store"
				return nil, e
			}
		}
	}
	return plan, nil
}

// nixVersion is `nix --version` as Nix prints it (Lix and Determinate Nix
// word it their own way: it is quoted, never rebuilt).
func nixVersion(ctx context.Context, tools nixeval.Tools) string {
	res, err := (&nixproc.Command{Path: tools.Program("nix"), Args: []string{"--version"}}).Run(ctx)
	if err != nil {
		return ""
	}
	return res.Trimmed()
}

// buildCommand is BuildCommands' argv with the program taken from tools
// and extra flags appended.
func buildCommand(tools nixeval.Tools, t *nixeval.Target, path attr.Path, extra ...string) *nixproc.Command {
	argv := nixeval.BuildCommands(t, path).Argv
	args := append(append([]string{}, argv[1:]...), extra...)
	return &nixproc.Command{Path: tools.Program(argv[0]), Args: args}
}
