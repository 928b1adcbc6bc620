package nixeval

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nixplore/nixplore/nixeval/diag"
	"github.com/nixplore/nixplore/nixeval/nixproc"
)

// rootedCapture is a captured stderr with the checkout's path (written as
// @ROOT@ by the capture script) put back as this checkout's.
func rootedCapture(t *testing.T, version, name string) string {
	t.Helper()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	return strings.ReplaceAll(string(stderrCapture(t, version, name)), "@ROOT@", root)
}

// TestParseTraceCaptured reads the --show-trace output of every Nix
// version: the option and the user's file behind an error raised inside
// lib/modules.nix, the innermost first whatever order the version prints.
func TestParseTraceCaptured(t *testing.T) {
	root, _ := filepath.Abs("..")
	cfg := filepath.Join(root, "testdata", "configs")
	tests := []struct {
		capture, option, file, summary string
		line                           map[string]int // by version; missing: 0
	}{
		{"trace-name", "system.name", filepath.Join(cfg, "trace", "naming.nix"), "cannot coerce an integer to a string",
			map[string]int{"2.8": 5, "2.26": 5, "2.34": 5}},
		{"trace-toplevel", "system.name", filepath.Join(cfg, "trace", "naming.nix"), "cannot coerce an integer to a string",
			map[string]int{"2.8": 5, "2.26": 5, "2.34": 5}},
		// 2.8 gives the call site in the user's file no location: the
		// file comes from `while evaluating definitions from`.
		{"trace-recursive", "system.stateVersion", filepath.Join(cfg, "trace", "configuration.nix"), "infinite recursion",
			map[string]int{"2.26": 14, "2.34": 14}},
	}
	for _, v := range []string{"2.8", "2.26", "2.34"} {
		for _, tc := range tests {
			t.Run(v+"/"+tc.capture, func(t *testing.T) {
				frames := diag.ParseTrace(rootedCapture(t, v, tc.capture), wrapperExpr)
				if len(frames) < 3 {
					t.Fatalf("%d frames", len(frames))
				}
				if !strings.Contains(frames[0].Text, tc.summary) {
					t.Errorf("innermost frame %q, want the error %q", frames[0].Text, tc.summary)
				}
				tr := &diag.Trace{Frames: frames}
				locate(tr, &Target{Kind: Classic})
				if tr.Option != tc.option || tr.File != tc.file || tr.Line != tc.line[v] {
					t.Errorf("option %q file %s:%d, want %q %s:%d", tr.Option, tr.File, tr.Line, tc.option, tc.file, tc.line[v])
				}
				want := "option " + tc.option + ", in " + tc.file
				if !strings.HasPrefix(tr.Where(), want) {
					t.Errorf("Where() = %q, want it to start with %q", tr.Where(), want)
				}
				nixpkgs := 0
				for _, f := range frames {
					if f.Nixpkgs {
						nixpkgs++
						if strings.HasPrefix(f.File, "/") {
							t.Errorf("nixpkgs frame not relative: %s", f.File)
						}
					}
				}
				if nixpkgs == 0 {
					t.Error("no frame inside nixpkgs")
				}
			})
		}
	}
}

// TestAssertionSaidOnce: a failed assertion's message is nixplore's
// detail, and Nix's identical text is not quoted under it again (every
// version's capture, and the trace of one).
func TestAssertionSaidOnce(t *testing.T) {
	for _, v := range []string{"2.8", "2.26", "2.34"} {
		for _, capture := range []string{"assertion", "trace-assertion"} {
			t.Run(v+"/"+capture, func(t *testing.T) {
				ne := nixproc.NewNixError("nix-build", 1, stderrCapture(t, v, capture))
				ee := diag.Classify(ne)
				if ee.Kind != diag.ErrAssertion {
					t.Fatalf("kind %v: %s", ee.Kind, ee.Summary)
				}
				msg := "nixplore test: boot.loader.grub.device must be set"
				for name, text := range map[string]string{"Error": ee.Error(), "ErrorText": ErrorText(ee)} {
					if n := strings.Count(text, msg); n != 1 {
						t.Errorf("%s says the assertion %d times:\n%s", name, n, text)
					}
				}
			})
		}
	}
}

// TestEvalBuildCaptured reads the line every version prints before it
// builds during evaluation, and the refusal with
// allow-import-from-derivation false.
func TestEvalBuildCaptured(t *testing.T) {
	for _, v := range []string{"2.8", "2.26", "2.34"} {
		t.Run(v, func(t *testing.T) {
			var builds []diag.EvalBuild
			for _, l := range strings.Split(string(stderrCapture(t, v, "ifd-build")), "\n") {
				if b, ok := diag.ParseEvalBuild(l); ok {
					builds = append(builds, b)
				}
			}
			if len(builds) != 1 || builds[0].Name != "gen-foo" || !strings.HasPrefix(builds[0].Drv, "/nix/store/") || !strings.HasSuffix(builds[0].Drv, "-gen-foo.drv") {
				t.Fatalf("builds %+v", builds)
			}
			if got := builds[0].LogCommand(); got != "nix-store -l "+builds[0].Drv {
				t.Errorf("log command %q", got)
			}
			ee := diag.Classify(nixproc.NewNixError("nix-instantiate", 1, stderrCapture(t, v, "ifd-refused")))
			if ee.Kind != diag.ErrIFD || !strings.Contains(ee.Summary, "gen-foo") || !strings.Contains(ee.Hint, "-gen-foo.drv") || strings.Contains(ee.Hint, "^out") {
				t.Errorf("refusal: kind %v %q / %q", ee.Kind, ee.Summary, ee.Hint)
			}
		})
	}
}

// TestTraceLocatesFlakeSource: a frame in a local flake's store copy names
// the file in the flake's directory, which the user edits; frames in
// nixplore's own expression and Nix's internal files are never the user's.
func TestTraceLocatesFlakeSource(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "hosts"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "hosts", "laptop.nix"), []byte("{ }\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	store := "/nix/store/" + strings.Repeat("a", 32) + "-source"
	tr := &diag.Trace{Frames: []diag.Frame{
		{Text: "error: boom"},
		{Text: "from call site", File: "«nix-internal»/derivation-internal.nix", Line: 3, Column: 1},
		{Text: "from call site", File: "/tmp/nixplore-123.nix", Line: 9, Column: 2},
		{Text: "while evaluating the option `networking.hostName':"},
		{Text: "from call site", File: store + "/hosts/laptop.nix", Line: 7, Column: 3},
	}}
	locate(tr, &Target{Kind: Flake, FlakeDir: dir, FlakeRef: "path:" + dir})
	want := filepath.Join(dir, "hosts", "laptop.nix")
	if tr.File != want || tr.Line != 7 || tr.Option != "networking.hostName" || !tr.Frames[4].User {
		t.Errorf("located %q:%d option %q (frames %+v), want %s:7", tr.File, tr.Line, tr.Option, tr.Frames, want)
	}
}

// TestParseEvalBuildLines: both lines an evaluation waiting for a build can
// print, coloured or not; a lock on several outputs names the first.
func TestParseEvalBuildLines(t *testing.T) {
	const out = "/nix/store/94ll0gmq6jvzqq9wp9zl93cdribmyxvq-gen-foo"
	cases := []struct {
		line string
		want diag.EvalBuild
		ok   bool
	}{
		{"building '/nix/store/yj8g5llrgxva3n9sa63v0hr03k62amcp-gen-foo.drv'...", diag.EvalBuild{Drv: "/nix/store/yj8g5llrgxva3n9sa63v0hr03k62amcp-gen-foo.drv", Name: "gen-foo"}, true},
		{"waiting for lock on '" + out + "'...", diag.EvalBuild{Locked: out, Name: "gen-foo"}, true},
		{"waiting for lock on \x1b[33;1m'" + out + "'\x1b[0m...", diag.EvalBuild{Locked: out, Name: "gen-foo"}, true},
		{"waiting for lock on '" + out + "-dev', '" + out + "'...", diag.EvalBuild{Locked: out + "-dev", Name: "gen-foo-dev"}, true},
		{"building the system configuration...", diag.EvalBuild{}, false},
		{"trace: waiting for lock on '" + out + "'", diag.EvalBuild{}, false},
	}
	for _, c := range cases {
		got, ok := diag.ParseEvalBuild(c.line)
		if ok != c.ok || got != c.want {
			t.Errorf("%q: %+v %v, want %+v %v", c.line, got, ok, c.want, c.ok)
		}
	}
	if got := (diag.EvalBuild{Locked: out, Name: "gen-foo"}).LogCommand(); got != "nix-store -l "+out {
		t.Errorf("log command of a lock: %q", got)
	}
}

// Recognise or refuse: the traces of every captured Nix version are read;
// a "future Nix" that marks its frames differently (`»` for `…`) is
// refused, not shown as a trace of the error alone.
func TestTraceReadFutureNix(t *testing.T) {
	for _, v := range []string{"2.8", "2.26", "2.34"} {
		if frames, err := diag.TraceRead(rootedCapture(t, v, "trace-name"), wrapperExpr); err != nil || len(frames) < 3 {
			t.Errorf("%s: %d frames, %v", v, len(frames), err)
		}
	}
	_, err := diag.TraceRead(rootedCapture(t, "future", "trace-name"), wrapperExpr)
	if err == nil || !strings.Contains(err.Error(), "did not recognise") {
		t.Errorf("future Nix's trace: %v", err)
	}
}

// Recognise or refuse: the build line of every captured version is read
// as recognised; a "future Nix" wording of it (testdata/nixout/future) is
// still reported as a build of gen-foo, saying the line was not
// recognised, and never dropped as if Nix built nothing.
func TestEvalBuildFutureNix(t *testing.T) {
	read := func(v string) []diag.EvalBuild {
		var builds []diag.EvalBuild
		for _, l := range strings.Split(string(stderrCapture(t, v, "ifd-build")), "\n") {
			if b, ok := diag.ParseEvalBuild(l); ok {
				builds = append(builds, b)
			}
		}
		return builds
	}
	for _, v := range []string{"2.8", "2.26", "2.34"} {
		if b := read(v); len(b) != 1 || b[0].Unrecognised != "" {
			t.Errorf("%s: %+v", v, b)
		}
	}
	b := read("future")
	if len(b) != 1 || b[0].Name != "gen-foo" || !strings.HasPrefix(b[0].Unrecognised, "Building derivation /nix/store/") || !strings.Contains(b[0].String(), "did not recognise") {
		t.Fatalf("future Nix's build line: %+v", b)
	}
}
