package redact

import (
	"strings"
	"testing"
)

// A secret of the shortest length kept is redacted; a shorter one is not, as it would blank
// ordinary words.
func TestShortestSecretIsRedacted(t *testing.T) {
	var r Redactor
	exact, short := strings.Repeat("q", minSecretLen), strings.Repeat("z", minSecretLen-1)
	r.Add(exact, short)
	if got := r.Redact("a " + exact + " b " + short); got != "a "+Redacted+" b "+short {
		t.Fatalf("%q", got)
	}
}

// A log field is redacted when it is written, as text and as JSON, not before.
func TestLogFieldsAreRedactedWhenWritten(t *testing.T) {
	var r Redactor
	r.Add("sk-secret-value-0001")
	f := redactedText{&r, "refused sk-secret-value-0001 here"}
	if got := f.String(); got != "refused "+Redacted+" here" {
		t.Fatalf("String %q", got)
	}
	if b, err := f.MarshalJSON(); err != nil || string(b) != `"refused `+Redacted+` here"` {
		t.Fatalf("JSON %s %v", b, err)
	}
}
