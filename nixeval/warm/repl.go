package warm

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync/atomic"
	"syscall"
	"time"
	"unicode/utf8"

	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/nixeval/diag"
	"github.com/nixplore/nixplore/nixeval/nixproc"
)

// replProc is one running `nix repl` over pipes: its stdin, and its stdout
// and stderr merged into one stream of lines (colours and prompts stripped),
// so errors arrive in order with the answers they belong to.
type replProc struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	lines  chan string   // closed when the output ends: the repl died or quit
	exited chan struct{} // closed after Wait
	quit   chan struct{} // closed by kill, so the reader never blocks on a dead consumer
	tail   []string      // the last lines seen, for a death report
	// readErr is why its output could not be read, when it could not.
	readErr atomic.Pointer[error]
}

// replTail is how many trailing lines a died error quotes.
const replTail = 20

// startRepl starts `nix repl -v` with the target's arguments. -v makes Nix
// report every file it evaluates (`evaluating file '…'`), which onLine
// receives with every other line. --log-format raw gives the repl the
// plain logger nix-instantiate has: the `nix` command's default one (the
// progress bar, even on a pipe) never prints `waiting for lock on '…'`,
// so a repl waiting for another process's build of the same derivation
// would wait in silence.
func startRepl(tools nixeval.Tools, t *nixeval.Target, onLine func(string)) (*replProc, error) {
	args := append([]string{"repl", "-v", "--log-format", "raw"}, nixeval.EvalArgs(t)...)
	cmd := exec.Command(tools.Program("nix"), args...)
	cmd.Env = append(os.Environ(), "NO_COLOR=1", "TERM=dumb")
	cmd.Dir = t.Dir
	nixproc.SetProcessGroup(cmd)
	pr, pw, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	cmd.Stdout, cmd.Stderr = pw, pw
	stdin, err := cmd.StdinPipe()
	if err != nil {
		pr.Close()
		pw.Close()
		return nil, err
	}
	if err := nixproc.Start(cmd); err != nil {
		pr.Close()
		pw.Close()
		return nil, nixproc.StartError(cmd.Path, err)
	}
	pw.Close() // the child holds its own copy
	p := &replProc{cmd: cmd, stdin: stdin, lines: make(chan string, 256), exited: make(chan struct{}), quit: make(chan struct{})}
	go func() {
		defer close(p.exited)
		defer pr.Close()
		err := nixproc.ReadLines(pr, nixproc.MaxReplLine, func(raw string) {
			line, echo := cleanReplLine(raw)
			if echo {
				return // our own input, echoed after a prompt
			}
			if onLine != nil {
				onLine(line)
			}
			select {
			case p.lines <- line:
			case <-p.quit:
			}
		})
		if err != nil {
			// Said in the death report instead of "ended unexpectedly".
			p.readErr.Store(&err)
			nixproc.KillGroup(cmd)
		}
		close(p.lines)
		_ = cmd.Wait()
	}()
	return p, nil
}

// cleanReplLine removes colours, carriage returns and prompts; echo
// reports a line that followed a prompt, which is input echoed back.
func cleanReplLine(s string) (line string, echo bool) {
	s = strings.TrimRight(nixproc.StripANSI(s), "\r")
	for {
		t, ok := strings.CutPrefix(s, "nix-repl> ")
		if !ok {
			return s, echo
		}
		s, echo = t, true
	}
}

// kill ends the repl's whole process group and waits for it.
func (p *replProc) kill() {
	select {
	case <-p.quit:
	default:
		close(p.quit)
	}
	_ = p.stdin.Close()
	nixproc.KillGroup(p.cmd)
	select {
	case <-p.exited:
	case <-time.After(5 * time.Second):
	}
}

// interrupt asks Nix to stop the current evaluation, as ctrl-c does in a
// terminal: the repl prints "interrupted" and reads the next line.
func (p *replProc) interrupt() {
	if p.cmd.Process != nil {
		_ = p.cmd.Process.Signal(syscall.SIGINT)
	}
}

// replIncompleteError is a repl that took a request for the start of a
// longer input: Nix 2.8 to 2.33 read any error mentioning "unexpected end of
// file" (even one raised while importing a half-edited file) as unfinished
// input, print their continuation prompt and wait for the next line, which
// would be forever. The repl itself is fine once its input is cleared.
type replIncompleteError struct{}

func (e *replIncompleteError) Error() string {
	return "the nix repl waited for more input (a file ends in the middle of an expression)"
}

// contPrompt is what nix repl prints before a line it reads as the
// continuation of unfinished input: ten spaces, the width of "nix-repl> ".
const contPrompt = "          "

// errFrameLost is an exchange that an interrupt meant for an earlier
// request stopped before it began.
var errFrameLost = errors.New("nix repl: an interrupt meant for an earlier request stopped this one")

// interruptedLate reports whether err is Nix saying a request was
// interrupted when nobody cancelled it: the interrupt was meant for an
// earlier request and reached Nix only while it evaluated this one.
func interruptedLate(ctx context.Context, err error) bool {
	var ne *nixproc.NixError
	return ctx.Err() == nil && errors.As(err, &ne) && strings.Contains(ne.Message, "interrupted by the user")
}

// replDiedError is a repl whose output ended while a request was pending,
// or could not be read (readErr).
type replDiedError struct {
	tail    []string
	readErr error
}

func (e *replDiedError) Error() string {
	if e.readErr != nil {
		return "nixplore could not read the nix repl's output: " + e.readErr.Error()
	}
	return "the nix repl session ended unexpectedly"
}

func (e *replDiedError) nixError(command string) *nixproc.NixError {
	text := strings.Join(e.tail, "\n")
	if e.readErr != nil {
		return &nixproc.NixError{Command: command, Exit: -1, Message: e.Error(), Stderr: text, Killed: true}
	}
	return &nixproc.NixError{Command: command, Exit: -1, Message: "nix repl ended unexpectedly: " + diag.Clip(nixproc.LastErrorBlock(text), 500), Stderr: text, Killed: true}
}

// died is the error of a repl whose output ended.
func (p *replProc) died() *replDiedError {
	e := &replDiedError{tail: p.tail}
	if r := p.readErr.Load(); r != nil {
		e.readErr = *r
	}
	return e
}

// frame is one exchange with the repl: a begin sentinel, the input, an end
// sentinel. Sentinels and the answer prefix are built by concatenation in
// the input, so the echoed input never contains them; only the values Nix
// prints do. The token is random per session, so no evaluated text can
// forge them.
type frame struct {
	token string
	seq   int
}

func newToken() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return "nixplore" + hex.EncodeToString(b)
}

func (f frame) mark(kind string) string { return fmt.Sprintf("%s-%s%d", f.token, kind, f.seq) }

// markExpr is Nix input evaluating to mark(kind) without containing it.
func (f frame) markExpr(kind string) string {
	return fmt.Sprintf("%q + %q", f.token+"-", fmt.Sprintf("%s%d", kind, f.seq))
}

// input is the text sent for one exchange: begin, the line, end.
func (f frame) input(line string) string {
	return f.markExpr("b") + "\n" + line + "\n" + f.markExpr("e") + "\n"
}

// requestLine is the repl input answering req: the wrapper's run function
// (loaded once with :l) applied to the request, decoded from a JSON string
// literal, printed as one string behind the answer prefix.
func (f frame) requestLine(req nixeval.Request) (string, error) {
	b, err := json.Marshal(req)
	if err != nil {
		return "", err
	}
	return f.markExpr("a") + " + builtins.toJSON (run (builtins.fromJSON " + attr.NixString(asciiJSON(b)) + "))", nil
}

// asciiJSON rewrites every non-ASCII character of valid JSON as a \u
// escape, so the line sent to the repl is plain printable ASCII that no
// line editor can take for a control sequence (json.Marshal already escapes
// control characters).
func asciiJSON(b []byte) string {
	var out strings.Builder
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		switch {
		case r < utf8.RuneSelf:
			out.WriteByte(b[0])
		case r > 0xFFFF:
			r -= 0x10000
			fmt.Fprintf(&out, `\u%04x\u%04x`, 0xD800+(r>>10), 0xDC00+(r&0x3FF))
		default:
			fmt.Fprintf(&out, `\u%04x`, r)
		}
		b = b[n:]
	}
	return out.String()
}

// answerBlock holds what Nix printed in one exchange, bounded: an
// evaluation can print 100 MB of `trace:` lines before its answer or
// error. The answer line (behind its prefix) is kept whole, the other
// lines in a nixproc.Tail (the last error block whole), and warnings and
// traces are read as they come.
type answerBlock struct {
	prefix   string // `"` and the answer mark
	answer   string
	tail     *nixproc.Tail
	warnings *diag.WarningScanner
}

func newAnswerBlock(f frame, req nixeval.Request) *answerBlock {
	return &answerBlock{prefix: `"` + f.mark("a"), tail: nixproc.NewTail(exchangeTail), warnings: nixeval.NewWarningScanner(req)}
}

// exchangeTail bounds what an exchange keeps besides its answer: Nix's
// error and the lines before it (several sessions may flood at once).
const exchangeTail = 1 << 20

func (b *answerBlock) add(l string) {
	b.warnings.Line(l)
	if strings.HasPrefix(l, b.prefix) {
		b.answer = l // the last one, as parseReplAnswer reads
		return
	}
	b.tail.Line(l)
}

// lines is what parseReplAnswer reads: the kept lines, the answer last.
func (b *answerBlock) lines() []string {
	out := b.tail.Lines()
	if b.answer != "" {
		out = append(out, b.answer)
	}
	return out
}

// exchange sends one frame and collects in b what Nix printed between the
// sentinels. On cancellation it interrupts the evaluation and waits a grace
// period for the repl to come back to its prompt; ok reports whether it did
// (if not, the caller must kill the repl).
func (p *replProc) exchange(ctx context.Context, f frame, line string, b *answerBlock) (ok bool, err error) {
	if _, err := io.WriteString(p.stdin, f.input(line)); err != nil {
		// The repl has ended (its stdin is closed): what it printed
		// before, its reason, may still be on its way.
		p.drain(nixproc.GracePeriod)
		return false, p.died()
	}
	begin, end := `"`+f.mark("b")+`"`, `"`+f.mark("e")+`"`
	// The end mark echoed behind the continuation prompt means the repl
	// took the request for unfinished input and waits for more.
	continued := contPrompt + f.markExpr("e")
	started := false
	done := ctx.Done()
	var grace <-chan time.Time
	resync := "" // the end mark of the frame sent after an interrupt
	for {
		select {
		case l, open := <-p.lines:
			if !open {
				return false, p.died()
			}
			p.remember(l)
			switch {
			case resync != "" && l == resync:
				return true, &nixproc.CancelledError{Command: "nix repl", Cause: context.Cause(ctx)}
			case l == begin:
				started = true
			case l == continued && grace == nil:
				return p.clearInput(ctx, f), &replIncompleteError{}
			case l == end && !started:
				// This frame's begin mark never printed: an interrupt sent
				// for an earlier, cancelled request reached Nix only as it
				// evaluated this frame's first line. The repl is back at
				// its prompt, and the request can be sent again.
				if grace != nil {
					return true, &nixproc.CancelledError{Command: "nix repl", Cause: context.Cause(ctx)}
				}
				return true, errFrameLost
			case l == end && started:
				if grace != nil {
					return true, &nixproc.CancelledError{Command: "nix repl", Cause: context.Cause(ctx)}
				}
				return true, nil
			case started:
				b.add(l)
			}
		case <-done:
			done = nil
			p.interrupt()
			grace = time.After(nixproc.GracePeriod)
			// Nix may stop the evaluation of this frame's end mark too
			// (the interrupt is still pending when it reads that line):
			// a frame of its own then says the repl is back at its prompt,
			// instead of the grace period running out and the repl with
			// everything it evaluated being killed.
			rf := frame{f.token, -(f.seq*10 + 9)}
			if _, err := io.WriteString(p.stdin, rf.input("null")); err == nil {
				resync = `"` + rf.mark("e") + `"`
			}
		case <-grace:
			return false, &nixproc.CancelledError{Command: "nix repl", Cause: context.Cause(ctx)}
		}
	}
}

// clearInput brings a repl waiting for more input back to its prompt: an
// interrupt while it reads a line makes Nix drop the input so far (and the
// line being read, so an empty one is sent), then a frame of its own must
// come back whole. An interrupt that lands just before Nix starts reading
// is missed, and the empty line continues the input once more: then it
// tries again, a little later each time. ok is false when the repl is
// still not back after a few tries; the caller then kills it.
func (p *replProc) clearInput(ctx context.Context, f frame) (ok bool) {
	delay := 20 * time.Millisecond
	base := f.seq
	for try := 1; try <= 8; try++ {
		// An interrupt only clears the input while Nix waits in its line
		// reader; while it parses the half-edited file again it may be
		// missed. So wait until the repl is idle first (as long as a
		// loaded machine needs).
		p.waitIdle(ctx, 2*time.Second)
		p.interrupt()
		select {
		case <-time.After(delay):
		case <-ctx.Done():
			return false
		}
		delay = min(2*delay, 500*time.Millisecond)
		f.seq = -(base*10 + try) // a resync frame never shares marks with a request
		if _, err := io.WriteString(p.stdin, "\n"+f.input("null")); err != nil {
			return false
		}
		switch p.awaitResync(ctx, f) {
		case resyncDone:
			return true
		case resyncFailed:
			return false
		}
	}
	return false
}

// waitIdle waits, at most limit, until the repl uses no CPU and sleeps
// (waiting for input) across a few looks; where that cannot be read it
// waits a little.
func (p *replProc) waitIdle(ctx context.Context, limit time.Duration) {
	if p.cmd.Process == nil {
		return
	}
	pid := p.cmd.Process.Pid
	deadline := time.Now().Add(limit)
	last, _, ok := cpuState(pid)
	if !ok {
		time.Sleep(50 * time.Millisecond)
		return
	}
	quiet := 0
	for quiet < 3 && time.Now().Before(deadline) && ctx.Err() == nil {
		time.Sleep(10 * time.Millisecond)
		ticks, state, ok := cpuState(pid)
		if !ok {
			return
		}
		if ticks == last && state == 'S' {
			quiet++
		} else {
			quiet = 0
		}
		last = ticks
	}
}

type resyncOutcome int

const (
	resyncDone      resyncOutcome = iota
	resyncContinued               // the repl is still continuing input
	resyncFailed                  // it died, timed out or was cancelled
)

// awaitResync reads until the resync frame's end mark, or until the repl
// shows that it took the frame as more unfinished input. Echoes of earlier
// tries may still arrive; only this frame's own count.
func (p *replProc) awaitResync(ctx context.Context, f frame) resyncOutcome {
	end := `"` + f.mark("e") + `"`
	continued := contPrompt + f.markExpr("b")
	timeout := time.After(nixproc.GracePeriod + 2*time.Second)
	for {
		select {
		case l, open := <-p.lines:
			if !open {
				return resyncFailed
			}
			p.remember(l)
			if l == end {
				return resyncDone
			}
			if l == continued {
				return resyncContinued
			}
		case <-timeout:
			return resyncFailed
		case <-ctx.Done():
			return resyncFailed
		}
	}
}

// drain keeps for the death report what an ended repl printed last,
// until its output closes or limit passes.
func (p *replProc) drain(limit time.Duration) {
	timeout := time.After(limit)
	for {
		select {
		case l, open := <-p.lines:
			if !open {
				return
			}
			p.remember(l)
		case <-timeout:
			return
		}
	}
}

func (p *replProc) remember(l string) {
	if len(l) > 1000 {
		l = l[:1000] + "…" // an answer can be megabytes; a death report needs a glimpse
	}
	p.tail = append(p.tail, l)
	if len(p.tail) > 2*replTail {
		p.tail = append(p.tail[:0], p.tail[len(p.tail)-replTail:]...)
	}
}

// parseReplAnswer reads the lines of one exchange: the answer string (the
// line carrying the answer prefix), or Nix's error. command names the
// session in errors.
func parseReplAnswer(block []string, prefix, command string) (json.RawMessage, error) {
	want := `"` + prefix
	for i := len(block) - 1; i >= 0; i-- {
		l := block[i]
		if strings.HasPrefix(l, want) && strings.HasSuffix(l, `"`) && len(l) >= len(want)+1 {
			b, err := unquoteNix(l)
			if err != nil {
				return nil, &diag.EvalError{Kind: diag.ErrNotNix, Summary: "could not read the nix repl's answer: " + err.Error(), Hint: "It printed: " + diag.Clip(l, 200)}
			}
			out := b[len(prefix):]
			if !json.Valid(out) {
				return nil, &diag.EvalError{Kind: diag.ErrNotNix, Summary: "the nix repl printed something that is not JSON", Hint: "It printed: " + diag.Clip(string(out), 200)}
			}
			return json.RawMessage(out), nil
		}
	}
	text := strings.Join(block, "\n")
	return nil, &nixproc.NixError{Command: command, Exit: 1, Message: nixproc.LastErrorBlock(text), Stderr: text}
}

// unquoteNix decodes a string as the repl prints it: double quotes, with
// backslash escapes for quote, backslash, \n, \r, \t and \$.
func unquoteNix(s string) ([]byte, error) {
	if len(s) < 2 || s[0] != '"' || s[len(s)-1] != '"' {
		return nil, errors.New("not a quoted string")
	}
	s = s[1 : len(s)-1]
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' {
			b = append(b, c)
			continue
		}
		i++
		if i == len(s) {
			return nil, errors.New("string ends in a backslash")
		}
		b = append(b, attr.Unescape(s[i]))
	}
	return b, nil
}

// evaluatedFile returns the path in a `-v` line `evaluating file '<path>'`.
// Only absolute paths count: Nix also names its built-in files
// (<nix/derivation-internal.nix>).
func evaluatedFile(line string) (string, bool) {
	rest, ok := strings.CutPrefix(line, "evaluating file '")
	if !ok || !strings.HasSuffix(rest, "'") {
		return "", false
	}
	p := rest[:len(rest)-1]
	if !strings.HasPrefix(p, "/") {
		return "", false
	}
	return p, true
}
