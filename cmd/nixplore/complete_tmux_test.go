package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nixplore/nixplore/internal/testnix"
	"github.com/nixplore/nixplore/internal/testsys"
	"github.com/nixplore/nixplore/nixeval/attr"
)

// completeLimit is how long the terminal test lets completion list names.
const completeLimit = 60 * time.Second

// TAB in a real interactive bash and zsh (in tmux): what readline and
// zsh's completion system do with the answers, quotes included, is what
// the user sees.
func TestCompletionInATerminal(t *testing.T) {
	testnix.Setup(t)
	tmux := needTool(t, "tmux")
	path := buildNixplore(t)
	pi := strings.Join(testnix.ClassicArgs("pi", "aarch64-linux"), " ")
	hostile := strings.Join(testnix.ClassicArgs("hostile", ""), " ")
	shells := []struct {
		name, prompt string
		argv         []string
		init         string
	}{
		{"bash", "$ ", []string{"bash", "--norc", "--noprofile"}, "PS1='$ '; source %s"},
		{"zsh", "% ", []string{"zsh", "-f"}, "PS1='%% '; autoload -U compinit; compinit -u -D; source %s"},
	}
	cases := []struct {
		name, typed, want string
	}{
		{"path", "nixplore ls " + pi + " config.system.build.sd", "nixplore ls " + pi + " config.system.build.sdImage"},
		{"verb", "nixplore sh", "nixplore show"},
		{"open single quote", "nixplore ls " + hostile + ` 'config.system.build."with`, "nixplore ls " + hostile + ` 'config.system.build."with space"'`},
	}
	for _, sh := range shells {
		t.Run(sh.name, func(t *testing.T) {
			shellBin := needTool(t, sh.argv[0])
			socket := filepath.Join(testsys.ShortDir(t), "tmux")
			run := func(args ...string) string {
				out, err := exec.Command(tmux, append([]string{"-S", socket}, args...)...).CombinedOutput()
				if err != nil {
					t.Fatalf("tmux %v: %v\n%s", args, err, out)
				}
				return string(out)
			}
			env := []string{"env", "-i", "HOME=" + t.TempDir(), "TERM=xterm", "PATH=" + path,
				"NIX_CONFIG=" + os.Getenv("NIX_CONFIG"), "XDG_CACHE_HOME=" + t.TempDir(),
				// What the shells do with an answer is tested here, not the
				// 2 s bound (TestBashCompletionGivesUp): on a loaded
				// machine the first listing of config.system.build can take
				// longer, and TAB would then rightly offer nothing.
				"NIXPLORE_COMPLETE_TIMEOUT=" + completeLimit.String()}
			run("new-session", "-d", "-s", "c", "-x", "400", "-y", "20", attr.ShellJoin(append(append(env, shellBin), sh.argv[1:]...)))
			t.Cleanup(func() { _ = exec.Command(tmux, "-S", socket, "kill-server").Run() })
			// The line the shell shows, without the blanks bash's redraw
			// after TAB can leave before the prompt on the pane's last line.
			line := func() string {
				lines := strings.Split(strings.TrimRight(run("capture-pane", "-p", "-t", "c"), "\n "), "\n")
				return strings.TrimSpace(lines[len(lines)-1])
			}
			// waitFor polls until the line reads want: each key goes to a
			// shell known to be in the state it needs (the prompt drawn,
			// the text typed, the answer in), never after a fixed wait.
			// The limit only keeps a broken shell from hanging the test;
			// it is longer than the completion may take
			// (NIXPLORE_COMPLETE_TIMEOUT), so a slow listing is waited for.
			waitFor := func(what, want string) bool {
				t.Helper()
				got := line()
				for deadline := time.Now().Add(completeLimit + 30*time.Second); got != want && time.Now().Before(deadline); got = line() {
					time.Sleep(50 * time.Millisecond)
				}
				if got != want {
					t.Errorf("%s: the line reads\n%s\nwant\n%s", what, got, want)
				}
				return got == want
			}
			prompt := strings.TrimSpace(sh.prompt)
			run("send-keys", "-t", "c", "-l", strings.ReplaceAll(sh.init, "%s", writeScript(t, sh.name))+"; clear")
			run("send-keys", "-t", "c", "Enter")
			if !waitFor("the prompt after the set-up", prompt) {
				return
			}
			for _, c := range cases {
				run("send-keys", "-t", "c", "C-u")
				if !waitFor(c.name+": the line emptied", prompt) {
					return
				}
				run("send-keys", "-t", "c", "-l", c.typed)
				if !waitFor(c.name+": typed", sh.prompt+c.typed) {
					return
				}
				run("send-keys", "-t", "c", "Tab")
				if !waitFor(c.name, sh.prompt+c.want) {
					return
				}
			}
		})
	}
}
