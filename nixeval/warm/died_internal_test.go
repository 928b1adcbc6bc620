package warm

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nixplore/nixplore/internal/testnix"
	"github.com/nixplore/nixplore/nixeval"
)

// TestReplDeadBeforeItsFrameSaysWhy: a repl that printed its error and
// ended before the first frame was written (the write then fails) is
// reported with what it printed, not as ended without a word. Under load
// the write can lose that race to the reader (TestSessionHealsAfterBackoff
// saw "nix repl ended unexpectedly: " on 2.26); here the repl has ended
// for sure before the write.
func TestReplDeadBeforeItsFrameSaysWhy(t *testing.T) {
	testnix.Setup(t)
	dir := t.TempDir()
	testnix.WriteFile(t, filepath.Join(dir, "nix"), "#!/bin/sh\necho 'error: cannot connect to the daemon (test)' >&2\nexit 1\n", 0o755)
	p, err := startRepl(nixeval.Tools{Dir: dir}, testnix.Classic(t, "laptop", ""), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer p.kill()
	<-p.exited
	f := frame{newToken(), 1}
	_, err = p.exchange(context.Background(), f, "1", newAnswerBlock(f, nixeval.Request{}))
	var died *replDiedError
	if !errors.As(err, &died) {
		t.Fatalf("exchange with a dead repl: %T %v", err, err)
	}
	if msg := died.nixError("nix repl").Message; !strings.Contains(msg, "cannot connect to the daemon") {
		t.Errorf("a repl dead before its frame reported as %q", msg)
	}
}
