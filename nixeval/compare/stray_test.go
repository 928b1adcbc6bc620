package compare

import (
	"context"
	"errors"
	"testing"

	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/attr"
)

// interruptedTwice answers as a warm repl hit by two stray interrupts:
// "interrupted by the user" twice, then the description. A fake, since
// real Nix cannot be made to deliver a stray interrupt on demand (the warm
// session's own retry has its real-Nix test, TestStrayInterruptIsRetried).
type interruptedTwice struct{ calls int }

func (f *interruptedTwice) Describe(ctx context.Context, path attr.Path) (*nixeval.Description, error) {
	f.calls++
	if f.calls <= 2 {
		return nil, errors.New("error: interrupted by the user")
	}
	return &nixeval.Description{Kind: nixeval.KindString}, nil
}

func TestColumnAsksAgainAfterAStrayInterrupt(t *testing.T) {
	f := &interruptedTwice{}
	c := &Comparer{Eval: f}
	d, err := c.describe(context.Background(), attr.DefaultPath.Child("toplevel"))
	if err != nil || d == nil || f.calls != 3 {
		t.Fatalf("calls %d, err %v", f.calls, err)
	}
	// Cancelled: no retry.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	f.calls = 0
	if _, err := c.describe(ctx, attr.DefaultPath.Child("toplevel")); err == nil || f.calls != 1 {
		t.Fatalf("cancelled: calls %d, err %v", f.calls, err)
	}
}
