package hss

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"time"

	"github.com/hashicorp/go-retryablehttp"
	"github.com/hashicorp/terraform-plugin-log/tflog"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/sdkerr"
)

// Back-off defaults: seconds, not the minutes some providers sleep on a 429.
const (
	DefaultRetryWaitMin = 200 * time.Millisecond
	DefaultRetryWaitMax = 5 * time.Second
	// maxRetryAfter caps a server's Retry-After so one answer cannot stall a plan for long.
	maxRetryAfter = 60 * time.Second
)

// retryableStatus are the answers worth another attempt: throttling and transient outages.
var retryableStatus = map[int]bool{
	http.StatusTooManyRequests:     true,
	http.StatusInternalServerError: true,
	http.StatusBadGateway:          true,
	http.StatusServiceUnavailable:  true,
	http.StatusGatewayTimeout:      true,
}

// RetryError is the last failure of a request that was retried until max_retries ran out.
type RetryError struct {
	Attempts int
	Err      error
}

func (e *RetryError) Error() string {
	return e.Err.Error() + " (gave up after " + strconv.Itoa(e.Attempts) + " attempts)"
}

func (e *RetryError) Unwrap() error { return e.Err }

// retrying runs attempt until it succeeds, fails for good, or max_retries is spent. Each
// attempt goes through the SDK again, so an AK/SK request is signed afresh with a new
// X-Sdk-Date. Which failures are retried, and how long to wait, is go-retryablehttp's
// policy for connection errors and its back-off; of the HTTP answers only 429, 500, 502, 503
// and 504 are retried. Retry-After is honoured.
func (c *Client) retrying(ctx context.Context, bt *boundTransport, op string, attempt func() error) error {
	maxRetries := c.cfg.MaxRetries
	for n := 0; ; n++ {
		bt.reset()
		err := guard(attempt)
		if err == nil {
			return nil
		}
		var pe *sdkPanic
		if errors.As(err, &pe) {
			last := bt.lastExchange()
			return &DecodeError{Operation: op, StatusCode: last.status, RequestID: last.requestID, Reason: pe.Error()}
		}
		if ctx.Err() != nil {
			return &InterruptedError{InFlight: op, Attempts: n + 1, Err: ctx.Err()}
		}
		last := bt.lastExchange()
		resp := last.response() //nolint:bodyclose // rebuilt from recorded headers; it has no body
		var tErr error
		var sre *sdkerr.ServiceResponseError
		if !errors.As(err, &sre) {
			// No usable answer: refused, reset, or a body that broke off.
			resp, tErr = nil, err
		}
		retry, _ := retryablehttp.ErrorPropagatedRetryPolicy(ctx, resp, tErr)
		if resp != nil && !retryableStatus[resp.StatusCode] {
			retry = false
		}
		if !retry || n >= maxRetries {
			if n == 0 {
				return err
			}
			return &RetryError{Attempts: n + 1, Err: err}
		}
		wait := c.backoff(n, resp)
		tflog.Warn(ctx, "HSS provider retrying request", map[string]any{
			"operation": op, "attempt": n + 1, "max_retries": maxRetries, "status": last.status,
			"request_id": last.requestID, "wait_ms": wait.Milliseconds(), "error": err.Error(),
		})
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return &InterruptedError{InFlight: op + " (waiting to retry after: " + err.Error() + ")", Attempts: n + 1, Err: ctx.Err()}
		case <-t.C:
		}
	}
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

// sdkPanic is a panic inside the SDK, turned into an error so a hostile response cannot crash
// Terraform.
type sdkPanic struct{ v any }

func (p *sdkPanic) Error() string {
	return fmt.Sprintf("the Huawei Cloud SDK failed on the response: %v", p.v)
}

func guard(f func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &sdkPanic{v: r}
		}
	}()
	return f()
}
