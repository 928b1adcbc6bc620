package main

import (
	"context"
	"errors"
	"os"
	"os/signal"
	"syscall"

	"github.com/nixplore/nixplore/nixeval/build"
)

// caughtSignal is the cause of the context signalContext returns.
type caughtSignal struct{ sig syscall.Signal }

func (c caughtSignal) Error() string { return "interrupted by " + c.sig.String() }

// signalContext returns a context cancelled by SIGINT (Ctrl-C), SIGTERM or
// SIGHUP, whose cause names the signal (see exitBySignal).
func signalContext() (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(context.Background())
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	done := make(chan struct{})
	go func() {
		select {
		case s := <-sigs:
			if ss, ok := s.(syscall.Signal); ok {
				cancel(caughtSignal{ss})
			}
		case <-done:
		}
	}()
	return ctx, func() {
		signal.Stop(sigs)
		close(done)
		cancel(context.Canceled)
	}
}

// exitBySignal is the exit status of a run a signal ended, 128 plus its
// number as shells report (130 for Ctrl-C), and whether one did.
func exitBySignal(ctx context.Context) (int, bool) {
	if c, ok := context.Cause(ctx).(caughtSignal); ok {
		return 128 + int(c.sig), true
	}
	return 0, false
}

// worthSayingAfterSignal reports whether err, met after a signal, tells
// the user something: a stopped build says what it stopped while building.
// Anything else (Nix interrupted, `command: nix repl`) is the signal's
// echo, not news for the user who pressed Ctrl-C.
func worthSayingAfterSignal(err error) bool {
	var f *build.Failure
	return errors.As(err, &f) && f.Kind == build.FailCancelled
}
