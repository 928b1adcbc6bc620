package nixproc

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// NixMissingError means the nix program could not be started at all.
type NixMissingError struct {
	Program string
	Err     error
}

func (e *NixMissingError) Error() string {
	return fmt.Sprintf("%s not found: Nix is not installed or not on PATH.\n"+
		"Install it: on Debian/Ubuntu `sudo apt-get install nix-bin`, elsewhere see https://nixos.org/download\n(%v)", e.Program, e.Err)
}

// CancelledError means the request was cancelled or timed out before Nix answered.
type CancelledError struct {
	Command string
	Cause   error
}

func (e *CancelledError) Error() string {
	return fmt.Sprintf("cancelled: %v\n  command: %s", e.Cause, e.Command)
}

func (e *CancelledError) Unwrap() error { return e.Cause }

// NixError is a Nix command that failed: the command (for display), its
// exit status and the last `error:` block of its stderr, cleaned of colours
// and traces.
type NixError struct {
	Command string
	Exit    int
	Message string // the cleaned error: block
	Stderr  string // everything Nix printed, for logs
	Killed  bool
}

// NewNixError builds a NixError from raw stderr.
func NewNixError(command string, exit int, stderr []byte) *NixError {
	return &NixError{Command: command, Exit: exit, Message: LastErrorBlock(string(stderr)), Stderr: string(stderr)}
}

func (e *NixError) Error() string {
	msg := e.Message
	if msg == "" {
		msg = fmt.Sprintf("nix exited with status %d and printed no error", e.Exit)
	}
	return msg
}

var (
	errorLineRE = regexp.MustCompile(`^\s*error:`)
	showTraceRE = regexp.MustCompile(`\(use '--show-trace' to show detailed location information\)`)
)

// StripANSI removes terminal escape sequences: colours and cursor moves
// (CSI), and also OSC (hyperlinks, titles) and the other kinds a regular
// expression for CSI alone would leave in, by x/ansi's parser. Line ends
// and tabs stay.
func StripANSI(s string) string { return ansi.Strip(s) }

// Unrecognised starts the message of a failure whose output nixplore
// did not recognise: never read as "no error", never guessed at.
const Unrecognised = "nixplore did not recognise what Nix printed (no `error:` line; a newer Nix may word it differently). It printed last:"

// LastErrorBlock returns the last `error:` block of Nix's stderr without
// colours, `… while evaluating` trace frames or the --show-trace hint. Nix
// 2.26 nests the real message as the last `error:` under its trace; 2.8
// prints one block. Stderr with no `error:` line is not guessed at: the
// answer is Unrecognised and the last lines Nix printed (or "" when it
// printed nothing: read, and it says nothing).
func LastErrorBlock(stderr string) string {
	block, ok := ErrorBlock(stderr)
	if ok || strings.TrimSpace(StripANSI(stderr)) == "" {
		return block
	}
	lines := strings.Split(strings.TrimSpace(StripANSI(stderr)), "\n")
	if len(lines) > 10 {
		lines = lines[len(lines)-10:]
	}
	return Unrecognised + "\n" + Indent(strings.Join(lines, "\n"), "  ")
}

// ErrorBlock is LastErrorBlock's reading: ok is false when stderr holds no
// `error:` line.
func ErrorBlock(stderr string) (block string, ok bool) {
	s := StripANSI(stderr)
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	start := -1
	for i, l := range lines {
		if errorLineRE.MatchString(l) {
			start = i
		}
	}
	if start < 0 {
		return "", false
	}
	// 2.26 prints "error:" alone and the message on the next frames; a
	// nested "error: msg" inside the block is then the last one found.
	blockLines := lines[start:]
	var out []string
	for _, l := range blockLines {
		if strings.HasPrefix(strings.TrimSpace(l), "… ") {
			// 2.8 with --show-trace prints the frames after the message.
			break
		}
		if showTraceRE.MatchString(l) {
			continue
		}
		if strings.HasPrefix(strings.TrimSpace(l), "@nix ") {
			continue
		}
		out = append(out, l)
	}
	return strings.TrimSpace(dedent(out)), true
}

func dedent(lines []string) string {
	minIndent := -1
	for i, l := range lines {
		if i == 0 || strings.TrimSpace(l) == "" {
			continue
		}
		n := len(l) - len(strings.TrimLeft(l, " "))
		if minIndent < 0 || n < minIndent {
			minIndent = n
		}
	}
	for i, l := range lines {
		if i == 0 {
			lines[i] = strings.TrimLeft(l, " ")
			continue
		}
		if minIndent > 0 && len(l) >= minIndent {
			lines[i] = l[minIndent:]
		}
	}
	// Drop runs of blank lines.
	var out []string
	for _, l := range lines {
		if strings.TrimSpace(l) == "" && len(out) > 0 && strings.TrimSpace(out[len(out)-1]) == "" {
			continue
		}
		out = append(out, strings.TrimRight(l, " "))
	}
	return strings.Join(out, "\n")
}

func Indent(s, pre string) string {
	lines := strings.Split(s, "\n")
	for i := range lines {
		lines[i] = pre + lines[i]
	}
	return strings.Join(lines, "\n")
}

// startError explains a program that could not be started.
func StartError(program string, err error) error {
	var ee *exec.Error
	if errors.As(err, &ee) || errors.Is(err, os.ErrNotExist) {
		return &NixMissingError{Program: program, Err: err}
	}
	return err
}

// IsErrorLine reports whether a line of Nix's output starts an `error:` block.
func IsErrorLine(l string) bool { return errorLineRE.MatchString(l) }
