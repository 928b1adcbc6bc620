package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/nixeval/catalogue"
	"github.com/nixplore/nixplore/nixeval/teach"
)

type outputJSON struct {
	Path  string `json:"path"`
	Built bool   `json:"built"`
}

type showJSON struct {
	Path        string                `json:"path"`
	Kind        string                `json:"kind"`
	Name        string                `json:"name,omitempty"`
	System      string                `json:"system,omitempty"`
	DrvPath     string                `json:"drvPath,omitempty"`
	DrvError    string                `json:"drvError,omitempty"`
	Error       string                `json:"error,omitempty"`
	Outputs     map[string]outputJSON `json:"outputs,omitempty"`
	Description string                `json:"description,omitempty"`
	Value       json.RawMessage       `json:"value,omitempty"`
	Count       *int                  `json:"count,omitempty"`
	DefinedIn   []string              `json:"definedIn,omitempty"`
	Option      *optionJSON           `json:"option,omitempty"`
	// Facts are read from the configuration (name → value); Doc is the
	// catalogue's general text, qualified so that it agrees with them.
	Facts    nixeval.Facts     `json:"facts,omitempty"`
	Doc      *docJSON          `json:"doc,omitempty"`
	Commands map[string]string `json:"commands"`
	// Warnings are what Nix printed answering (absent when nothing).
	Warnings []warningJSON `json:"warnings,omitempty"`
}

// docJSON is the catalogue's entry for a well-known output, with the
// sentence saying how a configuration gets it.
type docJSON struct {
	catalogue.Entry
	HowToGet string `json:"howToGet"`
	// Checked is the NixOS release and nixpkgs revision the catalogue was
	// last checked against; Note says when the configuration is newer.
	Checked any    `json:"checked"`
	Note    string `json:"note,omitempty"`
}

func newDocJSON(e *catalogue.Entry, note string) *docJSON {
	if e == nil {
		return nil
	}
	return &docJSON{Entry: *e, HowToGet: e.HowToGet(), Checked: catalogue.Checked, Note: note}
}

type optionJSON struct {
	Path         string   `json:"path"`
	Declarations []string `json:"declarations,omitempty"`
	Type         string   `json:"type,omitempty"`
	Description  string   `json:"description,omitempty"`
}

func describeJSON(d *nixeval.Description) showJSON {
	out := showJSON{Path: d.Path.String(), Kind: d.Kind, Name: d.Name, System: d.System, DrvPath: d.DrvPath,
		DrvError: d.DrvError, Description: d.Description, Value: d.Value, Count: d.Count,
		Commands: map[string]string{"build": d.Commands.Build}}
	if len(d.Outputs) > 0 {
		out.Outputs = map[string]outputJSON{}
		for _, o := range d.Outputs {
			out.Outputs[o.Name] = outputJSON{Path: o.Path, Built: o.Built}
		}
	}
	if d.DefinedIn != nil {
		out.DefinedIn = d.DefinedIn.Files
		out.Option = &optionJSON{Path: d.DefinedIn.Option.String(), Declarations: d.DefinedIn.Declarations,
			Type: d.DefinedIn.Type, Description: d.DefinedIn.Description}
	}
	out.Facts = d.Facts
	out.Doc = newDocJSON(d.Doc, d.DocNote)
	return out
}

func writeDescription(w io.Writer, d *nixeval.Description) {
	row := func(k, v string) {
		if v != "" {
			fmt.Fprintf(w, "%-12s %s\n", k+":", attr.Printable(v))
		}
	}
	row("path", d.Path.String())
	row("kind", d.Kind)
	row("name", d.Name)
	row("system", d.System)
	row("description", d.Description)
	row("drv", d.DrvPath)
	if d.DrvError != "" {
		row("error", d.DrvError)
	}
	for _, o := range d.Outputs {
		state := "not built"
		if o.Built {
			state = "built"
		}
		row("output "+o.Name, o.Path+"  ("+state+")")
	}
	if d.Count != nil {
		row("elements", fmt.Sprint(*d.Count))
	}
	if len(d.Value) > 0 {
		row("value", string(d.Value))
	}
	writeOrigin(w, d.DefinedIn)
	row("build with", d.Commands.Build)
	writeFacts(w, d.Facts)
	writeDoc(w, d.Doc, d.DocNote)
}

// writeFacts prints what the configuration itself says about the node,
// before the catalogue's general text.
func writeFacts(w io.Writer, fs nixeval.Facts) {
	if len(fs) == 0 {
		return
	}
	fmt.Fprintf(w, "\nin this configuration:\n")
	for _, f := range fs {
		for i, l := range teach.WrapWords(attr.Printable(f.Text()), 76) {
			lead := "  - "
			if i > 0 {
				lead = "    "
			}
			fmt.Fprintf(w, "%s%s\n", lead, l)
		}
	}
}

// writeOrigin says where a value comes from: the defining files (nixpkgs
// ones relative to nixpkgs) and the option that holds it.
func writeOrigin(w io.Writer, def *nixeval.Definition) {
	if def == nil {
		return
	}
	row := func(k, v string) {
		if v != "" {
			fmt.Fprintf(w, "%-12s %s\n", k+":", attr.Printable(v))
		}
	}
	files := "(no definition: the value is not set, or only under a condition that is false)"
	if len(def.Files) > 0 {
		files = strings.Join(teach.DisplayFiles(def.Files), ", ")
	}
	row("defined in", files)
	if len(def.Option) == 0 {
		return
	}
	row("option", def.Option.String())
	row("declared in", strings.Join(teach.DisplayFiles(def.Declarations), ", "))
	row("type", def.Type)
	if def.Description != "" {
		row("option doc", strings.Join(strings.Fields(def.Description), " "))
	}
}

// writeDoc prints the catalogue's entry, marked as general: what the
// output is, what the result holds, when to choose it, how to get it; note
// says when the configuration is newer than the catalogue's last check.
func writeDoc(w io.Writer, e *catalogue.Entry, note string) {
	if e == nil {
		return
	}
	fmt.Fprintf(w, "\nin general: %s (from %s; %s)\n", e.Name, e.Source, e.Releases())
	if note != "" {
		for _, l := range teach.WrapWords("Note: "+note+".", 78) {
			fmt.Fprintf(w, "  %s\n", l)
		}
	}
	para := func(title, text string) {
		if text != "" {
			fmt.Fprintf(w, "  %s\n", title)
			for _, l := range teach.WrapWords(text, 76) {
				fmt.Fprintf(w, "    %s\n", l)
			}
		}
	}
	para("What it builds:", e.Summary)
	para("The result:", e.Result)
	para("When to choose it:", e.Choose)
	para("How to get it:", e.HowToGet())
	if e.Rebuild != "" {
		para("With nixos-rebuild:", "nixos-rebuild "+e.Rebuild)
	}
}
