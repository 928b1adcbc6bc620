package shared

import (
	"context"
	"io"
	"log"
	"time"

	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/nixeval/build"
	"github.com/nixplore/nixplore/nixeval/diag"
)

// Evaluator is what the explorer asks about the target; *nixeval.Evaluator
// implements it.
type Evaluator interface {
	List(ctx context.Context, paths ...attr.Path) ([]nixeval.Listing, error)
	// Names lists a set's children with every kind KindPending (one
	// builtins.attrNames); Kinds fills in kinds afterwards.
	Names(ctx context.Context, path attr.Path) (*nixeval.Listing, error)
	Kinds(ctx context.Context, children []nixeval.Child) error
	// Remember stores a listing completed kind by kind in the disk cache.
	Remember(ctx context.Context, l nixeval.Listing, since time.Time)
	Describe(ctx context.Context, path attr.Path) (*nixeval.Description, error)
	Info(ctx context.Context) (*nixeval.Info, error)
	PeekList(path attr.Path) (*nixeval.Listing, bool)
	PeekDescribe(path attr.Path) (*nixeval.Description, bool)
	// Values says what each path is (kind, .drv, a hash of a plain
	// value), each forced alone: what an edit changed is told by them.
	Values(ctx context.Context, paths []attr.Path) ([]nixeval.Value, error)
}

// WatchConfig is what the explorer watches to follow edits (nil: it
// does not, --no-watch).
type WatchConfig struct {
	// Watched is what to watch now: the files the evaluations read, and
	// the directories whose every file counts (the configuration's, a
	// flake's tracked tree, .git for `git add`, flake.lock's).
	Watched func() (files, dirs []string)
	// Quiet gathers a burst of saves into one.
	Quiet time.Duration
	// Ignore are files whose changes never count (nixplore's --log).
	Ignore []string
	// Restart, when set, makes the evaluators see an edit (a flake is
	// read from its copy in the store).
	Restart func()
	// Head, when set (the configuration is in git), says what paths are
	// at git HEAD, and which commit that is: D marks the rows against it.
	Head func(ctx context.Context, paths []attr.Path) ([]nixeval.Value, string, error)
}

// Config is what the explorer is started with.
type Config struct {
	Target *nixeval.Target
	Eval   Evaluator
	Tools  nixeval.Tools
	Start  attr.Path // the node the tree opens on (nixeval.DefaultPath)
	// Watch, when set, makes the explorer follow edits (components/edits).
	Watch *WatchConfig
	// Clipboard receives OSC 52 sequences for y and c: the terminal.
	Clipboard io.Writer
	// Log receives debug lines; nil discards them. Never the terminal.
	Log *log.Logger
	// PreviewDelay lets the cursor settle before a preview is requested,
	// so holding a key does not start a Nix process per line.
	PreviewDelay time.Duration
	// Workers is how many requests the evaluator answers at once; the
	// explorer keeps one fewer background kind requests in flight (at
	// least one; Common.BackgroundSlots), so a key press always finds an
	// evaluator free.
	Workers int
	// Memory, when set, reports each evaluator's resident memory (bytes),
	// shown in the header.
	Memory func() []int64
	// Notices, when set, carries messages from below for the footer (an
	// evaluator replaced for its memory).
	Notices <-chan string
	// Restart, when set, ends the warm evaluators (R): they evaluate
	// everything again, so edits to a flake (copied to the store, never
	// seen changing) show.
	Restart func()
	// Recheck, when set, checks a local flake again on R, before the
	// evaluators restart, as nixplore does at start: whether its work tree
	// is dirty (the header), the lock file written as nix build would
	// (notes, for the footer); an error fails the reload as it fails the
	// start.
	Recheck func() (dirty bool, notes []string, err error)
	// Fallen, when set, says why the warm evaluators answer through
	// one-shot Nix processes (nil while they do not); the header says so.
	Fallen func() error
	// Platform, when set, answers the header's platform check in place of
	// build.CheckPlatform with Tools and the target's --builders (golden
	// views pin it: the real answer depends on the machine).
	Platform func(ctx context.Context, system string) *build.PlatformCheck
}

// Tracer is what the trace panel asks: the value at path evaluated again
// with Nix's --show-trace (*nixeval.Evaluator implements it).
type Tracer interface {
	Trace(ctx context.Context, path attr.Path) (*diag.Trace, error)
}
