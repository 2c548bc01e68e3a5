package termsafe

import (
	"strings"
	"testing"
)

// Control characters, C1, bidirectional overrides and invalid UTF-8 become visible; the cut
// never splits an escape or a rune, and says it cut.
func TestText(t *testing.T) {
	cases := map[string]struct {
		in   string
		n    int
		want string
	}{
		"plain":         {"  quota exceeded \n", 100, "quota exceeded"},
		"C0 and ESC":    {"a\x1b[31mb\x07", 100, `a\x1b[31mb\x07`},
		"DEL and C1":    {"a\x7fb\u009bc", 100, `a\x7fb\u009bc`},
		"bidi":          {"x\u202etxt\u2066\u200f", 100, `x\u202etxt\u2066\u200f`},
		"invisible":     {"not_needed_repair\u200b \ufeffx\u200dy", 100, `not_needed_repair\u200b \ufeffx\u200dy`},
		"invalid UTF-8": {"a\xffb", 100, "a\uFFFDb"},
		"cut":           {"abcdef", 4, "abcd…"},
		"escape whole":  {"ab\x1b", 4, "ab…"},
		"rune whole":    {"aéé", 2, "a…"},
		"exactly n":     {"abcd", 4, "abcd"},
	}
	for name, c := range cases {
		if got := Text(c.in, c.n); got != c.want {
			t.Errorf("%s: Text(%q, %d) = %q, want %q", name, c.in, c.n, got, c.want)
		}
	}
	if got := RequestID(strings.Repeat("r", 200)); len(got) != 128+len("…") {
		t.Errorf("a request ID of 200 bytes became %d", len(got))
	}
}
