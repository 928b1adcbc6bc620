package tui

import (
	"os"
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
		if want := definitionLine(t, own, "myScript ="); err != nil || line != want {
			t.Fatalf("line argument %q, want +%d (where myScript is defined, not its mention in a comment)", argv[2], want)
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

// definitionLine is the 1-based number of the first line of file that
// holds text outside a comment: where the test fixture defines it.
func definitionLine(t *testing.T, file, text string) int {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range strings.Split(string(b), "\n") {
		if strings.Contains(l, text) && !strings.HasPrefix(strings.TrimSpace(l), "#") {
			return i + 1
		}
	}
	t.Fatalf("%s never defines %q", file, text)
	return 0
}
