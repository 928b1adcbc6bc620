package build

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/nixplore/nixplore/internal/testnix"
	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/nixeval/build/buildlog"
)

// A reader that goes away (the explorer quit, a caller only waits for the
// result) must not keep the forwarder blocked on its channel for ever:
// once told to stop it gives up on an event nobody takes and closes the
// channel, and a reader still reading after stop gets every event.
func TestForwarderEndsWhenNobodyReads(t *testing.T) {
	old := abandonAfter
	abandonAfter = 100 * time.Millisecond
	t.Cleanup(func() { abandonAfter = old })

	t.Run("reader gone", func(t *testing.T) {
		q := newEventQueue()
		out, stop, ended := make(chan buildlog.Event), make(chan struct{}), make(chan struct{})
		go func() {
			defer close(ended)
			q.forward(out, stop)
		}()
		q.push(buildlog.Event{Kind: buildlog.EventLog, Line: "1"}, buildlog.Event{Kind: buildlog.EventLog, Line: "2"}, buildlog.Event{Kind: buildlog.EventLog, Line: "3"})
		if ev := <-out; ev.Line != "1" {
			t.Fatalf("first event %+v", ev)
		}
		// The reader leaves with two events queued and the build not closed.
		close(stop)
		select {
		case <-ended:
		case <-time.After(abandonAfter + 5*time.Second):
			t.Fatal("the forwarder still waits for a reader that left")
		}
		if _, open := <-out; open {
			t.Fatal("the forwarder ended without closing the channel")
		}
	})

	t.Run("reader stays", func(t *testing.T) {
		q := newEventQueue()
		out, stop := make(chan buildlog.Event), make(chan struct{})
		close(stop) // the build is over, but its reader still reads
		go q.forward(out, stop)
		for i := range 50 {
			q.push(buildlog.Event{Kind: buildlog.EventLog, Line: fmt.Sprint(i)})
		}
		q.close()
		n := 0
		for ev := range out {
			if ev.Line != fmt.Sprint(n) {
				t.Fatalf("event %d is %+v", n, ev)
			}
			n++
		}
		if n != 50 {
			t.Fatalf("a reader that stayed got %d of 50 events", n)
		}
	})
}

// A builder printing without end while nobody reads must not grow the
// queue past its cap, and never at the cost of the events a build's
// outcome is read from.
func TestQueueStaysUnderCapInAFlood(t *testing.T) {
	q := newEventQueue()
	const flood = 1_000_000
	starts := 0
	for i := range flood {
		q.push(buildlog.Event{Kind: buildlog.EventLog, Line: fmt.Sprint("line ", i)}, buildlog.Event{Kind: buildlog.EventProgress})
		if i%10_000 == 0 {
			q.push(buildlog.Event{Kind: buildlog.EventBuildStarted, Drv: fmt.Sprint("d", i)})
			starts++
		}
		if len(q.items) > queueCap+2*starts {
			t.Fatalf("after %d lines the queue holds %d events (cap %d, %d kept starts)", i, len(q.items), queueCap, starts)
		}
	}
	q.push(buildlog.Event{Kind: buildlog.EventLog, Line: "the last line"}, buildlog.Event{Kind: buildlog.EventMessage, Level: 0, Text: "error: builder failed"},
		buildlog.Event{Kind: buildlog.EventBuildFailed, Drv: "d"}, buildlog.Event{Kind: buildlog.EventBuildStopped, Drv: "d"})
	kept := map[buildlog.EventKind]int{}
	lastLog := ""
	for _, ev := range q.items {
		kept[ev.Kind]++
		if ev.Kind == buildlog.EventLog {
			lastLog = ev.Line
		}
	}
	if kept[buildlog.EventBuildStarted] != starts || kept[buildlog.EventBuildFailed] != 1 || kept[buildlog.EventBuildStopped] != 1 || kept[buildlog.EventMessage] != 1 {
		t.Errorf("outcome events lost: %v (want %d starts)", kept, starts)
	}
	if lastLog != "the last line" {
		t.Errorf("the newest log line is not kept: %q", lastLog)
	}
	n := len(q.items)
	if end := q.items[n-3:]; end[0].Kind != buildlog.EventMessage || end[1].Kind != buildlog.EventBuildFailed || end[2].Kind != buildlog.EventBuildStopped {
		t.Errorf("the last events are out of order: %+v", end)
	}
	if q.dropped == 0 || q.dropped+n != 2*flood+starts+4 {
		t.Errorf("dropped %d, kept %d of %d", q.dropped, n, 2*flood+starts+4)
	}
}

// A caller that only waits for the result (Wait "does not need the events
// to be read") of a build printing far more events than the channel
// holds: once the build is over, its forwarder ends.
func TestBuildForwarderEndsUnread(t *testing.T) {
	testnix.Setup(t)
	t.Setenv("NIXPLORE_SALT", fmt.Sprintf("%s-%d", t.Name(), time.Now().UnixNano()))
	run := Start(context.Background(), nixeval.Tools{}, testnix.Classic(t, "buildfail", ""),
		Options{Path: attr.Path{"config", "system", "build", "loud"}, NoLink: true})
	if _, err := run.Wait(); err == nil {
		t.Fatal("the loud builder succeeded")
	}
	ended := time.Now()
	select {
	case <-run.forwarded:
		t.Logf("the forwarder ended %v after the build", time.Since(ended))
	case <-time.After(abandonAfter + 5*time.Second):
		t.Fatal("the forwarder still waits for a reader 5 s after giving up was due")
	}
	if n := len(run.events); n != cap(run.events) {
		t.Errorf("the channel holds %d of %d events: the forwarder was never blocked", n, cap(run.events))
	}
}
