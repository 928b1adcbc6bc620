package buildlog

import (
	"regexp"
	"strconv"
	"strings"

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

// PlanReader reads printMissing's lines one at a time, so the same code
// reads a dry run's stderr and the msg events of a real build.
type PlanReader struct {
	plan    Plan
	section *[]string
}

// Add reads one line; it reports whether the line belonged to the plan.
func (pp *PlanReader) Add(line string) bool {
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

// ParsePlan reads the output of `nix-build --dry-run` or
// `nix build --dry-run` (stderr; lines that are not part of the plan, such as
// warnings, are skipped).
func ParsePlan(out []byte) *Plan {
	var pp PlanReader
	for _, l := range strings.Split(string(out), "\n") {
		pp.Add(l)
	}
	p := pp.plan
	return &p
}

// Plan is the plan read so far.
func (pp *PlanReader) Plan() *Plan { return &pp.plan }
