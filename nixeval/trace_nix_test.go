package nixeval_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/nixplore/nixplore/internal/testnix"
	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/nixeval/diag"
)

// TestTraceNamesOptionAndFile evaluates failing values again with
// --show-trace on the running Nix: the error, raised inside the stand-in's
// lib/modules.nix, is placed at the option and the user's file.
func TestTraceNamesOptionAndFile(t *testing.T) {
	testnix.Setup(t)
	tests := []struct {
		config, child, option, file string
		kind                        diag.ErrKind
	}{
		{"trace", "name", "system.name", testnix.Testdata("configs", "trace", "naming.nix") + ":5:", diag.ErrType},
		{"trace", "toplevel", "system.name", testnix.Testdata("configs", "trace", "naming.nix") + ":5:", diag.ErrType},
		{"trace", "recursive", "system.stateVersion", testnix.Testdata("configs", "trace", "configuration.nix"), diag.ErrInfiniteRecursion},
	}
	for _, tc := range tests {
		t.Run(tc.child, func(t *testing.T) {
			ev := nixeval.New(testnix.Classic(t, tc.config, ""), nixeval.Tools{})
			defer ev.Close()
			tr, err := ev.Trace(context.Background(), attr.Path{"config", "system", "build", tc.child})
			if err != nil {
				t.Fatal(err)
			}
			var ee *diag.EvalError
			if !errors.As(tr.Err, &ee) || ee.Kind != tc.kind {
				t.Fatalf("error %T %v", tr.Err, tr.Err)
			}
			want := "option " + tc.option + ", in " + tc.file
			if !strings.HasPrefix(tr.Where(), want) || ee.Where != tr.Where() {
				t.Errorf("where %q (error's %q), want it to start with %q", tr.Where(), ee.Where, want)
			}
			if !strings.Contains(nixeval.ErrorText(ee), want) {
				t.Errorf("the error's text does not say where: %s", nixeval.ErrorText(ee))
			}
			if ours, _, _ := strings.Cut(ee.Error(), "Nix said"); strings.Contains(ours, "lib/default.nix") {
				t.Errorf("the summary still points into lib: %s", ee.Error())
			}
		})
	}
	t.Run("evaluates", func(t *testing.T) {
		ev := nixeval.New(testnix.Classic(t, "trace", ""), nixeval.Tools{})
		defer ev.Close()
		tr, err := ev.Trace(context.Background(), attr.Path{"config", "system", "build", "fine"})
		if err != nil || tr.Err != nil || len(tr.Frames) != 0 {
			t.Errorf("a value that evaluates: %v %v %d frames", err, tr.Err, len(tr.Frames))
		}
	})
	t.Run("assertion once", func(t *testing.T) {
		ev := nixeval.New(testnix.Classic(t, "assert", ""), nixeval.Tools{})
		defer ev.Close()
		tr, err := ev.Trace(context.Background(), attr.Path{"config", "system", "build", "toplevel"})
		if err != nil {
			t.Fatal(err)
		}
		msg := "nixplore test: boot.loader.grub.device must be set"
		if n := strings.Count(tr.Err.Error(), msg); n != 1 {
			t.Errorf("the assertion is said %d times:\n%s", n, tr.Err)
		}
	})
}
