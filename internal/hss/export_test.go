package hss

import "time"

// SetJoinHook runs f whenever a read joins an identical read already in flight.
func SetJoinHook(c *Client, f func()) { c.reads.onJoin = f }

// SetTokenJoinHook runs f whenever a caller joins a token fetch already in flight.
func SetTokenJoinHook(c *Client, f func()) { c.tokens.onJoin = f }

// RetryAfterWait is the wait a retried request takes after an answer with Retry-After v.
func RetryAfterWait(v string, now time.Time, lo time.Duration) time.Duration {
	c := &Client{cfg: Config{RetryWaitMin: lo}, now: func() time.Time { return now }}
	return c.backoff(0, exchange{retryAfter: v})
}

// SetClock replaces the client's clock, which decides when credentials are renewed.
func SetClock(c *Client, now func() time.Time) {
	c.now = now
	c.gate.now = now
}

// DefaultEndpoint is the URL the client builds for service in region, cloud empty for the
// default.
func DefaultEndpoint(service, region, cloud string) string {
	c := Config{Cloud: cloud}
	switch service {
	case "sts":
		return c.stsEndpoint(region)
	case "iam":
		return c.iamEndpoint(region)
	}
	return c.hssEndpoint(region)
}

// AddObtained makes r replace secrets the client obtained.
func AddObtained(r *Redactor, secrets ...string) { r.addObtained(secrets...) }
