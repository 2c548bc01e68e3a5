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

// A password written into an endpoint never reaches a message.
func TestURLUserInfoIsRedacted(t *testing.T) {
	for in, want := range map[string]string{
		"https://admin:S3cret@iam.example.com/v3":   "https://***@iam.example.com/v3",
		"https://admin@iam.example.com":             "https://***@iam.example.com",
		"iam.example.com:S3cret@x/v3":               "***@x/v3",
		"https://a:b@c@iam.example.com/p?x=y@z#f@g": "https://***@iam.example.com/p?x=y@z#f@g",
		"https://iam.example.com/v3?x=a@b":          "https://iam.example.com/v3?x=a@b",
		"not a url":                                 "not a url",
	} {
		if got := URL(in); got != want {
			t.Errorf("RedactURL(%q) = %q, want %q", in, got, want)
		}
	}
	var r Redactor
	if got := r.Redact(`Get "https://admin:S3cret@iam.example.com/v3/projects": refused`); strings.Contains(got, "S3cret") || strings.Contains(got, "admin") {
		t.Fatalf("Redact kept user information: %s", got)
	}
}

// A secret that contains another is replaced whole, whether each was configured or obtained and
// in whichever order they came: no tail of the longer one survives.
func TestNestedSecretsAreRedactedWhole(t *testing.T) {
	short, long := "sk-0123456789abcdef", "sk-0123456789abcdef-extended-session-token"
	for name, add := range map[string]func(r *Redactor){
		"configured, short first":         func(r *Redactor) { r.Add(short); r.Add(long) },
		"configured, long first":          func(r *Redactor) { r.Add(long); r.Add(short) },
		"short configured, long obtained": func(r *Redactor) { r.Add(short); r.AddObtained(long) },
		"long configured, short obtained": func(r *Redactor) { r.Add(long); r.AddObtained(short) },
		"obtained, short first":           func(r *Redactor) { r.AddObtained(short); r.AddObtained(long) },
	} {
		var r Redactor
		add(&r)
		if got := r.Redact("a " + long + " b " + short + " c"); got != "a "+Redacted+" b "+Redacted+" c" {
			t.Errorf("%s: %q", name, got)
		}
	}
}

// Credential fields a server quotes are redacted even when their values were never known.
func TestRedactUnknownCredentialFields(t *testing.T) {
	var r Redactor
	for _, in := range []string{
		`X-Auth-Token: MIIabcdefghijkl`, `{"X-Security-Token":"st-unknown-value"}`, `authorization=SDK-HMAC-SHA256 Access=AK, Signature=0123456789abcdef0123`,
		`{"auth":{"identity":{"password":{"user":{"name":"u","password":"hunter2-secret"}}}}}`, `{"credential":{"access":"AK","secret":"sk-unknown-value","securitytoken":"st-unknown-value"}}`,
		`id_token=eyJhbGciOi.payload.sig&x=1`, `\"password\":\"escaped-secret\"`,
	} {
		out := r.Redact(in)
		for _, s := range []string{"MIIabcdefghijkl", "st-unknown-value", "0123456789abcdef0123", "hunter2-secret", "sk-unknown-value", "eyJhbGciOi.payload.sig", "escaped-secret"} {
			if strings.Contains(out, s) {
				t.Errorf("Redact(%s) = %s", in, out)
			}
		}
	}
	r.Add("a-known-secret-1", "xy")
	if got := r.Redact("a-known-secret-1 and xy"); got != "*** and xy" {
		t.Fatalf("got %q", got)
	}
}
