package explain

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hsslabs/terraform-provider-hss/internal/hss"
	"github.com/hsslabs/terraform-provider-hss/internal/redact"
	"github.com/hsslabs/terraform-provider-hss/internal/transport"
)

// Each way a read can run out of time names what really ran out.
func TestReadErrorNamesTheRealCause(t *testing.T) {
	inFlight := hss.OpListBasicImages + " page 2 (offset 200)"
	var r redact.Redactor
	cases := map[string]struct {
		err      error
		want     []string
		notWants []string
	}{
		"attempt limit": {
			err:      &transport.RetryError{Attempts: 3, Err: &transport.AttemptTimeoutError{Request: inFlight, Limit: time.Minute}},
			want:     []string{inFlight + " got no complete answer within 1m0s, on each of 3 attempt(s)", "the read's own timeout (timeouts.read = 5m0s) had not passed"},
			notWants: []string{"did not finish within its timeout"},
		},
		"rate limit wait": {
			err:  &transport.InterruptedError{Request: inFlight, Waiting: transport.WaitingRateLimit, Err: fmt.Errorf("%w: next slot after the deadline", context.DeadlineExceeded)},
			want: []string{"would not finish within its timeout (timeouts.read = 5m0s): " + inFlight + " was waiting for the provider's own rate limit (rate_limit) after 0 attempt(s)"},
		},
		"retry wait": {
			err: &transport.InterruptedError{Request: inFlight, Attempts: 2, Waiting: transport.WaitingRetry,
				Err: fmt.Errorf("%w (last failure: %w)", context.DeadlineExceeded, &transport.APIError{Operation: hss.OpListBasicImages, StatusCode: 503})},
			want: []string{"was waiting to be retried after 2 failed attempt(s)", "HTTP 503"},
		},
		"in flight": {
			err:  &transport.InterruptedError{Request: inFlight, Attempts: 1, Err: context.DeadlineExceeded},
			want: []string{"did not finish within its timeout (timeouts.read = 5m0s): " + inFlight + " was in flight after 1 attempt(s)"},
		},
		"retries paused": {
			err: &transport.RetryError{Attempts: 1, Paused: true, Err: &transport.APIError{Operation: hss.OpListBasicImages, StatusCode: 500, ErrorCode: "HSS.0500"}},
			want: []string{"failed with HTTP status 500", "error_code: HSS.0500", "Not retried: retries are paused because the service kept failing",
				"shares each host's retries"},
			notWants: []string{"The request was tried"},
		},
		"IAM trace ID": {
			err:  &transport.APIError{Operation: "GET /v3/projects", StatusCode: 401, ErrorCode: "401", ErrorMsg: "no", RequestID: "r-1", TraceID: "t-1"},
			want: []string{"request ID: r-1\nIAM trace ID: t-1"},
		},
		"host refusing connections": {
			err: &transport.InterruptedError{Request: inFlight, Attempts: 1, Waiting: transport.WaitingHost, Err: fmt.Errorf("%w: %w", context.DeadlineExceeded,
				&transport.UnreachableError{Host: "hss.example:443", For: 5 * time.Minute, Attempts: 40, Err: errors.New("connect: connection refused")})},
			want: []string{"did not finish within its timeout (timeouts.read = 5m0s): " + inFlight + " was waiting for its host to accept connections again",
				"hss.example:443 has refused connections for 5m0s (40 connection attempts", "connection refused", "one connection attempt at a time"},
		},
		"host outlasted other reads": {
			err: &transport.UnreachableError{Host: "hss.example:443", For: 6 * time.Minute, Attempts: 41, Outlasted: true, Err: errors.New("connect: connection refused")},
			want: []string{"hss.example:443 has refused connections for 6m0s", "the provider waits 10s for a host to accept a connection, so this request was not sent",
				"was not sent again"},
		},
		"host that does not resolve": {
			err: &transport.UnresolvedHostError{Operation: hss.OpListBasicImages, Host: "hss.cn-north4.myhuaweicloud.com",
				Origin: `region "cn-north4" (with cloud "myhuaweicloud.com"); did you mean "cn-north-4"?`},
			want: []string{`the host hss.cn-north4.myhuaweicloud.com does not resolve (no such host); it is made from region "cn-north4"`,
				`did you mean "cn-north-4"?`, "Not retried"},
		},
		"echoed token": {
			err:      &transport.APIError{Operation: hss.OpListBasicImages, StatusCode: 400, ErrorMsg: "got X-Auth-Token: MIIsecretvalue123"},
			want:     []string{"X-Auth-Token: ***"},
			notWants: []string{"MIIsecretvalue123"},
		},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, detail := Read{Timeout: 5 * time.Minute, Subject: "HSS basic image information"}.Failure(c.err)
			detail = r.Redact(detail)
			for _, w := range c.want {
				if !strings.Contains(detail, w) {
					t.Errorf("detail lacks %q:\n%s", w, detail)
				}
			}
			for _, w := range c.notWants {
				if strings.Contains(detail, w) {
					t.Errorf("detail has %q:\n%s", w, detail)
				}
			}
		})
	}
	if errors.Is(&transport.AttemptTimeoutError{}, context.DeadlineExceeded) {
		t.Fatal("an attempt's limit must not read as the caller's deadline")
	}
}
