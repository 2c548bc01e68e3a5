package transport

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/signer/algorithm"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/config"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/impl"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/request"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/response"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/sdkerr"

	"github.com/hsslabs/terraform-provider-hss/internal/redact"
	"github.com/hsslabs/terraform-provider-hss/internal/termsafe"
)

// Operation is one API call as the request path sees it. Every call of a client, HSS and IAM
// alike, goes through Sender.Call: bind the context, pace, sign, send, check the status,
// classify, retry, describe the error.
type Operation struct {
	// Name is the API, e.g. "GET /v3/projects"; Detail names this request in errors when
	// the name alone does not, e.g. "… page 2 (offset 200)".
	Name     string
	Detail   string
	Endpoint string
	// Want is the only status that counts as success.
	Want int
	// Paced requests wait for the rate limiter: every HSS request, not IAM's.
	Paced bool
	Cred  auth.ICredential
	// AttemptTimeout replaces the sender's per-attempt limit when set; NoRetry sends once.
	AttemptTimeout time.Duration
	NoRetry        bool
	// Hints suggest what to do about the API's own error codes, by error_code.
	Hints map[string]string
	// Renew, when set, is asked once per call for a new credential after a 401; it returns
	// nil when none is left, and an error when obtaining one failed.
	Renew func(ctx context.Context, refused auth.ICredential) (auth.ICredential, error)
	// Invoke sends the request through the SDK client it is given.
	Invoke func(*core.HcHttpClient) (any, error)
}

// shown is how errors name the request.
func (op *Operation) shown() string {
	if op.Detail != "" {
		return op.Detail
	}
	return op.Name
}

// retryableStatus are the answers worth another attempt: throttling and transient outages.
var retryableStatus = map[int]bool{
	http.StatusTooManyRequests:     true,
	http.StatusInternalServerError: true,
	http.StatusBadGateway:          true,
	http.StatusServiceUnavailable:  true,
	http.StatusGatewayTimeout:      true,
}

// errAttemptTimedOut marks an attempt's own deadline, told apart from the caller's.
var errAttemptTimedOut = errors.New("attempt timed out")

// describe turns what an attempt failed with into this package's types, adding what the
// transport saw and redacting what the server said.
func describe(op Operation, err error, last Exchange, r *redact.Redactor) error {
	err = fromSDK(op.Name, err, r)
	var de *DecodeError
	if errors.As(err, &de) {
		if de.RequestID == "" {
			de.StatusCode, de.RequestID = last.Status, last.RequestID
		}
		return err
	}
	var ae *APIError
	var se *StatusError
	var te *AttemptTimeoutError
	if errors.As(err, &ae) {
		ae.hints, ae.TraceID = op.Hints, last.TraceID
		return err
	}
	if errors.As(err, &se) || errors.As(err, &te) {
		return err
	}
	if last.Status != 0 && last.Status < http.StatusBadRequest {
		// The body broke off after a good status line.
		return &DecodeError{Operation: op.Name, StatusCode: last.Status, RequestID: last.RequestID, Reason: termsafe.Text(r.Redact(err.Error()), 500)}
	}
	return err
}

// backoff is exponential with jitter between the configured bounds, or the server's
// Retry-After when it sent one, clamped to the minimum back-off and maxRetryAfter: a huge
// value or a date in the past must neither stall a plan nor make it retry at once.
func (c *Sender) backoff(n int, last Exchange) time.Duration {
	lo, hi := c.cfg.RetryWaitMin, c.cfg.RetryWaitMax
	if d, ok := parseRetryAfter(last.RetryAfter, c.now()); ok {
		return min(max(d, lo), maxRetryAfter)
	}
	d := hi
	if n < 32 {
		d = min(hi, lo<<n)
	}
	// Jitter over the upper half keeps parallel reads from retrying in lockstep.
	return d/2 + rand.N(d/2+1) //nolint:gosec // jitter needs no cryptographic randomness
}

// parseRetryAfter reads Retry-After as seconds or an HTTP date (RFC 9110), without
// overflowing: any value past maxRetryAfter is maxRetryAfter.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseUint(v, 10, 64); err == nil {
		if secs > uint64(maxRetryAfter/time.Second) {
			return maxRetryAfter, true
		}
		return time.Duration(secs) * time.Second, true //nolint:gosec // bounded above
	}
	if t, err := http.ParseTime(v); err == nil {
		return min(t.Sub(now), maxRetryAfter), true
	}
	return 0, false
}

// sdkClient builds an SDK client whose requests go through bt. It is cheap: the connection
// pool is shared. The SDK's own timeout is off: call bounds each
// attempt itself, so it can tell an attempt's limit from the caller's deadline.
func (c *Sender) sdkClient(bt *boundTransport, endpoint string, cred auth.ICredential, check statusCheck) *core.HcHttpClient {
	hcfg := config.DefaultHttpConfig().
		WithHttpRoundTripper(bt).
		WithTimeout(0)
	if c.cfg.SigningAlgorithm == SigningHMACSM3 {
		hcfg = hcfg.WithSigningAlgorithm(algorithm.HmacSM3)
	}
	if c.cfg.UserAgent != "" {
		hcfg = hcfg.WithUserAgent(c.cfg.UserAgent)
	}
	return core.NewHcHttpClient(impl.NewDefaultHttpClient(hcfg)).
		WithEndpoints([]string{endpoint}).
		WithCredential(cred).
		WithErrorHandler(check)
}

// statusCheck accepts exactly one status. The SDK would read any status below 400 as a
// result, so a redirect to a login page or a proxy's 203 would become an empty list.
type statusCheck struct {
	op   string
	want int
}

func (h statusCheck) HandleError(req *request.DefaultHttpRequest, resp *response.DefaultHttpResponse) error {
	code := resp.GetStatusCode()
	switch {
	case code == h.want:
		return nil
	case code >= http.StatusBadRequest:
		return sdkerr.DefaultErrorHandler{}.HandleError(req, resp)
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Response.Body, 64<<10))
	_ = resp.Response.Body.Close()
	se := &StatusError{Operation: h.op, StatusCode: code, Want: h.want, RequestID: termsafe.RequestID(resp.GetHeader("X-Request-Id"))}
	if loc, err := url.Parse(resp.GetHeader("Location")); err == nil && loc.Host != "" {
		se.LocationHost = termsafe.Text(loc.Host, 253)
	}
	return se
}

// sdkPanic is a panic inside the SDK, turned into an error so a hostile response cannot crash
// Terraform.
type sdkPanic struct{ v any }

func (p *sdkPanic) Error() string {
	return fmt.Sprintf("the Huawei Cloud SDK failed on the response: %v", p.v)
}

func guard(f func() (any, error)) (out any, err error) {
	defer func() {
		if r := recover(); r != nil {
			out, err = nil, &sdkPanic{v: r}
		}
	}()
	return f()
}
