package build

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/build/buildlog"
	"github.com/nixplore/nixplore/nixeval/drvdiff"
	"github.com/nixplore/nixplore/nixeval/nixproc"
)

// Need is what one derivation of a plan needs of whoever builds it.
type Need struct {
	Drv      string   `json:"drv"`
	Name     string   `json:"name"`
	System   string   `json:"system"`
	Features []string `json:"features,omitempty"` // requiredSystemFeatures
	// Who builds it: "this machine", a builder's URI, or "" for no one.
	Who string `json:"who"`
}

// Judgement is a plan held against who can build: each derivation the
// dry run would build, with its system and required features.
type Judgement struct {
	Needs []Need `json:"needs"`
	// Unbuildable are the Needs no one here builds: a build would fetch
	// what it can and then fail on these.
	Unbuildable []Need        `json:"unbuildable,omitempty"`
	Caps        *Capabilities `json:"capabilities"`
}

// OK reports whether everything the plan builds has someone to build it.
func (j *Judgement) OK() bool { return j == nil || len(j.Unbuildable) == 0 }

// Judge reads each derivation the plan builds (its .drv file, written by
// the dry run) and says who would build it. The output's own platform is
// not the question: an aarch64 output whose every path can be fetched
// needs no aarch64 builder, while an input to build for a platform no one
// here has stops the build after Nix has fetched the rest.
func Judge(ctx context.Context, tools nixeval.Tools, t *nixeval.Target, plan *buildlog.Plan, caps *Capabilities) (*Judgement, error) {
	j := &Judgement{Caps: caps}
	if plan == nil || len(plan.Build) == 0 {
		return j, nil
	}
	if caps.Err != nil {
		return nil, fmt.Errorf("cannot tell who would build this: Nix's settings could not be read (%w); --force builds without this check", caps.Err)
	}
	needs, err := readNeeds(ctx, tools, t, plan.Build, StoreDir(caps.StoreSetting, os.Getenv))
	if err != nil {
		return nil, err
	}
	for _, n := range needs {
		n.Who = caps.Who(n.System, n.Features)
		j.Needs = append(j.Needs, n)
		if n.Who == "" {
			j.Unbuildable = append(j.Unbuildable, n)
		}
	}
	return j, nil
}

// readNeeds reads the derivations' files from the store with go-nix's
// ATerm parser; a store whose files are not here (a remote store) is
// asked through `nix derivation show`.
func readNeeds(ctx context.Context, tools nixeval.Tools, t *nixeval.Target, drvs []string, dir string) ([]Need, error) {
	out := make([]Need, 0, len(drvs))
	var missing []string
	for _, p := range drvs {
		n, err := readDrvFile(filepath.Join(dir, filepath.Base(p)))
		if err != nil {
			missing = append(missing, p)
			continue
		}
		n.Drv = p
		out = append(out, n)
	}
	if len(missing) > 0 {
		shown, err := showDerivations(ctx, tools, t, missing)
		if err != nil {
			return nil, err
		}
		out = append(out, shown...)
	}
	order := map[string]int{}
	for i, p := range drvs {
		order[p] = i
	}
	sort.SliceStable(out, func(a, b int) bool { return order[out[a].Drv] < order[out[b].Drv] })
	return out, nil
}

func readDrvFile(path string) (Need, error) {
	d, err := drvdiff.ReadFile(path)
	if err != nil {
		return Need{}, err
	}
	return needOf(d.Platform, d.Env), nil
}

// needOf reads the system and requiredSystemFeatures of a derivation's
// environment; with __structuredAttrs they sit in its __json.
func needOf(system string, env map[string]string) Need {
	n := Need{System: system, Name: env["name"]}
	if js, ok := env["__json"]; ok {
		var sa struct {
			Name     string   `json:"name"`
			Features []string `json:"requiredSystemFeatures"`
		}
		if json.Unmarshal([]byte(js), &sa) == nil {
			n.Features = sa.Features
			if n.Name == "" {
				n.Name = sa.Name
			}
		}
		return n
	}
	n.Features = strings.Fields(env["requiredSystemFeatures"])
	return n
}

// showDerivations asks Nix for derivations it has and nixplore cannot
// read from disk: `nix derivation show` (2.15 on) or `nix show-derivation`,
// whose JSON is keyed by path (by base name under "derivations" in 2.33+).
func showDerivations(ctx context.Context, tools nixeval.Tools, t *nixeval.Target, drvs []string) ([]Need, error) {
	var opts []string
	if t != nil {
		opts = nixeval.OptionArgs(t.Options)
	}
	var lastErr error
	for _, sub := range [][]string{{"derivation", "show"}, {"show-derivation"}} {
		args := append(append(append([]string{"--extra-experimental-features", "nix-command"}, sub...), opts...), drvs...)
		res, err := (&nixproc.Command{Path: tools.Program("nix"), Args: args}).Run(ctx)
		if err != nil {
			lastErr = err
			if ctx.Err() != nil {
				break
			}
			continue
		}
		return parseShownDerivations(res.Stdout, drvs)
	}
	return nil, fmt.Errorf("reading the derivations to build: %w", lastErr)
}

func parseShownDerivations(b []byte, drvs []string) ([]Need, error) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(bytes.TrimSpace(b), &top); err != nil {
		return nil, unrecognised("nix derivation show", b)
	}
	if inner, ok := top["derivations"]; ok {
		top = nil
		if err := json.Unmarshal(inner, &top); err != nil {
			return nil, unrecognised("nix derivation show", b)
		}
	}
	var out []Need
	for _, p := range drvs {
		raw, ok := top[p]
		if !ok {
			raw, ok = top[filepath.Base(p)]
		}
		var d struct {
			System string            `json:"system"`
			Env    map[string]string `json:"env"`
		}
		if !ok || json.Unmarshal(raw, &d) != nil || d.System == "" {
			return nil, unrecognised("nix derivation show", b)
		}
		n := needOf(d.System, d.Env)
		n.Drv = p
		out = append(out, n)
	}
	return out, nil
}

// CannotBuildError is a build refused before Nix starts: the plan holds
// derivations no one here builds, so Nix would fetch the rest (perhaps
// gigabytes) and then fail. --force builds anyway.
type CannotBuildError struct {
	Judgement *Judgement
	Plan      *buildlog.Plan
	// Check explains the first unbuildable platform (the ways out).
	Check *PlatformCheck
}

func (e *CannotBuildError) Error() string {
	var b strings.Builder
	un := e.Judgement.Unbuildable
	fmt.Fprintf(&b, "refused: this build needs %s built; no one here can build %d of them:\n",
		nixeval.Count(len(e.Judgement.Needs), "derivation"), len(un))
	const shown = 5
	for i, n := range un {
		if i == shown {
			fmt.Fprintf(&b, "  … and %d more\n", len(un)-shown)
			break
		}
		fmt.Fprintf(&b, "  %s (%s%s)\n", n.Name, n.System, featuresText(n.Features))
	}
	if e.Plan != nil && len(e.Plan.Fetch) > 0 {
		fmt.Fprintf(&b, "Nix would first fetch %s (%s download) and then fail; nothing was fetched or built.\n",
			nixeval.Count(len(e.Plan.Fetch), "path"), HumanBytes(e.Plan.DownloadSize))
	} else {
		b.WriteString("Nothing was fetched or built.\n")
	}
	if e.Check != nil && !e.Check.CanBuild {
		b.WriteString(e.Check.Explain())
		b.WriteString("\n")
	} else if f := e.missingFeatures(); len(f) > 0 {
		caps := e.Judgement.Caps
		fmt.Fprintf(&b, "This machine's system-features are %s, and no builder offers %s: add the feature to system-features in nix.conf (nix.settings.system-features on NixOS) if this machine can take such builds, or use a builder that has it.\n",
			orNone(caps.Features), strings.Join(f, ", "))
	}
	b.WriteString("To build anyway, run again with --force.")
	return b.String()
}

// missingFeatures are the required features of unbuildable derivations
// whose platform itself builds here.
func (e *CannotBuildError) missingFeatures() []string {
	seen := map[string]bool{}
	var out []string
	for _, n := range e.Judgement.Unbuildable {
		for _, f := range n.Features {
			if !seen[f] {
				seen[f] = true
				out = append(out, f)
			}
		}
	}
	return out
}

func featuresText(f []string) string {
	if len(f) == 0 {
		return ""
	}
	return ", needs " + strings.Join(f, ", ")
}

func orNone(l []string) string {
	if len(l) == 0 {
		return "none"
	}
	return strings.Join(l, " ")
}

// Refusal is the error for a judged plan: nil when it can all be built
// or fetched, else a *CannotBuildError whose explanation names the first
// unbuildable platform's ways out.
func (j *Judgement) Refusal(plan *buildlog.Plan) error {
	if j.OK() {
		return nil
	}
	e := &CannotBuildError{Judgement: j, Plan: plan}
	for _, n := range j.Unbuildable {
		if pc := j.Caps.Check(n.System); !pc.CanBuild {
			e.Check = pc
			break
		}
	}
	return e
}
