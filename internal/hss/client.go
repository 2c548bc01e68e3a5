// Package hss is the Host Security Service API as Go: authentication, project resolution and
// the basic-image query, built on the official Huawei Cloud Go SDK. It knows nothing of
// Terraform beyond logging through tflog.
package hss

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/basic"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/config"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/impl"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/sdkerr"
	"golang.org/x/time/rate"
)

// requestTimeout bounds one HTTP exchange; the caller's context bounds the whole read.
const requestTimeout = 60 * time.Second

// tokenMargin is how long before its expiry a password-issued token is replaced.
const tokenMargin = 5 * time.Minute

// Client talks to HSS and IAM. It is safe for concurrent use; authentication and project
// resolution happen on first use and are shared by every caller.
type Client struct {
	cfg       Config
	transport http.RoundTripper

	projects flight[string]
	tokens   flight[*issuedToken]
	reads    sharedReads
	// limiter paces every HSS request of this client; nil means no pacing.
	limiter *rate.Limiter
}

// New validates cfg and returns a Client. It makes no network call.
func New(cfg Config) (*Client, error) {
	if cfg.Region == "" {
		return nil, errors.New("region is required")
	}
	switch cfg.Credentials.Method {
	case AuthAKSK, AuthToken, AuthPassword:
	default:
		return nil, errors.New("no authentication method configured")
	}
	tr := cfg.Transport
	if tr == nil {
		tr = newBaseTransport(cfg.Insecure, cfg.CACertPEM)
	}
	c := &Client{cfg: cfg, transport: tr}
	if cfg.RateLimit > 0 {
		burst := max(1, int(cfg.RateLimit))
		c.limiter = rate.NewLimiter(rate.Limit(cfg.RateLimit), burst)
	}
	return c, nil
}

// pace waits for the shared rate limiter, if any.
func (c *Client) pace(ctx context.Context) error {
	if c.limiter == nil {
		return nil
	}
	return c.limiter.Wait(ctx)
}

func (c *Client) pageConcurrency() int {
	if c.cfg.PageConcurrency > 0 {
		return c.cfg.PageConcurrency
	}
	return DefaultPageConcurrency
}

// sdkClientWith builds an SDK client whose requests go through rt, a boundTransport carrying
// one operation's context. It is cheap: the connection pool lives in c.transport and is shared.
func (c *Client) sdkClientWith(rt http.RoundTripper, endpoint string, cred auth.ICredential) *core.HcHttpClient {
	hcfg := config.DefaultHttpConfig().
		WithHttpRoundTripper(rt).
		WithTimeout(requestTimeout)
	if c.cfg.UserAgent != "" {
		hcfg = hcfg.WithUserAgent(c.cfg.UserAgent)
	}
	return core.NewHcHttpClient(impl.NewDefaultHttpClient(hcfg)).
		WithEndpoints([]string{endpoint}).
		WithCredential(cred).
		WithErrorHandler(sdkerr.DefaultErrorHandler{})
}

// credential returns what signs or authenticates HSS requests in region, and the project ID
// they address.
func (c *Client) credential(ctx context.Context, region string) (auth.ICredential, string, error) {
	cr := c.cfg.Credentials
	if cr.Method == AuthPassword {
		tok, err := c.token(ctx, region)
		if err != nil {
			return nil, "", err
		}
		return &tokenCredential{token: tok.value, projectID: tok.projectID}, tok.projectID, nil
	}
	pid, err := c.projectID(ctx, region)
	if err != nil {
		return nil, "", err
	}
	cred, err := c.baseCredential(pid)
	return cred, pid, err
}

// baseCredential is the AK/SK or static-token credential addressing projectID ("" for IAM).
func (c *Client) baseCredential(projectID string) (auth.ICredential, error) {
	cr := c.cfg.Credentials
	if cr.Method == AuthToken {
		return &tokenCredential{token: cr.Token, projectID: projectID}, nil
	}
	b := basic.NewCredentialsBuilder().WithAk(cr.AccessKey).WithSk(cr.SecretKey).WithProjectId(projectID)
	if cr.SecurityToken != "" {
		b = b.WithSecurityToken(cr.SecurityToken)
	}
	cred, err := b.SafeBuild()
	if err != nil {
		// The SDK's message may quote its input; keep secrets out of it.
		return nil, errors.New("invalid AK/SK credentials")
	}
	return cred, nil
}

// projectID returns the project of region: the configured one for the provider's region,
// otherwise resolved through IAM once and cached.
func (c *Client) projectID(ctx context.Context, region string) (string, error) {
	if region == c.cfg.Region && c.cfg.ProjectID != "" {
		return c.cfg.ProjectID, nil
	}
	if c.cfg.Credentials.Method == AuthPassword {
		tok, err := c.token(ctx, region)
		if err != nil {
			return "", err
		}
		return tok.projectID, nil
	}
	return c.projects.do(ctx, region, nil, func(ctx context.Context) (string, error) {
		cred, err := c.baseCredential("")
		if err != nil {
			return "", err
		}
		return c.lookupProject(ctx, region, cred)
	})
}

// token returns a valid password-issued token for region, fetching one when needed. Concurrent
// callers share a single fetch.
func (c *Client) token(ctx context.Context, region string) (*issuedToken, error) {
	fresh := func(t *issuedToken) bool { return time.Until(t.expiresAt) > tokenMargin }
	return c.tokens.do(ctx, region, fresh, func(ctx context.Context) (*issuedToken, error) {
		pid := ""
		if region == c.cfg.Region {
			pid = c.cfg.ProjectID
		}
		tok, err := c.issueToken(ctx, region, pid)
		if err != nil {
			return nil, fmt.Errorf("password authentication for user %q in domain %q failed: %w", c.cfg.Credentials.UserName, c.cfg.Credentials.DomainName, err)
		}
		return tok, nil
	})
}

// tokenRejected reports whether err is HSS refusing a password-issued token, and if so drops
// that token so the next credential lookup fetches a new one.
func (c *Client) tokenRejected(err error, region string, used auth.ICredential) bool {
	if c.cfg.Credentials.Method != AuthPassword {
		return false
	}
	var sre *sdkerr.ServiceResponseError
	if !errors.As(err, &sre) || sre.StatusCode != http.StatusUnauthorized {
		return false
	}
	tc, ok := used.(*tokenCredential)
	if !ok {
		return false
	}
	c.tokens.forgetIf(region, func(t *issuedToken) bool { return t.value == tc.token })
	return true
}

func (c *Client) maxPages() int {
	if c.cfg.MaxPages > 0 {
		return c.cfg.MaxPages
	}
	return DefaultMaxPages
}
