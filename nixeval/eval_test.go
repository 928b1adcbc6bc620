package nixeval

import "testing"

func TestCountAndAKind(t *testing.T) {
	for _, tc := range []struct {
		got, want string
	}{
		{Count(0, "derivation"), "0 derivations"},
		{Count(1, "attribute"), "1 attribute"},
		{Count(2, "more line"), "2 more lines"},
		{AKind(KindAttrs) + "/" + AKind(KindString) + "/" + AKind(KindInt), "an attribute set/a string/an int"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}
