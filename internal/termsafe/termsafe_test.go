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
		"C0 edges":      {"a\x00\x1f\x20b", 100, `a\x00\x1f b`},
		"C1 edges":      {"\u007e\u0080\u009f\u00a0x", 100, "~\\u0080\\u009f\u00a0x"},
		"inner spaces":  {"\t a  b \r\n", 100, "a  b"},
		"tab inside":    {"a\tb", 100, `a\x09b`},
		"escape fits":   {"ab\x1b", 6, `ab\x1b`},
		"nothing fits":  {"abc", 0, "…"},
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

func TestJoin(t *testing.T) {
	for _, c := range []struct {
		items   []string
		and, or string
	}{
		{nil, "", ""},
		{[]string{"a"}, "a", "a"},
		{[]string{"a", "b"}, "a and b", "a or b"},
		{[]string{"a", "b", "c"}, "a, b and c", "a, b or c"},
	} {
		if got := JoinAnd(c.items); got != c.and {
			t.Errorf("JoinAnd(%q) = %q, want %q", c.items, got, c.and)
		}
		if got := JoinOr(c.items); got != c.or {
			t.Errorf("JoinOr(%q) = %q, want %q", c.items, got, c.or)
		}
	}
}

func TestOrNone(t *testing.T) {
	for in, want := range map[string]string{"": "(none returned)", "r-1": "r-1", " ": " "} {
		if got := OrNone(in); got != want {
			t.Errorf("OrNone(%q) = %q, want %q", in, got, want)
		}
	}
}
