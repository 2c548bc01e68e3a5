package transport

import (
	"crypto/tls"
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

// The transport's own limits hold whatever the configuration leaves unset: headers within
// DefaultResponseHeaderTimeout, a configured value otherwise.
func TestTransportDefaults(t *testing.T) {
	tr, err := NewPool(PoolOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if tr.ResponseHeaderTimeout != DefaultResponseHeaderTimeout || DefaultResponseHeaderTimeout != 30*time.Second {
		t.Fatalf("response header timeout %s", tr.ResponseHeaderTimeout)
	}
	if tr, _ = NewPool(PoolOptions{ResponseHeaderTimeout: time.Second}); tr.ResponseHeaderTimeout != time.Second {
		t.Fatalf("response header timeout %s", tr.ResponseHeaderTimeout)
	}
	if tr.MaxConnsPerHost != MaxConnsPerHost || tr.TLSClientConfig.MinVersion != tls.VersionTLS12 || tr.Proxy == nil {
		t.Fatalf("%+v", tr)
	}
}

// Retry-After is clamped: a huge value waits the cap, not forever and not zero; a date in the
// past waits the minimum back-off, not zero.
func TestRetryAfterIsClamped(t *testing.T) {
	now := time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
	cases := map[string]time.Duration{
		"9999999999":                    60 * time.Second,
		"18446744073709551615":          60 * time.Second,
		"61":                            60 * time.Second,
		"3":                             3 * time.Second,
		"0":                             200 * time.Millisecond,
		"Sun, 29 Nov 2026 11:00:00 GMT": 200 * time.Millisecond,
		"Sun, 29 Nov 2026 12:00:30 GMT": 30 * time.Second,
		"Mon, 29 Nov 2027 12:00:00 GMT": 60 * time.Second,
	}
	for v, want := range cases {
		if got := retryAfterWait(v, now, 200*time.Millisecond); got != want {
			t.Errorf("Retry-After %q: wait %s, want %s", v, got, want)
		}
	}
	// The cap holds even above a floor configured past it.
	if got := retryAfterWait("3", now, 2*time.Minute); got != 60*time.Second {
		t.Errorf("Retry-After 3 with a 2m floor: wait %s, want 1m0s", got)
	}
}

// retryAfterWait is the wait a retried request takes after an answer with Retry-After v.
func retryAfterWait(v string, now time.Time, lo time.Duration) time.Duration {
	c := New(Config{RetryWaitMin: lo, Now: func() time.Time { return now }})
	return c.backoff(0, Exchange{RetryAfter: v})
}

// A connection of the pool is made within ConnectTimeout, TLS handshake included.
func TestPoolConnectsWithinTheConnectTimeout(t *testing.T) {
	p, err := NewPool(PoolOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if d := dialer(); d.Timeout != ConnectTimeout || p.TLSHandshakeTimeout != ConnectTimeout || p.DialContext == nil {
		t.Fatalf("dial %s, TLS %s", d.Timeout, p.TLSHandshakeTimeout)
	}
}
