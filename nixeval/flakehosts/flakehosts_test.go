package flakehosts_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/nixplore/nixplore/internal/testnix"
	"github.com/nixplore/nixplore/nixeval/flakehosts"
)

func TestList(t *testing.T) {
	testnix.Setup(t)
	dir := testnix.FlakeDir(t)
	hosts, err := flakehosts.List(context.Background(), "path:"+dir, nil)
	if err != nil || !reflect.DeepEqual(hosts, []string{"laptop", "pi"}) {
		t.Fatalf("got %q, %v", hosts, err)
	}
	// A directory that holds no flake is Nix's error, not an empty list.
	if hosts, err := flakehosts.List(context.Background(), "path:"+t.TempDir(), nil); err == nil {
		t.Fatalf("no flake: got %q and no error", hosts)
	}
}
