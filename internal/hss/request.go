package hss

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"time"

	"github.com/hashicorp/go-retryablehttp"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/config"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/impl"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/request"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/response"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/sdkerr"
)

// operation is one API call as the request path sees it. Every call of the client, HSS and
// IAM alike, goes through Client.call: bind the context, pace, sign, send, check the status,
// classify, retry, describe the error.
type operation struct {
	// name is the API, e.g. "GET /v3/projects"; inFlight names this request in errors (name
	// when empty), e.g. "… page 2 (offset 200)".
	name     string
	inFlight string
	endpoint string
	// want is the only status that counts as success.
	want int
	// paced requests wait for the client's rate limiter: every HSS request, not IAM's.
	paced bool
	cred  auth.ICredential
	// attemptTimeout replaces the client's per-attempt limit when set; noRetry sends once.
	attemptTimeout time.Duration
	noRetry        bool
	// hints suggest what to do about the API's own error codes, by error_code.
	hints map[string]string
	// renew, when set, is asked once per call for a new credential after a 401.
	renew func(ctx context.Context, refused auth.ICredential) (auth.ICredential, bool)
	// invoke sends the request through the SDK client it is given.
	invoke func(*core.HcHttpClient) (any, error)
}

func (op *operation) label() string {
	if op.inFlight != "" {
		return op.inFlight
	}
	return op.name
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

// call runs op until it succeeds, fails for good, or max_retries is spent, and returns the
// decoded response, what the last exchange said of itself, and how many requests were sent.
// Each attempt goes through the SDK again, so an AK/SK request is signed afresh with a new
// X-Sdk-Date. Which failures are retried, and how long to wait, is go-retryablehttp's policy
// for connection errors and its back-off; of the HTTP answers only 429, 500, 502, 503 and 504
// are retried, and Retry-After is honoured.
func (c *Client) call(ctx context.Context, op operation) (any, exchange, int, error) {
	var last exchange
	sent, renewed := 0, false
	for n := 0; ; n++ {
		var sentAt time.Time
		if op.paced {
			var err error
			if sentAt, err = c.pace(ctx); err != nil {
				return nil, last, sent, &InterruptedError{InFlight: op.label(), Attempts: sent, Waiting: WaitingRateLimit, Err: err}
			}
		}
		limit := c.attemptTimeout()
		if op.attemptTimeout > 0 {
			limit = op.attemptTimeout
		}
		actx, cancel := context.WithTimeoutCause(ctx, limit, errAttemptTimedOut)
		bt := &boundTransport{ctx: actx, next: c.transport, redactor: c.redactor}
		hc := c.sdkClient(bt, op.endpoint, op.cred, statusCheck{op: op.name, want: op.want})
		sent++
		out, err := guard(func() (any, error) { return op.invoke(hc) })
		attemptTimedOut := errors.Is(context.Cause(actx), errAttemptTimedOut)
		cancel()
		last = bt.lastExchange()
		if op.paced && c.limiter != nil {
			switch {
			case err == nil:
				c.limiter.Succeeded()
			case last.status == http.StatusTooManyRequests:
				c.limiter.Throttled(sentAt)
			}
		}
		if err == nil {
			return out, last, sent, nil
		}

		var pe *sdkPanic
		var se *StatusError
		var sre *sdkerr.ServiceResponseError
		retry := false
		switch {
		case errors.As(err, &pe):
			return nil, last, sent, &DecodeError{Operation: op.name, StatusCode: last.status, RequestID: last.requestID, Reason: pe.Error()}
		case ctx.Err() != nil:
			return nil, last, sent, &InterruptedError{InFlight: op.label(), Attempts: sent, Err: context.Cause(ctx)}
		case attemptTimedOut:
			err, retry = &AttemptTimeoutError{Request: op.label(), Limit: limit}, true
		case errors.As(err, &se):
		case errors.As(err, &sre):
			if sre.StatusCode == http.StatusUnauthorized && op.renew != nil && !renewed {
				renewed = true
				if cred, ok := op.renew(ctx, op.cred); ok {
					c.redactor.info(ctx, "HSS provider re-authenticating after the credential was refused", map[string]any{"operation": op.name})
					op.cred = cred
					n--
					continue
				}
			}
			retry = retryableStatus[sre.StatusCode]
		default:
			// No usable answer: refused, reset, or a body that broke off. go-retryablehttp
			// knows which of these another attempt cannot fix (certificates, bad URLs).
			retry, _ = retryablehttp.ErrorPropagatedRetryPolicy(ctx, nil, err)
		}
		if !retry || n >= c.cfg.MaxRetries || op.noRetry {
			err = describe(op, err, last, c.redactor)
			if n == 0 {
				return nil, last, sent, err
			}
			return nil, last, sent, &RetryError{Attempts: n + 1, Err: err}
		}
		wait := c.backoff(n, last.response()) //nolint:bodyclose // rebuilt from recorded headers; it has no body
		c.redactor.warn(ctx, "HSS provider retrying request", map[string]any{
			"operation": op.label(), "attempt": n + 1, "max_retries": c.cfg.MaxRetries, "status": last.status,
			"request_id": last.requestID, "wait_ms": wait.Milliseconds(), "error": err,
		})
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, last, sent, &InterruptedError{InFlight: op.label(), Attempts: sent, Waiting: WaitingRetry,
				Err: fmt.Errorf("%w (last failure: %w)", context.Cause(ctx), describe(op, err, last, c.redactor))}
		case <-t.C:
		}
	}
}

// describe turns what an attempt failed with into this package's types, adding what the
// transport saw and redacting what the server said.
func describe(op operation, err error, last exchange, r *Redactor) error {
	err = fromSDK(op.name, err, r)
	var de *DecodeError
	if errors.As(err, &de) {
		if de.RequestID == "" {
			de.StatusCode, de.RequestID = last.status, last.requestID
		}
		return err
	}
	var ae *APIError
	var se *StatusError
	var te *AttemptTimeoutError
	if errors.As(err, &ae) {
		ae.hints = op.hints
		return err
	}
	if errors.As(err, &se) || errors.As(err, &te) {
		return err
	}
	if last.status != 0 && last.status < http.StatusBadRequest {
		// The body broke off after a good status line.
		return &DecodeError{Operation: op.name, StatusCode: last.status, RequestID: last.requestID, Reason: r.Redact(err.Error())}
	}
	return err
}

func (c *Client) attemptTimeout() time.Duration {
	if c.cfg.AttemptTimeout > 0 {
		return c.cfg.AttemptTimeout
	}
	return DefaultAttemptTimeout
}

// backoff is exponential with jitter between the configured bounds, or the server's
// Retry-After when it sent one.
func (c *Client) backoff(n int, resp *http.Response) time.Duration {
	lo, hi := c.cfg.RetryWaitMin, c.cfg.RetryWaitMax
	if lo <= 0 {
		lo = DefaultRetryWaitMin
	}
	if hi < lo {
		hi = max(lo, DefaultRetryWaitMax)
	}
	d := retryablehttp.DefaultBackoff(lo, hi, n, resp)
	if resp != nil && resp.Header.Get("Retry-After") != "" {
		return min(d, maxRetryAfter)
	}
	// Jitter over the upper half keeps parallel reads from retrying in lockstep.
	return d/2 + rand.N(d/2+1) //nolint:gosec // jitter needs no cryptographic randomness
}

// sdkClient builds an SDK client whose requests go through bt. It is cheap: the connection
// pool lives in c.transport and is shared. The SDK's own timeout is off: call bounds each
// attempt itself, so it can tell an attempt's limit from the caller's deadline.
func (c *Client) sdkClient(bt *boundTransport, endpoint string, cred auth.ICredential, check statusCheck) *core.HcHttpClient {
	hcfg := config.DefaultHttpConfig().
		WithHttpRoundTripper(bt).
		WithTimeout(0)
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
	se := &StatusError{Operation: h.op, StatusCode: code, Want: h.want, RequestID: printable(resp.GetHeader("X-Request-Id"), 128)}
	if loc, err := url.Parse(resp.GetHeader("Location")); err == nil && loc.Host != "" {
		se.LocationHost = printable(loc.Host, 253)
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
