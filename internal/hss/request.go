package hss

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/go-retryablehttp"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/signer/algorithm"
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
	// renew, when set, is asked once per call for a new credential after a 401; it returns
	// nil when none is left, and an error when obtaining one failed.
	renew func(ctx context.Context, refused auth.ICredential) (auth.ICredential, error)
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
// X-Sdk-Date. Of the HTTP answers only 429, 500, 502, 503 and 504 are retried, Retry-After
// honoured; of the failures without an answer, those go-retryablehttp's policy says another
// attempt can fix. Every retry but a throttled one is paid from the client's retry budget,
// and a host that refuses connections is waited for through the client's host gate.
func (c *Client) call(ctx context.Context, op operation) (any, exchange, int, error) {
	var last exchange
	sent, retries, paid, renewed := 0, 0, 0, false
	gated := !op.noRetry && c.cfg.MaxRetries > 0
	host := hostOf(op.endpoint)
	began := c.now()
	health := c.health(host, op.paced)
	for {
		var sentAt time.Time
		if op.paced {
			var err error
			if sentAt, err = c.pace(ctx); err != nil {
				return nil, last, sent, &InterruptedError{InFlight: op.label(), Attempts: sent, Waiting: WaitingRateLimit, Err: err}
			}
		}
		probe := false
		// Once the budget is spent no retry can follow: a request goes straight to its host.
		if gated && health.budget.left() >= retryCost {
			var err error
			if probe, err = c.gate.enter(ctx, host, began); err != nil {
				if ctx.Err() == nil {
					return nil, last, sent, err
				}
				return nil, last, sent, &InterruptedError{InFlight: op.label(), Attempts: sent, Waiting: WaitingHost,
					Err: fmt.Errorf("%w: %w", context.Cause(ctx), err)}
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
		reach := classify(err)
		if last.status != 0 {
			reach = connected
		} else if ctx.Err() != nil {
			reach = unknown
		}
		if gated {
			c.gate.done(host, probe, reach, err)
		}
		if op.paced && c.limiter != nil {
			switch {
			case err == nil:
				c.limiter.Succeeded()
			case last.status == http.StatusTooManyRequests:
				c.limiter.Throttled(sentAt)
			}
		}
		if err == nil {
			health.budget.succeeded(paid)
			health.throttle.succeeded()
			return out, last, sent, nil
		}

		var pe *sdkPanic
		var se *StatusError
		var sre *sdkerr.ServiceResponseError
		// charged is set for failures the throttle counts: errors and timeouts, not throttling,
		// answers that say when to come back, or refused connections.
		retry, cost, charged := false, retryCost, false
		switch {
		case errors.As(err, &pe):
			return nil, last, sent, &DecodeError{Operation: op.name, StatusCode: last.status, RequestID: last.requestID, Reason: pe.Error()}
		case ctx.Err() != nil:
			return nil, last, sent, &InterruptedError{InFlight: op.label(), Attempts: sent, Err: context.Cause(ctx)}
		case attemptTimedOut:
			err, retry, cost, charged = &AttemptTimeoutError{Request: op.label(), Limit: limit}, true, timeoutRetryCost, true
		case errors.As(err, &se):
		case errors.As(err, &sre):
			if sre.StatusCode == http.StatusUnauthorized && op.renew != nil && !renewed {
				renewed = true
				cred, rerr := op.renew(ctx, op.cred)
				if rerr != nil {
					// Why the renewal failed says more than the refusal that asked for it.
					return nil, last, sent, fmt.Errorf("%s refused the credential (HTTP 401), and renewing it failed: %w", op.label(), rerr)
				}
				if cred != nil {
					c.redactor.info(ctx, "HSS provider re-authenticating after the credential was refused", map[string]any{"operation": op.name})
					op.cred = cred
					continue
				}
			}
			retry = retryableStatus[sre.StatusCode]
			charged = retry && sre.StatusCode != http.StatusTooManyRequests && last.retryAfter == ""
			if sre.StatusCode == http.StatusTooManyRequests {
				cost = 0
			}
		default:
			// No usable answer: refused, reset, or a body that broke off. go-retryablehttp
			// knows which of these another attempt cannot fix (certificates, bad URLs).
			retry, _ = retryablehttp.ErrorPropagatedRetryPolicy(ctx, nil, err)
			charged = retry && reach != refused
			var dnsErr *net.DNSError
			if errors.As(err, &dnsErr) && dnsErr.IsNotFound {
				// A name that does not exist will not exist on the next attempt either.
				return nil, last, sent, &UnresolvedHostError{Operation: op.name, Host: serverText(hostOf(op.endpoint), 253), Origin: c.cfg.origin(op.endpoint)}
			}
		}
		// A refused connection waits at the host gate instead of counting against max_retries.
		waitForHost := gated && reach == refused
		if !retry || op.noRetry || (!waitForHost && retries >= c.cfg.MaxRetries) {
			err = describe(op, err, last, c.redactor)
			if sent == 1 {
				return nil, last, sent, err
			}
			return nil, last, sent, &RetryError{Attempts: sent, Err: err}
		}
		if charged && !health.throttle.failed() {
			c.redactor.warn(ctx, "HSS provider not retrying: the host kept failing and nothing succeeded since", map[string]any{
				"operation": op.label(), "status": last.status, "request_id": last.requestID, "error": err,
			})
			return nil, last, sent, &RetryError{Attempts: sent, Paused: true, Err: describe(op, err, last, c.redactor)}
		}
		if cost > 0 && !health.budget.take(cost) {
			c.redactor.warn(ctx, "HSS provider not retrying: the retry budget is spent", map[string]any{
				"operation": op.label(), "status": last.status, "request_id": last.requestID, "error": err,
			})
			return nil, last, sent, &RetryError{Attempts: sent, Paused: true, Err: describe(op, err, last, c.redactor)}
		}
		paid += cost
		if waitForHost {
			c.redactor.warn(ctx, "HSS provider waiting for a host that refuses connections", map[string]any{
				"operation": op.label(), "host": host, "error": err,
			})
			continue
		}
		wait := c.backoff(retries, last)
		retries++
		c.redactor.warn(ctx, "HSS provider retrying request", map[string]any{
			"operation": op.label(), "attempt": sent, "max_retries": c.cfg.MaxRetries, "status": last.status,
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
		ae.hints, ae.TraceID = op.hints, last.traceID
		return err
	}
	if errors.As(err, &se) || errors.As(err, &te) {
		return err
	}
	if last.status != 0 && last.status < http.StatusBadRequest {
		// The body broke off after a good status line.
		return &DecodeError{Operation: op.name, StatusCode: last.status, RequestID: last.requestID, Reason: serverText(r.Redact(err.Error()), 500)}
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
// Retry-After when it sent one, clamped to the minimum back-off and maxRetryAfter: a huge
// value or a date in the past must neither stall a plan nor make it retry at once.
func (c *Client) backoff(n int, last exchange) time.Duration {
	lo, hi := c.cfg.RetryWaitMin, c.cfg.RetryWaitMax
	if lo <= 0 {
		lo = DefaultRetryWaitMin
	}
	if hi < lo {
		hi = max(lo, DefaultRetryWaitMax)
	}
	if d, ok := parseRetryAfter(last.retryAfter, c.now()); ok {
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
// pool lives in c.transport and is shared. The SDK's own timeout is off: call bounds each
// attempt itself, so it can tell an attempt's limit from the caller's deadline.
func (c *Client) sdkClient(bt *boundTransport, endpoint string, cred auth.ICredential, check statusCheck) *core.HcHttpClient {
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
	se := &StatusError{Operation: h.op, StatusCode: code, Want: h.want, RequestID: requestID(resp.GetHeader("X-Request-Id"))}
	if loc, err := url.Parse(resp.GetHeader("Location")); err == nil && loc.Host != "" {
		se.LocationHost = serverText(loc.Host, 253)
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
