package explain

import (
	"strings"
	"testing"
)

// wantIn fails for every text of want that detail lacks and every text of notWants it has.
func wantIn(t *testing.T, detail string, want, notWants []string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(detail, w) {
			t.Errorf("detail lacks %q:\n%s", w, detail)
		}
	}
	for _, w := range notWants {
		if strings.Contains(detail, w) {
			t.Errorf("detail has %q:\n%s", w, detail)
		}
	}
}
