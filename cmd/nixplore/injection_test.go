package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/nixplore/nixplore/internal/testnix"
	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/nixeval/nixproc"
)

// teeNixStderr puts wrappers of the Nix programs first on PATH that copy
// everything Nix prints on stderr to a file and pass it on unchanged:
// nixplore drops Nix's stderr when a request succeeds, so a trace from
// injected code would never show in its output. The wrapper execs Nix
// (the pid nixplore signals stays Nix's); for the repl, whose stdout and
// stderr nixplore reads as one stream, both go through the one tee, in
// order. The returned function gives what was logged since its last call,
// without colours.
func teeNixStderr(t *testing.T) func() string {
	t.Helper()
	dir := t.TempDir()
	log := filepath.Join(dir, "nix-stderr.log")
	testnix.WriteFile(t, log, "", 0o644)
	for _, prog := range []string{"nix", "nix-instantiate", "nix-build", "nix-store"} {
		real, err := exec.LookPath(prog)
		if err != nil {
			testnix.Missing(t, "%s is not on PATH", prog)
		}
		q := attr.ShellQuote
		testnix.WriteFile(t, filepath.Join(dir, prog), "#!/bin/sh\n"+
			"fifo=$(mktemp -u "+q(dir+"/fifo.XXXXXX")+") && mkfifo \"$fifo\" || exit 111\n"+
			"if [ \"$1\" = repl ]; then\n"+
			"  tee -a "+q(log)+" <\"$fifo\" &\n"+
			"  exec "+q(real)+" \"$@\" >\"$fifo\" 2>&1\n"+
			"fi\n"+
			"tee -a "+q(log)+" <\"$fifo\" >&2 &\n"+
			"exec "+q(real)+" \"$@\" 2>\"$fifo\"\n", 0o755)
	}
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
	var read int
	return func() string {
		b, err := os.ReadFile(log)
		if err != nil {
			t.Fatal(err)
		}
		s := string(b[read:])
		read = len(b)
		return nixproc.StripANSI(s)
	}
}

// The stderr copy is seen: a configuration that traces on evaluation shows
// its trace in the copy after ls, show and build, and each ran Nix.
func TestTeeNixStderrSeesTraces(t *testing.T) {
	testnix.Setup(t)
	nixStderr := teeNixStderr(t)
	conf := filepath.Join(t.TempDir(), "configuration.nix")
	testnix.WriteFile(t, conf, `{ pkgs, ... }: {
  nixpkgs.hostPlatform = "x86_64-linux";
  system.build.traced = builtins.trace "nixplore-control" (pkgs.mkDrv { name = "traced"; script = "echo traced > $out"; });
}`, 0o644)
	target := []string{"--no-cache", "-I", "nixpkgs=" + testnix.Testdata("nixpkgs"), "-I", "nixos-config=" + conf}
	for _, verb := range [][]string{{"ls"}, {"show", "config.system.build.traced"}, {"build", "--no-link", "config.system.build.traced"}} {
		args := append(append([]string{verb[0]}, target...), verb[1:]...)
		out, errOut, code := runCLI(t, args...)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", verb[0], code, errOut)
		}
		if strings.Contains(out+errOut, "nixplore-control") {
			t.Logf("%s printed the trace itself", verb[0])
		}
		got := nixStderr()
		if !strings.Contains(got, "trace: nixplore-control") {
			t.Errorf("%s: the trace is not in Nix's stderr as copied:\n%s", verb[0], got)
		}
		// The build's own Nix (internal-json lines), not only the repl.
		if verb[0] == "build" && !regexp.MustCompile(`@nix .*trace: nixplore-control`).MatchString(got) {
			t.Errorf("build: the builder's Nix printed no trace in the copy:\n%s", got)
		}
	}
}

// Attribute names that try to break out of the Nix expression
// (`"; builtins.trace "PWNED" …`, `${builtins.trace …}`) and out of a shell
// command (`$(touch …)`, `'; touch …; '`, backquotes): listing, describing,
// printing the command, running it and building them run no code but the
// configuration's own.
func TestInjection(t *testing.T) {
	testnix.Setup(t)
	nixStderr := teeNixStderr(t)
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
		// What builtins.trace prints, in nixplore's output or on Nix's
		// stderr (TestTeeNixStderrSeesTraces shows the copy sees it).
		if strings.Contains(out, "trace: PWNED") {
			t.Fatalf("%s evaluated injected code:\n%s", what, out)
		}
		if log := nixStderr(); strings.Contains(log, "trace: PWNED") {
			t.Fatalf("%s evaluated injected code; Nix printed:\n%s", what, log)
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
