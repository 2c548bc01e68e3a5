package hss

import (
	"fmt"
	"math"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/hsslabs/terraform-provider-hss/internal/credentials"
	"github.com/hsslabs/terraform-provider-hss/internal/endpoints"
	"github.com/hsslabs/terraform-provider-hss/internal/transport"
)

// Every default of the client lives here; those of the request path live in transport.
const (
	// DefaultPageConcurrency bounds the pages of one read fetched at once after the first: as
	// many as the connection pool holds, so a 5,000-entry read costs two round trips; the
	// adaptive rate limiter, not a small worker count, keeps that polite.
	DefaultPageConcurrency = transport.MaxConnsPerHost
	// DefaultResultCacheBytes bounds the results kept for identical queries later in the same
	// run, counted as the entries' bytes (see memsize.go); they hold their share of the memory
	// budget until they are let go, first of all when a read needs the room.
	DefaultResultCacheBytes = 64 << 20
	// DefaultMaxMemoryBytes is the memory budget every read of a client shares, and what the
	// caller reserves beside them (Client.Reserve), counted as the heap holds it (see
	// memsize.go): one read at the page cap (200,000 entries) with its Terraform state fits,
	// three do not.
	DefaultMaxMemoryBytes = 2048 << 20
	// MaxMemoryArgument is the provider argument that sets MaxMemoryBytes, in MB of 2^20
	// bytes; errors about the budget name it.
	MaxMemoryArgument = "max_memory_mb"
	// DefaultMaxReadBytes was the bound on one read's entries before the memory budget, which
	// now bounds every read together; MaxReadBytes applies only when set.
	DefaultMaxReadBytes = 64 << 20
	// DefaultMaxPages caps one read at 1,000 pages (200,000 entries) whatever total_num claims.
	DefaultMaxPages = 1000
	// DefaultListAttempts is how many times a list that changes while being read is read
	// from the start before giving up.
	DefaultListAttempts = 3
)

// Config is everything a Client needs. The provider validates user input with the Validate*
// functions so errors name the attribute; New checks again, because a value that reaches a
// host name or a path must be safe whatever the caller.
type Config struct {
	Region    string
	ProjectID string
	// ProjectName is the IAM project name of Region (Region when empty).
	ProjectName string
	Endpoints   endpoints.Set

	Credentials credentials.Config

	Insecure bool
	// CACertPEM adds trusted CA certificates to the system's.
	CACertPEM []byte
	// ClientCertPEM and ClientKeyPEM are a client certificate for mutual TLS.
	ClientCertPEM []byte
	ClientKeyPEM  []byte
	// SigningAlgorithm signs AK/SK requests: transport.SigningHMACSHA256 (when empty) or
	// transport.SigningHMACSM3.
	SigningAlgorithm string
	MaxRetries       int
	// RetryWaitMin and RetryWaitMax bound the back-off between attempts (defaults apply when zero).
	RetryWaitMin time.Duration
	RetryWaitMax time.Duration
	// RetryBudget is the capacity of the retry budget every request shares
	// (transport.DefaultRetryBudget when zero).
	RetryBudget int
	// AttemptTimeout bounds one HTTP exchange (transport.DefaultAttemptTimeout when zero).
	AttemptTimeout time.Duration
	// ResponseHeaderTimeout bounds the wait for headers (transport.DefaultResponseHeaderTimeout
	// when zero).
	ResponseHeaderTimeout time.Duration
	UserAgent             string
	// MaxPages caps the pages one read may fetch (DefaultMaxPages when zero).
	MaxPages int
	// ListAttempts is how often a list that changed while being read is read again from the
	// start, in all (DefaultListAttempts when zero).
	ListAttempts int
	// RateLimit paces HSS requests of this client, shared by every read and page: 0 (the
	// default) paces adaptively, only once the service throttles; more than 0 is a fixed
	// ceiling in requests per second, adaptive below it; less than 0 turns pacing off.
	RateLimit float64
	// ResultCacheBytes bounds the results kept for identical later queries
	// (DefaultResultCacheBytes when zero; less than zero keeps none).
	ResultCacheBytes int
	// MaxReadBytes, when more than zero, bounds one read's entries, as the declaration counts
	// them, beneath the memory budget every read shares.
	MaxReadBytes int
	// MaxMemoryBytes is the memory budget every read shares, and what the caller reserves
	// beside them, in heap bytes (DefaultMaxMemoryBytes when zero or less).
	MaxMemoryBytes int
	// PageConcurrency bounds how many pages of one read are fetched at once
	// (DefaultPageConcurrency when zero).
	PageConcurrency int

	// Transport replaces the default HTTP transport; tests use it to count connections.
	Transport http.RoundTripper
	// Now replaces the clock, which decides when credentials are renewed; tests set it.
	Now func() time.Time
}

// withDefaults is c with every unset bound given its default, once, so nothing downstream
// asks again.
func (c Config) withDefaults() Config {
	if c.PageConcurrency <= 0 {
		c.PageConcurrency = DefaultPageConcurrency
	}
	if c.MaxPages <= 0 {
		c.MaxPages = DefaultMaxPages
	}
	if c.MaxMemoryBytes <= 0 {
		c.MaxMemoryBytes = DefaultMaxMemoryBytes
	}
	if c.ListAttempts <= 0 {
		c.ListAttempts = DefaultListAttempts
	}
	switch {
	case c.ResultCacheBytes == 0:
		c.ResultCacheBytes = DefaultResultCacheBytes
	case c.ResultCacheBytes < 0:
		c.ResultCacheBytes = 0
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c
}

// Secrets lists every secret value of c, for redaction and log masking: the credentials', and
// the client key and certificate, whole and line by line, so a quoted line of either is
// caught too.
func (c *Config) Secrets() []string {
	out := c.Credentials.Secrets()
	for _, pem := range [][]byte{c.ClientKeyPEM, c.ClientCertPEM} {
		out = append(out, pemSecrets(pem)...)
	}
	return slices.DeleteFunc(out, func(s string) bool { return s == "" })
}

// pemSecrets are a PEM text, trimmed, and each line of its blocks' bodies.
func pemSecrets(b []byte) []string {
	text := strings.TrimSpace(string(b))
	if text == "" {
		return nil
	}
	out := []string{text}
	inBlock := false
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(line, "-----BEGIN "):
			inBlock = true
		case strings.HasPrefix(line, "-----END "):
			inBlock = false
		case inBlock && len(line) >= 8 && !strings.Contains(line, ":"):
			out = append(out, line)
		}
	}
	return out
}

// validate checks every value that becomes part of a URL.
func (c *Config) validate() error {
	if err := endpoints.ValidateRegion(c.Region); err != nil {
		return fmt.Errorf("region: %w", err)
	}
	if c.ProjectID != "" {
		if err := endpoints.ValidateProjectID(c.ProjectID); err != nil {
			return fmt.Errorf("project_id: %w", err)
		}
	}
	if err := c.Endpoints.Validate(); err != nil {
		return err
	}
	if u := c.Credentials.PodIdentity.URI; u != "" {
		if err := endpoints.ValidatePodIdentityURI(u); err != nil {
			return fmt.Errorf("HC_CONTAINER_CREDENTIALS_FULL_URI: %w", err)
		}
	}
	if err := transport.ValidateSigningAlgorithm(c.SigningAlgorithm); c.SigningAlgorithm != "" && err != nil {
		return fmt.Errorf("signing_algorithm: %w", err)
	}
	if math.IsNaN(c.RateLimit) || math.IsInf(c.RateLimit, 0) {
		return fmt.Errorf("rate_limit: %v is not a number of requests per second", c.RateLimit)
	}
	return nil
}
