package shared

import tea "github.com/charmbracelet/bubbletea"

// Run wraps a Cmd so Wait can tell when its Nix process has ended. It
// counts from the moment the Cmd runs: one that the runtime drops after a
// quit never starts, and one that starts late finds its context cancelled
// and starts no process.
func (c *Common) Run(f func() tea.Msg) tea.Cmd {
	return func() tea.Msg {
		c.Inflight.Add(1)
		defer c.Inflight.Add(-1)
		return c.readEvaluators(f())
	}
}

// NoticeMsg is a message from below for the footer (Config.Notices).
type NoticeMsg string

// BackgroundSlots is how many background kind requests the explorer keeps
// in flight: one per evaluator but one, which stays free (and warm) for
// what the user asks next.
func (c *Common) BackgroundSlots() int { return max(1, c.Cfg.Workers-1) }

// EvaluatorsMsg is what the header shows of the evaluators: each one's
// resident memory and why they fell back to one-shot Nix (nil if not),
// read after a request, off the Update goroutine (/proc reads, a session's
// state), and delivered with the request's own answer.
type EvaluatorsMsg struct {
	Memory []int64
	Fallen error
	Answer tea.Msg
}

// readEvaluators wraps a request's answer with the evaluators' facts.
func (c *Common) readEvaluators(answer tea.Msg) tea.Msg {
	memory, fallen := c.Cfg.Memory, c.Cfg.Fallen
	if memory == nil && fallen == nil || answer == nil {
		return answer
	}
	msg := EvaluatorsMsg{Answer: answer}
	if memory != nil {
		msg.Memory = memory()
	}
	if fallen != nil {
		msg.Fallen = fallen()
	}
	return msg
}

// WaitNotice waits for the next message from below (Config.Notices).
func (c *Common) WaitNotice() tea.Cmd {
	ch := c.Cfg.Notices
	if ch == nil {
		return nil
	}
	return func() tea.Msg {
		s, ok := <-ch
		if !ok {
			return nil
		}
		return NoticeMsg(s)
	}
}

// CanTrace reports whether the evaluator can give traces at all.
func (c *Common) CanTrace() bool {
	_, ok := c.Cfg.Eval.(Tracer)
	return ok
}
