package tui

import (
	"strconv"
	"strings"
	"testing"

	"github.com/nixplore/nixplore/internal/testnix"
)

// e opens the file that defines the selected value at its line.
func TestEditOpensDefiningFile(t *testing.T) {
	onEachBackend(t, func(t *testing.T, b backend) {
		d := nixDriverOn(t, b, "laptop", "", 100, 30)
		d.settle()
		t.Setenv("VISUAL", "nvim --clean")
		d.selectName("myScript")
		d.settle()
		argv, ok := d.m.editorArgv()
		if !ok {
			t.Fatal("no editor command for myScript")
		}
		own := testnix.Testdata("configs", "laptop", "configuration.nix")
		if len(argv) != 4 || argv[0] != "nvim" || argv[1] != "--clean" || argv[3] != own {
			t.Fatalf("editor argv %q", argv)
		}
		line, err := strconv.Atoi(strings.TrimPrefix(argv[2], "+"))
		if err != nil || line < 1 {
			t.Fatalf("line argument %q", argv[2])
		}
		if _, cmd := d.m.edit(); cmd == nil {
			t.Error("e returned no command")
		}
		// disabled (mkIf false) fails to evaluate and has no defining file: a
		// message, no editor.
		d.selectName("disabled")
		d.settle()
		mm, cmd := d.m.edit()
		if cmd != nil || !strings.Contains(mm.(Model).footer.Status(), "no defining file") {
			t.Errorf("e on disabled: cmd %v, status %q", cmd, mm.(Model).footer.Status())
		}
	})
}
