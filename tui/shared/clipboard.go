package shared

import (
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/aymanbagabas/go-osc52/v2"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/nixplore/nixplore/nixeval/attr"
)

// ClipboardTools are the programs that can put text on the clipboard here,
// in the order they are tried: inside tmux, its buffer (`load-buffer -w`
// also hands it to the outer terminal's clipboard, tmux 3.2 on; plain
// load-buffer for an older tmux), since tmux drops an application's OSC
// 52 by default (set-clipboard external); on a desktop, wl-copy, xclip or
// xsel. None (a console, ssh without X forwarding): OSC 52, which the
// terminal may or may not honour, is all there is.
func ClipboardTools(getenv func(string) string) [][]string {
	var candidates, out [][]string
	if getenv("TMUX") != "" {
		candidates = append(candidates, []string{"tmux", "load-buffer", "-w", "-"}, []string{"tmux", "load-buffer", "-"})
	}
	if getenv("WAYLAND_DISPLAY") != "" {
		candidates = append(candidates, []string{"wl-copy"})
	}
	if getenv("DISPLAY") != "" {
		candidates = append(candidates, []string{"xclip", "-selection", "clipboard"}, []string{"xsel", "--clipboard", "--input"})
	}
	if runtime.GOOS == "darwin" {
		candidates = append(candidates, []string{"pbcopy"})
	}
	for _, c := range candidates {
		if p, err := exec.LookPath(c[0]); err == nil {
			out = append(out, append([]string{p}, c[1:]...))
		}
	}
	return out
}

// toolCopy gives text to the first clipboard tool that takes it; it
// returns how it was copied ("tmux's buffer", "wl-copy"; "" when there is
// no tool) and, when every tool failed, the last error.
func toolCopy(text string) (tool string, err error) {
	for _, argv := range ClipboardTools(os.Getenv) {
		// wl-copy and xclip fork to serve the selection, so the wait is
		// short; bounded anyway.
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
		cmd.Stdin = strings.NewReader(text)
		tool, err = filepath.Base(argv[0]), cmd.Run()
		cancel()
		if tool == "tmux" {
			tool = "tmux's buffer"
		}
		if err == nil {
			return tool, nil
		}
	}
	return tool, err
}

// CopiedText says what happened to a copy: OSC 52 goes to the terminal,
// which may ignore it (so the text is shown in full), and a clipboard
// tool, when one is installed, gets it too.
func CopiedText(msg CopiedMsg) string {
	text := attr.Printable(msg.text)
	var how []string
	if msg.err == nil {
		how = append(how, "sent to the terminal's clipboard (OSC 52)")
	}
	switch {
	case msg.tool != "" && msg.toolErr == nil:
		how = append(how, "copied with "+msg.tool)
	case msg.tool != "":
		how = append(how, msg.tool+" failed: "+FirstLine(msg.toolErr.Error()))
	}
	if msg.err != nil && (msg.tool == "" || msg.toolErr != nil) {
		return "could not copy " + msg.what + " (" + FirstLine(msg.err.Error()) + "): " + text
	}
	return "copied " + msg.what + ": " + text + " · " + strings.Join(how, "; ")
}

// CopiedMsg says how a copy (Copy) went.
type CopiedMsg struct {
	what, text string
	err        error // writing OSC 52
	// tool is the clipboard program also given the text ("" when
	// none is installed), toolErr how that went.
	tool    string
	toolErr error
}

// Copy puts text on the clipboard with OSC 52. The text is shown on
// screen as well, for terminals that ignore the sequence.
func Copy(w io.Writer, what, text string) tea.Cmd {
	return func() tea.Msg {
		_, err := osc52.New(text).WriteTo(w)
		tool, toolErr := toolCopy(text)
		return CopiedMsg{what: what, text: text, err: err, tool: tool, toolErr: toolErr}
	}
}
