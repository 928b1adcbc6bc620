package testsys

import "testing"

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
