package changes

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"
)

func TestFleetOrderAndBound(t *testing.T) {
	hosts := []string{"a", "b", "c", "d", "e"}
	var running, most atomic.Int32
	release := map[string]chan struct{}{}
	for _, h := range hosts {
		release[h] = make(chan struct{})
	}
	var got []string
	finished := make(chan struct{})
	go func() {
		Fleet(context.Background(), hosts, 2, func(_ context.Context, h string) ([]Entry, error) {
			n := running.Add(1)
			for {
				m := most.Load()
				if n <= m || most.CompareAndSwap(m, n) {
					break
				}
			}
			<-release[h]
			running.Add(-1)
			if h == "c" {
				return nil, errors.New("c fails")
			}
			return []Entry{{Name: h}}, nil
		}, func(r HostResult) { got = append(got, r.Host); _ = r.Err })
		close(finished)
	}()
	// Release in reverse order: results still come in host order.
	for i := len(hosts) - 1; i >= 0; i-- {
		close(release[hosts[i]])
	}
	select {
	case <-finished:
	case <-time.After(10 * time.Second):
		t.Fatal("Fleet did not finish")
	}
	if most.Load() > 2 {
		t.Errorf("%d comparisons at once, want at most 2", most.Load())
	}
	if len(got) != 5 || got[0] != "a" || got[4] != "e" {
		t.Errorf("order %v", got)
	}
}

func TestFleetCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var errs int
	Fleet(ctx, []string{"a", "b", "c"}, 1, func(ctx context.Context, h string) ([]Entry, error) {
		return nil, ctx.Err()
	}, func(r HostResult) {
		if r.Err != nil {
			errs++
		}
	})
	if errs != 3 {
		t.Errorf("%d cancelled hosts, want 3", errs)
	}
}
