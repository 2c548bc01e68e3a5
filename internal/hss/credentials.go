package hss

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/basic"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/impl"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/request"
)

// This file is the one place that decides how a request is authenticated.

// tokenCredential authenticates with an IAM token instead of a signature.
type tokenCredential struct {
	token     string
	projectID string
}

var _ auth.ICredential = (*tokenCredential)(nil)

func (c *tokenCredential) ProcessAuthParams(*impl.DefaultHttpClient, string) (auth.ICredential, error) {
	return c, nil
}

func (c *tokenCredential) ProcessAuthRequest(_ *impl.DefaultHttpClient, req *request.DefaultHttpRequest) (*request.DefaultHttpRequest, error) {
	b := req.Builder()
	if c.token != "" {
		b.AddHeaderParam("X-Auth-Token", c.token)
	}
	if c.projectID != "" {
		b.AddAutoFilledPathParam("project_id", c.projectID).AddHeaderParam("X-Project-Id", c.projectID)
	}
	return b.Build(), nil
}

// issuedToken is an IAM token the client obtained.
type issuedToken struct {
	value     string
	projectID string
	expiresAt time.Time
}

func (t *issuedToken) fresh() bool { return time.Until(t.expiresAt) > tokenMargin }

// credential returns what signs or authenticates HSS requests in region, and the project ID
// they address.
func (c *Client) credential(ctx context.Context, region string) (auth.ICredential, string, error) {
	if c.cfg.Credentials.Method == AuthPassword {
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

// renewable reports whether a refused credential may be replaced by asking again: true for
// credentials the client obtained itself, false for those the user gave.
func (c *Client) renewable() bool { return c.cfg.Credentials.Method == AuthPassword }

// dropCredential forgets the obtained credential refused for region, unless another caller
// already replaced it, so the next credential call fetches a new one.
func (c *Client) dropCredential(region string, refused auth.ICredential) {
	if tc, ok := refused.(*tokenCredential); ok {
		c.tokens.forgetIf(region, func(t *issuedToken) bool { return t.value == tc.token })
	}
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
// otherwise resolved through IAM once and kept.
func (c *Client) projectID(ctx context.Context, region string) (string, error) {
	if region == c.cfg.Region && c.cfg.ProjectID != "" {
		return c.cfg.ProjectID, nil
	}
	pid, _, err := c.projects.do(ctx, region, func(ctx context.Context) (string, error) {
		cred, err := c.baseCredential("")
		if err != nil {
			return "", err
		}
		return c.lookupProject(ctx, region, cred)
	})
	return pid, err
}

// token returns a valid password-issued token for region, fetching one when needed. Concurrent
// callers share a single fetch.
func (c *Client) token(ctx context.Context, region string) (*issuedToken, error) {
	tok, _, err := c.tokens.do(ctx, region, func(ctx context.Context) (*issuedToken, error) {
		pid := ""
		if region == c.cfg.Region {
			pid = c.cfg.ProjectID
		}
		tok, err := c.issueToken(ctx, region, pid)
		if err != nil {
			return nil, fmt.Errorf("password authentication for user %q in domain %q failed: %w", c.cfg.Credentials.UserName, c.cfg.Credentials.DomainName, err)
		}
		c.redactor.Add(tok.value)
		return tok, nil
	})
	return tok, err
}
