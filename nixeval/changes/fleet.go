package changes

import (
	"context"
	"sync"
)

// HostResult is one flake host's comparison (nixplore diff --all-hosts).
type HostResult struct {
	Host    string
	Entries []Entry
	Err     error
}

// Fleet compares every host, at most parallel at once (each comparison
// holds its evaluators: the caller sizes parallel from --max-eval-memory),
// and hands each result to done in host order as soon as it and every
// host before it are done, so output streams and reads the same every run.
func Fleet(ctx context.Context, hosts []string, parallel int, compare func(ctx context.Context, host string) ([]Entry, error), done func(HostResult)) {
	parallel = max(1, parallel)
	results := make([]chan HostResult, len(hosts))
	for i := range results {
		results[i] = make(chan HostResult, 1)
	}
	sem := make(chan struct{}, parallel)
	var wg sync.WaitGroup
	for i, h := range hosts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				results[i] <- HostResult{Host: h, Err: ctx.Err()}
				return
			}
			defer func() { <-sem }()
			entries, err := compare(ctx, h)
			results[i] <- HostResult{Host: h, Entries: entries, Err: err}
		}()
	}
	for _, r := range results {
		done(<-r)
	}
	wg.Wait()
}
