package main

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/nixplore/nixplore/internal/testnix"
	"github.com/nixplore/nixplore/nixeval/attr"
)

// Attribute names that try to break out of the Nix expression
// (`"; builtins.trace "PWNED" …`, `${builtins.trace …}`) and out of a shell
// command (`$(touch …)`, `'; touch …; '`, backquotes): listing, describing,
// printing the command, running it and building them run no code but the
// configuration's own.
func TestInjection(t *testing.T) {
	testnix.Setup(t)
	const pwned = "/tmp/nixplore-pwned"
	_ = os.Remove(pwned)
	hostile := []string{
		`"; builtins.trace "PWNED" null; "`,
		`${builtins.trace "PWNED" 1}`,
		`$(touch /tmp/nixplore-pwned)`,
		`'; touch /tmp/nixplore-pwned; '`,
		"`id`",
		`a"b`,
	}
	target := testnix.ClassicArgs("hostile", "")
	check := func(t *testing.T, what, out string) {
		t.Helper()
		if strings.Contains(out, "trace: PWNED") { // what builtins.trace prints
			t.Fatalf("%s evaluated injected code:\n%s", what, out)
		}
		if _, err := os.Stat(pwned); err == nil {
			t.Fatalf("%s ran injected shell code", what)
		}
	}
	out, errOut, code := runCLI(t, append([]string{"ls", "--json"}, target...)...)
	if code != 0 {
		t.Fatal(errOut)
	}
	check(t, "ls", out+errOut)
	for _, name := range hostile {
		t.Run(attr.Printable(name), func(t *testing.T) {
			path := attr.DefaultPath.Child(name).String()
			if !strings.Contains(out, mustJSONString(t, name)) {
				t.Fatalf("ls --json does not list %q", name)
			}
			sOut, sErr, code := runCLI(t, append(append([]string{"show", "--json"}, target...), path)...)
			if code != 0 {
				t.Fatal(sErr)
			}
			check(t, "show", sOut+sErr)
			cOut, cErr, code := runCLI(t, append(append([]string{"cmd"}, target...), path)...)
			if code != 0 {
				t.Fatal(cErr)
			}
			sh := exec.Command("sh", "-c", strings.TrimSpace(cOut)+" --no-out-link")
			sh.Dir = t.TempDir()
			shOut, err := sh.CombinedOutput()
			if err != nil {
				t.Fatalf("%s: %v\n%s", cOut, err, shOut)
			}
			check(t, "the printed command", string(shOut))
			bOut, bErr, code := runCLI(t, append(append([]string{"build", "--no-link"}, target...), path)...)
			if code != 0 {
				t.Fatalf("build: %s", bErr)
			}
			check(t, "build", bOut+bErr)
			if !strings.Contains(bOut, "-hostile-") {
				t.Fatalf("build printed no output path: %q", bOut)
			}
		})
	}
}

func mustJSONString(t *testing.T, s string) string {
	t.Helper()
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		default:
			b.WriteRune(r)
		}
	}
	return `"name":"` + b.String() + `"`
}
