package warm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/nixproc"
)

// Pool is a Backend of several warm sessions, as nix-eval-jobs' --workers:
// independent requests run at once, each on a session of its own. Every
// session evaluates the same target from scratch, so an answer is the same
// whichever gives it. A foreground request never queues behind background
// work (nixeval.InBackground): background work keeps one session free when
// there are several, and when none is free a background request is
// interrupted, the foreground one runs, and the background one runs again
// later. Past its share of MaxMemory a session is replaced by a
// fresh one between requests (nix-eval-jobs' --max-memory-size): Nix never
// gives memory back, and a repl that has forced every image variant holds
// them all.
type Pool struct {
	// MaxMemory bounds the resident memory of all sessions together, in
	// bytes; each gets an equal share. 0: no bound.
	MaxMemory int64
	// OnMemoryRestart, when set, hears each replacement (from the goroutine
	// of the request that ended).
	OnMemoryRestart func(MemoryRestart)

	slots []*slot
	// growth is the most one request has grown a warm session's memory
	// (not its first, which evaluates the configuration itself): a session
	// that would pass its share if the next request grew it as much is
	// replaced before it does.
	growth atomic.Int64
	// preemptions counts background requests interrupted for a
	// foreground one.
	preemptions atomic.Int64
	mu          sync.Mutex
	wake        chan struct{} // closed and replaced at every change of the slots
	// fgWaiting counts foreground requests waiting for a session: while
	// any waits, no background request takes one.
	fgWaiting int
}

type slot struct {
	s          *Session
	busy       bool
	background bool
	preempted  bool
	cancel     context.CancelCauseFunc
	// rssBefore and startsBefore are the session's memory and starts when
	// the request in flight began; base is its memory after the first
	// request of its repl (the configuration evaluated once).
	rssBefore    int64
	startsBefore int
	base         int64
}

// MemoryRestart is one session replaced for its memory.
type MemoryRestart struct {
	Worker int   // 1-based
	RSS    int64 // what it had reached, bytes
	Share  int64 // its share of the bound
	Max    int64 // the bound for all sessions
	// Growth is the most one request had grown a session, when the
	// session was replaced before passing its share (RSS ≤ Share).
	Growth int64
}

// String says why the session was replaced, as the CLI and the explorer
// put it.
func (r MemoryRestart) String() string {
	if r.RSS > r.Share {
		return fmt.Sprintf("evaluator %d reached %s, over its share %s of --max-eval-memory %s",
			r.Worker, humanMiB(r.RSS), humanMiB(r.Share), humanMiB(r.Max))
	}
	return fmt.Sprintf("evaluator %d held %s and a request has grown one by up to %s, which would pass its share %s of --max-eval-memory %s",
		r.Worker, humanMiB(r.RSS), humanMiB(r.Growth), humanMiB(r.Share), humanMiB(r.Max))
}

// humanMiB is a size in MiB, as --max-eval-memory takes it.
func humanMiB(n int64) string { return fmt.Sprintf("%d MiB", n>>20) }

// replaceBefore says whether a session holding rss, whose repl held base
// after its first request, is replaced between requests under share,
// when one request has grown a warm session by up to growth: when it is
// past its share, or when the next request could take it there and a
// fresh repl would hold less (it holds at least one request's growth more
// than a fresh one did), so the bound holds for the peak inside a request
// too, not only between requests.
func replaceBefore(rss, base, growth, share int64) bool {
	if share <= 0 {
		return false
	}
	if rss > share {
		return true
	}
	return growth > 0 && rss+growth > share && rss-base >= growth
}

// errPreempted is the cause given to a background request interrupted for
// a foreground one.
var errPreempted = errors.New("interrupted for a request the user is waiting for")

// NewPool returns a pool of workers sessions for t (at least 1); repls
// start with their first request.
func NewPool(t *nixeval.Target, tools nixeval.Tools, workers int, maxMemory int64) *Pool {
	p := &Pool{MaxMemory: maxMemory, wake: make(chan struct{})}
	for i := 0; i < max(1, workers); i++ {
		p.slots = append(p.slots, &slot{s: NewSession(t, tools)})
	}
	return p
}

// DefaultMaxMemory is the default bound for all evaluators together: a
// quarter of the machine's memory, at most 4 GiB (0 when unknown: no bound).
func DefaultMaxMemory() int64 {
	return min(memTotal()/4, 4<<30)
}

// DefaultWorkers is the default number of evaluators: one per core, at
// most 4, and no more than the memory bound allows at 512 MiB each (a
// real NixOS evaluation takes 0.5–1.5 GB); at least 1.
func DefaultWorkers(maxMemory int64) int {
	n := min(runtime.NumCPU(), 4)
	if maxMemory > 0 {
		n = min(n, int(maxMemory/(512<<20)))
	}
	return max(1, n)
}

// Workers is the number of sessions.
func (p *Pool) Workers() int { return len(p.slots) }

// Share is each session's share of MaxMemory (0: no bound).
func (p *Pool) Share() int64 { return p.MaxMemory / int64(len(p.slots)) }

// Eval answers req on a free session, in parallel with the others.
func (p *Pool) Eval(ctx context.Context, req nixeval.Request) (json.RawMessage, error) {
	fg := !nixeval.IsBackground(ctx)
	for {
		sl, rctx, err := p.acquire(ctx, fg)
		if err != nil {
			return nil, err
		}
		raw, err := sl.s.Eval(rctx, req)
		preempted := errors.Is(context.Cause(rctx), errPreempted) && ctx.Err() == nil
		p.release(sl)
		if preempted {
			continue // a foreground request needed the session: run again later
		}
		return raw, err
	}
}

// acquire waits for a session this request may take: any free one for a
// foreground request (interrupting a background request when none is
// free), a free one no foreground request waits for otherwise.
func (p *Pool) acquire(ctx context.Context, fg bool) (*slot, context.Context, error) {
	p.mu.Lock()
	if fg {
		p.fgWaiting++
	}
	for {
		if fg || p.fgWaiting == 0 && p.backgroundLocked() < p.maxBackground() {
			for i := range p.slots {
				// Foreground requests take the first free session, which
				// background work leaves alone while it can: the one that
				// has answered the user so far, warm with what they asked.
				// Background work takes the last free one.
				sl := p.slots[i]
				if !fg {
					sl = p.slots[len(p.slots)-1-i]
				}
				if sl.busy {
					continue
				}
				sl.busy, sl.background, sl.preempted = true, !fg, false
				sl.rssBefore, sl.startsBefore = sl.s.RSS(), sl.s.Starts()
				rctx, cancel := context.WithCancelCause(ctx)
				sl.cancel = cancel
				if fg {
					p.fgWaiting--
				}
				p.mu.Unlock()
				return sl, rctx, nil
			}
		}
		if fg {
			p.preemptLocked()
		}
		wake := p.wake
		p.mu.Unlock()
		select {
		case <-ctx.Done():
			p.mu.Lock()
			if fg {
				p.fgWaiting--
			}
			p.broadcastLocked()
			p.mu.Unlock()
			return nil, nil, &nixproc.CancelledError{Command: "waiting for a free evaluator", Cause: context.Cause(ctx)}
		case <-wake:
		}
		p.mu.Lock()
	}
}

// maxBackground is how many sessions background work may hold at once:
// all but one when there are several, so a request the user waits for
// finds a warm session free without interrupting anything (an interrupted
// evaluation may not stop at once, and a session killed for it has to
// evaluate everything again); the only one otherwise, preempted when the
// user needs it.
func (p *Pool) maxBackground() int { return max(1, len(p.slots)-1) }

func (p *Pool) backgroundLocked() int {
	n := 0
	for _, sl := range p.slots {
		if sl.busy && sl.background {
			n++
		}
	}
	return n
}

// preemptLocked interrupts background requests until as many are on their
// way out as foreground requests wait.
func (p *Pool) preemptLocked() {
	leaving := 0
	for _, sl := range p.slots {
		if sl.busy && sl.preempted {
			leaving++
		}
		if sl.busy && !sl.background {
			// A session the user's requests use will be free in a moment
			// (they are short once the configuration is evaluated):
			// waiting for it costs less than interrupting an evaluation,
			// which may not stop at once and may cost the session.
			leaving++
		}
	}
	for _, sl := range p.slots {
		if leaving >= p.fgWaiting {
			return
		}
		if sl.busy && sl.background && !sl.preempted {
			sl.preempted = true
			p.preemptions.Add(1)
			sl.cancel(errPreempted)
			leaving++
		}
	}
}

// release frees a session after a request, first replacing it when it has
// grown past its share of the memory bound.
func (p *Pool) release(sl *slot) {
	sl.cancel(nil)
	if share := p.Share(); share > 0 {
		rss := sl.s.RSS()
		switch {
		case sl.s.Starts() != sl.startsBefore || rss == 0:
			// A repl started (or restarted) in this request: its memory
			// is the configuration evaluated once, not one request's.
			sl.base = rss
		case sl.rssBefore > 0:
			g := rss - sl.rssBefore
			for cur := p.growth.Load(); g > cur && !p.growth.CompareAndSwap(cur, g); cur = p.growth.Load() {
			}
		}
		growth := p.growth.Load()
		if replaceBefore(rss, sl.base, growth, share) {
			// Between requests: nothing in flight is lost, and every
			// answer already given stays with its caller and the cache.
			sl.s.Restart()
			if p.OnMemoryRestart != nil {
				r := MemoryRestart{Worker: p.index(sl) + 1, RSS: rss, Share: share, Max: p.MaxMemory}
				if rss <= share {
					r.Growth = growth
				}
				p.OnMemoryRestart(r)
			}
		}
	}
	p.mu.Lock()
	sl.busy, sl.background, sl.preempted, sl.cancel = false, false, false, nil
	p.broadcastLocked()
	p.mu.Unlock()
}

func (p *Pool) index(sl *slot) int {
	for i, x := range p.slots {
		if x == sl {
			return i
		}
	}
	return -1
}

func (p *Pool) broadcastLocked() {
	close(p.wake)
	p.wake = make(chan struct{})
}

// Memory is the resident memory of each session's repl, in bytes.
func (p *Pool) Memory() []int64 {
	out := make([]int64, len(p.slots))
	for i, sl := range p.slots {
		out[i] = sl.s.RSS()
	}
	return out
}

// Busy reports how many sessions are answering a request now.
func (p *Pool) Busy() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := 0
	for _, sl := range p.slots {
		if sl.busy {
			n++
		}
	}
	return n
}

// Restart ends every repl, so the next requests evaluate everything again
// (R in the explorer: edits to a flake, whose files live in the store, are
// seen only this way).
func (p *Pool) Restart() {
	for _, sl := range p.slots {
		sl.s.Restart()
	}
}

// Deps reports every file any session evaluated.
func (p *Pool) Deps() []string {
	seen := map[string]bool{}
	var out []string
	for _, sl := range p.slots {
		for _, d := range sl.s.Deps() {
			if !seen[d] {
				seen[d] = true
				out = append(out, d)
			}
		}
	}
	sort.Strings(out)
	return out
}

// Fallen reports why the first session that fell back to one-shot
// evaluation did, or nil.
func (p *Pool) Fallen() error {
	for _, sl := range p.slots {
		if err := sl.s.Fallen(); err != nil {
			return err
		}
	}
	return nil
}

// Preemptions reports how many background requests were interrupted
// so that a foreground one could have their session (each runs again).
func (p *Pool) Preemptions() int { return int(p.preemptions.Load()) }

// Starts is how many repl processes the sessions have started in all.
func (p *Pool) Starts() int {
	n := 0
	for _, sl := range p.slots {
		n += sl.s.Starts()
	}
	return n
}

// Pids are the running repls' process ids (0 for a session with none).
func (p *Pool) Pids() []int {
	out := make([]int, len(p.slots))
	for i, sl := range p.slots {
		out[i] = int(sl.s.pid.Load())
	}
	return out
}

// Close ends every repl.
func (p *Pool) Close() error {
	for _, sl := range p.slots {
		_ = sl.s.Close()
	}
	return nil
}
