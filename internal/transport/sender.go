// Package transport is the one request path: every request, HSS, IAM, STS and the host
// credential services alike, is paced, gated, sent through the SDK, classified and retried
// here, within a retry budget per host, and fails with an error that describes itself.
package transport

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/hsslabs/terraform-provider-hss/internal/endpoints"
	"github.com/hsslabs/terraform-provider-hss/internal/pacing"
	"github.com/hsslabs/terraform-provider-hss/internal/redact"
)

// Every default of the request path lives here.
const (
	// DefaultMaxRetries is how often a failed request is retried when max_retries is unset.
	DefaultMaxRetries = 5
	// DefaultRetryBudget is the capacity of the retry budget every request of a client shares
	// (see retryBudget): 100 retries of a service that answers nothing but errors.
	DefaultRetryBudget = 500
	// throttleMaxTokens and throttleTokenRatio are gRPC's retry throttling: retries stop once
	// half the tokens are gone, a success gives a tenth of one back. 64 rather than gRPC's
	// example of 10: while nothing succeeds, 31 failures are retried, which carries three
	// rounds of ten parallel reads through a blip without Retry-After, and an outage costs 200
	// reads about 231 requests.
	throttleMaxTokens  = 64.0
	throttleTokenRatio = 0.1
	// DefaultRetryWaitMin and DefaultRetryWaitMax bound the back-off: seconds, not the
	// minutes some providers sleep on a 429.
	DefaultRetryWaitMin = 200 * time.Millisecond
	DefaultRetryWaitMax = 5 * time.Second
	// maxRetryAfter caps a server's Retry-After so one answer cannot stall a plan for long.
	maxRetryAfter = 60 * time.Second

	// DefaultAttemptTimeout bounds one HTTP exchange; the caller's context bounds the whole read.
	DefaultAttemptTimeout = 60 * time.Second
	// DefaultResponseHeaderTimeout bounds the wait for a response's headers once the request
	// is sent, so a server that trickles them cannot hold a connection for the whole attempt.
	DefaultResponseHeaderTimeout = 30 * time.Second

	// DefaultReadTimeout bounds a whole read, retries and back-off included, when the data
	// source's timeouts.read is unset.
	DefaultReadTimeout = 5 * time.Minute

	// Back-off between probes of a host that refuses connections: gRPC's connection
	// back-off (1 s, times 1.6, jittered by a fifth), capped at 5 s rather than 2 minutes, as
	// a read waits on it.
	probeBase        = time.Second
	MaxProbeInterval = 5 * time.Second
	probeMultiplier  = 1.6
	probeJitter      = 0.2

	// MaxConnsPerHost bounds connections so parallel reads queue for kept-alive ones.
	MaxConnsPerHost = 32
	// maxBody bounds what one response may make the provider hold in memory: a page of 200
	// entries is tens of kilobytes.
	maxBody = 4 << 20
)

// Signing algorithms of AK/SK requests, named as the Huawei Cloud provider and the SDK name them.
const (
	SigningHMACSHA256 = "HmacSHA256"
	SigningHMACSM3    = "HmacSM3"
)

// SigningAlgorithms are the algorithms AK/SK requests can be signed with.
var SigningAlgorithms = []string{SigningHMACSHA256, SigningHMACSM3}

// ValidateSigningAlgorithm accepts the algorithms the provider signs with and tests.
func ValidateSigningAlgorithm(s string) error {
	switch s {
	case SigningHMACSHA256, SigningHMACSM3:
		return nil
	case "EcdsaP256SHA256", "SM2SM3":
		return fmt.Errorf("%q is not supported yet: use %s or %s", s, SigningHMACSHA256, SigningHMACSM3)
	}
	return fmt.Errorf("%q is not a signing algorithm: use %s or %s", s, SigningHMACSHA256, SigningHMACSM3)
}

// Config is what a Sender needs. Zero values take the defaults above, applied once by New.
type Config struct {
	// Pool is the connection pool every request shares (see NewPool).
	Pool     http.RoundTripper
	Redactor *redact.Redactor
	// Endpoints say, in errors, which argument made a host.
	Endpoints  endpoints.Set
	MaxRetries int
	// RetryWaitMin and RetryWaitMax bound the back-off between attempts.
	RetryWaitMin time.Duration
	RetryWaitMax time.Duration
	// RetryBudget is the capacity of each host's retry budget.
	RetryBudget int
	// AttemptTimeout bounds one HTTP exchange.
	AttemptTimeout time.Duration
	// RateLimit paces paced requests: 0 adaptively, more than 0 under a fixed ceiling in
	// requests per second, less than 0 not at all.
	RateLimit        float64
	SigningAlgorithm string
	UserAgent        string
	// Now is the clock (time.Now when nil).
	Now func() time.Time
}

// Sender sends Operations. It is safe for concurrent use.
type Sender struct {
	cfg Config
	// limiter paces every paced request; nil means no pacing.
	limiter *pacing.Limiter
	// hosts are each host's retry budget and throttle; gate holds requests to hosts that
	// refuse connections.
	healthMu sync.Mutex
	hosts    map[string]*hostHealth
	gate     *hostGate
	// dns remembers names that do not exist.
	dns dnsMemory
	now func() time.Time
}

// New returns a Sender with cfg's unset values defaulted.
func New(cfg Config) *Sender {
	if cfg.RetryWaitMin <= 0 {
		cfg.RetryWaitMin = DefaultRetryWaitMin
	}
	if cfg.RetryWaitMax < cfg.RetryWaitMin {
		cfg.RetryWaitMax = max(cfg.RetryWaitMin, DefaultRetryWaitMax)
	}
	if cfg.RetryBudget <= 0 {
		cfg.RetryBudget = DefaultRetryBudget
	}
	if cfg.AttemptTimeout <= 0 {
		cfg.AttemptTimeout = DefaultAttemptTimeout
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	s := &Sender{cfg: cfg, hosts: map[string]*hostHealth{}, now: cfg.Now}
	s.gate = newHostGate(s.now)
	if cfg.RateLimit >= 0 {
		s.limiter = pacing.New(cfg.RateLimit)
	}
	return s
}

// Redactor is what every message and log line of the sender passes through.
func (c *Sender) Redactor() *redact.Redactor { return c.cfg.Redactor }

// pace waits for the shared rate limiter, if any, and returns when the request may go. A wait
// that would outlast ctx's deadline fails at once, as the deadline passing.
func (c *Sender) pace(ctx context.Context) (time.Time, error) {
	if c.limiter == nil {
		return time.Now(), nil
	}
	sent, err := c.limiter.Wait(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return sent, context.Cause(ctx)
		}
		return sent, fmt.Errorf("%w: the next slot of the client-side rate limit (%.3g requests/s) is after the deadline", context.DeadlineExceeded, c.limiter.Rate())
	}
	return sent, nil
}
