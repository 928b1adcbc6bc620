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

// ClipboardTool is the program that puts text on this desktop's clipboard,
// nil when there is none (a console, ssh without X forwarding): then OSC
// 52, which the terminal may or may not honour, is all there is.
func ClipboardTool(getenv func(string) string) []string {
	var candidates [][]string
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
			return append([]string{p}, c[1:]...)
		}
	}
	return nil
}

// toolCopy gives text to the clipboard tool; it returns the tool's name
// ("" when there is none) and how it went.
func toolCopy(text string) (tool string, err error) {
	argv := ClipboardTool(os.Getenv)
	if argv == nil {
		return "", nil
	}
	// wl-copy and xclip fork to serve the selection, so the wait is
	// short; bounded anyway.
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Stdin = strings.NewReader(text)
	return filepath.Base(argv[0]), cmd.Run()
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
