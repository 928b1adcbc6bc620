package tui

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/nixplore/nixplore/nixeval/attr"
	"github.com/nixplore/nixplore/tui/shared"
)

// clipboardTool is the program that puts text on this desktop's clipboard,
// nil when there is none (a console, ssh without X forwarding): then OSC
// 52, which the terminal may or may not honour, is all there is.
func clipboardTool(getenv func(string) string) []string {
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
	argv := clipboardTool(os.Getenv)
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

// copiedText says what happened to a copy: OSC 52 goes to the terminal,
// which may ignore it (so the text is shown in full), and a clipboard
// tool, when one is installed, gets it too.
func copiedText(msg copiedMsg) string {
	text := attr.Printable(msg.text)
	var how []string
	if msg.err == nil {
		how = append(how, "sent to the terminal's clipboard (OSC 52)")
	}
	switch {
	case msg.tool != "" && msg.toolErr == nil:
		how = append(how, "copied with "+msg.tool)
	case msg.tool != "":
		how = append(how, msg.tool+" failed: "+shared.FirstLine(msg.toolErr.Error()))
	}
	if msg.err != nil && (msg.tool == "" || msg.toolErr != nil) {
		return "could not copy " + msg.what + " (" + shared.FirstLine(msg.err.Error()) + "): " + text
	}
	return "copied " + msg.what + ": " + text + " · " + strings.Join(how, "; ")
}
