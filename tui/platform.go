package tui

import (
	"context"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/nixplore/nixplore/nixeval/build"
)

// platformMsg answers the header's question: can this machine (or one of
// its builders) build the configuration's platform?
type platformMsg struct {
	system string
	check  *build.PlatformCheck
}

// checkPlatform asks Nix's settings about the configuration's platform,
// once Info has said which it is.
func (m *Model) checkPlatform(system string) tea.Cmd {
	if system == "" {
		return nil
	}
	check := m.c.Cfg.Platform
	if check == nil {
		tools, target := m.c.Cfg.Tools, m.c.Cfg.Target
		check = func(ctx context.Context, system string) *build.PlatformCheck {
			// The target's --option settings and --builders count.
			return build.CheckPlatformFor(ctx, tools, target, system)
		}
	}
	return m.c.Run(func() tea.Msg {
		// Nix's settings answer in well under a second; bounded anyway.
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		return platformMsg{system: system, check: check(ctx, system)}
	})
}

// onPlatform keeps the answer for the platform the header shows.
func (m Model) onPlatform(msg platformMsg) (tea.Model, tea.Cmd) {
	if m.info != nil && m.info.Platform() == msg.system {
		m.platform = msg.check
	}
	return m, nil
}

// platformNote is the header's word on the platform: a warning when
// neither this machine nor a builder builds it, the builder when one does.
func (m Model) platformNote() string {
	pc, s := m.platform, m.c.Styles
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
