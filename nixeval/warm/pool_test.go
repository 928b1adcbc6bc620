package warm_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/nixplore/nixplore/internal/procfs"
	"github.com/nixplore/nixplore/internal/testnix"
	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/nixeval/nixproc"
	"github.com/nixplore/nixplore/nixeval/warm"
)

// images is where the heavy fixture keeps its 25 variants, each an
// evaluation of the whole configuration.
var images = attr.Path{"config", "system", "build", "images"}

// heavy is the fixture with upstream's cost shape, each evaluation costing
// cpu units of work (1000 ≈ 1 ms) and keeping keep strings alive.
func heavy(t *testing.T, cpu, keep int) *nixeval.Target {
	t.Helper()
	testnix.Setup(t)
	t.Setenv("NIXPLORE_EVAL_CPU", fmt.Sprint(cpu))
	t.Setenv("NIXPLORE_EVAL_KEEP", fmt.Sprint(keep))
	return testnix.Classic(t, "heavy", "")
}

func poolEvaluator(t *testing.T, tg *nixeval.Target, workers int, maxMem int64) (*nixeval.Evaluator, *warm.Pool) {
	t.Helper()
	ev := nixeval.New(tg, nixeval.Tools{})
	pool := warm.NewPool(tg, nixeval.Tools{}, workers, maxMem)
	ev.Backend, ev.Parallel = pool, workers
	t.Cleanup(func() { ev.Close() })
	return ev, pool
}

func kindsOf(l nixeval.Listing) map[string]string {
	out := map[string]string{}
	for _, c := range l.Children {
		k := c.Kind
		if c.Error != "" {
			k += ": " + c.Error
		}
		out[c.Name] = k
	}
	return out
}

// TestNamesBeforeKinds: the names of images come from one attrNames, every
// kind pending, without forcing a variant; the kinds then come, the
// throwing sd-card variant an error beside 24 derivations.
func TestNamesBeforeKinds(t *testing.T) {
	tg := heavy(t, 200000, 0)
	ev, pool := poolEvaluator(t, tg, 1, 0)
	ctx := context.Background()
	var namesAt time.Time
	var pendingWhenNamed int
	var batches atomic.Int32
	l, err := ev.ListStream(ctx, images, func(l nixeval.Listing) {
		namesAt = time.Now()
		for _, c := range l.Children {
			if c.Kind == nixeval.KindPending {
				pendingWhenNamed++
			}
		}
	}, func([]nixeval.Child) { batches.Add(1) })
	if err != nil {
		t.Fatal(err)
	}
	if namesAt.IsZero() || pendingWhenNamed != 25 {
		t.Fatalf("names callback: %d of 25 pending", pendingWhenNamed)
	}
	if batches.Load() < 2 {
		t.Errorf("kinds came in %d batch(es): they should stream", batches.Load())
	}
	kinds := kindsOf(*l)
	if len(kinds) != 25 {
		t.Fatalf("%d children: %v", len(kinds), kinds)
	}
	for name, k := range kinds {
		switch {
		case name == "sd-card":
			if !strings.HasPrefix(k, "error: ") || !strings.Contains(k, "sd-image-arm64.nix does not exist") {
				t.Errorf("sd-card: %q", k)
			}
		case k != "derivation":
			t.Errorf("%s: %q", name, k)
		}
	}
	if pool.Starts() != 1 {
		t.Errorf("%d repls started for one worker", pool.Starts())
	}
}

// TestWorkersGiveIdenticalAnswers: one, two and three workers list images
// (kinds and errors) and config.system.build exactly alike, and as the
// one-shot reference does.
func TestWorkersGiveIdenticalAnswers(t *testing.T) {
	tg := heavy(t, 0, 0)
	ref := nixeval.New(tg, nixeval.Tools{})
	want, err := ref.List(context.Background(), attr.DefaultPath, images)
	if err != nil {
		t.Fatal(err)
	}
	for _, workers := range []int{1, 2, 3} {
		t.Run(fmt.Sprint(workers), func(t *testing.T) {
			ev, pool := poolEvaluator(t, tg, workers, 0)
			got, err := ev.List(context.Background(), attr.DefaultPath, images)
			if err != nil {
				t.Fatal(err)
			}
			for i := range want {
				if !reflect.DeepEqual(kindsOf(got[i]), kindsOf(want[i])) {
					t.Errorf("%s with %d workers:\n got %v\nwant %v", want[i].Path, workers, kindsOf(got[i]), kindsOf(want[i]))
				}
			}
			if workers > 1 && pool.Starts() < 2 {
				t.Errorf("only %d repl started for %d workers: the work was not shared", pool.Starts(), workers)
			}
		})
	}
}

// TestMemoryBoundReplacesEvaluators: with a bound below what one evaluator
// reaches after a few variants, sessions are replaced between requests,
// the event is reported, and every answer is still there and right.
func TestMemoryBoundReplacesEvaluators(t *testing.T) {
	tg := heavy(t, 0, 200000)
	ref := nixeval.New(tg, nixeval.Tools{})
	want, err := ref.List(context.Background(), images)
	if err != nil {
		t.Fatal(err)
	}
	// Measure one evaluator after the base evaluation, then bound two
	// workers to a little more than that each.
	probe, probePool := poolEvaluator(t, tg, 1, 0)
	if _, err := probe.Names(context.Background(), attr.DefaultPath); err != nil {
		t.Fatal(err)
	}
	base := probePool.Memory()[0]
	if base == 0 {
		t.Fatal("no resident memory read for the repl")
	}
	limit := 2 * (base + base/4)
	ev, pool := poolEvaluator(t, tg, 2, limit)
	var mu sync.Mutex
	var restarts []warm.MemoryRestart
	pool.OnMemoryRestart = func(r warm.MemoryRestart) {
		mu.Lock()
		restarts = append(restarts, r)
		mu.Unlock()
	}
	got, err := ev.List(context.Background(), images)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(kindsOf(got[0]), kindsOf(want[0])) {
		t.Errorf("answers under the memory bound differ:\n got %v\nwant %v", kindsOf(got[0]), kindsOf(want[0]))
	}
	mu.Lock()
	defer mu.Unlock()
	if len(restarts) == 0 {
		t.Fatalf("no evaluator was replaced with a share of %d bytes (one evaluator: %d after the base evaluation)", limit/2, base)
	}
	for _, r := range restarts {
		// Past its share, or replaced before the next request could take
		// it there (a warm request had grown a session by Growth).
		over := r.RSS > r.Share && r.Growth == 0
		ahead := r.RSS <= r.Share && r.Growth > 0 && r.RSS+r.Growth > r.Share
		if !over && !ahead || r.Share != limit/2 || r.Max != limit {
			t.Errorf("restart report %+v", r)
		}
	}
	if pool.Starts() <= 2 {
		t.Errorf("%d repls started: the replaced ones were not started again", pool.Starts())
	}
}

// TestForegroundNeverQueuesBehindBackground: with the only worker busy
// with one background request for every variant's kind, a foreground
// request interrupts it and is answered at once; the background request
// then runs again and completes.
func TestForegroundNeverQueuesBehindBackground(t *testing.T) {
	tg := heavy(t, 300000, 0)
	ev, pool := poolEvaluator(t, tg, 1, 0)
	ctx := context.Background()
	l, err := ev.Names(ctx, images)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ev.Describe(ctx, attr.DefaultPath.Child("toplevel")); err != nil { // warm, so the next one is cheap
		t.Fatal(err)
	}
	children := append([]nixeval.Child(nil), l.Children...)
	bgDone := make(chan error, 1)
	go func() { bgDone <- ev.Kinds(nixeval.InBackground(ctx), children) }()
	// Wait until the background request holds the worker and Nix is
	// well into the variants (25 × about 0.1 s of CPU here): 10 ticks.
	busyCPU(t, pool, bgDone, 10)
	d, err := ev.Describe(ctx, attr.DefaultPath.Child("toplevel"))
	if err != nil {
		t.Fatal(err)
	}
	if d.Kind != nixeval.KindDerivation {
		t.Errorf("toplevel: %s", d.Kind)
	}
	select {
	case <-bgDone:
		t.Fatal("the foreground request waited for the whole background request")
	default:
	}
	if n := pool.Preemptions(); n != 1 {
		t.Errorf("%d background requests interrupted for the foreground one, want 1", n)
	}
	if err := <-bgDone; err != nil {
		t.Fatalf("the interrupted background request failed instead of running again: %v", err)
	}
	for _, c := range children {
		if c.Kind == nixeval.KindPending || c.Name != "sd-card" && c.Kind != nixeval.KindDerivation {
			t.Errorf("%s: %s after the background request ran again", c.Name, c.Kind)
		}
	}
}

// TestPoolCancelEndsNixWork: cancelling a request stops its evaluation
// within 2 s (the repl comes back to its prompt, or is replaced), and
// closing the pool leaves no Nix process.
func TestPoolCancelEndsNixWork(t *testing.T) {
	tg := heavy(t, 2000000, 0)
	ev, pool := poolEvaluator(t, tg, 2, 0)
	l, err := ev.Names(context.Background(), images)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- ev.Kinds(ctx, l.Children) }()
	busyCPU(t, pool, done, 5) // into the evaluation of the variants
	cancel()
	select {
	case err := <-done:
		var ce *nixproc.CancelledError
		if !errors.As(err, &ce) {
			t.Errorf("want a cancellation, got %v", err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("the cancelled request still runs 2 s later")
	}
	pids := pool.Pids()
	ev.Close()
	deadline := time.Now().Add(2 * time.Second)
	for time.Now().Before(deadline) && anyAlive(pids) {
		time.Sleep(20 * time.Millisecond)
	}
	if anyAlive(pids) {
		t.Errorf("repl processes %v still alive after Close", pids)
	}
}

// busyCPU waits until a request holds one of pool's sessions and its
// repls have used ticks more clock ticks of CPU since: Nix is evaluating
// it, not reading it. It fails t if done (the request's end) comes first.
func busyCPU(t *testing.T, pool *warm.Pool, done <-chan error, ticks int64) {
	t.Helper()
	total := func() int64 {
		var n int64
		for _, pid := range pool.Pids() {
			if p, err := procfs.Stat(pid); err == nil {
				n += p.CPU
			}
		}
		return n
	}
	var before int64 = -1
	for deadline := time.Now().Add(30 * time.Second); ; {
		if before < 0 && pool.Busy() > 0 {
			before = total()
		}
		if before >= 0 && total() >= before+ticks {
			return
		}
		select {
		case err := <-done:
			t.Fatalf("the request ended (%v) before Nix was seen evaluating it", err)
		case <-time.After(2 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatal("Nix not seen evaluating the request 30 s after it was sent")
		}
	}
}

func anyAlive(pids []int) bool {
	for _, p := range testnix.Processes() {
		for _, pid := range pids {
			if pid != 0 && p.PID == pid && p.State != "Z" {
				return true
			}
		}
	}
	return false
}

// TestStrayInterruptIsRetried: an interrupt that reaches the repl when no
// request is cancelled (as one meant for an earlier, cancelled request can,
// late) does not become the next request's answer: the request is sent
// again and answered. Sent while the repl is idle (and taken by it before
// the next request), and while it evaluates a request (seen using CPU), a
// few times over. Each costs at most a retry, not the repl, unless Nix
// kept the interrupted value's failure (2.34: Spoiled).
func TestStrayInterruptIsRetried(t *testing.T) {
	tg := heavy(t, 300000, 0) // each variant's evaluation about 0.3 s of CPU
	ev := nixeval.New(tg, nixeval.Tools{})
	s := warm.NewSession(tg, nixeval.Tools{})
	ev.Backend = s
	t.Cleanup(func() { ev.Close() })
	ctx := context.Background()
	if _, err := ev.Names(ctx, attr.DefaultPath); err != nil {
		t.Fatal(err)
	}
	l, err := ev.Names(ctx, images)
	if err != nil || len(l.Children) < 6 {
		t.Fatalf("images: %v %v", l, err)
	}
	// Each an evaluation of its own (extendModules), never forced before.
	evaluating := []attr.Path{attr.DefaultPath.Child("vmWithBootLoader"), images.Child(l.Children[1].Name), images.Child(l.Children[2].Name)}
	starts := s.Starts()
	for round := range 3 {
		strays := s.Strays()
		interruptTaken(t, s.Pid())
		idle := []string{"vm", "toplevel", "kernel"}[round]
		d, err := ev.Describe(ctx, attr.DefaultPath.Child(idle))
		if err != nil || d.Kind != nixeval.KindDerivation {
			t.Fatalf("round %d: after a stray interrupt: %v %+v", round, err, d)
		}
		// Taken at the prompt, Nix may drop the line it reads next (a
		// retry) or only the empty input it had (none).
		t.Logf("round %d: the interrupt taken while idle cost %d retries", round, s.Strays()-strays)
		// While it evaluates: the interrupt reaches Nix inside the request.
		strays = s.Strays()
		pid := s.Pid()
		before := cpuTicks(t, pid)
		done := make(chan error, 1)
		go func() {
			_, err := ev.Describe(ctx, evaluating[round])
			done <- err
		}()
		for cpuTicks(t, pid) < before+2 {
			select {
			case err := <-done:
				t.Fatalf("round %d: answered (%v) before Nix was seen evaluating", round, err)
			case <-time.After(time.Millisecond):
			}
		}
		_ = syscall.Kill(pid, syscall.SIGINT)
		if err := <-done; err != nil {
			t.Fatalf("round %d: interrupted while evaluating: %v", round, err)
		}
		// Nix may act on it inside that evaluation, or as it reads the
		// next request (one never asked before, so the evaluator has no
		// answer of its own for it), or, 2.8 and 2.26 in some
		// evaluations, not at all.
		if _, err := ev.Describe(ctx, images.Child(l.Children[3+round].Name)); err != nil {
			t.Fatalf("round %d: the request after an interrupted one: %v", round, err)
		}
		t.Logf("round %d: the interrupt sent while Nix evaluated cost %d retries", round, s.Strays()-strays)

	}
	// Where each interrupt lands depends on Nix's version and on where
	// it evaluates; that some reached a request is certain.
	if s.Strays() == 0 {
		t.Error("no interrupt cost a retry: none reached a request, and the test proved nothing")
	}
	if restarts := s.Starts() - starts; restarts != s.Spoiled() {
		t.Errorf("the repl was restarted %d times, %d for a value that kept its interruption: a stray interrupt should cost a retry, not the repl", restarts, s.Spoiled())
	}
}

// interruptTaken sends pid SIGINT and waits until one of its threads has
// taken it (no longer pending), so the next request meets an interrupt
// already received, not one on its way.
func interruptTaken(t *testing.T, pid int) {
	t.Helper()
	if err := syscall.Kill(pid, syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(time.Millisecond) {
		pending, ok := procfs.SignalPending(pid, int(syscall.SIGINT))
		if !ok {
			t.Fatalf("cannot read the signals pending for %d", pid)
		}
		if !pending {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("the repl has not taken SIGINT 10 s after it was sent")
		}
	}
}

// cpuTicks is the CPU time pid has used, in clock ticks.
func cpuTicks(t *testing.T, pid int) int64 {
	t.Helper()
	p, err := procfs.Stat(pid)
	if err != nil {
		t.Fatalf("repl %d: %v", pid, err)
	}
	return p.CPU
}
