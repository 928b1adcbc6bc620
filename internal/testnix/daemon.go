package testnix

import (
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// UntrustedUser is the account tests run Nix as to be an untrusted user
// of a nix-daemon, the NixOS default.
const UntrustedUser = "nixplore-untrusted"

// Daemon is a nix-daemon of the Nix under test on a socket of its own
// (so it never meets the machine's daemon, nor another test's), with its
// own settings, as the system's /etc/nix/nix.conf would give it.
type Daemon struct {
	Dir    string // world-readable scratch directory holding the socket
	Socket string
	Store  string // the store URL clients use: unix://SOCKET
	cmd    *exec.Cmd
}

// Alive reports whether the daemon process still runs.
func (d *Daemon) Alive() bool {
	return d.cmd.Process.Signal(syscall.Signal(0)) == nil && d.cmd.ProcessState == nil
}

// StartDaemon starts a nix-daemon (root is needed: without it the test
// ends through Missing) with NIX_CONFIG conf and stops it when the test
// ends. Its directory is world-readable, so the untrusted user reaches
// the socket and the files the test puts there.
func StartDaemon(t testing.TB, conf string) *Daemon {
	t.Helper()
	if os.Geteuid() != 0 {
		Missing(t, "starting a nix-daemon and running as another user needs root")
	}
	bin, err := exec.LookPath("nix-daemon")
	if err != nil {
		Missing(t, "nix-daemon is not on PATH")
	}
	// A short directory: a Unix socket's path is limited to 108 bytes.
	dir, err := os.MkdirTemp("/tmp", "npd-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	d := &Daemon{Dir: dir, Socket: filepath.Join(dir, "socket")}
	d.Store = "unix://" + d.Socket
	cmd := exec.Command(bin)
	d.cmd = cmd
	cmd.Env = append(os.Environ(), "NIX_DAEMON_SOCKET_PATH="+d.Socket, "NIX_CONFIG="+conf)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	log, err := os.Create(filepath.Join(dir, "daemon.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		// The daemon and the workers it forked for connections.
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		_ = cmd.Wait()
		log.Close()
	})
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if _, err := os.Stat(d.Socket); err == nil {
			return d
		}
		if time.Now().After(deadline) {
			b, _ := os.ReadFile(log.Name())
			t.Fatalf("nix-daemon did not create %s:\n%s", d.Socket, b)
		}
	}
}

// Untrusted returns the uid and gid of UntrustedUser, creating the
// account (no home, no login) when it is missing, and a home directory
// of its own under the daemon's directory.
func (d *Daemon) Untrusted(t testing.TB) (uid, gid uint32, home string) {
	t.Helper()
	u, err := user.Lookup(UntrustedUser)
	if err != nil {
		if out, err := exec.Command("useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", UntrustedUser).CombinedOutput(); err != nil {
			Missing(t, "cannot create the user %s: %v %s", UntrustedUser, err, out)
		}
		if u, err = user.Lookup(UntrustedUser); err != nil {
			t.Fatal(err)
		}
	}
	id, _ := strconv.Atoi(u.Uid)
	g, _ := strconv.Atoi(u.Gid)
	home = filepath.Join(d.Dir, "home")
	if err := os.MkdirAll(home, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(home, id, g); err != nil {
		t.Fatal(err)
	}
	return uint32(id), uint32(g), home
}

// AsUser makes cmd run as uid/gid with no supplementary groups.
func AsUser(cmd *exec.Cmd, uid, gid uint32) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uid, Gid: gid, Groups: []uint32{}}}
}
