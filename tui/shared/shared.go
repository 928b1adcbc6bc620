// Package shared holds what the explorer's root and every component share
// (the role gh-dash's ui/context plays): the terminal's size, the styles,
// the key map, the configuration and its evaluator, the logger, the count
// of Cmds in flight, the source of request ids, the spinner's frame, the
// warnings seen by path, and the pager and text helpers every pane lays
// its text out with.
package shared

import (
	"context"
	"io"
	"log"
	"sync/atomic"
)

// Common is shared by the root and its components, by pointer.
type Common struct {
	Width, Height int
	Styles        Styles
	Keys          KeyMap
	Cfg           Config
	Log           *log.Logger
	// Inflight counts running Cmds so the caller can wait, after the
	// program ends, for every Nix process to be gone.
	Inflight *atomic.Int64
	seq      uint64 // the last request id handed out
	Spinning bool   // a spinner tick is scheduled
	Spin     string // the spinner's frame, set in Update, drawn by every pane
	// Warned counts, by path key, the warnings Nix printed evaluating
	// that path (the warnings component); the tree marks those nodes.
	Warned map[string]int
	// Edited is what the latest edit did to each row ("changed",
	// "added"), by path key (the edits component); the tree marks them.
	Edited map[string]string
	// Life ends when the explorer quits (End): work that belongs to no
	// request (writing a listing to the disk cache) stops with it.
	Life context.Context
	End  context.CancelFunc
}

// New returns the Common of an explorer started with cfg, its size 80x24
// until the terminal says otherwise.
func New(cfg Config) *Common {
	lg := cfg.Log
	if lg == nil {
		lg = log.New(io.Discard, "", 0)
	}
	c := &Common{Width: 80, Height: 24, Styles: DefaultStyles(), Keys: DefaultKeyMap(), Cfg: cfg, Log: lg, Inflight: &atomic.Int64{}}
	c.Life, c.End = context.WithCancel(context.Background())
	return c
}

// Next returns a fresh request id.
func (c *Common) Next() uint64 { c.seq++; return c.seq }
