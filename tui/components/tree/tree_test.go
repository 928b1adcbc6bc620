package tree

import (
	"testing"

	"github.com/nixplore/nixplore/nixeval"
	"github.com/nixplore/nixplore/nixeval/attr"
)

// A new listing of a set (r) keeps the children still there, with their
// expansion and their own children, and drops the ones gone from the
// index.
func TestNewListingKeepsWhatIsStillThere(t *testing.T) {
	root := attr.Path{"config", "system", "build"}
	tr := New(root)
	set := func(n string) nixeval.Child { return nixeval.Child{Name: n, Kind: nixeval.KindAttrs} }
	tr.SetChildren(tr.Root, []nixeval.Child{set("manual"), set("units")})
	manual := tr.Find(root.Child("manual"))
	tr.SetChildren(manual, []nixeval.Child{{Name: "manpages", Kind: nixeval.KindDerivation}})
	manual.Expanded = true
	tr.Flatten()
	if len(tr.Visible) != 4 {
		t.Fatalf("%d rows visible, want 4", len(tr.Visible))
	}
	tr.SetChildren(tr.Root, []nixeval.Child{set("manual")})
	if got := tr.Find(root.Child("manual")); got != manual || !got.Expanded || len(got.Children) != 1 {
		t.Errorf("manual after the new listing: %+v", got)
	}
	if tr.Find(root.Child("units")) != nil {
		t.Error("units, gone from the listing, is still in the index")
	}
	tr.Flatten()
	if len(tr.Visible) != 3 {
		t.Errorf("%d rows visible after the new listing, want 3", len(tr.Visible))
	}
}
