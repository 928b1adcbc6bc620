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
				"NIXPLORE_COMPLETE_TIMEOUT=60s"}
			run("new-session", "-d", "-s", "c", "-x", "400", "-y", "20", attr.ShellJoin(append(append(env, shellBin), sh.argv[1:]...)))
			t.Cleanup(func() { _ = exec.Command(tmux, "-S", socket, "kill-server").Run() })
			run("send-keys", "-t", "c", "-l", strings.ReplaceAll(sh.init, "%s", writeScript(t, sh.name))+"; clear")
			run("send-keys", "-t", "c", "Enter")
			for _, c := range cases {
				run("send-keys", "-t", "c", "C-u")
				run("send-keys", "-t", "c", "-l", c.typed)
				run("send-keys", "-t", "c", "Tab")
				want := sh.prompt + c.want
				var last string
				// A guard against waiting forever, not a speed test.
				for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
					lines := strings.Split(strings.TrimRight(run("capture-pane", "-p", "-t", "c"), "\n "), "\n")
					// Bash's redraw after TAB can leave blanks before the
					// prompt on the pane's last line; the line typed is what
					// follows them.
					if last = strings.TrimSpace(lines[len(lines)-1]); last == want {
						break
					}
				}
				if last != want {
					t.Errorf("%s: the line reads\n%s\nwant\n%s", c.name, last, want)
				}
			}
		})
	}
}
