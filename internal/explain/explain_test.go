package explain

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hsslabs/terraform-provider-hss/internal/credentials"
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
			wantIn(t, detail, c.want, c.notWants)
		})
	}
	if errors.Is(&transport.AttemptTimeoutError{}, context.DeadlineExceeded) {
		t.Fatal("an attempt's limit must not read as the caller's deadline")
	}
}

// Each kind of failure gets its own words and, where the configuration knows more, its hint;
// the summary names the service that failed; an error no describer knows is shown as it is.
func TestFailureDescribesEachKind(t *testing.T) {
	hints := Hints{NoCredentials: "Set access_key and secret_key.", UntrustedCertificate: "Set ca_cert_file."}
	apiErr := &transport.APIError{Operation: hss.OpListBasicImages, StatusCode: 500, ErrorCode: "HSS.0500", ErrorMsg: "internal"}
	iamErr := &transport.APIError{Operation: "POST /v3/auth/tokens", StatusCode: 401, ErrorCode: "1101", ErrorMsg: "wrong password"}
	for name, c := range map[string]struct {
		err      error
		summary  string
		want     []string
		notWants []string
	}{
		"plain": {err: errors.New("something odd"), summary: "Unable to read the images", want: []string{"something odd"}},
		"IAM": {err: fmt.Errorf("password authentication for user %q failed: %w", "ops", iamErr), summary: "Unable to authenticate with IAM",
			want: []string{"error_code: 1101", `Step: password authentication for user "ops" failed.`}},
		"no step": {err: apiErr, summary: "Unable to read the images", want: []string{"error_code: HSS.0500\nerror_msg: internal\nrequest ID: (none returned)"},
			notWants: []string{"Step:", "IAM trace ID", "tried"}},
		"retried": {err: &transport.RetryError{Attempts: 4, Err: apiErr}, want: []string{"The request was tried 4 times, as many as max_retries allows."},
			notWants: []string{"Not retried", "Step:"}},
		"metadata": {err: &credentials.MetadataError{Endpoint: "http://169.254.169.254", Err: errors.New("404")}, summary: "Unable to authenticate with the ECS metadata service",
			want: []string{"the ECS metadata service at http://169.254.169.254 gave none", "an agency bound. Set access_key and secret_key."}},
		"unknown authority":   {err: fmt.Errorf("get: %w", x509.UnknownAuthorityError{}), want: []string{"The endpoint's TLS certificate could not be verified", "\n\nSet ca_cert_file."}},
		"invalid certificate": {err: fmt.Errorf("get: %w", x509.CertificateInvalidError{Reason: x509.Expired}), want: []string{"TLS certificate could not be verified", "Set ca_cert_file."}},
		"list changed":        {err: fmt.Errorf("page 3: %w", hss.ErrListChanged), want: []string{"Entries were added or removed while the pages"}},
		"deadline":            {err: fmt.Errorf("dial: %w", context.DeadlineExceeded), want: []string{"did not finish within its timeout (timeouts.read = 5m0s): dial: context deadline exceeded."}},
		"cancelled":           {err: fmt.Errorf("dial: %w", context.Canceled), want: []string{"The read was cancelled: dial: context canceled."}},
		"cancelled in flight": {err: &transport.InterruptedError{Request: "GET /x", Attempts: 2, Err: context.Canceled},
			want: []string{"The read was cancelled while GET /x was in flight (attempt 2)."}, notWants: []string{"timeout"}},
		"policy denied": {err: &transport.APIError{Operation: hss.OpListBasicImages, StatusCode: 403, ErrorCode: "HSS.1041", EncodedAuthorizationMessage: "enc-1"},
			want: []string{"request ID: (none returned)\n\n", "An IAM policy denied the request", "enc-1"}},
		"blank step": {err: fmt.Errorf("  %w", apiErr), notWants: []string{"Step:"}},
		"host refusing": {err: &transport.InterruptedError{Request: "GET /x", Attempts: 3, Waiting: transport.WaitingHost, Err: fmt.Errorf("%w: %w",
			context.DeadlineExceeded, &transport.UnreachableError{Host: "hss.example:443", For: time.Minute, Attempts: 9, Err: errors.New("refused")})},
			want: []string{"after 3 attempt(s).\n\nhss.example:443 could not be reached"}},
		"redirected": {err: &transport.StatusError{Operation: hss.OpListBasicImages, StatusCode: 302, Want: 200, LocationHost: "login.example"},
			want: []string{".\n\nA proxy, gateway or a wrong endpoint answered instead of the API."}},
		"unreadable": {err: &transport.DecodeError{Operation: hss.OpListBasicImages, StatusCode: 200, Reason: "not JSON"},
			want: []string{"could not read (HTTP status 200, request ID (none returned)): not JSON."}},
		"one attempt": {err: &transport.AttemptTimeoutError{Request: "GET /x", Limit: time.Minute}, want: []string{"on each of 1 attempt(s)"}},
		"host, no connection error": {err: &transport.InterruptedError{Request: "GET /x", Attempts: 3, Waiting: transport.WaitingHost, Err: fmt.Errorf("%w: no answer", context.DeadlineExceeded)},
			want: []string{"after 3 attempt(s).\n\ncontext deadline exceeded: no answer.\n\n"}},
	} {
		t.Run(name, func(t *testing.T) {
			summary, detail := Read{Timeout: 5 * time.Minute, Subject: "the images", Hints: hints}.Failure(c.err)
			if c.summary != "" && summary != c.summary {
				t.Errorf("summary %q, want %q", summary, c.summary)
			}
			if name == "plain" && detail != "something odd" {
				t.Errorf("detail %q", detail)
			}
			wantIn(t, detail, c.want, c.notWants)
		})
	}
	// Without hints, nothing follows the description.
	if _, detail := (Read{}).Failure(&credentials.MetadataError{Endpoint: "e", Err: errors.New("x")}); !strings.HasSuffix(detail, "an agency bound.") {
		t.Fatalf("%q", detail)
	}
	if _, detail := (Read{}).Failure(x509.UnknownAuthorityError{}); strings.Contains(detail, "\n") {
		t.Fatalf("%q", detail)
	}
}
