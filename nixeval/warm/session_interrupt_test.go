package warm_test

import (
	"context"
	"math/rand"
	"testing"
	"time"

	"github.com/nixplore/nixplore/internal/testnix"
	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/nixeval/warm"
)

// TestSessionAnswersAfterCancelledRequests cancels requests at random
// moments, as the explorer does on every cursor move, and asks the same
// again each time without cancelling: every such request must be answered.
// The interrupt a cancel sends can reach Nix after the cancelled
// evaluation ended, while it reads the next request; that request was then
// never answered (its frame never began) and the session, which answers
// one request at a time, froze the explorer.
func TestSessionAnswersAfterCancelledRequests(t *testing.T) {
	testnix.Setup(t)
	tg := testnix.Classic(t, "pi", "aarch64-linux")
	tools := nixeval.Tools{}
	if err := tools.LookPath(); err != nil {
		t.Fatal(err)
	}
	s := warm.NewSession(tg, tools)
	ev := nixeval.New(tg, tools)
	ev.Backend = s
	defer ev.Close()
	// Started first, so the first cancel cannot land while it starts
	// (which would count as a restart and is not what this test is about).
	if err := s.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	p := attr.Path{"config", "system", "build", "toplevel"}
	rnd := rand.New(rand.NewSource(1))
	for i := 0; i < 100; i++ {
		ctx, cancel := context.WithCancel(context.Background())
		delay := time.Duration(rnd.Intn(3000)) * time.Microsecond
		time.AfterFunc(delay, cancel)
		_, _ = ev.Describe(ctx, p)
		cancel()
		ctx, stop := context.WithTimeout(context.Background(), 10*time.Second)
		d, err := ev.Describe(ctx, p)
		stop()
		if err != nil || d == nil || d.DrvPath == "" {
			t.Fatalf("after %d cancelled requests (the last after %s), an uncancelled one got %v", i+1, delay, err)
		}
	}
	if err := s.Fallen(); err != nil {
		t.Fatalf("the session fell back to one-shot processes: %v", err)
	}
	if restarts := s.Starts() - 1; restarts != s.Spoiled() {
		t.Errorf("%d repl restarts for 100 cancelled requests, %d of them for a value that kept its interruption: a cancel cost the repl", restarts, s.Spoiled())
	}
	t.Logf("repls replaced for a value that kept its interruption: %d", s.Spoiled())
}
