package warm_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nixplore/nixplore/internal/testnix"
	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/nixeval/warm"
)

// brokenThenRealNix is a Nix directory whose `nix` fails until the file
// it returns exists, then is the real one: a repl start that fails once
// (a daemon restarting, a slow start on a loaded machine). nix-instantiate
// is the real one throughout, for the fallback.
func brokenThenRealNix(t *testing.T) (dir, fixed string) {
	t.Helper()
	realInst, err := exec.LookPath("nix-instantiate")
	if err != nil {
		testnix.Missing(t, "nix-instantiate: %v", err)
	}
	realNix, err := exec.LookPath("nix")
	if err != nil {
		testnix.Missing(t, "nix: %v", err)
	}
	dir = t.TempDir()
	fixed = filepath.Join(t.TempDir(), "fixed")
	if err := os.Symlink(realInst, filepath.Join(dir, "nix-instantiate")); err != nil {
		t.Fatal(err)
	}
	script := "#!/bin/sh\nif [ -e " + attr.ShellQuote(fixed) + " ]; then exec " + attr.ShellQuote(realNix) + " \"$@\"; fi\necho 'error: cannot connect to the daemon (test)' >&2\nexit 1\n"
	testnix.WriteFile(t, filepath.Join(dir, "nix"), script, 0o755)
	return dir, fixed
}

// A failed repl start is not for the rest of the run: after the back-off
// the next request starts the repl again, and Fallen says nil once it
// runs; before the back-off, requests stay one-shot.
func TestSessionHealsAfterBackoff(t *testing.T) {
	testnix.Setup(t)
	dir, fixed := brokenThenRealNix(t)
	old := warm.ReplRetry
	warm.ReplRetry = 3 * time.Second
	t.Cleanup(func() { warm.ReplRetry = old })
	s := warm.NewSession(testnix.Classic(t, "laptop", ""), nixeval.Tools{Dir: dir})
	defer s.Close()
	req := nixeval.Request{Op: "names", Path: attr.DefaultPath}
	fellAt := time.Now()
	if got := ask(t, s, req); !strings.Contains(got.JSON, "myScript") {
		t.Fatalf("fallback answer: %+v", got)
	}
	if s.Fallen() == nil || !strings.Contains(s.Fallen().Error(), "cannot connect") {
		t.Fatalf("fallen: %v", s.Fallen())
	}
	testnix.WriteFile(t, fixed, "", 0o644)
	// Within the back-off: still one-shot, no new start.
	starts := s.Starts()
	ask(t, s, req)
	if time.Since(fellAt) < warm.ReplRetry && (s.Starts() != starts || s.Fallen() == nil) {
		t.Fatalf("tried the repl again within the back-off: %d starts, fallen %v", s.Starts(), s.Fallen())
	}
	time.Sleep(time.Until(fellAt.Add(warm.ReplRetry + 100*time.Millisecond)))
	if got := ask(t, s, req); !strings.Contains(got.JSON, "myScript") {
		t.Fatalf("answer after the back-off: %+v", got)
	}
	if s.Fallen() != nil || s.Starts() != starts+1 || s.Pid() == 0 {
		t.Fatalf("not warm again after the back-off: fallen %v, %d starts, pid %d", s.Fallen(), s.Starts(), s.Pid())
	}
}

// Restart (R in the explorer) tries the repl again at once, whatever the
// back-off.
func TestSessionHealsOnRestart(t *testing.T) {
	testnix.Setup(t)
	dir, fixed := brokenThenRealNix(t)
	old := warm.ReplRetry
	warm.ReplRetry = time.Hour
	t.Cleanup(func() { warm.ReplRetry = old })
	s := warm.NewSession(testnix.Classic(t, "laptop", ""), nixeval.Tools{Dir: dir})
	defer s.Close()
	req := nixeval.Request{Op: "names", Path: attr.DefaultPath}
	ask(t, s, req)
	if s.Fallen() == nil {
		t.Fatal("the broken nix did not make the session fall back")
	}
	testnix.WriteFile(t, fixed, "", 0o644)
	ask(t, s, req)
	if s.Fallen() == nil {
		t.Fatal("tried the repl again before the back-off or R")
	}
	s.Restart()
	if got := ask(t, s, req); !strings.Contains(got.JSON, "myScript") || s.Fallen() != nil || s.Pid() == 0 {
		t.Fatalf("not warm after Restart: %+v fallen %v pid %d", got, s.Fallen(), s.Pid())
	}
}

// Fallen is read by the explorer while requests run and R restarts the
// session: under -race this fails if Fallen reads what Eval or Restart
// write without the synchronisation they use.
func TestFallenWhileEvaluating(t *testing.T) {
	testnix.Setup(t)
	s := warm.NewSession(testnix.Classic(t, "laptop", ""), nixeval.Tools{})
	defer s.Close()
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
				_ = s.Fallen()
			}
		}
	}()
	for range 3 {
		ask(t, s, nixeval.Request{Op: "names", Path: attr.DefaultPath})
		s.Restart()
	}
	close(stop)
	wg.Wait()
	if err := s.Fallen(); err != nil {
		t.Fatal(err)
	}
}
