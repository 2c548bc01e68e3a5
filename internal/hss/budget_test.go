package hss

import (
	"crypto/tls"
	"strings"
	"testing"
	"time"
)

// A retry costs its price; a success pays back what its retries cost, or one token when it
// needed none, never beyond the capacity.
func TestRetryBudgetAccounts(t *testing.T) {
	b := newRetryBudget(20)
	if !b.take(retryCost) || !b.take(timeoutRetryCost) || b.left() != 5 {
		t.Fatalf("left %d after a retry and a timeout retry, want 5", b.left())
	}
	if b.take(retryCost + 1) {
		t.Fatal("a retry costing more than is left went")
	}
	b.succeeded(0)
	if b.left() != 5+successRefund || successRefund != 1 {
		t.Fatalf("left %d after a success without retries", b.left())
	}
	b.succeeded(retryCost)
	if b.left() != 11 {
		t.Fatalf("left %d after a success that paid for one retry", b.left())
	}
	b.succeeded(100)
	if b.left() != 20 {
		t.Fatalf("left %d, more than the capacity", b.left())
	}
}

// gRPC's retry throttling: failures take a token each and retries stop at half the tokens;
// it takes ten successes, not one, to give back a failure's token.
func TestRetryThrottleAccounts(t *testing.T) {
	th := newRetryThrottle()
	allowed := 0
	for th.failed() {
		allowed++
	}
	if allowed != int(throttleMaxTokens/2)-1 {
		t.Fatalf("%d failures retried before the throttle closed", allowed)
	}
	// Closed at half less one: ten successes give the token back, nine do not.
	closedAt := th.tokens
	for range 9 {
		th.succeeded()
	}
	if th.tokens-closedAt > 0.95 || th.tokens-closedAt < 0.85 {
		t.Fatalf("nine successes gave back %.2f tokens, want 0.9", th.tokens-closedAt)
	}
	for range 1000 {
		th.succeeded()
	}
	if th.tokens != throttleMaxTokens {
		t.Fatalf("%.1f tokens, more or less than the maximum", th.tokens)
	}
}

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

// The transport's own limits hold whatever the configuration leaves unset: headers within
// DefaultResponseHeaderTimeout, a configured value otherwise.
func TestTransportDefaults(t *testing.T) {
	tr, err := newBaseTransport(Config{})
	if err != nil {
		t.Fatal(err)
	}
	if tr.ResponseHeaderTimeout != DefaultResponseHeaderTimeout || DefaultResponseHeaderTimeout != 30*time.Second {
		t.Fatalf("response header timeout %s", tr.ResponseHeaderTimeout)
	}
	if tr, _ = newBaseTransport(Config{ResponseHeaderTimeout: time.Second}); tr.ResponseHeaderTimeout != time.Second {
		t.Fatalf("response header timeout %s", tr.ResponseHeaderTimeout)
	}
	if tr.MaxConnsPerHost != maxConnsPerHost || tr.TLSClientConfig.MinVersion != tls.VersionTLS12 || tr.Proxy == nil {
		t.Fatalf("%+v", tr)
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
