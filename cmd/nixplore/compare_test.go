package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nixplore/nixplore/internal/testnix"
	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/nixeval/build"
	"github.com/nixplore/nixplore/nixeval/catalogue"
	"github.com/nixplore/nixplore/nixeval/compare"
)

// nixOut runs a Nix program of the test and returns its trimmed stdout.
func nixOut(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).Output()
	if err != nil {
		t.Fatalf("%s %v: %v", name, args, err)
	}
	return strings.TrimSpace(string(out))
}

// truth is what Nix itself says about an output of the pi fixture,
// asked without nixplore: whether it is built, what a dry run would
// build, the closure's size.
type truth struct {
	built   bool
	build   int
	closure int64
}

func nixTruth(t *testing.T, path string) truth {
	flags := append(testnix.ClassicArgs("pi", ""), "--argstr", "system", "aarch64-linux")
	out := strings.Trim(nixOut(t, "nix-instantiate", append([]string{"--eval", "--json", "<nixpkgs/nixos>", "-A", path + ".outPath"}, flags...)...), `"`)
	args := append([]string{"<nixpkgs/nixos>", "-A", path}, flags...)
	var tr truth
	tr.built = exec.Command("nix-store", "--check-validity", out).Run() == nil
	if !tr.built {
		dry, _ := exec.Command("nix-build", append(args, "--dry-run")...).CombinedOutput()
		for _, l := range strings.Split(string(dry), "\n") {
			if strings.HasPrefix(l, "  /nix/store/") && strings.HasSuffix(l, ".drv") {
				tr.build++
			}
		}
		return tr
	}
	for _, p := range strings.Fields(nixOut(t, "nix-store", "-q", "-R", out)) {
		n, err := strconv.ParseInt(nixOut(t, "nix-store", "-q", "--size", p), 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		tr.closure += n
	}
	return tr
}

// TestCompareJSONContract checks every field of `compare --json` on the
// Raspberry Pi fixture for aarch64-linux against what Nix, the catalogue
// and this machine say without nixplore; manualHTML is built first.
func TestCompareJSONContract(t *testing.T) {
	testnix.Setup(t)
	paths := []string{"config.system.build.sdImage", "config.system.build.toplevel", "config.system.build.vm", "config.system.build.manual.manualHTML"}
	nixOut(t, "nix-build", append([]string{"<nixpkgs/nixos>", "-A", paths[3], "--no-out-link"}, testnix.ClassicArgs("pi", "")...)...)
	args := append(append([]string{"compare", "--json"}, testnix.ClassicArgs("pi", "aarch64-linux")...), paths...)
	out, errOut, code := runCLI(t, args...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var raw []map[string]json.RawMessage
	if err := json.Unmarshal([]byte(out), &raw); err != nil || len(raw) != len(paths) {
		t.Fatalf("not a list of %d objects: %v\n%s", len(paths), err, out)
	}
	for _, o := range raw {
		for _, k := range []string{"path", "summary", "documented", "definedIn", "platform", "plan", "built", "runNeeds", "result", "command"} {
			if _, ok := o[k]; !ok {
				t.Errorf("%s lacks %q", o["path"], k)
			}
		}
	}
	var cols []struct {
		Path, Summary, Result, Command, Error string
		Documented                            bool
		DefinedIn                             []string
		Platform                              struct {
			System        string
			BuildableHere *bool
			Ways          []string
		}
		Plan struct {
			Build, Fetch                 *int
			DownloadBytes, UnpackedBytes *int64
			Fits                         bool
			Space                        struct{ Store, Build struct{ Dir string } }
		}
		Built        bool
		ClosureBytes int64
		RunNeeds     []struct {
			What, Detail string
			Here         *bool
		}
	}
	if err := json.Unmarshal([]byte(out), &cols); err != nil {
		t.Fatal(err)
	}
	tg := testnix.Classic(t, "pi", "aarch64-linux")
	for i, c := range cols {
		t.Run(paths[i], func(t *testing.T) {
			if c.Path != paths[i] || c.Error != "" {
				t.Fatalf("path %q error %q", c.Path, c.Error)
			}
			p, _ := attr.Parse(paths[i])
			if want := nixeval.BuildCommands(tg, p).Build; c.Command != want {
				t.Errorf("command %q, want %q", c.Command, want)
			}
			tr := nixTruth(t, paths[i])
			if c.Built != tr.built {
				t.Errorf("built %v, Nix says %v", c.Built, tr.built)
			}
			if c.Plan.Build == nil || c.Plan.Fetch == nil || c.Plan.DownloadBytes == nil || c.Plan.UnpackedBytes == nil || c.Platform.BuildableHere == nil {
				t.Fatalf("plan or platform incomplete: %+v %+v", c.Plan, c.Platform)
			}
			if c.Plan.Space.Store.Dir != "/nix/store" || c.Plan.Space.Build.Dir == "" || !c.Plan.Fits {
				t.Errorf("space %+v fits %v", c.Plan.Space, c.Plan.Fits)
			}
			if tr.built {
				if c.ClosureBytes != tr.closure || *c.Plan.Build != 0 || len(c.Platform.Ways) != 0 {
					t.Errorf("built: closure %d (Nix: %d), plan %d, ways %v", c.ClosureBytes, tr.closure, *c.Plan.Build, c.Platform.Ways)
				}
			} else {
				if *c.Plan.Build != tr.build || *c.Plan.Fetch != 0 || c.ClosureBytes != 0 {
					t.Errorf("plan build %d fetch %d (Nix's dry run builds %d), closure %d", *c.Plan.Build, *c.Plan.Fetch, tr.build, c.ClosureBytes)
				}
				if c.Platform.System == "aarch64-linux" && (*c.Platform.BuildableHere || len(c.Platform.Ways) != 3) {
					t.Errorf("aarch64 on this machine: %+v", c.Platform)
				}
			}
			switch i {
			case 0, 1, 2:
				name := p.Last()
				e, _ := catalogue.Best(name, nil, "25.05")
				if c.Platform.System != "aarch64-linux" || !c.Documented || c.Summary != e.Summary {
					t.Errorf("system %q documented %v summary %q, catalogue %q", c.Platform.System, c.Documented, c.Summary, e.Summary)
				}
			case 3:
				if c.Documented || !strings.HasPrefix(c.Summary, "undocumented") || !strings.Contains(c.Summary, "nixos/modules/misc/documentation.nix") ||
					len(c.RunNeeds) != 0 || !c.Built {
					t.Errorf("manualHTML: %+v", c)
				}
			}
			switch i {
			case 0:
				if len(c.RunNeeds) != 2 || c.RunNeeds[0].What != "an SD card" || c.RunNeeds[1].What != "dd" || !strings.Contains(c.Result, "sd-image/") {
					t.Errorf("sdImage needs %+v result %q", c.RunNeeds, c.Result)
				}
			case 1:
				if len(c.RunNeeds) != 1 || !strings.Contains(c.RunNeeds[0].What, "NixOS machine of aarch64-linux") {
					t.Errorf("toplevel needs %+v", c.RunNeeds)
				}
			case 2:
				// KVM runs only the host's architecture: an aarch64 VM here
				// is emulated, whatever /dev/kvm says.
				if len(c.RunNeeds) == 0 || c.RunNeeds[0].What != "KVM" || c.RunNeeds[0].Here == nil || *c.RunNeeds[0].Here ||
					!strings.Contains(c.RunNeeds[0].Detail, "fully emulated") {
					t.Errorf("vm needs %+v", c.RunNeeds)
				}
			}
		})
	}
}

// TestCompareText is the table for people: the outputs side by side, each
// whole command below, and the free space.
func TestCompareText(t *testing.T) {
	testnix.Setup(t)
	args := append(append([]string{"compare"}, testnix.ClassicArgs("pi", "aarch64-linux")...), "config.system.build.sdImage", "config.system.build.toplevel")
	out, errOut, code := runCLI(t, args...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	lines := strings.Split(out, "\n")
	if !strings.Contains(lines[0], "sdImage") || !strings.Contains(lines[0], "toplevel") {
		t.Errorf("title line %q", lines[0])
	}
	for _, want := range []string{"\nwhat ", "\nplatform ", "\nplan ", "\nsizes ", "\nbuilt ", "\nrun needs ", "\nresult ", "\ncommands:\n",
		"    nix-build '<nixpkgs/nixos>' -A config.system.build.sdImage ", "\nfree: "} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in\n%s", want, out)
		}
	}
	for _, l := range lines {
		if len([]rune(l)) > 120 && !strings.HasPrefix(l, "    nix-build") {
			t.Errorf("line wider than 120: %q", l)
		}
	}
	// A path that is not there: its column says why, the others are
	// compared, and the exit status is 1.
	args = append(append([]string{"compare", "--json"}, testnix.ClassicArgs("pi", "aarch64-linux")...), "config.system.build.toplevel", "config.system.build.nope")
	out, errOut, code = runCLI(t, args...)
	var cols []struct{ Path, Summary, Error string }
	if err := json.Unmarshal([]byte(out), &cols); err != nil || code != 1 || len(cols) != 2 || cols[0].Error != "" || !strings.Contains(cols[1].Error, "nope") ||
		!strings.Contains(errOut, "1 of 2 outputs could not be compared") {
		t.Errorf("missing path: exit %d %+v\n%s", code, cols, errOut)
	}
	_, errOut, code = runCLI(t, "compare")
	if code != 2 || !strings.Contains(errOut, "compare needs attribute PATHs") {
		t.Errorf("no PATH: exit %d %s", code, errOut)
	}
}

// TestCompareNotOneOutput: a set first on the command line is no output to
// weigh: its column says what to compare instead, its command carries the
// whole-set warning `cmd` gives, and the free space is still said (read
// once, by the column that was compared). A string gets no command at all.
func TestCompareNotOneOutput(t *testing.T) {
	testnix.Setup(t)
	args := append(append([]string{"compare"}, testnix.ClassicArgs("pi", "aarch64-linux")...),
		"config.system.build.images", "config.system.build.toplevel", "config.system.nixos.release")
	out, errOut, code := runCLI(t, args...)
	if code != 1 {
		t.Fatalf("exit %d (want 1: two paths could not be compared)\n%s\n%s", code, out, errOut)
	}
	for _, want := range []string{
		"config.system.build.images is an attribute set of ",
		"not one output: compare weighs single outputs. Compare its children instead (`nixplore ls config.system.build.images` lists them",
		"config.system.nixos.release is a string, not a derivation: there is nothing to build",
	} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	for _, want := range []string{"    ⚠ this command builds every derivation inside (", "every image variant", "\nfree: "} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "free: 0 B") || strings.Contains(out, "-A config.system.nixos.release") {
		t.Errorf("empty space or a command for a string:\n%s", out)
	}
	args[0] = "compare"
	out, _, _ = runCLI(t, append(args, "--json")...)
	var cols []struct {
		Path, Command, CommandWarning, Error string
		Platform, Plan                       json.RawMessage
	}
	if err := json.Unmarshal([]byte(out), &cols); err != nil || len(cols) != 3 {
		t.Fatalf("json: %v\n%s", err, out)
	}
	// A set or a string has no platform and no plan: null, never made-up
	// values ({"system":"","buildableHere":false}, a plan of zeros).
	for _, i := range []int{0, 2} {
		if string(cols[i].Platform) != "null" || string(cols[i].Plan) != "null" {
			t.Errorf("%s: platform %s plan %s, want null", cols[i].Path, cols[i].Platform, cols[i].Plan)
		}
	}
	if string(cols[1].Platform) == "null" || string(cols[1].Plan) == "null" {
		t.Errorf("toplevel: platform %s plan %s", cols[1].Platform, cols[1].Plan)
	}
	if cols[0].Command == "" || !strings.HasPrefix(cols[0].CommandWarning, "this command builds every derivation inside") ||
		cols[2].Command != "" || cols[2].CommandWarning != "" || cols[1].CommandWarning != "" {
		t.Errorf("commands and warnings: %+v", cols)
	}
}

// TestCompareEstimatesTheSpaceAnImageNeeds: before an image is built,
// compare says how much store space its build needs, labelled as an
// estimate and not the image's size: what it fetches, plus an
// uncompressed root file system of the system's closure (measured here
// with nix-store once toplevel is built).
func TestCompareEstimatesTheSpaceAnImageNeeds(t *testing.T) {
	testnix.Setup(t)
	// Every derivation new: the image is not built, whatever ran before.
	t.Setenv("NIXPLORE_REMOTE_SALT", fmt.Sprintf("estimate-%d", time.Now().UnixNano()))
	top := testnix.BuildHere(t, "ownimage", "config.system.build.toplevel", "--option", "extra-platforms", "x86_64-linux")
	closure, err := build.ClosureSize(context.Background(), nixeval.Tools{}, []string{top})
	if err != nil || closure <= 0 {
		t.Fatalf("closure of %s: %d %v", top, closure, err)
	}
	args := append(append([]string{"compare"}, testnix.ClassicArgs("ownimage", "")...), "--option", "extra-platforms", "x86_64-linux", "config.system.build.images.myboard")
	out, errOut, code := runCLI(t, append(args, "--json")...)
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	var cols []struct {
		Built bool
		Plan  *struct {
			Build int
			Needs *compare.SpaceEstimate `json:"spaceNeeded"`
		}
	}
	if err := json.Unmarshal([]byte(out), &cols); err != nil || len(cols) != 1 {
		t.Fatalf("json: %v\n%s", err, out)
	}
	c := cols[0]
	if c.Built || c.Plan == nil || c.Plan.Needs == nil {
		t.Fatalf("no estimate for an unbuilt image: %s", out)
	}
	n := c.Plan.Needs
	if n.Holds != "config.system.build.toplevel" || n.HoldsBytes != closure || n.AtLeastBytes < closure || n.UnknownBuilds != c.Plan.Build || c.Plan.Build == 0 {
		t.Errorf("estimate %+v (toplevel's closure %d, %d builds)", n, closure, c.Plan.Build)
	}
	out, _, _ = runCLI(t, args...)
	if flat := strings.Join(strings.Fields(out), " "); !strings.Contains(flat, "store space needed (an estimate, not the image's size): at least "+build.HumanBytes(n.AtLeastBytes)) {
		t.Errorf("the table does not say the estimate:\n%s", out)
	}
}
