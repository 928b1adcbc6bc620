package nixeval_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/nixplore/nixplore/internal/testnix"
	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/nixeval/diag"
	"github.com/nixplore/nixplore/nixeval/nixproc"
	"github.com/nixplore/nixplore/nixeval/resolve"
)

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	t.Cleanup(cancel)
	return c
}

func newEval(t *testing.T, tg *nixeval.Target) *nixeval.Evaluator {
	ev := nixeval.New(tg, nixeval.Tools{})
	t.Cleanup(func() { _ = ev.Close() })
	return ev
}

func mustPath(t *testing.T, s string) attr.Path {
	t.Helper()
	p, err := attr.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func kinds(l nixeval.Listing) map[string]nixeval.Child {
	m := map[string]nixeval.Child{}
	for _, c := range l.Children {
		m[c.Name] = c
	}
	return m
}

func TestListEveryKindAndErrors(t *testing.T) {
	testnix.Setup(t)
	ev := newEval(t, testnix.Classic(t, "kinds", ""))
	ls, err := ev.List(ctx(t), attr.DefaultPath)
	if err != nil {
		t.Fatal(err)
	}
	got := kinds(ls[0])
	want := map[string]string{
		"derivation": "derivation", "attrs": "attrs", "list": "list", "string": "string",
		"stringWithContext": "string", "path": "path", "int": "int", "float": "float", "bool": "bool",
		"null": "null", "function": "function", "functorAttrs": "attrs",
		"throws": "error", "failedAssert": "error", "missingAttr": "error", "infinite": "error",
		"typeError": "error", "abortChild": "error", "toplevel": "derivation",
	}
	for name, kind := range want {
		c, ok := got[name]
		if !ok {
			t.Errorf("child %s missing from listing", name)
			continue
		}
		if c.Kind != kind {
			t.Errorf("%s: kind %q, want %q (error %q)", name, c.Kind, kind, c.Error)
		}
		if !c.Path.Equal(attr.DefaultPath.Child(name)) {
			t.Errorf("%s: path %s", name, c.Path)
		}
	}
	// Each error child carries Nix's own message.
	msgs := map[string]string{
		"throws": "boom", "failedAssert": "assertion", "missingAttr": "attribute 'does' missing",
		"infinite": "infinite recursion", "typeError": "cannot add", "abortChild": "aborted on purpose",
	}
	for name, frag := range msgs {
		if !strings.Contains(got[name].Error, frag) {
			t.Errorf("%s: error %q does not contain %q", name, got[name].Error, frag)
		}
	}
}

func TestListSeveralPathsOneCall(t *testing.T) {
	testnix.Setup(t)
	ev := newEval(t, testnix.Classic(t, "pi", "aarch64-linux"))
	units := mustPath(t, "config.system.build.units")
	manual := mustPath(t, "config.system.build.manual")
	ls, err := ev.List(ctx(t), attr.DefaultPath, units, manual)
	if err != nil {
		t.Fatal(err)
	}
	if len(ls) != 3 {
		t.Fatalf("%d listings", len(ls))
	}
	top := kinds(ls[0])
	for name, kind := range map[string]string{"sdImage": "derivation", "toplevel": "derivation", "units": "attrs",
		"fileSystems": "list", "etcActivationCommands": "string", "grub": "null", "vm": "derivation"} {
		if top[name].Kind != kind {
			t.Errorf("%s: kind %q, want %q", name, top[name].Kind, kind)
		}
	}
	u := kinds(ls[1])
	if u["sshd.service"].Kind != "attrs" {
		t.Errorf("units.\"sshd.service\": %+v", u["sshd.service"])
	}
	if got := u["sshd.service"].Path.String(); got != `config.system.build.units."sshd.service"` {
		t.Errorf("path printed as %s", got)
	}
	if kinds(ls[2])["manualHTML"].Kind != "derivation" {
		t.Errorf("manual listing: %+v", ls[2])
	}
}

// A listing evaluates names and kinds only: no .drv file may be written.
func TestListDoesNotInstantiate(t *testing.T) {
	testnix.Setup(t)
	salt := fmt.Sprintf("noinst-%d", time.Now().UnixNano())
	t.Setenv("NIXPLORE_SALT", salt)
	tg := testnix.Classic(t, "buildfail", "")
	ev := newEval(t, tg)
	if _, err := ev.List(ctx(t), attr.DefaultPath); err != nil {
		t.Fatal(err)
	}
	// Compute the drvPath without writing it (read-only mode).
	args := append([]string{"--eval", "--readonly-mode", "-E", "(import <nixpkgs/nixos> {}).config.system.build.chain.drvPath"}, testnix.ClassicArgs("buildfail", "")...)
	out, err := exec.Command("nix-instantiate", args...).Output()
	if err != nil {
		t.Fatal(err)
	}
	drv := strings.Trim(strings.TrimSpace(string(out)), `"`)
	if !strings.HasSuffix(drv, ".drv") {
		t.Fatalf("drvPath %q", drv)
	}
	if _, err := os.Stat(drv); err == nil {
		t.Fatalf("listing wrote %s", drv)
	}
	d, err := ev.Describe(ctx(t), mustPath(t, "config.system.build.chain"))
	if err != nil {
		t.Fatal(err)
	}
	if d.DrvPath != drv {
		t.Fatalf("describe drvPath %s, want %s", d.DrvPath, drv)
	}
	if _, err := os.Stat(drv); err != nil {
		t.Fatalf("describe should instantiate: %v", err)
	}
}

func TestDescribeDerivation(t *testing.T) {
	testnix.Setup(t)
	ev := newEval(t, testnix.Classic(t, "pi", "aarch64-linux"))
	d, err := ev.Describe(ctx(t), mustPath(t, "config.system.build.sdImage"))
	if err != nil {
		t.Fatal(err)
	}
	if d.Kind != "derivation" || d.System != "aarch64-linux" || !strings.HasPrefix(d.Name, "nixos-sd-image") {
		t.Fatalf("describe: %+v", d)
	}
	if !strings.HasPrefix(d.DrvPath, "/nix/store/") || !strings.HasSuffix(d.DrvPath, ".drv") {
		t.Fatalf("drvPath %q", d.DrvPath)
	}
	if len(d.Outputs) != 1 || d.Outputs[0].Name != "out" || d.Outputs[0].Built {
		t.Fatalf("outputs %+v (an aarch64 image cannot have been built here)", d.Outputs)
	}
	if d.Description == "" {
		t.Error("meta.description missing")
	}
	if d.DefinedIn == nil || len(d.DefinedIn.Files) != 1 || !strings.HasSuffix(d.DefinedIn.Files[0], "nixos/modules/installer/sd-card/sd-image.nix") {
		t.Fatalf("definedIn %+v", d.DefinedIn)
	}
	if !strings.Contains(d.Commands.Build, "-A config.system.build.sdImage") || !strings.Contains(d.Commands.Build, "--argstr system aarch64-linux") {
		t.Fatalf("command %s", d.Commands.Build)
	}
}

func TestDescribeScalarsAndSets(t *testing.T) {
	testnix.Setup(t)
	ev := newEval(t, testnix.Classic(t, "kinds", ""))
	for path, want := range map[string]string{
		"config.system.build.int": "42", "config.system.build.string": `"just a string"`,
		"config.system.build.bool": "true", "config.system.build.null": "null",
	} {
		d, err := ev.Describe(ctx(t), mustPath(t, path))
		if err != nil {
			t.Fatal(path, err)
		}
		if string(d.Value) != want {
			t.Errorf("%s value %s, want %s", path, d.Value, want)
		}
	}
	d, err := ev.Describe(ctx(t), mustPath(t, "config.system.build.list"))
	if err != nil || d.Count == nil || *d.Count != 3 {
		t.Fatalf("list: %+v %v", d, err)
	}
	if _, err := ev.Describe(ctx(t), mustPath(t, "config.system.build.throws")); err == nil || !strings.Contains(nixeval.ErrorText(err), "boom") {
		t.Fatalf("describe of a throwing child: %v", err)
	}
}

func TestDefinedInEveryDefinitionStyle(t *testing.T) {
	testnix.Setup(t)
	ev := newEval(t, testnix.Classic(t, "laptop", ""))
	user := testnix.Testdata("configs", "laptop", "configuration.nix")
	for _, name := range []string{"myScript", "conditional", "defaulted", "merged1", "merged2"} {
		d, err := ev.Describe(ctx(t), attr.DefaultPath.Child(name))
		if err != nil {
			t.Fatal(name, err)
		}
		if d.DefinedIn == nil || len(d.DefinedIn.Files) != 1 || d.DefinedIn.Files[0] != user {
			t.Errorf("%s defined in %+v, want %s", name, d.DefinedIn, user)
		}
	}
	d, err := ev.Describe(ctx(t), mustPath(t, "config.system.build.toplevel"))
	if err != nil {
		t.Fatal(err)
	}
	if len(d.DefinedIn.Files) != 1 || !strings.HasSuffix(d.DefinedIn.Files[0], "system/activation/top-level.nix") {
		t.Errorf("toplevel defined in %v", d.DefinedIn.Files)
	}
}

// The printed command builds exactly the described derivation.
func TestPrintedCommandBuildsDescribedDrv(t *testing.T) {
	testnix.Setup(t)
	cases := []struct {
		name string
		tg   func(t *testing.T) *nixeval.Target
		path string
	}{
		{"classic pi manual", func(t *testing.T) *nixeval.Target { return testnix.Classic(t, "pi", "aarch64-linux") }, "config.system.build.manual.manualHTML"},
		{"classic laptop etc", func(t *testing.T) *nixeval.Target { return testnix.Classic(t, "laptop", "") }, "config.system.build.etc"},
		{"classic quoted name", func(t *testing.T) *nixeval.Target { return testnix.Classic(t, "hostile", "") }, `config.system.build."dot.ted"`},
		{"classic name with a double quote", func(t *testing.T) *nixeval.Target { return testnix.Classic(t, "hostile", "") }, `config.system.build."a\"b"`},
		{"classic name that is shell code", func(t *testing.T) *nixeval.Target { return testnix.Classic(t, "hostile", "") }, `config.system.build."'; touch /tmp/nixplore-pwned; '"`},
		{"flake laptop", func(t *testing.T) *nixeval.Target { return testnix.Flake(t, "laptop") }, "config.system.build.etc"},
		{"flake hostile-free pi manual", func(t *testing.T) *nixeval.Target { return testnix.Flake(t, "pi") }, "config.system.build.manual.manualHTML"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ev := newEval(t, c.tg(t))
			d, err := ev.Describe(ctx(t), mustPath(t, c.path))
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			cmd := exec.Command("sh", "-c", d.Commands.Build+" --out-link res")
			cmd.Dir = dir
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("%s: %v\n%s", d.Commands.Build, err, out)
			}
			link, err := os.Readlink(filepath.Join(dir, "res"))
			if err != nil {
				t.Fatal(err)
			}
			if link != d.Outputs[0].Path {
				t.Fatalf("command built %s, described output %s", link, d.Outputs[0].Path)
			}
			// And the deriver of what it built is the described .drv.
			q, err := exec.Command("nix-store", "-q", "--deriver", link).Output()
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.TrimSpace(string(q)); got != d.DrvPath && got != "unknown-deriver" {
				t.Fatalf("deriver %s, described %s", got, d.DrvPath)
			}
		})
	}
	if _, err := os.Stat("/tmp/nixplore-pwned"); err == nil {
		t.Fatal("a hostile name ran shell code")
	}
}

func TestHostileNames(t *testing.T) {
	testnix.Setup(t)
	_ = os.Remove("/tmp/nixplore-pwned")
	tg := testnix.Classic(t, "hostile", "")
	ev := newEval(t, tg)
	ls, err := ev.List(ctx(t), attr.DefaultPath)
	if err != nil {
		t.Fatal(err)
	}
	bad, err := os.ReadFile(testnix.Testdata("configs", "hostile", "invalid-utf8-name.txt"))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"a\"b", "${x}", "dot.ted", "with space", "back\\slash", "new\nline", "\x1b[31mred",
		"\"; builtins.trace \"PWNED\" null; \"", "${builtins.trace \"PWNED\" 1}", "$(touch /tmp/nixplore-pwned)",
		"'; touch /tmp/nixplore-pwned; '", "`id`", "-A", "--help", "", string(bad)}
	got := kinds(ls[0])
	for _, n := range want {
		c, ok := got[n]
		if !ok {
			t.Errorf("name %q missing", n)
			continue
		}
		if c.Kind != "derivation" {
			t.Errorf("%q: kind %s %s", n, c.Kind, c.Error)
		}
		d, err := ev.Describe(ctx(t), c.Path)
		if err != nil {
			t.Errorf("describe %q: %v", n, err)
			continue
		}
		if !strings.HasPrefix(d.Name, "hostile-") {
			t.Errorf("describe %q: name %q", n, d.Name)
		}
		// The printed path parses back to the same names.
		if p, err := attr.Parse(c.Path.String()); err != nil || !p.Equal(c.Path) {
			t.Errorf("path %q does not round-trip: %v", c.Path.String(), err)
		}
	}
	if _, err := os.Stat("/tmp/nixplore-pwned"); err == nil {
		t.Fatal("a hostile name ran shell code")
	}
}

func TestSystemIgnoredIsDetected(t *testing.T) {
	testnix.Setup(t)
	ev := newEval(t, testnix.Classic(t, "hostplatform", "x86_64-linux"))
	info, err := ev.Info(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	if !info.SystemIgnored() || info.HostSystem != "aarch64-linux" || !strings.Contains(info.IgnoredWarning(), "nixpkgs.hostPlatform") {
		t.Fatalf("info %+v", info)
	}
	ev2 := newEval(t, testnix.Classic(t, "pi", "aarch64-linux"))
	info, err = ev2.Info(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	if info.SystemIgnored() || info.Platform() != "aarch64-linux" || info.NixVersion == "" {
		t.Fatalf("pi info %+v", info)
	}
}

func evalErr(t *testing.T, err error) *diag.EvalError {
	t.Helper()
	var ee *diag.EvalError
	if !errors.As(err, &ee) {
		t.Fatalf("want *EvalError, got %T: %v", err, err)
	}
	return ee
}

func TestErrorsUsersCanActOn(t *testing.T) {
	testnix.Setup(t)
	t.Run("syntax error with location", func(t *testing.T) {
		_, err := newEval(t, testnix.Classic(t, "syntax", "")).List(ctx(t), attr.DefaultPath)
		ee := evalErr(t, err)
		if ee.Kind != diag.ErrSyntax || !strings.HasSuffix(ee.Location, "configs/syntax/configuration.nix:5:3") {
			t.Fatalf("%v (kind %v, location %q)", ee, ee.Kind, ee.Location)
		}
		if !strings.Contains(ee.Error(), "error:") {
			t.Fatalf("Nix's own error text missing: %s", ee.Error())
		}
	})
	t.Run("failed assertions", func(t *testing.T) {
		_, err := newEval(t, testnix.Classic(t, "assert", "")).Describe(ctx(t), mustPath(t, "config.system.build.toplevel"))
		ee := evalErr(t, err)
		if ee.Kind != diag.ErrAssertion || len(ee.Details) == 0 {
			t.Fatalf("%v", ee)
		}
	})
	t.Run("missing attribute with suggestion", func(t *testing.T) {
		_, err := newEval(t, testnix.Classic(t, "pi", "aarch64-linux")).List(ctx(t), mustPath(t, "config.system.build.sdImag.foo"))
		var me *diag.MissingAttrError
		if !errors.As(err, &me) {
			t.Fatalf("%T %v", err, err)
		}
		if me.Missing != "sdImag" || !me.Parent.Equal(attr.DefaultPath) || len(me.Suggest) == 0 || me.Suggest[0] != "sdImage" {
			t.Fatalf("%+v", me)
		}
		if !strings.Contains(me.Error(), "config.system.build.sdImage") {
			t.Fatalf("message: %s", me.Error())
		}
	})
	t.Run("not an attribute set", func(t *testing.T) {
		_, err := newEval(t, testnix.Classic(t, "kinds", "")).List(ctx(t), mustPath(t, "config.system.build.int"))
		var me *diag.MissingAttrError
		if !errors.As(err, &me) || me.NotAttrs != "int" {
			t.Fatalf("%T %v", err, err)
		}
	})
	t.Run("infinite recursion", func(t *testing.T) {
		_, err := newEval(t, testnix.Classic(t, "kinds", "")).Describe(ctx(t), mustPath(t, "config.system.build.infinite"))
		if ee := evalErr(t, err); ee.Kind != diag.ErrInfiniteRecursion {
			t.Fatalf("%v", ee)
		}
	})
	t.Run("timeout", func(t *testing.T) {
		t.Setenv("NIXPLORE_SLOW_N", "50000000")
		tg := testnix.Classic(t, "slow", "")
		tg.Timeout = 300 * time.Millisecond
		start := time.Now()
		_, err := newEval(t, tg).List(ctx(t), attr.DefaultPath)
		if ee := evalErr(t, err); ee.Kind != diag.ErrTimeout {
			t.Fatalf("%v", ee)
		}
		if el := time.Since(start); el > 5*time.Second {
			t.Fatalf("timeout took %s", el)
		}
	})
	t.Run("configuration file missing", func(t *testing.T) {
		_, err := testnix.ResolveClassic(t, "does-not-exist", "")
		if ee := evalErr(t, err); ee.Kind != diag.ErrFileMissing || !strings.Contains(ee.Summary, "does-not-exist") {
			t.Fatalf("%v (kind %v)", ee, ee.Kind)
		}
	})
	t.Run("configuration path is a directory", func(t *testing.T) {
		f := testnix.ClassicFlags("pi", "")
		f.SearchPath[1] = "nixos-config=" + testnix.Testdata("configs", "pi")
		_, err := resolve.Target(f, testnix.Env(t))
		if ee := evalErr(t, err); ee.Kind != diag.ErrFileMissing || !strings.Contains(ee.Hint, "configuration.nix") {
			t.Fatalf("%v", err)
		}
	})
	t.Run("no nixpkgs on the search path", func(t *testing.T) {
		tg := testnix.Classic(t, "pi", "")
		tg.SearchPath = tg.SearchPath[1:]
		_, err := newEval(t, tg).List(ctx(t), attr.DefaultPath)
		if ee := evalErr(t, err); ee.Kind != diag.ErrSearchPath || !strings.Contains(ee.Hint, "nixpkgs") {
			t.Fatalf("%v (kind %v)", ee, ee.Kind)
		}
	})
	t.Run("flake host missing", func(t *testing.T) {
		_, err := newEval(t, testnix.Flake(t, "nope")).List(ctx(t), attr.DefaultPath)
		ee := evalErr(t, err)
		sort.Strings(ee.Details)
		if ee.Kind != diag.ErrFlakeHost || strings.Join(ee.Details, ",") != "laptop,pi" {
			t.Fatalf("%v", ee)
		}
	})
	t.Run("nix not installed", func(t *testing.T) {
		t.Setenv("PATH", t.TempDir())
		_, err := newEval(t, testnix.Classic(t, "pi", "")).List(ctx(t), attr.DefaultPath)
		var nm *nixproc.NixMissingError
		if !errors.As(err, &nm) || !strings.Contains(nm.Error(), "apt-get install nix-bin") {
			t.Fatalf("%T %v", err, err)
		}
	})
}

func TestFlakeListing(t *testing.T) {
	testnix.Setup(t)
	ev := newEval(t, testnix.Flake(t, "pi"))
	ls, err := ev.List(ctx(t), attr.DefaultPath)
	if err != nil {
		t.Fatal(err)
	}
	if kinds(ls[0])["sdImage"].Kind != "derivation" {
		t.Fatalf("flake pi listing: %+v", ls[0].Children)
	}
	info, err := ev.Info(ctx(t))
	if err != nil || info.Platform() != "aarch64-linux" {
		t.Fatalf("info %+v %v", info, err)
	}
	d, err := ev.Describe(ctx(t), mustPath(t, "config.system.build.sdImage"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(d.Commands.Build, "#nixosConfigurations.pi.config.system.build.sdImage") {
		t.Fatalf("flake command %s", d.Commands.Build)
	}
}

// Where an output comes from is read from its option's definitions
// without forcing its value: a toplevel that throws (failed assertions)
// is still defined in top-level.nix, not "no definition".
func TestDefinedInOfAThrowingOutput(t *testing.T) {
	testnix.Setup(t)
	ev := newEval(t, testnix.Classic(t, "assert", ""))
	path := mustPath(t, "config.system.build.toplevel")
	if _, err := ev.Describe(ctx(t), path); err == nil {
		t.Fatal("the assert fixture's toplevel no longer throws: the test proves nothing")
	}
	def, err := ev.DefinedIn(ctx(t), path)
	if err != nil {
		t.Fatal(err)
	}
	if def == nil || len(def.Files) != 1 || !strings.HasSuffix(def.Files[0], "system/activation/top-level.nix") {
		t.Errorf("a throwing toplevel is defined in %+v", def)
	}
}
