// Package hss is the Host Security Service list APIs as Go: one list engine, and the
// declarations of the APIs it reads, over the official Huawei Cloud Go SDK's own request and
// response types. Requests go through transport; what authenticates them comes from
// credentials.
package hss

import (
	"errors"

	"github.com/hsslabs/terraform-provider-hss/internal/coalesce"
	"github.com/hsslabs/terraform-provider-hss/internal/credentials"
	"github.com/hsslabs/terraform-provider-hss/internal/endpoints"
	"github.com/hsslabs/terraform-provider-hss/internal/redact"
	"github.com/hsslabs/terraform-provider-hss/internal/transport"
)

// Client reads HSS lists. It is safe for concurrent use; authentication and project resolution
// happen on first use and are shared by every caller.
type Client struct {
	cfg      Config
	sender   *transport.Sender
	creds    credentials.Source
	redactor *redact.Redactor
	reads    coalesce.Group[keptResult]
	memory   *memoryBudget
}

// New validates cfg and returns a Client. It makes no network call.
func New(cfg Config) (*Client, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	switch cfg.Credentials.Method {
	case credentials.AuthAKSK, credentials.AuthToken, credentials.AuthPassword, credentials.AuthOIDC, credentials.AuthMetadata, credentials.AuthPodIdentity:
	default:
		return nil, errors.New("no authentication method configured")
	}
	cfg = cfg.withDefaults()
	pool := cfg.Transport
	if pool == nil {
		var err error
		if pool, err = transport.NewPool(transport.PoolOptions{Insecure: cfg.Insecure, CACertPEM: cfg.CACertPEM,
			ClientCertPEM: cfg.ClientCertPEM, ClientKeyPEM: cfg.ClientKeyPEM, ResponseHeaderTimeout: cfg.ResponseHeaderTimeout}); err != nil {
			return nil, err
		}
	}
	r := &redact.Redactor{}
	r.Add(cfg.Secrets()...)
	sender := transport.New(transport.Config{
		Pool: pool, Redactor: r, Endpoints: cfg.Endpoints, MaxRetries: cfg.MaxRetries,
		RetryWaitMin: cfg.RetryWaitMin, RetryWaitMax: cfg.RetryWaitMax, RetryBudget: cfg.RetryBudget,
		AttemptTimeout: cfg.AttemptTimeout, RateLimit: cfg.RateLimit, SigningAlgorithm: cfg.SigningAlgorithm,
		UserAgent: cfg.UserAgent, Now: cfg.Now,
	})
	c := &Client{
		cfg:    cfg,
		sender: sender,
		creds: credentials.New(credentials.Options{Region: cfg.Region, ProjectID: cfg.ProjectID, ProjectName: cfg.ProjectName,
			Endpoints: cfg.Endpoints, Credentials: cfg.Credentials, Sender: sender, Now: cfg.Now}),
		redactor: r,
		// A kept result holds its share of the memory budget until it is let go.
		reads: coalesce.Group[keptResult]{Capacity: cfg.ResultCacheBytes, Weight: keptResult.weight,
			OnKeep: func(k keptResult) { k.holding().acquire() }, OnEvict: func(k keptResult) { k.holding().release() }},
		memory: &memoryBudget{limit: int64(cfg.MaxMemoryBytes), factor: heapFactor()},
	}
	c.memory.evict = c.reads.EvictOldest
	return c, nil
}

// Region is the client's region, the default of every read.
func (c *Client) Region() string { return c.cfg.Region }

// Endpoints are where the client's requests go.
func (c *Client) Endpoints() endpoints.Set { return c.cfg.Endpoints }

// RedactError is err with every secret the client knows of, and any credential a server
// quoted, removed from its text.
func (c *Client) RedactError(err error) error { return c.redactor.RedactError(err) }

// Redact removes every secret the client knows of, and any credential a server quoted, from
// text meant for the user.
func (c *Client) Redact(s string) string { return c.redactor.Redact(s) }
