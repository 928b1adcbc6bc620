package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/nixplore/nixplore/internal/testnix"
	"github.com/nixplore/nixplore/nixeval/attr"
)

const (
	renamedWarning = "The option `services.openssh.permitRootLogin' defined in"
	legacyWarning  = "system.build.legacyTool is deprecated; use pkgs.legacy-tool instead."
)

// backends are the ways a verb can evaluate: warm repls, one-shot processes.
var backends = map[string][]string{"warm": nil, "one-shot": {"--one-shot"}}

// TestWarningsExplain: `cmd --explain` evaluates the node's facts, and
// says what Nix warned about on stderr (its JSON has no place for them).
func TestWarningsExplain(t *testing.T) {
	testnix.Setup(t)
	for _, asJSON := range []bool{false, true} {
		args := append([]string{"cmd", "--explain"}, append(testnix.ClassicArgs("warnings", ""), "config.system.build.toplevel")...)
		if asJSON {
			args = append(args, "--json")
		}
		out, errOut, code := runCLI(t, args...)
		if code != 0 || !strings.Contains(out, "nix-build") {
			t.Fatalf("json %v: exit %d\n%s\n%s", asJSON, code, out, errOut)
		}
		if n := strings.Count(errOut, "warning: "+renamedWarning); n != 1 {
			t.Errorf("json %v: renamed option %d times on stderr:\n%s", asJSON, n, errOut)
		}
	}
}

// TestWarningsText: `ls` and `show` print each warning Nix printed once
// on stderr, as `warning: MSG`, beside the whole answer; a second run
// served from the cache says them again.
func TestWarningsText(t *testing.T) {
	testnix.Setup(t)
	for name, extra := range backends {
		t.Run(name, func(t *testing.T) {
			t.Setenv("XDG_CACHE_HOME", t.TempDir())
			args := append(append([]string{"ls"}, extra...), testnix.ClassicArgs("warnings", "")...)
			for run, fromCache := range []bool{false, true} {
				out, errOut, code := runCLI(t, args...)
				if code != 0 {
					t.Fatalf("run %d: exit %d: %s", run, code, errOut)
				}
				if strings.Contains(errOut, "from the cache") != fromCache {
					t.Fatalf("run %d: from the cache is %v, stderr:\n%s", run, !fromCache, errOut)
				}
				if !strings.Contains(out, "derivation toplevel") || !strings.Contains(out, "derivation legacyTool") {
					t.Fatalf("run %d: the answer is not whole:\n%s", run, out)
				}
				for _, w := range []string{"warning: " + renamedWarning, "warning: " + legacyWarning} {
					if n := strings.Count(errOut, w); n != 1 {
						t.Errorf("run %d: %q %d times on stderr:\n%s", run, w, n, errOut)
					}
					if strings.Contains(out, w) {
						t.Errorf("run %d: warning on stdout", run)
					}
				}
			}
			show := append(append([]string{"show"}, extra...), append(testnix.ClassicArgs("warnings", ""), "config.system.build.toplevel")...)
			for run := range 2 {
				out, errOut, code := runCLI(t, show...)
				if code != 0 || !strings.Contains(out, "nixos-system-talker") {
					t.Fatalf("show run %d: exit %d\n%s\n%s", run, code, out, errOut)
				}
				if n := strings.Count(errOut, "warning: "+renamedWarning); n != 1 {
					t.Errorf("show run %d: renamed option %d times on stderr:\n%s", run, n, errOut)
				}
			}
		})
	}
}

type warningsObject struct {
	Path     string `json:"path"`
	Warnings []struct {
		Kind, Message, Path string
	} `json:"warnings"`
}

// TestWarningsJSON: `--json` carries the warnings on the object of the
// request that produced them (each path of `ls`, the top of `show`),
// absent where Nix printed none, and stderr does not repeat them.
func TestWarningsJSON(t *testing.T) {
	testnix.Setup(t)
	for name, extra := range backends {
		t.Run(name, func(t *testing.T) {
			t.Setenv("XDG_CACHE_HOME", t.TempDir())
			args := append(append([]string{"ls", "--json"}, extra...), testnix.ClassicArgs("warnings", "")...)
			for run := range 2 { // the second from the cache
				out, errOut, code := runCLI(t, append(args, "config.system.build", "config.system.build.manual")...)
				if code != 0 {
					t.Fatalf("exit %d: %s", code, errOut)
				}
				lines := strings.Split(strings.TrimSpace(out), "\n")
				if len(lines) != 2 {
					t.Fatalf("want 2 objects:\n%s", out)
				}
				var build, manual warningsObject
				if json.Unmarshal([]byte(lines[0]), &build) != nil || json.Unmarshal([]byte(lines[1]), &manual) != nil {
					t.Fatalf("not JSON:\n%s", out)
				}
				// The fixture's nixos-enter and nixos-option accessors warn
				// too (`trace: warning:`, as an older nixpkgs lib prints).
				want := map[string]string{"config.system.build.toplevel": renamedWarning, "config.system.build.legacyTool": legacyWarning,
					"config.system.build.nixos-enter": "Accessing nixos-enter", "config.system.build.nixos-option": "Accessing nixos-option"}
				for _, w := range build.Warnings {
					if w.Kind != "warning" || !strings.HasPrefix(w.Message, want[w.Path]) || want[w.Path] == "" {
						t.Errorf("run %d: unexpected %+v", run, w)
					}
					delete(want, w.Path)
				}
				if len(want) != 0 {
					t.Errorf("run %d: missing %v in %+v", run, want, build.Warnings)
				}
				if strings.Contains(lines[1], `"warnings"`) {
					t.Errorf("run %d: a quiet listing has warnings: %s", run, lines[1])
				}
				if strings.Contains(errOut, "warning: "+legacyWarning) {
					t.Errorf("run %d: stderr repeats the JSON's warnings:\n%s", run, errOut)
				}
			}
			show := append(append([]string{"show", "--json"}, extra...), append(testnix.ClassicArgs("warnings", ""), "config.system.build.toplevel")...)
			out, errOut, code := runCLI(t, show...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			var top warningsObject
			if err := json.Unmarshal([]byte(out), &top); err != nil {
				t.Fatal(err)
			}
			if len(top.Warnings) != 1 || !strings.HasPrefix(top.Warnings[0].Message, renamedWarning) || top.Warnings[0].Path != "config.system.build.toplevel" {
				t.Errorf("show: %+v", top.Warnings)
			}
		})
	}
}

// TestWarningsStreaming: ls on a terminal says each warning once on
// stderr as the kind that printed it arrives, and prints the same lines.
func TestWarningsStreaming(t *testing.T) {
	testnix.Setup(t)
	args := append([]string{"ls", "--no-cache"}, testnix.ClassicArgs("warnings", "")...)
	plain, s := lsThenVerbEnv(t, args)
	var stderr, stdout bytes.Buffer
	ctx, wo := withWarningOut(context.Background(), &stderr)
	if err := lsStreaming(ctx, s, []attr.Path{attr.DefaultPath}, &stdout, &stderr); err != nil {
		t.Fatal(err)
	}
	before := stderr.String()
	wo.flush()
	if stderr.String() != before {
		t.Errorf("warnings left for the end:\n%s", strings.TrimPrefix(stderr.String(), before))
	}
	if stdout.String() != plain {
		t.Errorf("streamed lines differ from ls:\n%s\nwant\n%s", stdout.String(), plain)
	}
	for _, w := range []string{"warning: " + renamedWarning, "warning: " + legacyWarning} {
		if n := strings.Count(before, w); n != 1 {
			t.Errorf("%q %d times:\n%s", w, n, before)
		}
	}
}
