package warm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nixplore/nixplore/cache"
	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/diag"
	"github.com/nixplore/nixplore/nixeval/nixproc"
)

// Session is a Backend that keeps one `nix repl` alive for its target, so
// every value Nix has evaluated stays evaluated: the second question about
// a configuration costs almost nothing. Requests run one at a time, framed
// by random sentinels. A failing request leaves the session usable; a repl
// that dies is restarted and the request retried once; a cancelled request
// interrupts the evaluation (or, if Nix does not come back, restarts the
// repl). When a file the session evaluated changes on disk, the repl is
// restarted so nothing stale is answered. When the repl cannot start,
// requests go to Fallback (one-shot Nix processes) until a request after a
// back-off (ReplRetry, doubling up to ReplRetryMax) or Restart tries again.
type Session struct {
	Target   *nixeval.Target
	Tools    nixeval.Tools
	Fallback *TrackedOneShot

	sem   chan struct{} // one request at a time
	proc  *replProc
	token string
	seq   int
	deps  *depSet
	// fell says why the repl could not start and when to try again; nil
	// while it runs. Written under sem, read by Fallen at any time.
	fell   atomic.Pointer[fallState]
	starts atomic.Int32
	// spoiled counts the repls restarted because a value in them kept
	// answering "interrupted" (stray): see Eval.
	spoiled atomic.Int32
	// strayTotal counts the requests sent again because an interrupt
	// nobody meant for them stopped them.
	strayTotal atomic.Int32
	pid        atomic.Int64 // the running repl's, readable while a request holds sem
	closed     bool
	// lines hears the repl's output for the request in flight (evalbuilds.go).
	lines atomic.Pointer[func(string)]
}

// NewSession returns a warm session for t. The repl starts with the first
// request (or Start).
func NewSession(t *nixeval.Target, tools nixeval.Tools) *Session {
	d := newDepSet()
	return &Session{Target: t, Tools: tools, sem: make(chan struct{}, 1), token: newToken(), deps: d,
		Fallback: newTrackedOneShot(t, tools, d)}
}

// Start starts the repl now, so the first request finds it ready. An error
// means requests will use the fallback.
func (s *Session) Start(ctx context.Context) error {
	if err := s.lock(ctx); err != nil {
		return err
	}
	defer s.unlock()
	if s.proc == nil && s.fell.Load() == nil {
		if err := s.start(ctx); err != nil {
			s.fall(err)
			return err
		}
	}
	if f := s.fell.Load(); f != nil {
		return f.err
	}
	return nil
}

// ReplRetry is how long after a failed start the next request tries the
// repl again (a slow start on a loaded machine, a daemon restarting);
// each further failure doubles the wait, up to ReplRetryMax. Meanwhile
// one-shot processes answer.
var (
	ReplRetry    = 30 * time.Second
	ReplRetryMax = 10 * time.Minute
)

// fallState is a failed start: why, and when a request may try again.
type fallState struct {
	err     error
	wait    time.Duration
	retryAt time.Time
}

// fall records a failed start (under sem).
func (s *Session) fall(err error) {
	wait := ReplRetry
	if f := s.fell.Load(); f != nil {
		wait = min(2*f.wait, ReplRetryMax)
	}
	s.fell.Store(&fallState{err: err, wait: wait, retryAt: time.Now().Add(wait)})
}

// fallenNow reports whether a request must go to the fallback: the last
// start failed and its back-off has not passed.
func (s *Session) fallenNow() bool {
	f := s.fell.Load()
	return f != nil && time.Now().Before(f.retryAt)
}

func (s *Session) lock(ctx context.Context) error {
	select {
	case s.sem <- struct{}{}:
		return nil
	case <-ctx.Done():
		return &nixproc.CancelledError{Command: "waiting for the nix repl session", Cause: context.Cause(ctx)}
	}
}

func (s *Session) unlock() { <-s.sem }

// command names the session in errors.
func (s *Session) command() string { return s.Tools.Program("nix") + " repl (nixplore session)" }

// ReplStartTimeout bounds how long a new repl may take to load nixplore's
// expression (which evaluates nothing of the configuration yet): a `nix`
// that hangs (a stuck daemon, a lock, not Nix at all) must not hang
// nixplore; the one-shot fallback answers instead.
var ReplStartTimeout = 15 * time.Second

// start runs the repl and loads the wrapper expression into it with the
// target's arguments (`:l` applies them as auto arguments, on every Nix
// version, so no command-line file syntax has to be detected).
func (s *Session) start(ctx context.Context) error {
	if s.closed {
		return errors.New("session closed")
	}
	f, err := os.CreateTemp("", "nixplore-*.nix")
	if err != nil {
		return err
	}
	wrapper := f.Name()
	defer os.Remove(wrapper) // parsed once by :l; never read again
	if _, err := f.WriteString(nixeval.WrapperExpr()); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	s.deps.ignore(wrapper)
	p, err := startRepl(s.Tools, s.Target, s.onLine)
	if err != nil {
		return err
	}
	s.starts.Add(1)
	s.seq++
	lctx, cancel := context.WithTimeout(ctx, ReplStartTimeout)
	defer cancel()
	loaded := newAnswerBlock(frame{s.token, s.seq}, nixeval.Request{})
	ok, err := p.exchange(lctx, frame{s.token, s.seq}, ":l "+wrapper, loaded)
	block := loaded.lines()
	if err != nil && ctx.Err() == nil && lctx.Err() != nil {
		err = fmt.Errorf("nix repl did not answer within %s", ReplStartTimeout)
		ok = false
	}
	var died *replDiedError
	if errors.As(err, &died) {
		err = died.nixError(s.command()) // what Nix said before it ended
	}
	if err == nil {
		err = loadReply(block, s.command())
	}
	if err != nil || !ok {
		p.kill()
		if err == nil {
			err = errors.New("nix repl did not load nixplore's expression")
		}
		return err
	}
	s.proc = p
	if p.cmd.Process != nil {
		s.pid.Store(int64(p.cmd.Process.Pid))
	}
	return nil
}

// stop kills the repl, if any.
func (s *Session) stop() {
	if s.proc != nil {
		s.proc.kill()
		s.proc = nil
		s.pid.Store(0)
	}
}

// strayRetries is how many times a request is sent again when an
// interrupt meant for an earlier, cancelled request stopped it. Each
// cancelled request can leave one such interrupt behind, and typing in the
// filter cancels a preview per key: CI saw a request on Nix 2.34 stopped
// more often than the two retries there were (TestCompareInTmux, a
// column reading "error: interrupted by the user"). A retry costs one
// round trip to a warm repl.
const strayRetries = 6

// Eval answers one request in the warm repl.
func (s *Session) Eval(ctx context.Context, req nixeval.Request) (json.RawMessage, error) {
	if err := s.lock(ctx); err != nil {
		return nil, err
	}
	defer s.unlock()
	defer s.listen(ctx)()
	if s.closed {
		return nil, errors.New("nixplore: the evaluator was closed")
	}
	if s.fallenNow() {
		return s.Fallback.Eval(ctx, req)
	}
	strays := 0 // interrupts this request met though nobody cancelled it
	for attempt := 0; ; attempt++ {
		if s.proc != nil && s.deps.changed() {
			// A file this repl evaluated changed: its values are stale.
			s.stop()
			s.deps.reset()
		}
		if s.proc == nil {
			if err := s.start(ctx); err != nil {
				if ctx.Err() != nil {
					return nil, &nixproc.CancelledError{Command: s.command(), Cause: context.Cause(ctx)}
				}
				s.fall(err)
				return s.Fallback.Eval(ctx, req)
			}
			s.fell.Store(nil) // healed: warm again
		}
		s.seq++
		f := frame{s.token, s.seq}
		line, err := f.requestLine(req)
		if err != nil {
			return nil, err
		}
		s.deps.begin(time.Now())
		block := newAnswerBlock(f, req)
		ok, err := s.proc.exchange(ctx, f, line, block)
		if !ok {
			s.stop()
		}
		var incomplete *replIncompleteError
		if errors.As(err, &incomplete) {
			// The repl cannot say what is wrong (it took the error for
			// unfinished input); a one-shot evaluation of the same request
			// prints Nix's real message, the syntax error with the user's
			// file and line.
			return s.Fallback.Eval(ctx, req)
		}
		var died *replDiedError
		if errors.As(err, &died) {
			if attempt == 0 && ctx.Err() == nil {
				continue
			}
			return nil, died.nixError(s.command())
		}
		// Cancelling sends the repl SIGINT, which can reach Nix after the
		// cancelled evaluation ended, while it reads or evaluates the next
		// request: that request is then lost or reported interrupted,
		// though nobody cancelled it. It is sent again (the stray
		// interrupt is spent), instead of waiting forever for a frame
		// that will never begin.
		if errors.Is(err, errFrameLost) && attempt < strayRetries {
			strays++
			s.strayTotal.Add(1)
			continue
		}
		if err != nil {
			return nil, err
		}
		// The block is this request's alone (between its sentinels, one
		// request at a time), so what Nix printed in it is this request's.
		diag.NoteWarnings(ctx, block.warnings.Warnings())
		raw, err := parseReplAnswer(block.lines(), f.mark("a"), s.command())
		if interruptedLate(ctx, err) && attempt < strayRetries {
			// At most one interrupt is left over from the cancelled
			// request before this one (one SIGINT per cancel, and Nix
			// keeps one flag), so once one has been spent, "interrupted"
			// again is not an interrupt: Nix 2.34 keeps the failure of
			// a value whose evaluation an interrupt stopped (the
			// configuration's, when the first request was cancelled)
			// and answers it for every later use. Only a fresh repl
			// evaluates it again.
			if strays > 0 {
				s.stop()
				s.spoiled.Add(1)
			}
			strays++
			s.strayTotal.Add(1)
			continue
		}
		return raw, err
	}
}

// Restart ends the repl so the next request starts a fresh one that
// evaluates everything again (a flake's edits are only seen this way: its
// files live in the store).
func (s *Session) Restart() {
	_ = s.lock(context.Background())
	defer s.unlock()
	s.stop()
	s.deps.reset()
	s.fell.Store(nil)
}

// Deps reports every file the session (and its fallback) evaluated.
func (s *Session) Deps() []string { return s.deps.list() }

// Spoiled reports how many repls were replaced because a value in them
// answered "interrupted" after the interrupt was spent (Nix 2.34 keeps
// the failure of a value an interrupt stopped).
func (s *Session) Spoiled() int { return int(s.spoiled.Load()) }

// Strays reports how many times a request was sent again because an
// interrupt nobody meant for it stopped it (one left over from a
// cancelled request, or a value that kept its interruption).
func (s *Session) Strays() int { return int(s.strayTotal.Load()) }

// Starts reports how many repl processes the session has started.
func (s *Session) Starts() int { return int(s.starts.Load()) }

// Pid is the running repl's process id, or 0.
func (s *Session) Pid() int {
	if err := s.lock(context.Background()); err != nil {
		return 0
	}
	defer s.unlock()
	if s.proc == nil || s.proc.cmd.Process == nil {
		return 0
	}
	return s.proc.cmd.Process.Pid
}

// RSS is the resident memory of the running repl in bytes (0 when none
// runs), read without waiting for the request in progress.
func (s *Session) RSS() int64 {
	pid := s.pid.Load()
	if pid == 0 {
		return 0
	}
	return residentBytes(int(pid))
}

// Workers is 1: a session answers one request at a time.
func (s *Session) Workers() int { return 1 }

// Fallen reports why the session answers through one-shot processes, or
// nil (it never ran into trouble, or its repl started again since). Safe
// while a request runs.
func (s *Session) Fallen() error {
	if f := s.fell.Load(); f != nil {
		return f.err
	}
	return nil
}

// Close ends the repl and its process group.
func (s *Session) Close() error {
	_ = s.lock(context.Background())
	defer s.unlock()
	s.closed = true
	s.stop()
	return nil
}

// fileStamp is the version of a file Nix read (see cache.Stamp), with
// what the session knows about it.
type fileStamp struct {
	cache.Stamp
	missing bool
	store   bool // under /nix/store: immutable
	racy    bool // changed while the evaluation that read it ran
}

func stampOf(path string) fileStamp {
	st, ok := cache.StampOf(path)
	return fileStamp{Stamp: st, missing: !ok}
}

func (a fileStamp) same(b fileStamp) bool { return a.missing == b.missing && a.Stamp == b.Stamp }

// depSet collects the files Nix reports evaluating (`-v`), with the stamp
// each had when Nix read it.
type depSet struct {
	mu      sync.Mutex
	files   map[string]fileStamp
	skip    map[string]bool
	reqTime time.Time
}

func newDepSet() *depSet {
	return &depSet{files: map[string]fileStamp{}, skip: map[string]bool{}}
}

// racySlack is how much earlier than a request a file's time may be and
// still count as written during it (file times come from a coarse kernel
// clock). The disk cache is stricter (cache.RacySlack): a wrong guess there
// costs a miss, here it would restart the repl.
const racySlack = 50 * time.Millisecond

func (d *depSet) line(l string) {
	p, ok := evaluatedFile(l)
	if !ok {
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.skip[p] {
		return
	}
	if _, seen := d.files[p]; seen {
		return
	}
	st := fileStamp{store: true}
	if !strings.HasPrefix(p, cache.StoreDir) {
		st = stampOf(p)
		// Written since the request began: Nix may have read either
		// version, so the session must not trust it.
		st.racy = cache.WrittenSince(st.Stamp, d.reqTime.Add(-racySlack))
	}
	d.files[p] = st
}

func (d *depSet) ignore(p string) {
	d.mu.Lock()
	d.skip[p] = true
	d.mu.Unlock()
}

func (d *depSet) begin(t time.Time) {
	d.mu.Lock()
	d.reqTime = t
	d.mu.Unlock()
}

// changed reports whether any file read so far differs from when Nix read it.
func (d *depSet) changed() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	for p, st := range d.files {
		if st.store {
			continue
		}
		if st.racy || !st.same(stampOf(p)) {
			return true
		}
	}
	return false
}

func (d *depSet) reset() {
	d.mu.Lock()
	d.files = map[string]fileStamp{}
	d.mu.Unlock()
}

func (d *depSet) list() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := make([]string, 0, len(d.files))
	for p := range d.files {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// loadedRE is the repl's answer to `:l` of nixplore's expression (it binds
// one name, run): "Added 1 variables." on every Nix version tested.
var loadedRE = regexp.MustCompile(`^Added [0-9]+ variables?\.$`)

// loadReply reads the repl's answer to `:l`: Nix's error, or the line
// saying it added the expression's names. Anything else is not taken for
// success: a Nix that words it differently is said to be unrecognised,
// and the session answers one-shot, saying why.
func loadReply(block []string, command string) error {
	text := strings.Join(block, "\n")
	for _, l := range block {
		if nixproc.IsErrorLine(l) {
			return &nixproc.NixError{Command: command, Exit: 1, Message: nixproc.LastErrorBlock(text), Stderr: text}
		}
	}
	for _, l := range block {
		if loadedRE.MatchString(strings.TrimSpace(l)) {
			return nil
		}
	}
	return &nixproc.NixError{Command: command, Exit: 1, Stderr: text,
		Message: "nixplore did not recognise the nix repl's answer to loading its expression (a newer Nix may word it differently); it printed:\n" + nixproc.Indent(diag.Clip(text, 500), "  ")}
}
