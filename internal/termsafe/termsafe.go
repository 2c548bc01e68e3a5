// Package termsafe makes text that came from a server or a user safe to print in a terminal.
package termsafe

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Text makes text a server sent safe to print in a terminal: invalid UTF-8 becomes
// U+FFFD; control characters (C0 with ESC, DEL, C1), which a terminal acts on, and format
// characters (bidirectional overrides, which reorder what is shown, and invisible ones such as
// a zero-width space, which make two different values look alike) become visible escapes such
// as \x1b or \u200b;
// and the result is cut to at most n bytes with "…". A server cannot then print a fake
// "Error:" line, colour the output or retitle the terminal.
func Text(s string, n int) string {
	var b strings.Builder
	for _, r := range strings.TrimSpace(s) {
		var piece string
		switch {
		case r == utf8.RuneError:
			piece = "\uFFFD"
		case r < 0x20 || r == 0x7f:
			piece = fmt.Sprintf(`\x%02x`, r)
		case r >= 0x80 && r <= 0x9f, unicode.Is(unicode.Cf, r):
			piece = fmt.Sprintf(`\u%04x`, r)
		default:
			piece = string(r)
		}
		if b.Len()+len(piece) > n {
			b.WriteString("…")
			break
		}
		b.WriteString(piece)
	}
	return b.String()
}

// RequestID is a request ID as the server sent it, bounded.
func RequestID(s string) string { return Text(s, 128) }

// OrNone is s, or a phrase saying the server sent none.
func OrNone(s string) string {
	if s == "" {
		return "(none returned)"
	}
	return s
}

// JoinAnd joins items for a sentence: "a, b and c".
func JoinAnd(items []string) string { return join(items, " and ") }

// JoinOr joins items for a sentence: "a, b or c".
func JoinOr(items []string) string { return join(items, " or ") }

func join(items []string, last string) string {
	if len(items) < 2 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + last + items[len(items)-1]
}
