package completion

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"

	"github.com/nixplore/nixplore/cmd/nixplore/cmdline"
	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/nixeval/resolve"
	"github.com/nixplore/nixplore/nixeval/warm"
)

// A TAB whose listing runs out of time leaves it to finish in the
// background, so a TAB a few seconds later completes from the cache: real
// configurations take longer than the 2 s a shell can wait. The listing
// runs in a nixplore process of its own (`nixplore __fill`), in a session
// of its own so it outlives the TAB and the shell's signals, one at a
// time per configuration and set (a lock file), bounded in time
// (fillTimeout) and memory (an address-space limit its Nix children
// inherit), writing its answer to the disk cache as every listing does.

// FillVerb is the hidden verb of the background listing.
const FillVerb = "__fill"

// fillTimeout bounds a background listing; NIXPLORE_FILL_TIMEOUT
// overrides it.
const fillTimeout = 5 * time.Minute

func fillTimeoutNow() time.Duration {
	if s := os.Getenv("NIXPLORE_FILL_TIMEOUT"); s != "" {
		if d, err := cmdline.ParseDuration(s); err == nil {
			return d
		}
	}
	return fillTimeout
}

// Self is the nixplore binary a background listing runs (`Self __fill
// …`). main sets it; a test that answers __complete in its own process
// leaves it empty, so no copy of the test binary is ever started as a
// "background listing".
var Self string

// startFill starts the background listing of parent for the target the
// words before it name. It returns at once; errors only mean that nothing
// runs, which a shell never shows.
func startFill(prev []string, parent attr.Path) {
	self := Self
	if self == "" {
		return
	}
	args := append([]string{FillVerb, parent.String(), "--"}, prev...)
	cmd := exec.Command(self, args...)
	// Its own session: no terminal, no process group of the shell's, so
	// Ctrl-C at the prompt or the shell's exit does not end it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	cmd.Stdin, cmd.Stdout, cmd.Stderr = nil, nil, nil
	if cmd.Start() == nil {
		go func() { _ = cmd.Wait() }() // reaped if we are still here
	}
}

// Fill is `nixplore __fill PATH -- WORDS…`: list PATH for the target the
// words name into the disk cache, unless another fill of the same does.
func Fill(args []string) int {
	if len(args) < 2 || args[1] != "--" {
		return 2
	}
	parent, err := attr.Parse(args[0])
	if err != nil {
		return 2
	}
	o, err := cmdline.Parse(args[2:])
	if err != nil {
		return 2
	}
	o.Target.NoWriteLockFile = true
	t, err := resolve.Target(o.Target, resolve.SystemEnvironment())
	if err != nil {
		return 1
	}
	c, err := nixeval.OpenCache()
	if err != nil {
		return 1
	}
	unlock, ok := fillLock(c.Dir(), t, parent)
	if !ok {
		return 0 // another nixplore lists it already
	}
	defer unlock()
	limitMemory()
	tools := nixeval.Tools{}
	ev := nixeval.New(t, tools)
	ev.Backend = warm.NewTrackedOneShot(t, tools)
	ev.Cache = c
	defer ev.Close()
	if _, ok := ev.PeekList(parent); ok {
		return 0
	}
	ctx, cancel := context.WithTimeout(context.Background(), fillTimeoutNow())
	defer cancel()
	if _, err := ev.List(ctx, parent); err != nil {
		return 1
	}
	return 0
}

// fillLock takes the lock of one configuration's set, or reports that
// another process holds it. The lock is an flock on a file in the cache
// directory: it ends with its holder, however that ends.
func fillLock(dir string, t *nixeval.Target, parent attr.Path) (unlock func(), ok bool) {
	f, err := os.OpenFile(fillLockPath(dir, t, parent), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, false
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		return nil, false
	}
	// The file stays: removing it would let a process that opened it
	// before lock a file no one else can find.
	return func() { f.Close() }, true
}

// fillRunning says whether a background listing of parent for t holds
// its lock now.
func fillRunning(dir string, t *nixeval.Target, parent attr.Path) bool {
	f, err := os.Open(fillLockPath(dir, t, parent))
	if err != nil {
		return false // never started
	}
	defer f.Close()
	err = syscall.Flock(int(f.Fd()), syscall.LOCK_SH|syscall.LOCK_NB)
	if err == nil {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
	}
	return errors.Is(err, syscall.EWOULDBLOCK)
}

func fillLockPath(dir string, t *nixeval.Target, parent attr.Path) string {
	sum := sha256.Sum256([]byte(t.Label() + "\x00" + t.RequestedSystem() + "\x00" + parent.Key()))
	return filepath.Join(dir, "fill-"+hex.EncodeToString(sum[:8])+".lock")
}

// limitMemory bounds the address space of this process and the Nix it
// starts to twice the evaluators' default memory bound: a background
// listing must never take the machine's memory from the user.
func limitMemory() {
	limit := uint64(2 * warm.DefaultMaxMemory())
	if limit == 0 {
		return
	}
	var rl syscall.Rlimit
	// RLIM_INFINITY is the largest value, so "no limit" is above it too.
	if err := syscall.Getrlimit(syscall.RLIMIT_AS, &rl); err == nil && rl.Cur > limit {
		rl.Cur = limit
		_ = syscall.Setrlimit(syscall.RLIMIT_AS, &rl)
	}
}

// errTimedOut is a listing the TAB's time ran out on.
var errTimedOut = errors.New("the listing did not finish within the completion timeout")

func isTimeout(err error) bool { return errors.Is(err, errTimedOut) }
