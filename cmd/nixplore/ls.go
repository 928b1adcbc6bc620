package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/nixplore/nixplore/cmd/nixplore/cmdline"
	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/nixeval/catalogue"
	"github.com/nixplore/nixplore/nixeval/diag"
)

func cmdLs(ctx context.Context, o *cmdline.Options, stdout, stderr io.Writer) error {
	paths, err := startPaths(o.Paths)
	if err != nil {
		return err
	}
	s, err := openVerbEnv(ctx, o, stderr, true)
	if err != nil {
		return err
	}
	defer s.Close()
	for i := range paths {
		paths[i] = s.fullPath(ctx, paths[i], stderr)
	}
	if o.Names {
		return lsNames(ctx, s, paths, o.JSON, stdout)
	}
	listings, ok := peekListings(s.eval, paths)
	switch {
	case ok:
		fmt.Fprintln(stderr, fromCacheNote)
	case !o.JSON && !o.Known && isTerminal(stdout) && !o.OneShot:
		// A person is reading: the names at once, then each line as soon
		// as its kind and those before it are known.
		return lsStreaming(ctx, s, paths, stdout, stderr)
	default:
		stop := stillEvaluating(stderr, "listing "+pathOrTop(paths[0]))
		listings, err = s.eval.List(ctx, paths...)
		stop()
		if err != nil {
			return err
		}
	}
	for _, l := range listings {
		var absent []knownAbsent
		if o.Known {
			release, system := releaseAndPlatform(ctx, s, l)
			absent = knownAbsentOf(l, imageVariants(ctx, s, l), release, system)
		}
		if o.JSON {
			if err := writeListingJSON(stdout, l, absent, runWarnings(ctx).inJSON(l.AllWarnings())); err != nil {
				return err
			}
			continue
		}
		writeListingText(stdout, l, len(listings) > 1)
		writeAbsentText(stdout, absent)
		runWarnings(ctx).print(l.AllWarnings())
	}
	return nil
}

// lsNames prints the names of each path's children: one builtins.attrNames
// each, no kinds (JSON children {"name","path"}).
func lsNames(ctx context.Context, s *verbEnv, paths []attr.Path, asJSON bool, stdout io.Writer) error {
	for _, p := range paths {
		var l *nixeval.Listing
		if cached, ok := s.eval.PeekList(p); ok {
			l = cached
		} else {
			var err error
			if l, err = s.eval.Names(ctx, p); err != nil {
				return err
			}
		}
		if asJSON {
			type nameJSON struct {
				Name string `json:"name"`
				Path string `json:"path"`
			}
			out := struct {
				Path     string        `json:"path"`
				Children []nameJSON    `json:"children"`
				Warnings []warningJSON `json:"warnings,omitempty"`
			}{Path: p.String(), Children: []nameJSON{}, Warnings: runWarnings(ctx).inJSON(l.AllWarnings())}
			for _, c := range l.Children {
				out.Children = append(out.Children, nameJSON{Name: c.Name, Path: c.Path.String()})
			}
			b, err := json.Marshal(out)
			if err != nil {
				return err
			}
			fmt.Fprintf(stdout, "%s\n", b)
			continue
		}
		if len(paths) > 1 {
			fmt.Fprintf(stdout, "%s:\n", p)
		}
		for _, c := range l.Children {
			fmt.Fprintln(stdout, attr.Printable(attr.Quote(c.Name)))
		}
		runWarnings(ctx).print(l.AllWarnings())
	}
	return nil
}

// lsStreaming lists for a terminal: each path's names on stderr at once
// (the answer to "what is there?"), then its lines on stdout in order, each
// printed as soon as its kind and the kinds before it are known.
func lsStreaming(ctx context.Context, s *verbEnv, paths []attr.Path, stdout, stderr io.Writer) error {
	for _, p := range paths {
		var l nixeval.Listing
		next := 0
		printReady := func() {
			for next < len(l.Children) && l.Children[next].Kind != nixeval.KindPending {
				writeChildText(stdout, l.Children[next])
				next++
			}
		}
		_, err := s.eval.ListStream(ctx, p,
			func(names nixeval.Listing) {
				l = names
				quoted := make([]string, len(names.Children))
				for i, c := range names.Children {
					quoted[i] = attr.Quote(c.Name)
				}
				fmt.Fprintf(stderr, "nixplore: %s has %s: %s (kinds follow)\n", pathOrTop(p), nixeval.Count(len(quoted), "attribute"),
					attr.Printable(clipList(quoted, 400)))
				if len(paths) > 1 {
					fmt.Fprintf(stdout, "%s:\n", p)
				}
				runWarnings(ctx).print(names.Warnings)
			},
			func(done []nixeval.Child) {
				printReady()
				for _, c := range done {
					runWarnings(ctx).print(c.Warnings)
				}
			})
		if err != nil {
			return err
		}
		printReady()
	}
	return nil
}

// clipList joins names with ", " up to about n bytes, then "…".
func clipList(names []string, n int) string {
	var b strings.Builder
	for i, x := range names {
		if i > 0 {
			b.WriteString(", ")
		}
		if b.Len()+len(x) > n {
			b.WriteString("…")
			break
		}
		b.WriteString(x)
	}
	return b.String()
}

// knownAbsent is an output the catalogue knows and the configuration does
// not have (ls --known).
type knownAbsent struct {
	child nixeval.Child
	entry catalogue.Entry
}

// imageVariants are the names of the listed configuration's images
// (attrNames only: no variant is evaluated), nil when it has none or they
// cannot be read.
func imageVariants(ctx context.Context, s *verbEnv, l nixeval.Listing) []string {
	if !l.Path.Equal(attr.DefaultPath) {
		return nil
	}
	names, err := s.eval.Names(ctx, attr.DefaultPath.Child("images"))
	if err != nil {
		return nil
	}
	var out []string
	for _, c := range names.Children {
		out = append(out, c.Name)
	}
	return out
}

// releaseAndPlatform are the listed configuration's NixOS release and the
// platform it is built for, "" when they cannot be read: the image variants
// ls --known names depend on them (images.sd-card throws on some).
func releaseAndPlatform(ctx context.Context, s *verbEnv, l nixeval.Listing) (release, system string) {
	if !l.Path.Equal(attr.DefaultPath) {
		return "", ""
	}
	if fs, err := s.eval.Facts(ctx, l.Path); err == nil {
		release = fs.Release()
	}
	if info, err := s.eval.Info(ctx); err == nil {
		system = info.Platform()
	}
	return release, system
}

func knownAbsentOf(l nixeval.Listing, variants []string, release, system string) []knownAbsent {
	children, entries := nixeval.KnownAbsentOn(l, variants, release, system)
	out := make([]knownAbsent, len(children))
	for i := range children {
		out[i] = knownAbsent{children[i], entries[i]}
	}
	return out
}

func writeAbsentText(w io.Writer, absent []knownAbsent) {
	if len(absent) == 0 {
		return
	}
	fmt.Fprintln(w, "\nKnown outputs this configuration does not have (nixplore show PATH tells more):")
	for _, a := range absent {
		fmt.Fprintf(w, "%-10s %s  %s\n", a.child.Kind, a.child.Name, a.entry.Summary)
		fmt.Fprintf(w, "%-10s %s  to get it: %s\n", "", strings.Repeat(" ", len(a.child.Name)), a.entry.HowToGet())
	}
}

type childJSON struct {
	Name  string `json:"name"`
	Path  string `json:"path"`
	Kind  string `json:"kind"`
	Error string `json:"error,omitempty"`
	// For kind absent (ls --known): what it is and how to get it.
	Summary  string   `json:"summary,omitempty"`
	HowToGet string   `json:"howToGet,omitempty"`
	Modules  []string `json:"modules,omitempty"`
	Variants []string `json:"imageVariants,omitempty"`
}

func writeListingJSON(w io.Writer, l nixeval.Listing, absent []knownAbsent, warnings []warningJSON) error {
	out := struct {
		Path     string        `json:"path"`
		Children []childJSON   `json:"children"`
		Warnings []warningJSON `json:"warnings,omitempty"`
	}{Path: l.Path.String(), Children: []childJSON{}, Warnings: warnings}
	for _, c := range l.Children {
		out.Children = append(out.Children, childJSON{Name: c.Name, Path: c.Path.String(), Kind: c.Kind, Error: c.Error})
	}
	for _, a := range absent {
		out.Children = append(out.Children, childJSON{Name: a.child.Name, Path: a.child.Path.String(), Kind: a.child.Kind,
			Summary: a.entry.Summary, HowToGet: a.entry.HowToGet(), Modules: a.entry.Imports, Variants: a.entry.Variants})
	}
	b, err := json.Marshal(out)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", b)
	return err
}

func writeListingText(w io.Writer, l nixeval.Listing, header bool) {
	if header {
		fmt.Fprintf(w, "%s:\n", l.Path)
	}
	for _, c := range l.Children {
		writeChildText(w, c)
	}
}

func writeChildText(w io.Writer, c nixeval.Child) {
	line := fmt.Sprintf("%-10s %s", c.Kind, attr.Quote(c.Name))
	if c.Error != "" {
		line += "  " + diag.FirstLine(c.Error)
	}
	fmt.Fprintln(w, attr.Printable(line))
}
