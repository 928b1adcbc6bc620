package nixeval

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/nixplore/nixplore/nixeval/attr"
)

// Fact is one thing read from this configuration's own evaluation about a
// node: its NixOS release, the image variants it really has, the file inside
// an image's result, the options that shape it, the outputs a derivation
// has. Facts come first wherever nixplore teaches; the catalogue's general
// text follows them and is qualified by them (catalogue.Entry.Given).
type Fact struct {
	// Name is the option or attribute the fact was read from
	// (system.nixos.release, sdImage.compressImage), or variants, outputs,
	// filePath.
	Name string
	// Value is a bool, an int64, a string or a []string.
	Value any
}

// Facts are a node's facts in the order the wrapper read them.
type Facts []Fact

// Get returns the value of the fact name, if it was read.
func (fs Facts) Get(name string) (any, bool) {
	for _, f := range fs {
		if f.Name == name {
			return f.Value, true
		}
	}
	return nil, false
}

// Map is the facts as name → value, the shape of `show --json`'s facts.
func (fs Facts) Map() map[string]any {
	if len(fs) == 0 {
		return nil
	}
	m := make(map[string]any, len(fs))
	for _, f := range fs {
		m[f.Name] = f.Value
	}
	return m
}

// MarshalJSON writes the facts as one object of name → value.
func (fs Facts) MarshalJSON() ([]byte, error) { return json.Marshal(fs.Map()) }

// Release is the configuration's NixOS release (system.nixos.release), ""
// when it could not be read.
func (fs Facts) Release() string {
	v, _ := fs.Get("system.nixos.release")
	s, _ := v.(string)
	return s
}

// Text says the fact in words, the same sentence in the preview, `show`
// and `cmd --explain`.
func (f Fact) Text() string {
	switch f.Name {
	case "system.nixos.release":
		return fmt.Sprintf("NixOS %v (system.nixos.release)", f.Value)
	case "variants":
		return "image variants: " + valueText(f.Value) + " (the names of this configuration's images; each is built from its own evaluation)"
	case "outputs":
		return "outputs of the derivation: " + valueText(f.Value)
	case "filePath":
		return fmt.Sprintf("the file inside the result: %v", f.Value)
	case FailingVariants:
		return "variants known to fail: " + valueText(f.Value) + " (each one's error is shown with it; variants not evaluated yet are not counted)"
	}
	return f.Name + " = " + valueText(f.Value)
}

func valueText(v any) string {
	switch v := v.(type) {
	case []string:
		return strings.Join(v, ", ")
	case string:
		// A string option's value is shown as Nix writes it; the file and
		// the release are plain text in Text.
		return fmt.Sprintf("%q", v)
	}
	return fmt.Sprint(v)
}

// factAnswer is one fact as the wrapper sends it: the value under the key
// naming its type, strings as wire names (any bytes survive).
type factAnswer struct {
	Name   string      `json:"name"`
	Bool   *bool       `json:"bool"`
	Int    *int64      `json:"int"`
	String *attr.Wire  `json:"string"`
	List   []attr.Wire `json:"list"`
}

func decodeFacts(as []factAnswer) Facts {
	var fs Facts
	for _, a := range as {
		f := Fact{Name: a.Name}
		switch {
		case a.Bool != nil:
			f.Value = *a.Bool
		case a.Int != nil:
			f.Value = *a.Int
		case a.String != nil:
			f.Value = string(*a.String)
		case a.List != nil:
			f.Value = attr.WireStrings(a.List)
		default:
			continue
		}
		fs = append(fs, f)
	}
	return fs
}

// Facts reads what this configuration says about the node at path (the
// wrapper's facts request), without describing it: `cmd --explain` shows
// them with the command.
func (e *Evaluator) Facts(ctx context.Context, path attr.Path) (Facts, error) {
	var a struct {
		walkStatus
		Facts []factAnswer `json:"facts"`
	}
	if err := e.eval(ctx, Request{Op: "facts", Path: path}, &a); err != nil {
		return nil, err
	}
	if err := e.walkError(ctx, path, a.walkStatus); err != nil {
		return nil, err
	}
	return e.withCachedFailures(path, decodeFacts(a.Facts)), nil
}

// FailingVariants is the fact naming the image variants whose evaluation
// failed. The wrapper never forces a variant (each is a whole evaluation),
// so it comes from kinds already known: the tree's, or the disk cache's
// listing of the set.
const FailingVariants = "failingVariants"

// WithFailing returns fs with the FailingVariants fact set from the kinds
// of children known so far, when fs names image variants; the fact is
// dropped when none is known to fail. fs itself is not changed.
func (fs Facts) WithFailing(children []Child) Facts {
	if _, ok := fs.Get("variants"); !ok {
		return fs
	}
	var failing []string
	for _, c := range children {
		if c.Kind == KindError {
			failing = append(failing, c.Name)
		}
	}
	out := make(Facts, 0, len(fs)+1)
	for _, f := range fs {
		if f.Name != FailingVariants {
			out = append(out, f)
		}
	}
	if len(failing) > 0 {
		out = append(out, Fact{Name: FailingVariants, Value: failing})
	}
	return out
}

// withCachedFailures adds FailingVariants from the disk cache's listing of
// path, which never runs Nix.
func (e *Evaluator) withCachedFailures(path attr.Path, fs Facts) Facts {
	if _, ok := fs.Get("variants"); !ok {
		return fs
	}
	if l, ok := e.PeekList(path); ok {
		return fs.WithFailing(l.Children)
	}
	return fs
}

// encodeFacts is decodeFacts backwards, for the disk cache.
func encodeFacts(fs Facts) []factAnswer {
	var as []factAnswer
	for _, f := range fs {
		if f.Name == FailingVariants {
			// Read again from the listing each time: a stored copy
			// could outlive the listing it came from.
			continue
		}
		a := factAnswer{Name: f.Name}
		switch v := f.Value.(type) {
		case bool:
			a.Bool = &v
		case int64:
			a.Int = &v
		case string:
			w := attr.Wire(v)
			a.String = &w
		case []string:
			a.List = make([]attr.Wire, len(v))
			for i, s := range v {
				a.List[i] = attr.Wire(s)
			}
		default:
			continue
		}
		as = append(as, a)
	}
	return as
}
