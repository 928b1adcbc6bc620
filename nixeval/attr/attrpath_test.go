package attr

import (
	"errors"
	"testing"
)

func TestParseAndPrintPath(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		want  Path
		print string
	}{
		{"plain", "config.system.build", Path{"config", "system", "build"}, "config.system.build"},
		{"quoted dot", `config.system.build.units."sshd.service"`, Path{"config", "system", "build", "units", "sshd.service"}, `config.system.build.units."sshd.service"`},
		{"dash and quote in bare", "nixos-rebuild.a'b", Path{"nixos-rebuild", "a'b"}, "nixos-rebuild.a'b"},
		{"escaped quote", `a."x\"y"`, Path{"a", `x"y`}, `a."x\"y"`},
		{"backslash", `a."x\\y"`, Path{"a", `x\y`}, `a."x\\y"`},
		{"newline", `a."x\ny"`, Path{"a", "x\ny"}, `a."x\ny"`},
		{"dollar brace", `a."\${x}"`, Path{"a", "${x}"}, `a."\${x}"`},
		{"lone dollar", `a."$x"`, Path{"a", "$x"}, `a."$x"`},
		{"space", `a."with space"`, Path{"a", "with space"}, `a."with space"`},
		{"keyword", `a."if"`, Path{"a", "if"}, `a."if"`},
		{"empty name", `a.""`, Path{"a", ""}, `a.""`},
		{"empty path", "", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.in)
			if err != nil {
				t.Fatalf("ParsePath(%q): %v", tt.in, err)
			}
			if !got.Equal(tt.want) {
				t.Fatalf("ParsePath(%q) = %#v, want %#v", tt.in, got, tt.want)
			}
			if s := got.String(); s != tt.print {
				t.Fatalf("String() = %q, want %q", s, tt.print)
			}
		})
	}
}

func TestParsePathErrors(t *testing.T) {
	for _, in := range []string{"a..b", ".a", "a.", `a."b`, `a."b"c`, `a"b"`, "a b", `a."${x}"`, `a."\`, "a.${b}"} {
		t.Run(in, func(t *testing.T) {
			_, err := Parse(in)
			var pe *PathError
			if !errors.As(err, &pe) {
				t.Fatalf("ParsePath(%q) = %v, want a *PathError", in, err)
			}
			if pe.Error() == "" {
				t.Fatal("empty message")
			}
		})
	}
}

func TestShellQuote(t *testing.T) {
	tests := map[string]string{
		"":                  "''",
		"plain/path-1.2":    "plain/path-1.2",
		"<nixpkgs/nixos>":   "'<nixpkgs/nixos>'",
		"it's":              `'it'\''s'`,
		"$(touch /tmp/x)":   "'$(touch /tmp/x)'",
		"a\nb":              "'a\nb'",
		"nixos-config=./x":  "nixos-config=./x",
		"'; rm -rf /; '":    `''\''; rm -rf /; '\'''`,
		"`id`":              "'`id`'",
		"with space":        "'with space'",
		"back\\slash":       "'back\\slash'",
		"nixpkgs=channel:x": "nixpkgs=channel:x",
	}
	for in, want := range tests {
		if got := ShellQuote(in); got != want {
			t.Errorf("ShellQuote(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestAttrForA(t *testing.T) {
	if s, ok := ForA(Path{"config", "units", "sshd.service", "new\nline"}); !ok || s != "config.units.\"sshd.service\".\"new\nline\"" {
		t.Fatalf("attrForA = %q %v", s, ok)
	}
	if _, ok := ForA(Path{"a\"b"}); ok {
		t.Fatal("a name with a double quote cannot be written for -A")
	}
}

func TestPrintable(t *testing.T) {
	tests := map[string]string{
		"plain name":       "plain name",
		"\x1b[31mred":      `\x1b[31mred`,
		"new\nline":        `new\nline`,
		"bad\xffname":      `bad\xffname`,
		"tab\tok":          "tab\tok",
		"caf\u00e9":        "caf\u00e9",
		"bell\a":           `bell\a`,
		"\u202eRTLO trick": `\u202eRTLO trick`,
	}
	for in, want := range tests {
		if got := Printable(in); got != want {
			t.Errorf("Printable(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestWireNameRoundTrip(t *testing.T) {
	p := Path{"plain", "new\nline", "bad\xffname", "caf\u00e9", `a"b`, "${x}"}
	b, err := p.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	var q Path
	if err := q.UnmarshalJSON(b); err != nil {
		t.Fatal(err)
	}
	if !q.Equal(p) {
		t.Fatalf("round trip: %q -> %s -> %q", p, b, q)
	}
}

func FuzzParsePath(f *testing.F) {
	for _, s := range []string{"config.system.build", `a."b.c"`, `a."x\"y"`, `a."\${x}"`, "a..b", `"`, `a."\n"`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := Parse(s)
		if err != nil {
			return
		}
		// Printing then parsing gives the same names.
		q, err := Parse(p.String())
		if err != nil {
			t.Fatalf("ParsePath(%q) of printed %q: %v", p.String(), s, err)
		}
		if !q.Equal(p) {
			t.Fatalf("round trip %q: %q != %q", s, q, p)
		}
	})
}

func FuzzPrintParse(f *testing.F) {
	for _, s := range []string{"a", "sshd.service", `a"b`, "${x}", "new\nline", "", "\xff", "if"} {
		f.Add(s, "tail")
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		p := Path{a, b}
		q, err := Parse(p.String())
		if err != nil {
			t.Fatalf("ParsePath(%q): %v", p.String(), err)
		}
		if !q.Equal(p) {
			t.Fatalf("print/parse %q -> %q -> %q", p, p.String(), q)
		}
	})
}
