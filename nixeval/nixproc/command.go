package nixproc

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/nixplore/nixplore/nixeval/attr"
)

// GracePeriod is how long a cancelled Nix process group gets after SIGINT
// before it is killed.
var GracePeriod = 1500 * time.Millisecond

// Command is the one way nixplore runs Nix: an argv (never a shell string),
// run in its own process group so cancelling ends Nix and every builder
// under it.
type Command struct {
	Path  string   // program, e.g. "nix-instantiate"
	Args  []string // arguments after the program
	Env   []string // extra environment, appended to os.Environ()
	Dir   string
	Stdin io.Reader
	// OnStderrLine, when set, receives every stderr line as it arrives
	// (used for build progress); stderr is still collected.
	OnStderrLine func(line string)
	// StderrTail bounds the stderr kept in Result.Stderr and NixError: about
	// the last StderrTail bytes (whole lines) and the last `error:` block
	// whole (Tail); zero means DefaultStderrTail. A build log can be
	// gigabytes, an evaluation can print 100 MB of traces, and Nix prints
	// its error at the end.
	StderrTail int
	// StdoutTail is StderrTail for stdout (a build log printed whole by
	// `nix-store -l`); Result.StdoutCut then says whether any was dropped.
	StdoutTail int
}

// String is the command shell-quoted, for display only.
func (c *Command) String() string { return attr.ShellJoin(append([]string{c.Path}, c.Args...)) }

// Result is what a finished command printed.
type Result struct {
	Stdout    []byte
	StdoutCut bool // its start was dropped (Command.StdoutTail)
	Stderr    []byte
	Exit      int
}

// Run runs the command to completion. A non-zero exit gives a *NixError
// carrying the cleaned `error:` text; a cancelled context gives an error
// wrapping ctx.Err().
func (c *Command) Run(ctx context.Context) (*Result, error) {
	cmd := exec.CommandContext(ctx, c.Path, c.Args...)
	cmd.Env = append(os.Environ(), c.Env...)
	cmd.Dir = c.Dir
	cmd.Stdin = c.Stdin
	SetProcessGroup(cmd)
	// Cancelling interrupts Nix and, GracePeriod later, kills it with
	// every builder under it (killTree). WaitDelay, later still, is only
	// for pipes some escaped process keeps open.
	var killer *time.Timer
	var killerMu sync.Mutex
	cmd.Cancel = func() error {
		killerMu.Lock()
		defer killerMu.Unlock()
		pid := cmd.Process.Pid
		killer = time.AfterFunc(GracePeriod, func() { killTree(pid) })
		return interruptGroup(cmd)
	}
	cmd.WaitDelay = 2 * GracePeriod
	var stdout interface {
		io.Writer
		Bytes() []byte
	} = new(bytes.Buffer)
	if c.StdoutTail > 0 {
		stdout = &tailBuffer{limit: c.StdoutTail}
	}
	cmd.Stdout = stdout
	// Stderr is always read line by line into a bounded Tail: a one-shot
	// evaluation can print 100 MB of `trace:` lines before its error.
	stderr := NewTail(c.StderrTail)
	pr, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	if err := Start(cmd); err != nil {
		return nil, StartError(c.Path, err)
	}
	readErr := ReadLines(pr, MaxStderrLine, func(line string) {
		stderr.Line(line)
		if c.OnStderrLine != nil {
			c.OnStderrLine(line)
		}
	})
	_, _ = io.Copy(io.Discard, pr) // after a read error: drain before Wait
	err = cmd.Wait()
	killerMu.Lock()
	if killer != nil {
		killer.Stop()
	}
	killerMu.Unlock()
	// The group may hold builders that outlived Nix itself.
	KillGroup(cmd)
	res := &Result{Stdout: stdout.Bytes(), Stderr: stderr.Bytes()}
	if t, ok := stdout.(*tailBuffer); ok {
		res.StdoutCut = t.dropped()
	}
	if cmd.ProcessState != nil {
		res.Exit = cmd.ProcessState.ExitCode()
	}
	if ctx.Err() != nil {
		return res, &CancelledError{Command: c.String(), Cause: context.Cause(ctx)}
	}
	if readErr != nil {
		// What Nix printed last (its error) was not read: say so rather
		// than report a failure without its reason, or a success.
		return res, &NixError{Command: c.String(), Exit: res.Exit, Message: "nixplore could not read what nix printed: " + readErr.Error(), Stderr: string(res.Stderr)}
	}
	if err != nil {
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) {
			if ws, ok := exitErr.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
				return res, &NixError{Command: c.String(), Exit: res.Exit, Message: "nix was killed by signal " + ws.Signal().String(), Stderr: string(res.Stderr), Killed: true}
			}
			return res, NewNixError(c.String(), res.Exit, res.Stderr)
		}
		return res, err
	}
	return res, nil
}

// Trimmed returns stdout without surrounding whitespace.
func (r *Result) Trimmed() string { return strings.TrimSpace(string(r.Stdout)) }
