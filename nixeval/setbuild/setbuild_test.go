package setbuild

import (
	"testing"

	"github.com/nixplore/nixplore/nixeval"
)

func TestSetWarnings(t *testing.T) {
	for _, tc := range []struct {
		got, want string
	}{
		{Contents{Children: 25}.Warning(), "builds every derivation inside (25 attributes)"},
		{Contents{Children: 1, What: "every image variant"}.Warning(), "builds every derivation inside (1 attribute): every image variant"},
		{CountChildren([]nixeval.Child{{Kind: nixeval.KindDerivation}, {Kind: nixeval.KindAttrs}, {Kind: nixeval.KindDerivation}}).Warning(), "builds 2 derivations: every derivation directly inside"},
		{Contents{Known: true, Derivations: 24, What: "every image variant"}.Warning(), "builds 24 derivations: every image variant"},
		{CountChildren([]nixeval.Child{{Kind: nixeval.KindDerivation}, {Kind: nixeval.KindPending}}).Warning(), "builds every derivation inside (2 attributes)"},
		{SummaryClause("Every image variant this configuration can be turned into, one attribute per variant."), "every image variant this configuration can be turned into"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
	for kind, want := range map[string]bool{nixeval.KindDerivation: true, nixeval.KindAttrs: true, nixeval.KindList: true, nixeval.KindString: false, nixeval.KindInt: false, nixeval.KindBool: false, nixeval.KindNull: false, nixeval.KindPath: false, nixeval.KindFunction: false} {
		if Buildable(kind) != want {
			t.Errorf("Buildable(%s) = %v", kind, !want)
		}
	}
}
