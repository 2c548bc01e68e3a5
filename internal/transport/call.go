package transport

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

	"github.com/hsslabs/terraform-provider-hss/internal/endpoints"
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

// Call runs op until it succeeds, fails for good, or max_retries is spent, and returns the
// decoded response, what the last Exchange said of itself, and how many requests were sent.
// Each attempt goes through the SDK again, so an AK/SK request is signed afresh with a new
// X-Sdk-Date. Of the HTTP answers only 429, 500, 502, 503 and 504 are retried, Retry-After
// honoured; of the failures without an answer, those go-retryablehttp's policy says another
// attempt can fix. Every retry but a throttled one is paid from the client's retry budget,
// and a host that refuses connections is waited for through the client's host gate.
func (c *Sender) Call(ctx context.Context, op Operation) (any, Exchange, int, error) {
	var last Exchange
	sent, retries, paid, renewed := 0, 0, 0, false
	gated := !op.NoRetry && c.cfg.MaxRetries > 0
	host := endpoints.HostOf(op.Endpoint)
	began := c.now()
	health := c.health(host, op.Paced)
	for {
		var sentAt time.Time
		if op.Paced {
			var err error
			if sentAt, err = c.pace(ctx); err != nil {
				return nil, last, sent, &InterruptedError{InFlight: op.shown(), Attempts: sent, Waiting: WaitingRateLimit, Err: err}
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
				return nil, last, sent, &InterruptedError{InFlight: op.shown(), Attempts: sent, Waiting: WaitingHost,
					Err: fmt.Errorf("%w: %w", context.Cause(ctx), err)}
			}
		}
		limit := c.cfg.AttemptTimeout
		if op.AttemptTimeout > 0 {
			limit = op.AttemptTimeout
		}
		actx, cancel := context.WithTimeoutCause(ctx, limit, errAttemptTimedOut)
		bt := &boundTransport{ctx: actx, next: c.cfg.Pool, redactor: c.cfg.Redactor}
		hc := c.sdkClient(bt, op.Endpoint, op.Cred, statusCheck{op: op.Name, want: op.Want})
		sent++
		out, err := guard(func() (any, error) { return op.Invoke(hc) })
		attemptTimedOut := errors.Is(context.Cause(actx), errAttemptTimedOut)
		cancel()
		last = bt.lastExchange()
		reach := classify(err)
		if last.Status != 0 {
			reach = connected
		} else if ctx.Err() != nil {
			reach = unknown
		}
		if gated {
			c.gate.done(host, probe, reach, err)
		}
		if op.Paced && c.limiter != nil {
			switch {
			case err == nil:
				c.limiter.Succeeded()
			case last.Status == http.StatusTooManyRequests:
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
			return nil, last, sent, &DecodeError{Operation: op.Name, StatusCode: last.Status, RequestID: last.RequestID, Reason: pe.Error()}
		case ctx.Err() != nil:
			return nil, last, sent, &InterruptedError{InFlight: op.shown(), Attempts: sent, Err: context.Cause(ctx)}
		case attemptTimedOut:
			err, retry, cost, charged = &AttemptTimeoutError{Request: op.shown(), Limit: limit}, true, timeoutRetryCost, true
		case errors.As(err, &se):
		case errors.As(err, &sre):
			if sre.StatusCode == http.StatusUnauthorized && op.Renew != nil && !renewed {
				renewed = true
				cred, rerr := op.Renew(ctx, op.Cred)
				if rerr != nil {
					// Why the renewal failed says more than the refusal that asked for it.
					return nil, last, sent, fmt.Errorf("%s refused the credential (HTTP 401), and renewing it failed: %w", op.shown(), rerr)
				}
				if cred != nil {
					c.cfg.Redactor.Info(ctx, "HSS provider re-authenticating after the credential was refused", map[string]any{"Operation": op.Name})
					op.Cred = cred
					continue
				}
			}
			retry = retryableStatus[sre.StatusCode]
			charged = retry && sre.StatusCode != http.StatusTooManyRequests && last.RetryAfter == ""
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
				return nil, last, sent, &UnresolvedHostError{Operation: op.Name, Host: termsafe.Text(endpoints.HostOf(op.Endpoint), 253), Origin: c.cfg.Endpoints.Origin(op.Endpoint)}
			}
		}
		// A refused connection waits at the host gate instead of counting against max_retries.
		waitForHost := gated && reach == refused
		if !retry || op.NoRetry || (!waitForHost && retries >= c.cfg.MaxRetries) {
			err = describe(op, err, last, c.cfg.Redactor)
			if sent == 1 {
				return nil, last, sent, err
			}
			return nil, last, sent, &RetryError{Attempts: sent, Err: err}
		}
		if charged && !health.throttle.failed() {
			c.cfg.Redactor.Warn(ctx, "HSS provider not retrying: the host kept failing and nothing succeeded since", map[string]any{
				"Operation": op.shown(), "status": last.Status, "request_id": last.RequestID, "error": err,
			})
			return nil, last, sent, &RetryError{Attempts: sent, Paused: true, Err: describe(op, err, last, c.cfg.Redactor)}
		}
		if cost > 0 && !health.budget.take(cost) {
			c.cfg.Redactor.Warn(ctx, "HSS provider not retrying: the retry budget is spent", map[string]any{
				"Operation": op.shown(), "status": last.Status, "request_id": last.RequestID, "error": err,
			})
			return nil, last, sent, &RetryError{Attempts: sent, Paused: true, Err: describe(op, err, last, c.cfg.Redactor)}
		}
		paid += cost
		if waitForHost {
			c.cfg.Redactor.Warn(ctx, "HSS provider waiting for a host that refuses connections", map[string]any{
				"Operation": op.shown(), "host": host, "error": err,
			})
			continue
		}
		wait := c.backoff(retries, last)
		retries++
		c.cfg.Redactor.Warn(ctx, "HSS provider retrying request", map[string]any{
			"Operation": op.shown(), "attempt": sent, "max_retries": c.cfg.MaxRetries, "status": last.Status,
			"request_id": last.RequestID, "wait_ms": wait.Milliseconds(), "error": err,
		})
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, last, sent, &InterruptedError{InFlight: op.shown(), Attempts: sent, Waiting: WaitingRetry,
				Err: fmt.Errorf("%w (last failure: %w)", context.Cause(ctx), describe(op, err, last, c.cfg.Redactor))}
		case <-t.C:
		}
	}
}

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
