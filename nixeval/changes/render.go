package changes

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/nixeval/diag"
	"github.com/nixplore/nixplore/nixeval/drvdiff"
)

// Line is one child as `nixplore diff --json` prints it, one JSON object
// a line.
type Line struct {
	Host     string         `json:"host,omitempty"`
	Path     string         `json:"path"`
	Name     string         `json:"name"`
	Status   Status         `json:"status"`
	Before   *Value         `json:"before,omitempty"`
	After    *Value         `json:"after,omitempty"`
	FailedOn string         `json:"failedOn,omitempty"`
	Why      []drvdiff.Leaf `json:"why,omitempty"`
	MoreWhy  int            `json:"moreWhy,omitempty"`
	WhyError string         `json:"whyError,omitempty"`
	Note     string         `json:"note,omitempty"`
}

// LineOf is an entry's JSON line; host is "" outside --all-hosts.
func LineOf(host string, e Entry) Line {
	l := Line{Host: host, Path: attr.Printable(e.Path.String()), Name: attr.Printable(e.Name), Status: e.Status,
		Before: e.Before, After: e.After, FailedOn: e.FailedOn, WhyError: e.WhyError, Note: e.Note}
	if e.Why != nil {
		l.Why, l.MoreWhy = e.Why.Leaves, e.Why.More
	}
	return l
}

// WriteJSON prints one JSON object per entry.
func WriteJSON(w io.Writer, host string, entries []Entry) error {
	enc := json.NewEncoder(w)
	for _, e := range entries {
		if err := enc.Encode(LineOf(host, e)); err != nil {
			return err
		}
	}
	return nil
}

// WriteText prints one line per child that differs (status, name, the
// short why), each why's chain and excerpts indented below it, then the
// unchanged children on one line and a count.
func WriteText(w io.Writer, entries []Entry) error {
	var b strings.Builder
	width := 0
	for _, e := range entries {
		if e.Status != Unchanged {
			width = max(width, len([]rune(attr.Printable(e.Name))))
		}
	}
	var unchanged []string
	for _, e := range entries {
		name := attr.Printable(e.Name)
		if e.Status == Unchanged {
			unchanged = append(unchanged, name)
			continue
		}
		fmt.Fprintf(&b, "%-12s %-*s  %s\n", e.Status, width, name, Short(e))
		for _, l := range WhyLines(e) {
			b.WriteString("    " + l + "\n")
		}
	}
	if len(unchanged) > 0 {
		fmt.Fprintf(&b, "%-12s %s\n", Unchanged, strings.Join(unchanged, ", "))
	}
	b.WriteString(Counts(entries) + "\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// Short is an entry's why in a few words: where a changed derivation's
// own change is, what failed, what is new.
func Short(e Entry) string {
	switch e.Status {
	case Changed:
		switch {
		case e.Note != "":
			return e.Note
		case e.Why != nil && len(e.Why.Leaves) > 0:
			l := e.Why.Leaves[0]
			s := "← " + l.Chain[len(l.Chain)-1] + ": " + whats(l.Differs)
			if n := len(e.Why.Leaves) - 1 + e.Why.More; n > 0 {
				s += fmt.Sprintf(" (and %d more)", n)
			}
			return s
		case e.WhyError != "":
			return "why unknown: " + e.WhyError
		}
		return "its value changed"
	case Added:
		return "new: " + kindText(e.After)
	case Removed:
		return "gone: was " + kindText(e.Before)
	case Failed:
		v := e.After
		if e.FailedOn == "before" {
			v = e.Before
		}
		msg := e.Note
		if v != nil && v.Error != "" {
			msg = diag.FirstLine(v.Error)
		}
		return "fails " + map[string]string{"before": "before the edit", "after": "after the edit", "both": "on both sides"}[e.FailedOn] + ": " + msg
	case NotCompared:
		return e.Note
	}
	return ""
}

// WhyLines are a changed entry's leaves (LeafLines), none for another.
func WhyLines(e Entry) []string {
	if e.Why == nil {
		return nil
	}
	return LeafLines(e.Why)
}

// LeafLines are the lines of a why, for the CLI and the explorer's
// preview: each chain, then each differing attribute with its old and new
// excerpts, then how many more derivations differ.
func LeafLines(w *drvdiff.Why) []string {
	var out []string
	for _, l := range w.Leaves {
		out = append(out, strings.Join(l.Chain, " → ")+":")
		for _, d := range l.Differs {
			line := "  " + d.What
			switch {
			case d.Old != "" && d.New != "":
				line += fmt.Sprintf(": %q → %q", d.Old, d.New)
			case d.New != "":
				line += fmt.Sprintf(": added %q", d.New)
			case d.Old != "":
				line += fmt.Sprintf(": removed %q", d.Old)
			}
			if d.Note != "" {
				line += " (" + d.Note + ")"
			}
			out = append(out, line)
		}
	}
	if w.More > 0 {
		out = append(out, fmt.Sprintf("… and %d more derivations that differ", w.More))
	}
	return out
}

// Counts is the closing line: "3 changed, 1 added, 12 unchanged".
func Counts(entries []Entry) string {
	c := Summary(entries)
	var parts []string
	for _, s := range []Status{Changed, Added, Removed, Failed, NotCompared, Unchanged} {
		if c[s] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", c[s], s))
		}
	}
	if len(parts) == 0 {
		return "nothing to compare"
	}
	return strings.Join(parts, ", ")
}

func whats(ds []drvdiff.Difference) string {
	var ws []string
	for _, d := range ds {
		ws = append(ws, strings.TrimPrefix(d.What, "env."))
	}
	if len(ws) > 3 {
		ws = append(ws[:3], "…")
	}
	return strings.Join(ws, ", ")
}

func kindText(v *Value) string {
	if v == nil {
		return "?"
	}
	return nixeval.AKind(v.Kind)
}
