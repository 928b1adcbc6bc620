package warm_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nixplore/nixplore/internal/testnix"
	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/nixeval/diag"
	"github.com/nixplore/nixplore/nixeval/resolve"
	"github.com/nixplore/nixplore/nixeval/warm"
)

// HalfEdited are files cut off in the middle of an expression, one per way
// a file can be left while its author is typing. Every Nix version reports
// each as "unexpected end of file", which nix repl 2.8 to 2.33 takes for
// unfinished input of its own.
var HalfEdited = map[string]string{
	"brace":            "{ config, ... }:\n{\n  networking.hostName = \"half\";\n",
	"bracket":          "{ ... }:\n{\n  imports = [\n    ./nothing-yet.nix\n",
	"paren":            "{ ... }:\n({\n  networking.hostName = \"half\";\n}\n",
	"string":           "{ ... }:\n{\n  networking.hostName = \"half;\n}\n",
	"indented string":  "{ ... }:\n{\n  environment.etc.motd.text = ''\n    hello\n}\n",
	"let without body": "{ ... }:\nlet\n  x = 1;\n",
}

// fixedModule is what each half-edited file becomes once finished.
const fixedModule = "{ ... }:\n{\n  system.build.finished = 1;\n}\n"

// halfEditedTarget writes a configuration whose own file (where "config")
// or imported module (where "import") is body, and resolves it.
func halfEditedTarget(t *testing.T, where, body string) (tg *nixeval.Target, broken string) {
	t.Helper()
	dir := t.TempDir()
	conf := filepath.Join(dir, "configuration.nix")
	broken = conf
	if where == "import" {
		broken = filepath.Join(dir, "module.nix")
		testnix.WriteFile(t, conf, "{ ... }:\n{\n  imports = [ ./module.nix ];\n}\n", 0o644)
	}
	testnix.WriteFile(t, broken, body, 0o644)
	// A file written while a request runs makes the session start a new
	// repl (it cannot know which version Nix read); these were written
	// before it, which file times can only tell apart past their slack.
	time.Sleep(100 * time.Millisecond)
	tg, err := resolve.Target(resolve.Flags{SearchPath: []string{"nixpkgs=" + testnix.Testdata("nixpkgs"), "nixos-config=" + conf}},
		resolve.Environment{Getenv: os.Getenv, Hostname: os.Hostname, EtcNixOS: dir, Cwd: dir})
	if err != nil {
		t.Fatal(err)
	}
	return tg, broken
}

// TestHalfEditedFileIsASyntaxError: each kind of half-edited file, in the
// configuration and in a file it imports, gives its syntax error with the
// user's file and line at once, warm and one-shot; the warm evaluator stays
// usable (the same repl answers again), and after the fix the same
// evaluator lists the configuration, as `r` in the explorer does.
func TestHalfEditedFileIsASyntaxError(t *testing.T) {
	testnix.Setup(t)
	for kind, body := range HalfEdited {
		for _, where := range []string{"config", "import"} {
			for _, useWarm := range []bool{true, false} {
				name := kind + "/" + where + "/one-shot"
				if useWarm {
					name = kind + "/" + where + "/warm"
				}
				t.Run(name, func(t *testing.T) {
					tg, broken := halfEditedTarget(t, where, body)
					ev := nixeval.New(tg, nixeval.Tools{})
					var session *warm.Session
					if useWarm {
						session = warm.NewSession(tg, nixeval.Tools{})
						ev.Backend = session
					}
					defer ev.Close()
					syntaxError := func() {
						t.Helper()
						// The bound is the test's: a hang would show as
						// a timeout here, not as a stuck test run.
						ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
						defer cancel()
						_, err := ev.List(ctx, attr.DefaultPath)
						var ee *diag.EvalError
						if !errors.As(err, &ee) || ee.Kind != diag.ErrSyntax {
							t.Fatalf("want a syntax error, got %T: %v", err, err)
						}
						if !strings.HasPrefix(ee.Location, broken+":") {
							t.Errorf("location %q does not point into %s", ee.Location, broken)
						}
						if text := err.Error(); strings.Contains(text, "nixplore-") || strings.Contains(text, "«string»") {
							t.Errorf("message points into nixplore's own files:\n%s", text)
						}
					}
					syntaxError()
					pid := 0
					if useWarm {
						pid = session.Pid()
						if pid == 0 {
							t.Fatal("the repl is gone after a half-edited file: it must stay usable")
						}
					}
					syntaxError() // again: the repl must not be waiting for more input
					if useWarm && session.Pid() != pid {
						t.Errorf("the repl was replaced (pid %d, then %d); it should have been brought back to its prompt", pid, session.Pid())
					}
					testnix.WriteFile(t, broken, fixedModule, 0o644)
					ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
					defer cancel()
					ls, err := ev.List(ctx, attr.DefaultPath)
					if err != nil {
						t.Fatalf("after the fix: %v", err)
					}
					var got []string
					for _, c := range ls[0].Children {
						got = append(got, c.Name)
					}
					if !slices.Contains(got, "finished") {
						t.Errorf("after the fix the listing lacks the new attribute: %v", got)
					}
				})
			}
		}
	}
}
