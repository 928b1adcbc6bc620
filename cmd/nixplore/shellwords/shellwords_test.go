package shellwords

import (
	"reflect"
	"testing"
)

func TestSplitShellLine(t *testing.T) {
	for _, c := range []struct {
		line  string
		words []string
		raw   string
	}{
		{"nixplore ", []string{"nixplore", ""}, ""},
		{"nixplore ls", []string{"nixplore", "ls"}, "ls"},
		{`nixplore -I 'a b' c\ d "e\"f" 'g`, []string{"nixplore", "-I", "a b", "c d", `e"f`, "g"}, "'g"},
		{`nixplore x.\"y\ z`, []string{"nixplore", `x."y z`}, `x.\"y\ z`},
		{`nixplore "a b`, []string{"nixplore", "a b"}, `"a b`},
	} {
		words, raw, ok := SplitLine(c.line)
		if !ok || !reflect.DeepEqual(words, c.words) || raw != c.raw {
			t.Errorf("%s: got %q %q", c.line, words, raw)
		}
	}
}
