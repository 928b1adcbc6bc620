package build

import (
	"os"
	"strings"
)

// Builder is one machine of Nix's distributed builds, as the `builders`
// setting or a machines file lists it.
type Builder struct {
	URI     string   `json:"uri"`     // e.g. ssh://pi-builder
	Systems []string `json:"systems"` // the platforms it builds
	// Features it supports; Mandatory are features a derivation must
	// require to be sent there (the machines file's sixth and seventh
	// fields).
	Features  []string `json:"features,omitempty"`
	Mandatory []string `json:"mandatory,omitempty"`
	// Source says where it was configured: "--builders", "Nix's builders
	// setting (nix.conf or NIX_CONFIG)", or a machines file.
	Source string `json:"source"`
}

// Serves reports whether b builds derivations for system.
func (b Builder) Serves(system string) bool {
	for _, s := range b.Systems {
		if s == system {
			return true
		}
	}
	return false
}

// Takes reports whether Nix would send b a derivation for system that
// requires features: b builds system, supports every feature (its
// mandatory ones count as supported), and the derivation requires each
// of b's mandatory features.
func (b Builder) Takes(system string, features []string) bool {
	if !b.Serves(system) {
		return false
	}
	supported := append(append([]string{}, b.Features...), b.Mandatory...)
	return subset(features, supported) && subset(b.Mandatory, features)
}

// machinesFileDepth bounds `@file` lines inside machines files.
const machinesFileDepth = 4

// ParseBuilders reads a `builders` value the way Nix does: machines
// separated by `;` or newlines, each `URI [SYSTEMS [KEY [JOBS …]]]` with
// SYSTEMS comma-separated (`-` or missing: the local system), `#` starting a
// comment, and `@FILE` standing for the machines in FILE (e.g.
// @/etc/nix/machines). A file that cannot be read contributes nothing.
func ParseBuilders(spec, source, local string) []Builder {
	return parseBuilders(spec, source, local, os.ReadFile, 0)
}

func parseBuilders(spec, source, local string, read func(string) ([]byte, error), depth int) []Builder {
	var out []Builder
	for _, entry := range strings.FieldsFunc(spec, func(r rune) bool { return r == ';' || r == '\n' }) {
		if i := strings.Index(entry, "#"); i >= 0 {
			entry = entry[:i]
		}
		entry = strings.TrimSpace(entry)
		if entry == "" {
			continue
		}
		if file, ok := strings.CutPrefix(entry, "@"); ok {
			if depth >= machinesFileDepth {
				continue
			}
			data, err := read(file)
			if err == nil {
				out = append(out, parseBuilders(string(data), file, local, read, depth+1)...)
			}
			continue
		}
		fields := strings.Fields(entry)
		b := Builder{URI: fields[0], Source: source}
		if len(fields) > 1 && fields[1] != "-" {
			b.Systems = strings.Split(fields[1], ",")
		} else if local != "" {
			b.Systems = []string{local}
		}
		b.Features = featureList(fields, 5)
		b.Mandatory = featureList(fields, 6)
		out = append(out, b)
	}
	return out
}

// featureList is a machines line's comma-separated field i ("-" or
// missing: none).
func featureList(fields []string, i int) []string {
	if len(fields) <= i || fields[i] == "-" || fields[i] == "" {
		return nil
	}
	return strings.Split(fields[i], ",")
}
