package testsys

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestShortDirHoldsSockets: under a TMPDIR too long for a socket (a
// checkout's own temporary directory, say), ShortDir's directory still
// takes a Unix socket with a name like Nix's ssh ControlPath.
func TestShortDirHoldsSockets(t *testing.T) {
	long := filepath.Join(t.TempDir(), strings.Repeat("a-long-temporary-directory/", 4))
	if err := os.MkdirAll(long, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("TMPDIR", long)
	for _, name := range []string{"tmux", "nix-1234567-1/ssh.sock"} {
		sock := filepath.Join(ShortDir(t), name)
		if err := os.MkdirAll(filepath.Dir(sock), 0o700); err != nil {
			t.Fatal(err)
		}
		l, err := net.Listen("unix", sock)
		if err != nil {
			t.Fatalf("a socket at %s (%d bytes): %v", sock, len(sock), err)
		}
		l.Close()
	}
	if _, err := net.Listen("unix", filepath.Join(long, "nix-1234567-1-ssh.sock")); err == nil {
		t.Fatal("a socket under the long TMPDIR works: this test shows nothing")
	}
}

// CI is recognised in the spellings CI services use, and nothing else.
func TestCI(t *testing.T) {
	for v, want := range map[string]bool{"true": true, "TRUE": true, "True": true, "1": true, "yes": true, "YES": true,
		"": false, "false": false, "0": false, "no": false} {
		t.Setenv("CI", v)
		if CI() != want {
			t.Errorf("CI=%q: CI() = %v", v, !want)
		}
	}
}
