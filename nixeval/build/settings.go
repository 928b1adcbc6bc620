package build

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/nixproc"
)

// UnrecognisedError is Nix output that nixplore could not read: it is
// said, with the text, instead of being taken for an empty answer.
type UnrecognisedError struct {
	What    string // what was being read, e.g. "nix config show --json"
	Text    string // what Nix printed (cut to its first KiB)
	Version string // `nix --version`, as Nix prints it, when known
	Why     string // what contradicts an answer read as empty, when known
}

func (e *UnrecognisedError) Error() string {
	v := ""
	if e.Version != "" {
		v = " (" + e.Version + ")"
	}
	why := ""
	if e.Why != "" {
		why = " (" + e.Why + ")"
	}
	return fmt.Sprintf("nixplore does not recognise what %s printed%s%s; it stops rather than guess. Please report it with this text:\n%s", e.What, v, why, e.Text)
}

func unrecognised(what string, text []byte) *UnrecognisedError {
	t := string(text)
	if len(t) > 1024 {
		t = t[:1024] + "…"
	}
	return &UnrecognisedError{What: what, Text: t}
}

// settingsJSONArgs are the two spellings of "print the settings as JSON":
// `nix config show` from 2.20 on, `nix show-config` before (and as a
// deprecated alias after). Every Nix nixplore supports has --json there.
var settingsJSONArgs = [][]string{{"config", "show", "--json"}, {"show-config", "--json"}}

// nixSettings reads Nix's effective settings as text values (a list is
// its elements joined by spaces, as nix.conf writes it), with opts
// (--option NAME VALUE …) given to Nix.
func nixSettings(ctx context.Context, tools nixeval.Tools, opts []string, env ...string) (map[string]string, error) {
	var lastErr error
	for _, sub := range settingsJSONArgs {
		args := append(append([]string{"--extra-experimental-features", "nix-command"}, sub...), opts...)
		res, err := (&nixproc.Command{Path: tools.Program("nix"), Args: args, Env: env}).Run(ctx)
		if err != nil {
			lastErr = err
			if ctx.Err() != nil {
				break
			}
			continue
		}
		s, err := parseSettingsJSON(res.Stdout)
		if err != nil {
			var ue *UnrecognisedError
			if errors.As(err, &ue) {
				ue.What = "nix " + strings.Join(sub, " ")
			}
			return nil, err
		}
		return s, nil
	}
	return nil, lastErr
}

// parseSettingsJSON reads `nix config show --json`: an object of settings,
// each with its "value". Output without the `system` setting, which every
// Nix has, is not the settings: it is refused, not read as "no settings".
func parseSettingsJSON(b []byte) (map[string]string, error) {
	var raw map[string]struct {
		Value json.RawMessage `json:"value"`
	}
	if err := json.Unmarshal(bytes.TrimSpace(b), &raw); err != nil {
		return nil, unrecognised("nix config show --json", b)
	}
	if sys, ok := raw["system"]; !ok || len(sys.Value) == 0 {
		return nil, unrecognised("nix config show --json", b)
	}
	out := make(map[string]string, len(raw))
	for k, v := range raw {
		s, ok := settingText(v.Value)
		if !ok {
			return nil, unrecognised("nix config show --json", b)
		}
		out[k] = s
	}
	return out, nil
}

// settingText is a setting's JSON value as nix.conf would write it.
func settingText(v json.RawMessage) (string, bool) {
	var s string
	if json.Unmarshal(v, &s) == nil {
		return s, true
	}
	var l []json.RawMessage
	if json.Unmarshal(v, &l) == nil {
		// Lists of strings; Nix 2.8 prints experimental-features as
		// numbers (its enum), which nixplore does not read.
		words := make([]string, 0, len(l))
		for _, e := range l {
			w, ok := settingText(e)
			if !ok {
				return "", false
			}
			words = append(words, w)
		}
		return strings.Join(words, " "), true
	}
	var n json.Number
	if json.Unmarshal(v, &n) == nil {
		return n.String(), true
	}
	var b bool
	if json.Unmarshal(v, &b) == nil {
		return strconv.FormatBool(b), true
	}
	var m map[string]any
	if json.Unmarshal(v, &m) == nil || string(v) == "null" {
		// Maps (access-tokens, …) are not read by nixplore.
		return "", true
	}
	return "", false
}

// parseSettings reads `name = value` lines (nix.conf's form), for the
// text of a setting quoted in tests and messages.
func parseSettings(s string) map[string]string {
	out := map[string]string{}
	for _, l := range strings.Split(s, "\n") {
		if k, v, ok := strings.Cut(l, " = "); ok {
			out[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}
	return out
}
