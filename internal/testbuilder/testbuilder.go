// Package testbuilder runs a real remote builder for Nix's distributed
// builds on this machine: Debian's sshd on 127.0.0.1, on a free port, with
// a key of its own, whose forced command runs Nix in a mount namespace
// where an empty directory is bind-mounted on /nix, so the builder has a
// store of its own (sharing the local one deadlocks on its locks). Nix
// reaches it through an ssh_config Host alias given in NIX_SSHOPTS.
package testbuilder

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nixplore/nixplore/internal/testsys"
)

// SSHD is where Debian's openssh-server puts the daemon.
const SSHD = "/usr/sbin/sshd"

// Builder is a running builder (or, from Unreachable, one nobody answers).
type Builder struct {
	Alias  string // the ssh_config Host alias, e.g. "nixplore-builder"
	Port   int
	Config string // the ssh_config file holding the alias
	Store  string // the directory mounted on /nix on the builder
	// Systems it builds (extra-platforms there): the local one and these.
	Systems []string
}

// URI is the builder's store URI, as Nix names it in its log.
func (b *Builder) URI() string { return "ssh://" + b.Alias }

// Spec is a --builders value for this builder and system.
func (b *Builder) Spec(system string) string { return b.URI() + " " + system }

// SSHOpts is the NIX_SSHOPTS value that makes Nix's ssh find the alias.
func (b *Builder) SSHOpts() string { return "-F " + b.Config }

// Env is the environment entry Nix needs to reach the builder (for
// processes started outside the test, e.g. in tmux).
func (b *Builder) Env() string { return "NIX_SSHOPTS=" + b.SSHOpts() }

// Setenv sets NIX_SSHOPTS for the rest of the test.
func (b *Builder) Setenv(t testing.TB) { t.Setenv("NIX_SSHOPTS", b.SSHOpts()) }

func need(t testing.TB) {
	t.Helper()
	if _, err := os.Stat(SSHD); err != nil {
		testsys.Missing(t, "%s is missing: apt-get install openssh-server (.ci/run and the Makefile's test target install it)", SSHD)
	}
	for _, p := range []string{"ssh", "unshare", "mount"} {
		if _, err := exec.LookPath(p); err != nil {
			testsys.Missing(t, "%s is not on PATH (openssh-client, util-linux, mount)", p)
		}
	}
	if os.Geteuid() != 0 {
		testsys.Missing(t, "a builder with a store of its own needs root (mount --bind on /nix in a mount namespace)")
	}
}

// freePort asks the kernel for a port nothing listens on.
func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// Start runs sshd as a builder for the local system and extraPlatforms
// (e.g. "aarch64-linux": the fixtures' builder is /bin/sh, so such
// derivations really build there) and stops it when the test ends.
func Start(t testing.TB, extraPlatforms ...string) *Builder {
	t.Helper()
	need(t)
	dir := t.TempDir()
	b := &Builder{Alias: "nixplore-builder", Port: freePort(t), Store: filepath.Join(dir, "store"), Systems: extraPlatforms}
	if err := os.Mkdir(b.Store, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"hostkey", "userkey"} {
		if out, err := exec.Command("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", filepath.Join(dir, k)).CombinedOutput(); err != nil {
			t.Fatalf("ssh-keygen: %v %s", err, out)
		}
	}
	pub, err := os.ReadFile(filepath.Join(dir, "userkey.pub"))
	if err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(dir, "authorized_keys"), string(pub), 0o600)
	// The forced command: a mount namespace whose /nix is the builder's
	// own empty directory, and Nix settings of its own there. No build
	// users: their locks live under /nix, so the builder's Nix and this
	// machine's would hand out the same nixbld uid at once, and each kills
	// every process of its uid when a build ends (a build on the other
	// side then dies of signal 9).
	nixConfig := "extra-platforms = " + strings.Join(extraPlatforms, " ") + "\nsandbox = false\nsubstituters =\nbuild-users-group ="
	write(t, filepath.Join(dir, "force.sh"), fmt.Sprintf(`#!/bin/sh
export NIX_CONFIG=%s
exec unshare -m sh -c 'mount --bind "$0" /nix && exec sh -c "$SSH_ORIGINAL_COMMAND"' %s
`, shq(nixConfig), shq(b.Store)), 0o755)
	write(t, filepath.Join(dir, "sshd_config"), fmt.Sprintf(`Port %d
ListenAddress 127.0.0.1
HostKey %s
AuthorizedKeysFile %s
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
StrictModes no
UsePAM no
PidFile none
ForceCommand %s
`, b.Port, filepath.Join(dir, "hostkey"), filepath.Join(dir, "authorized_keys"), filepath.Join(dir, "force.sh")), 0o600)
	b.Config = filepath.Join(dir, "ssh_config")
	writeSSHConfig(t, b, filepath.Join(dir, "userkey"))
	// sshd needs its privilege separation directory.
	_ = os.MkdirAll("/run/sshd", 0o755)
	cmd := exec.Command(SSHD, "-D", "-e", "-f", filepath.Join(dir, "sshd_config"))
	logf, err := os.Create(filepath.Join(dir, "sshd.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", SSHD, err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
		logf.Close()
	})
	// Ready when a command runs through the alias, inside the namespace.
	deadline := time.Now().Add(20 * time.Second)
	for {
		out, err := exec.Command("ssh", "-F", b.Config, b.Alias, "echo ok").CombinedOutput()
		if err == nil && strings.TrimSpace(string(out)) == "ok" {
			break
		}
		select {
		case <-exited:
			log, _ := os.ReadFile(filepath.Join(dir, "sshd.log"))
			t.Fatalf("sshd exited: %s", log)
		default:
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(filepath.Join(dir, "sshd.log"))
			t.Fatalf("the builder did not answer over ssh: %v %s\nsshd log:\n%s", err, out, log)
		}
		time.Sleep(100 * time.Millisecond)
	}
	return b
}

// Unreachable is an alias for a port on 127.0.0.1 nobody listens on: Nix's
// ssh gets "Connection refused".
func Unreachable(t testing.TB) *Builder {
	t.Helper()
	dir := t.TempDir()
	b := &Builder{Alias: "nixplore-dead-builder", Port: freePort(t), Config: filepath.Join(dir, "ssh_config")}
	writeSSHConfig(t, b, filepath.Join(dir, "nokey"))
	return b
}

func writeSSHConfig(t testing.TB, b *Builder, key string) {
	t.Helper()
	write(t, b.Config, fmt.Sprintf(`Host %s
  HostName 127.0.0.1
  Port %d
  User root
  IdentityFile %s
  IdentitiesOnly yes
  BatchMode yes
  StrictHostKeyChecking no
  UserKnownHostsFile /dev/null
  LogLevel ERROR
`, b.Alias, b.Port, key), 0o600)
}

func write(t testing.TB, path, text string, mode os.FileMode) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), mode); err != nil {
		t.Fatal(err)
	}
}

// shq quotes s for sh.
func shq(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// Salt makes every derivation of the fixtures new for the rest of the test
// (the stand-in nixpkgs' mkDrv mixes NIXPLORE_REMOTE_SALT in), so a build
// really runs on the builder, and what it copies back is nothing another
// test expects unbuilt.
func Salt(t testing.TB) {
	t.Setenv("NIXPLORE_REMOTE_SALT", fmt.Sprintf("%s-%d", t.Name(), time.Now().UnixNano()))
}
