// Package hss is the Host Security Service API as Go: authentication, project resolution and
// the list APIs, built on the official Huawei Cloud Go SDK. It knows nothing of
// Terraform beyond logging through tflog.
package hss

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hsslabs/terraform-provider-hss/internal/pacing"
)

// Client talks to HSS and IAM. It is safe for concurrent use; authentication and project
// resolution happen on first use and are shared by every caller.
type Client struct {
	cfg       Config
	transport http.RoundTripper
	redactor  *Redactor

	projects coalescer[string]
	tokens   coalescer[*issuedToken]
	obtained coalescer[*tempKeys]
	domains  coalescer[string]
	metadata metadataSession
	reads    coalescer[keptResult]
	// limiter paces every HSS request of this client; nil means no pacing.
	limiter *pacing.Limiter
	// hosts are each host's retry budget and throttle; gate holds requests to hosts that
	// refuse connections.
	healthMu sync.Mutex
	hosts    map[string]*hostHealth
	gate     *hostGate
	now      func() time.Time
	// skewWarned is set once credentials arriving inside the renewal margin were warned of.
	skewWarned atomic.Bool
}

// New validates cfg and returns a Client. It makes no network call.
func New(cfg Config) (*Client, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	switch cfg.Credentials.Method {
	case AuthAKSK, AuthToken, AuthPassword, AuthOIDC, AuthMetadata, AuthPodIdentity:
	default:
		return nil, errors.New("no authentication method configured")
	}
	tr := cfg.Transport
	if tr == nil {
		var err error
		if tr, err = newBaseTransport(cfg); err != nil {
			return nil, err
		}
	}
	c := &Client{cfg: cfg, transport: tr, redactor: &Redactor{}, hosts: map[string]*hostHealth{}, now: time.Now}
	c.gate = newHostGate(c.now)
	c.redactor.Add(cfg.Secrets()...)
	c.projects = coalescer[string]{maxWork: sharedWorkLimit, capacity: 1 << 10}
	c.tokens = coalescer[*issuedToken]{maxWork: sharedWorkLimit, capacity: 1 << 10, fresh: func(t *issuedToken) bool { return t.fresh(c.now()) }}
	c.obtained = coalescer[*tempKeys]{maxWork: sharedWorkLimit, capacity: 8, fresh: func(k *tempKeys) bool { return k.fresh(c.now()) }}
	c.domains = coalescer[string]{maxWork: sharedWorkLimit, capacity: 64}
	cache := cfg.ResultCacheBytes
	if cache == 0 {
		cache = DefaultResultCacheBytes
	}
	c.reads = coalescer[keptResult]{maxWork: sharedWorkLimit, capacity: max(0, cache), weight: keptResult.weight}
	if cfg.RateLimit >= 0 {
		c.limiter = pacing.New(cfg.RateLimit)
	}
	return c, nil
}

// Redact removes every secret the client knows of, and any credential a server quoted, from
// text meant for the user.
func (c *Client) Redact(s string) string { return c.redactor.Redact(s) }

// pace waits for the shared rate limiter, if any, and returns when the request may go. A wait
// that would outlast ctx's deadline fails at once, as the deadline passing.
func (c *Client) pace(ctx context.Context) (time.Time, error) {
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

func (c *Client) pageConcurrency() int {
	if c.cfg.PageConcurrency > 0 {
		return c.cfg.PageConcurrency
	}
	return DefaultPageConcurrency
}

func (c *Client) maxPages() int {
	if c.cfg.MaxPages > 0 {
		return c.cfg.MaxPages
	}
	return DefaultMaxPages
}

func (c *Client) maxReadBytes() int {
	if c.cfg.MaxReadBytes > 0 {
		return c.cfg.MaxReadBytes
	}
	return DefaultMaxReadBytes
}

func (c *Client) listAttempts() int {
	if c.cfg.ListAttempts > 0 {
		return c.cfg.ListAttempts
	}
	return DefaultListAttempts
}
