package testsys

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// goCache is Go's build cache as it was when the test binary started:
// tests point XDG_CACHE_HOME at empty directories (so nixplore's cache
// starts empty), which would also give `go build` an empty cache and a
// full compile of every dependency (a minute or more here) each time.
var goCache = func() string {
	out, err := exec.Command("go", "env", "GOCACHE").Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}()

// GoBuild builds the Go package pkg (a directory) into the program out,
// with the build cache the machine already has.
func GoBuild(t testing.TB, out, pkg string) {
	t.Helper()
	cmd := exec.Command("go", "build", "-o", out, pkg)
	cmd.Env = os.Environ()
	if goCache != "" {
		cmd.Env = append(cmd.Env, "GOCACHE="+goCache)
	}
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", pkg, err, b)
	}
}
