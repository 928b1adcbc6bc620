// Package header is the explorer's two top lines: the target (and its
// dirty work tree), then the configuration's platform, whether this
// machine or a builder builds it, the evaluators' state and memory, and
// the Nix version. It owns those facts and the platform check it asks
// for once Info is in.
package header

import (
	"context"
	"fmt"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/nixeval/build"
	"github.com/nixplore/nixplore/nixeval/gitwork"
	"github.com/nixplore/nixplore/tui/shared"
)

// Model is the header's state.
type Model struct {
	c *shared.Common
	// Info is the configuration's platform and Nix's version (nil until
	// the answer is in); Err why it failed, Cancelled that esc stopped
	// it with the start listing (r asks again).
	Info      *nixeval.Info
	Err       string
	Cancelled bool
	// Dirty: the flake's work tree has uncommitted changes: Target.Dirty
	// at start, Recheck's answer after R.
	Dirty bool
	// platform: whether this machine or a builder builds Info's platform.
	platform *build.PlatformCheck
	// memory is each evaluator's resident memory and fallen why they
	// answer through one-shot Nix, as read after the last request.
	memory []int64
	fallen error
	// warmBack is when the evaluators came back from one-shot Nix to a
	// warm repl (zero: not lately).
	warmBack time.Time
}

// New returns the header of the explorer c was started with.
func New(c *shared.Common) Model {
	return Model{c: c, Dirty: c.Cfg.Target != nil && c.Cfg.Target.Dirty}
}

// SetInfo takes Info's answer and asks whether this machine builds its
// platform.
func (h *Model) SetInfo(info *nixeval.Info) tea.Cmd {
	h.Info, h.Err = info, ""
	return h.checkPlatform(info.Platform())
}

// Update takes the platform check's answer.
func (h Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	if msg, ok := msg.(platformMsg); ok {
		return h.onPlatform(msg), nil
	}
	return h, nil
}

// Lines is the header as drawn at width w: spin is the spinner's frame,
// warned the count of Nix's warnings (warnings.Panel.Count).
func (h Model) Lines(w int, spin, warned string) []string {
	s := h.c.Styles
	label := "nixplore"
	if t := h.c.Cfg.Target; t != nil {
		label = t.Label()
	}
	l1 := s.Title.Render("nixplore") + " " + attr.Printable(label)
	if t := h.c.Cfg.Target; t != nil && h.Dirty {
		// Nix's own words, so a user who knows them recognises them.
		l1 += " " + s.Warning.Render("⚠ "+strings.TrimPrefix(gitwork.DirtyWarning(t.GitRoot), "warning: "))
	}
	var l2 string
	switch {
	case h.Info != nil:
		// What the user must know first (the platform this machine cannot
		// build, the fallback, an ignored --system), the Nix version and
		// the evaluators' memory last: a narrow terminal cuts those.
		l2 = "system " + h.Info.Platform() + h.platformNote()
		if h.fallen != nil {
			l2 += " " + s.Warning.Render("⚠ one-shot evaluation (slower, the repl is tried again later or on R): nix repl failed: "+attr.Printable(shared.FirstLine(h.fallen.Error())))
		} else if !h.warmBack.IsZero() {
			l2 += " " + s.Dim.Render("✓ warm evaluation is back (nix repl running again)")
		}
		if h.Info.SystemIgnored() {
			l2 += " " + s.Warning.Render("⚠ --system "+h.Info.RequestedSystem+" ignored: nixpkgs.hostPlatform is "+h.Info.HostSystem)
		}
		l2 += s.Dim.Render(" · Nix " + h.Info.NixVersion)
		if mem := memoryText(h.memory); mem != "" {
			l2 += s.Dim.Render(" · " + mem)
		}
	case h.Cancelled:
		l2 = s.Dim.Render("platform and Nix version not read (cancelled; r reads them)")
	case h.Err != "":
		l2 = s.ErrorText.Render(attr.Printable(h.Err))
	default:
		l2 = s.Dim.Render(spin + " reading platform and Nix version…")
	}
	if n := warned; n != "" {
		// First on the shorter line, so a long target never hides it;
		// w lists them.
		l2 = s.Warning.Render(n) + s.Dim.Render(" (w) · ") + l2
	}
	return []string{shared.Truncate(l1, w), shared.Truncate(l2, w)}
}

// platformMsg answers the header's question: can this machine (or one of
// its builders) build the configuration's platform?
type platformMsg struct {
	system string
	check  *build.PlatformCheck
}

// checkPlatform asks Nix's settings about the configuration's platform,
// once Info has said which it is.
func (h *Model) checkPlatform(system string) tea.Cmd {
	if system == "" {
		return nil
	}
	check := h.c.Cfg.Platform
	if check == nil {
		tools, target := h.c.Cfg.Tools, h.c.Cfg.Target
		check = func(ctx context.Context, system string) *build.PlatformCheck {
			// The target's --option settings and --builders count.
			return build.CheckPlatformFor(ctx, tools, target, system)
		}
	}
	return h.c.Run(func() tea.Msg {
		// Nix's settings answer in well under a second; bounded anyway.
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		return platformMsg{system: system, check: check(ctx, system)}
	})
}

// onPlatform keeps the answer for the platform the header shows.
func (h Model) onPlatform(msg platformMsg) Model {
	if h.Info != nil && h.Info.Platform() == msg.system {
		h.platform = msg.check
	}
	return h
}

// platformNote is the header's word on the platform: a warning when
// neither this machine nor a builder builds it, the builder when one does.
func (h Model) platformNote() string {
	pc, s := h.platform, h.c.Styles
	switch {
	case pc == nil || pc.Local:
		return ""
	case pc.Builder != nil:
		return s.Dim.Render(" · builds on " + pc.Builder.URI)
	}
	// Short: it follows "system <platform>" and comes before the Nix
	// version and the memory on the header's second line.
	machine := "this machine"
	if pc.Machine != "" {
		machine = pc.Machine
	}
	return " " + s.Warning.Render("⚠ "+machine+" cannot build it (b: the ways out)")
}

// warmBackShown is how long the header says warm evaluation is back.
const warmBackShown = 15 * time.Second

// NoteEvaluators keeps what the header shows of the evaluators, and
// remembers when they, one-shot until now, answer from a warm repl again
// (a retried start, or R), so the header can say so; the note goes with
// the next answer after warmBackShown, or a new fall.
func (h *Model) NoteEvaluators(msg shared.EvaluatorsMsg) {
	switch {
	case h.fallen != nil && msg.Fallen == nil:
		h.warmBack = time.Now()
	case msg.Fallen != nil || time.Since(h.warmBack) > warmBackShown:
		h.warmBack = time.Time{}
	}
	h.memory, h.fallen = msg.Memory, msg.Fallen
}

// memoryText is the evaluators' resident memory for the header ("" when
// unknown or none runs).
func memoryText(mem []int64) string {
	var parts []string
	for _, b := range mem {
		if b > 0 {
			parts = append(parts, fmt.Sprintf("%dM", b>>20))
		}
	}
	switch len(parts) {
	case 0:
		return ""
	case 1:
		return "evaluator " + parts[0]
	}
	return "evaluators " + strings.Join(parts, " ")
}

// SetDirty says whether the flake's work tree has uncommitted changes (R
// checked it again).
func (h *Model) SetDirty(dirty bool) { h.Dirty = dirty }

// Reset forgets Info and why it failed: everything is evaluated again.
func (h *Model) Reset() { h.Info, h.Err = nil, "" }

// Failed says why Info failed (its first line).
func (h *Model) Failed(err string) { h.Err = err }

// Retry forgets a failure or a cancel: Info is asked again.
func (h *Model) Retry() { h.Err, h.Cancelled = "", false }

// Cancel notes that esc stopped Info with the start listing, unless it
// was already in.
func (h *Model) Cancel() { h.Cancelled = h.Info == nil }
