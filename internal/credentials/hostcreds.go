package credentials

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/def"

	"github.com/hsslabs/terraform-provider-hss/internal/redact"
	"github.com/hsslabs/terraform-provider-hss/internal/safefile"
	"github.com/hsslabs/terraform-provider-hss/internal/transport"
)

// The credential services of the host Terraform runs on: the ECS metadata service, and a CCE
// pod's identity.

const (
	opMetadataToken = "PUT /meta-data/latest/api/token"
	opMetadataKey   = "GET /openstack/latest/securitykey"
	opPodIdentity   = "POST (CCE pod identity)"
)

// MetadataError is the ECS metadata service failing to hand out the host agency's keys, which
// is what happens off an ECS or CCE host.
type MetadataError struct {
	Endpoint string
	Err      error
}

func (e *MetadataError) Error() string {
	return fmt.Sprintf("no credentials are configured, and the ECS metadata service at %s gave none: %v", e.Endpoint, e.Err)
}

func (e *MetadataError) Unwrap() error { return e.Err }

// metadataSession is the metadata service's session token, shared by the client's reads.
type metadataSession struct {
	mu sync.Mutex
	// token is empty on a host whose metadata service has no token endpoint (none is false
	// until that is known).
	token   string
	none    bool
	expires time.Time
}

type metadataTokenRequest struct {
	TTL string `json:"X-Metadata-Token-Ttl-Seconds"`
}

type metadataKeyRequest struct {
	Token *string `json:"X-Metadata-Token,omitempty"`
}

// metadataKeys reads the temporary keys of the agency bound to this ECS or CCE host, as the
// SDK does: with a session token (PUT /meta-data/latest/api/token) when the host issues one,
// without one on older hosts that answer the PUT with 404, 405 or 503, and with a new token
// once when the service refuses the current one. Every transport.Exchange is bounded by the short
// metadata attempt limit and not retried: off a cloud host nothing answers, and that must show
// at once.
func (c *source) metadataKeys(ctx context.Context) (*tempKeys, error) {
	fail := func(err error) (*tempKeys, error) {
		return nil, &MetadataError{Endpoint: c.cfg.Endpoints.MetadataURL(), Err: err}
	}
	tok, err := c.metadataToken(ctx, false)
	if err != nil {
		return fail(err)
	}
	k, err := c.metadataKey(ctx, tok)
	var ae *transport.APIError
	if errors.As(err, &ae) && ae.StatusCode == http.StatusUnauthorized && !strings.Contains(ae.ErrorMsg, "Please configure Cloud Service Agency first") {
		if tok, err = c.metadataToken(ctx, true); err != nil {
			return fail(err)
		}
		k, err = c.metadataKey(ctx, tok)
	}
	if err != nil {
		return fail(err)
	}
	return k, nil
}

// metadataToken is the session token, fetched when there is none (or renew says the service
// refused it); "" on a host without one.
func (c *source) metadataToken(ctx context.Context, renew bool) (string, error) {
	s := &c.metadata
	s.mu.Lock()
	defer s.mu.Unlock()
	if !renew && (s.none || (s.token != "" && c.now().Before(s.expires.Add(-tokenMargin)))) {
		return s.token, nil
	}
	ttl := strconv.Itoa(int(metadataTokenTTL.Seconds()))
	out, last, _, err := c.sender.Call(ctx, transport.Operation{
		Name: opMetadataToken, Endpoint: c.cfg.Endpoints.MetadataURL(), Want: http.StatusOK, Cred: &tokenCredential{},
		AttemptTimeout: metadataAttemptTimeout, NoRetry: true,
		Invoke: func(hc *core.HcHttpClient) (any, error) {
			return hc.Sync(&metadataTokenRequest{TTL: ttl}, rawRequestDef(http.MethodPut, "/meta-data/latest/api/token", "",
				def.NewFieldDef().WithName("TTL").WithJsonTag("X-Metadata-Token-Ttl-Seconds").WithLocationType(def.Header)))
		},
	})
	var ae *transport.APIError
	if errors.As(err, &ae) && !renew {
		switch ae.StatusCode {
		case http.StatusNotFound, http.StatusMethodNotAllowed, http.StatusServiceUnavailable:
			// An older host: the keys come without a session token.
			s.token, s.none = "", true
			return "", nil
		}
	}
	if err != nil {
		return "", err
	}
	raw, ok := out.(*rawAnswer)
	if !ok || raw.Body == nil || strings.TrimSpace(*raw.Body) == "" {
		return "", &transport.DecodeError{Operation: opMetadataToken, StatusCode: last.Status, RequestID: last.RequestID, Reason: "malformed token response: no token"}
	}
	s.token, s.none, s.expires = strings.TrimSpace(*raw.Body), false, c.now().Add(metadataTokenTTL)
	c.redactor.AddObtained(s.token)
	return s.token, nil
}

func (c *source) metadataKey(ctx context.Context, tok string) (*tempKeys, error) {
	req := &metadataKeyRequest{}
	if tok != "" {
		req.Token = &tok
	}
	out, last, _, err := c.sender.Call(ctx, transport.Operation{
		Name: opMetadataKey, Endpoint: c.cfg.Endpoints.MetadataURL(), Want: http.StatusOK, Cred: &tokenCredential{},
		AttemptTimeout: metadataAttemptTimeout, NoRetry: true,
		Invoke: func(hc *core.HcHttpClient) (any, error) {
			return hc.Sync(req, rawRequestDef(http.MethodGet, "/openstack/latest/securitykey", "",
				def.NewFieldDef().WithName("Token").WithJsonTag("X-Metadata-Token").WithLocationType(def.Header)))
		},
	})
	if err != nil {
		return nil, err
	}
	return c.readKeys(opMetadataKey, "credential", out, last)
}

type podIdentityRequest struct {
	Authorization string    `json:"Authorization"`
	Body          *struct{} `json:"body,omitempty"`
}

// podKeys reads the temporary keys of this CCE pod's identity, as the SDK's pod identity
// provider does: POST {} to the URI the platform gives, with the token of its token file,
// read again each time, since the platform rotates it.
func (c *source) podKeys(ctx context.Context) (*tempKeys, error) {
	p := c.cfg.Credentials.PodIdentity
	b, err := safefile.Read(ctx, p.TokenFile, MaxTokenFileBytes)
	if err != nil {
		return nil, fmt.Errorf("reading the pod identity token: %w", err)
	}
	tok := strings.TrimSpace(string(b))
	if tok == "" {
		return nil, fmt.Errorf("the pod identity token file %s is empty", safefile.ShownPath(p.TokenFile))
	}
	c.redactor.AddObtained(tok)
	u, err := url.Parse(p.URI)
	if err != nil {
		return nil, fmt.Errorf("the pod identity URI: %w", err)
	}
	// Posted to as given, escapes and query included, as the SDK does: the request is made
	// from the whole URI and no path is set on top of it. A query may carry a secret.
	for _, vs := range u.Query() {
		c.redactor.AddObtained(vs...)
	}
	out, last, _, err := c.sender.Call(ctx, transport.Operation{
		Name: opPodIdentity, Endpoint: p.URI, Want: http.StatusOK, Cred: &tokenCredential{},
		Invoke: func(hc *core.HcHttpClient) (any, error) {
			return hc.Sync(&podIdentityRequest{Authorization: tok, Body: &struct{}{}}, rawRequestDef(http.MethodPost, "",
				"application/json; charset=utf-8",
				def.NewFieldDef().WithName("Authorization").WithJsonTag("Authorization").WithLocationType(def.Header), bodyField()))
		},
	})
	if err != nil {
		shown, _, _ := strings.Cut(redact.URL(p.URI), "?")
		return nil, fmt.Errorf("the CCE pod identity at %s gave no credentials: %w", shown, err)
	}
	return c.readKeys(opPodIdentity, "credentials", out, last)
}
