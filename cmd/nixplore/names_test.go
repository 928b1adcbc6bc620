package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"regexp"
	"strings"
	"testing"

	"github.com/nixplore/nixplore/cmd/nixplore/cmdline"
	"github.com/nixplore/nixplore/internal/testnix"
	"github.com/nixplore/nixplore/nixeval/attr"
)

// TestLsNamesJSON: ls --names prints the names only, children {name, path}
// with no kind, for the set and for images (whose throwing sd-card variant
// is a name like the others: nothing is forced).
func TestLsNamesJSON(t *testing.T) {
	testnix.Setup(t)
	args := append([]string{"ls", "--names", "--json", "--no-cache"}, testnix.ClassicArgs("heavy", "")...)
	out, errOut, code := runCLI(t, append(args, "config.system.build", "config.system.build.images")...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 {
		t.Fatalf("want one object per path:\n%s", out)
	}
	for i, want := range []struct {
		path string
		has  []string
		n    int
	}{{"config.system.build", []string{"toplevel", "images", "vm"}, 0}, {"config.system.build.images", []string{"sd-card", "amazon", "iso"}, 25}} {
		var raw map[string]json.RawMessage
		if err := json.Unmarshal([]byte(lines[i]), &raw); err != nil {
			t.Fatal(err)
		}
		var path string
		_ = json.Unmarshal(raw["path"], &path)
		if path != want.path || len(raw) != 2 {
			t.Errorf("object %d: %s", i, lines[i])
		}
		var children []map[string]string
		if err := json.Unmarshal(raw["children"], &children); err != nil {
			t.Fatal(err)
		}
		if want.n != 0 && len(children) != want.n {
			t.Errorf("%s: %d children", path, len(children))
		}
		names := map[string]bool{}
		for _, c := range children {
			if len(c) != 2 || c["path"] != path+"."+attr.Quote(c["name"]) {
				t.Errorf("child %v: want exactly name and path", c)
			}
			names[c["name"]] = true
		}
		for _, n := range want.has {
			if !names[n] {
				t.Errorf("%s lacks %s", path, n)
			}
		}
	}
}

// TestLsStreamingMatchesLs: on a terminal ls says the names on stderr
// first, then prints exactly what ls prints anywhere else.
func TestLsStreamingMatchesLs(t *testing.T) {
	testnix.Setup(t)
	args := append([]string{"ls", "--no-cache"}, testnix.ClassicArgs("heavy", "")...)
	args = append(args, "config.system.build.images")
	plain, s := lsThenVerbEnv(t, args)
	var stderr, stdout bytes.Buffer
	var namesSaidFirst bool
	w := writerFunc(func(p []byte) (int, error) {
		if stdout.Len() == 0 {
			namesSaidFirst = strings.Contains(stderr.String(), "has 25 attributes: amazon, azure")
		}
		return stdout.Write(p)
	})
	if err := lsStreaming(context.Background(), s, []attr.Path{{"config", "system", "build", "images"}}, w, &stderr); err != nil {
		t.Fatal(err)
	}
	if !namesSaidFirst {
		t.Errorf("the names were not on stderr before the first line:\n%s", stderr.String())
	}
	if stdout.String() != plain {
		t.Errorf("streamed lines differ from ls:\n%s\nwant\n%s", stdout.String(), plain)
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// TestWorkerAndMemoryFlags: the values are checked, with the reason.
func TestWorkerAndMemoryFlags(t *testing.T) {
	for _, c := range []struct {
		args []string
		msg  string
	}{
		{[]string{"ls", "--eval-workers", "0"}, "from 1 to 64"},
		{[]string{"ls", "--eval-workers", "two"}, "from 1 to 64"},
		{[]string{"ls", "--max-eval-memory", "lots"}, "give a size such as 700M"},
		{[]string{"ls", "--max-eval-memory", "10M"}, "under 64 MiB"},
		{[]string{"ls", "--max-eval-memory", "-1G"}, "give a size"},
	} {
		_, errOut, code := runCLI(t, c.args...)
		if code != 2 || !strings.Contains(errOut, c.msg) {
			t.Errorf("%v: exit %d, %q", c.args, code, errOut)
		}
	}
}

// lsThenVerbEnv runs args (an ls) as the CLI does and returns what it
// printed, with the verb environment the same args open, for a test that
// calls the streaming ls itself and compares.
func lsThenVerbEnv(t *testing.T, args []string) (plain string, s *verbEnv) {
	t.Helper()
	plain, errOut, code := runCLI(t, args...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	o, err := cmdline.Parse(args)
	if err != nil {
		t.Fatal(err)
	}
	s, err = openVerbEnv(context.Background(), o, io.Discard, false)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return plain, s
}

// TestMemoryBoundSaidOnce: under a --max-eval-memory its evaluator cannot
// stay within, the CLI says once on stderr that an evaluator was replaced
// and why, and still prints every answer.
func TestMemoryBoundSaidOnce(t *testing.T) {
	testnix.Setup(t)
	t.Setenv("NIXPLORE_EVAL_CPU", "0")
	t.Setenv("NIXPLORE_EVAL_KEEP", "200000")
	args := append([]string{"ls", "--no-cache", "--eval-workers", "1", "--max-eval-memory", "64M"}, testnix.ClassicArgs("heavy", "")...)
	out, errOut, code := runCLI(t, append(args, "config.system.build.images")...)
	if code != 0 || strings.Count(out, "derivation ") != 24 || !strings.Contains(out, "error      sd-card") {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	said := regexp.MustCompile(`(?m)^nixplore: evaluator 1 (reached \d+ MiB, over its share 64 MiB|held \d+ MiB and a request has grown one by up to \d+ MiB, which would pass its share 64 MiB) of --max-eval-memory 64 MiB: it is replaced by a fresh one between requests \(answers are kept\)$`)
	if n := len(said.FindAllString(errOut, -1)); n != 1 {
		t.Errorf("the replacement is said %d times, want once:\n%s", n, errOut)
	}
}
