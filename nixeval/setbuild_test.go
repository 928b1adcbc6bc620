package nixeval

import "testing"

func TestCountAndSetWarnings(t *testing.T) {
	for _, tc := range []struct {
		got, want string
	}{
		{Count(0, "derivation"), "0 derivations"},
		{Count(1, "attribute"), "1 attribute"},
		{Count(2, "more line"), "2 more lines"},
		{SetContents{Children: 25}.Warning(), "builds every derivation inside (25 attributes)"},
		{SetContents{Children: 1, What: "every image variant"}.Warning(), "builds every derivation inside (1 attribute): every image variant"},
		{CountChildren([]Child{{Kind: KindDerivation}, {Kind: KindAttrs}, {Kind: KindDerivation}}).Warning(), "builds 2 derivations: every derivation directly inside"},
		{SetContents{Known: true, Derivations: 24, What: "every image variant"}.Warning(), "builds 24 derivations: every image variant"},
		{CountChildren([]Child{{Kind: KindDerivation}, {Kind: KindPending}}).Warning(), "builds every derivation inside (2 attributes)"},
		{SummaryClause("Every image variant this configuration can be turned into, one attribute per variant."), "every image variant this configuration can be turned into"},
		{AKind(KindAttrs) + "/" + AKind(KindString) + "/" + AKind(KindInt), "an attribute set/a string/an int"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
	for kind, want := range map[string]bool{KindDerivation: true, KindAttrs: true, KindList: true, KindString: false, KindInt: false, KindBool: false, KindNull: false, KindPath: false, KindFunction: false} {
		if Buildable(kind) != want {
			t.Errorf("Buildable(%s) = %v", kind, !want)
		}
	}
}
