package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/nixplore/nixplore/nixeval"
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
	Outputs     map[string]outputJSON `json:"outputs,omitempty"`
	Description string                `json:"description,omitempty"`
	Value       json.RawMessage       `json:"value,omitempty"`
	Count       *int                  `json:"count,omitempty"`
	DefinedIn   []string              `json:"definedIn,omitempty"`
	Option      *optionJSON           `json:"option,omitempty"`
	Commands    map[string]string     `json:"commands"`
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
	return out
}

func writeDescription(w io.Writer, d *nixeval.Description) {
	row := func(k, v string) {
		if v != "" {
			fmt.Fprintf(w, "%-12s %s\n", k+":", nixeval.Printable(v))
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
	if d.DefinedIn != nil {
		row("defined in", strings.Join(d.DefinedIn.Files, ", "))
		row("option", d.DefinedIn.Option.String())
		row("type", d.DefinedIn.Type)
	}
	row("build with", d.Commands.Build)
}
