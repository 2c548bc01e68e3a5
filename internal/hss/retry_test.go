package hss_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/hsslabs/terraform-provider-hss/internal/credentials"
	"github.com/hsslabs/terraform-provider-hss/internal/emulator"
	"github.com/hsslabs/terraform-provider-hss/internal/endpoints"
	"github.com/hsslabs/terraform-provider-hss/internal/hss"
	"github.com/hsslabs/terraform-provider-hss/internal/transport"
)

func TestRetryTransientFailures(t *testing.T) {
	cases := map[string]emulator.Fault{
		"429":   {Times: 3, Status: http.StatusTooManyRequests, RetryAfter: "0"},
		"500":   {Times: 2, Status: http.StatusInternalServerError, Code: "HSS.0500"},
		"502":   {Times: 1, Status: http.StatusBadGateway, Body: "<html>bad gateway</html>"},
		"503":   {Times: 2, Status: http.StatusServiceUnavailable},
		"504":   {Times: 1, Status: http.StatusGatewayTimeout},
		"reset": {Times: 2, Reset: true},
	}
	for name, f := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			emu, url := newServer(t)
			emu.AddFault(f)
			c := newClient(t, url, aksk(), fastRetries(5))
			res, err := c.ListBasicImages(context.Background(), cicd111)
			if err != nil {
				t.Fatal(err)
			}
			if want := f.Times + 1; emu.Count(emulator.KindHSS) != want || res.Requests != want || len(res.Items) != 1 {
				t.Fatalf("requests: emulator %d, client %d, want %d", emu.Count(emulator.KindHSS), res.Requests, want)
			}
		})
	}
}

func TestNoRetryOnClientErrors(t *testing.T) {
	for _, status := range []int{400, 401, 403, 404, 501, 505} {
		emu, url := newServer(t)
		emu.AddFault(emulator.Fault{Status: status, Code: "HSS.0001", Message: "no"})
		c := newClient(t, url, aksk(), fastRetries(5))
		_, err := c.ListBasicImages(context.Background(), cicd111)
		var ae *transport.APIError
		if !errors.As(err, &ae) || ae.StatusCode != status || emu.Count(emulator.KindHSS) != 1 {
			t.Fatalf("status %d: err %v after %d requests", status, err, emu.Count(emulator.KindHSS))
		}
	}
}

func TestRetriesExhausted(t *testing.T) {
	emu, url := newServer(t)
	emu.AddFault(emulator.Fault{Status: http.StatusTooManyRequests, RetryAfter: "0"})
	c := newClient(t, url, aksk(), fastRetries(2))
	_, err := c.ListBasicImages(context.Background(), cicd111)
	var re *transport.RetryError
	var ae *transport.APIError
	if !errors.As(err, &re) || re.Attempts != 3 || !errors.As(err, &ae) || ae.ErrorCode != "APIGW.0308" {
		t.Fatalf("err = %v", err)
	}
	if emu.Count(emulator.KindHSS) != 3 {
		t.Fatalf("%d requests, want 3", emu.Count(emulator.KindHSS))
	}

	emu.Reset()
	c = newClient(t, url, aksk(), fastRetries(0))
	if _, err := c.ListBasicImages(context.Background(), cicd111); err == nil || emu.Count(emulator.KindHSS) != 1 {
		t.Fatalf("max_retries 0: err %v after %d requests", err, emu.Count(emulator.KindHSS))
	}
}

// Three 429s with Retry-After: 1 wait exactly three seconds (virtual), not minutes, and every
// retried AK/SK request is signed afresh: the emulator sees a new X-Sdk-Date each time.
func TestThrottledReadHonoursRetryAfterAndResigns(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := newOutagePlan(t, func(c *hss.Config) { c.RateLimit = -1 })
		p.emu.SetLatency(0)
		p.emu.AddFault(emulator.Fault{Times: 3, Status: http.StatusTooManyRequests, RetryAfter: "1"})
		start := time.Now()
		if _, err := p.c.ListBasicImages(context.Background(), cicd111); err != nil {
			t.Fatal(err)
		}
		if took := time.Since(start); took != 3*time.Second {
			t.Fatalf("three 429s with Retry-After: 1 took %s, want 3 s", took)
		}
		reqs := p.emu.Requests()
		seen := map[string]bool{}
		for _, r := range reqs {
			seen[r.SdkDate] = true
		}
		if len(reqs) != 4 || len(seen) != 4 {
			t.Fatalf("%d requests with %d distinct X-Sdk-Date values, want 4 and 4", len(reqs), len(seen))
		}
	})
}

// Cancellation ends a back-off wait at once, long before its timer: a 30 s Retry-After is cut
// short when the read's context ends after 50 ms (virtual).
func TestRetryWaitStopsOnCancel(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := newOutagePlan(t)
		p.emu.SetLatency(0)
		p.emu.AddFault(emulator.Fault{Status: http.StatusTooManyRequests, RetryAfter: "30"})
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		start := time.Now()
		_, err := p.c.ListBasicImages(ctx, cicd111)
		var ie *transport.InterruptedError
		if !errors.As(err, &ie) || ie.Waiting != transport.WaitingRetry || !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("err %v", err)
		}
		if took := time.Since(start); took != 50*time.Millisecond {
			t.Fatalf("the wait ended after %s, not when the read was cancelled at 50ms", took)
		}
	})
}

// A password-issued token that expires mid-run is replaced once; a static token is not.
func TestReauthenticateOnExpiredToken(t *testing.T) {
	emu, url := newServer(t)
	c := newClient(t, url, credentials.Config{Method: credentials.AuthPassword, UserName: emulator.UserName, Password: emulator.UserPassword, DomainName: emulator.DomainName}, fastRetries(0), noCache)
	if _, err := c.ListBasicImages(context.Background(), cicd111); err != nil {
		t.Fatal(err)
	}
	// IAM revokes the token (its clock moves past the expiry) while the client still trusts it.
	emu.SetClock(func() time.Time { return time.Now().Add(25 * time.Hour) })
	if _, err := c.ListBasicImages(context.Background(), cicd111); err != nil {
		t.Fatal(err)
	}
	if n := emu.Count(emulator.KindIAMToken); n != 2 {
		t.Fatalf("%d token requests, want 2", n)
	}
	emu.SetClock(time.Now)

	tok := emu.IssueToken(emulator.UserName, emulator.ProjectID, time.Hour)
	c = newClient(t, url, credentials.Config{Method: credentials.AuthToken, Token: tok}, fastRetries(0))
	emu.AddFault(emulator.Fault{Times: 1, Status: http.StatusUnauthorized, Code: "APIGW.0307", Message: "The token has expired."})
	_, err := c.ListBasicImages(context.Background(), cicd111)
	var ae *transport.APIError
	if !errors.As(err, &ae) || ae.StatusCode != 401 {
		t.Fatalf("static token: err = %v", err)
	}
}

// A real refused connection (nothing listens on port 1) is told from other failures: the read
// waits for the host until its own deadline, without sending again before the first probe is
// due, and says what it waited for.
func TestConnectionRefusedWaitsForTheHost(t *testing.T) {
	_, url := newServer(t)
	c := newClient(t, url, aksk(), fastRetries(2), func(c *hss.Config) { c.Endpoints.HSS = "http://127.0.0.1:1" })
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, err := c.ListBasicImages(ctx, cicd111)
	var ie *transport.InterruptedError
	var ue *transport.UnreachableError
	if !errors.As(err, &ie) || ie.Waiting != transport.WaitingHost || ie.Attempts != 1 || !errors.As(err, &ue) || ue.Host != "127.0.0.1:1" ||
		!strings.Contains(err.Error(), "connection refused") || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v", err)
	}
}

// The retry budget: failures that are answers cost it, throttling does not, and a request
// that succeeds pays back what its retries cost.
func TestRetryBudget(t *testing.T) {
	budget := func(tokens int) func(*hss.Config) { return func(c *hss.Config) { c.RetryBudget = tokens } }
	// Two retries' worth.
	emu, url := newServer(t)
	c := newClient(t, url, aksk(), fastRetries(5), budget(10), noCache)
	for i := range 3 {
		emu.AddFault(emulator.Fault{Times: 2, Status: http.StatusInternalServerError})
		if _, err := c.ListBasicImages(context.Background(), cicd111); err != nil {
			t.Fatalf("read %d: the retries of earlier reads were not paid back: %v", i, err)
		}
	}
	emu.AddFault(emulator.Fault{Times: 3, Status: http.StatusBadGateway})
	emu.Reset()
	_, err := c.ListBasicImages(context.Background(), cicd111)
	var re *transport.RetryError
	if !errors.As(err, &re) || !re.Paused || re.Attempts != 3 || emu.Count(emulator.KindHSS) != 3 || !strings.Contains(err.Error(), "HTTP 502") {
		t.Fatalf("after %d requests: %v", emu.Count(emulator.KindHSS), err)
	}
	// Throttling is paced, not charged: eight 429s on a budget of two retries.
	emu.ClearFaults()
	emu.AddFault(emulator.Fault{Times: 8, Status: http.StatusTooManyRequests, RetryAfter: "0"})
	c = newClient(t, url, aksk(), fastRetries(10), budget(10), noCache)
	if _, err := c.ListBasicImages(context.Background(), cicd111); err != nil {
		t.Fatal(err)
	}
	// An attempt that timed out costs twice as much: one retry's worth does not pay for it.
	emu.ClearFaults()
	emu.AddFault(emulator.Fault{Times: 1, Hold: make(chan struct{})})
	c = newClient(t, url, aksk(), fastRetries(5), budget(9), noCache, func(c *hss.Config) { c.AttemptTimeout = 20 * time.Millisecond })
	_, err = c.ListBasicImages(context.Background(), cicd111)
	var te *transport.AttemptTimeoutError
	if !errors.As(err, &re) || !re.Paused || !errors.As(err, &te) {
		t.Fatalf("err %v", err)
	}
}

// dnsFailure answers every request as a resolver does for a name that does not exist.
type dnsFailure struct{ attempts int }

func (d *dnsFailure) RoundTrip(r *http.Request) (*http.Response, error) {
	d.attempts++
	return nil, &net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{Err: "no such host", Name: r.URL.Hostname(), IsNotFound: true}}
}

// A host that does not resolve is not retried, and the error says what made the host: a
// mistyped region with the region it probably meant, or the endpoint override.
func TestUnresolvedHostIsNotRetried(t *testing.T) {
	for name, c := range map[string]struct {
		cfg  hss.Config
		want string
	}{
		"region typo": {hss.Config{Region: "cn-north4", ProjectID: emulator.ProjectID},
			`GET /v5/{project_id}/image/{image_id}/basic-image: the host hss.cn-north4.myhuaweicloud.com does not resolve (no such host); it is made from region "cn-north4" (with cloud "myhuaweicloud.com"); did you mean "cn-north-4"?`},
		"unknown region": {hss.Config{Region: "xx-nowhere-9", ProjectID: emulator.ProjectID}, `made from region "xx-nowhere-9" (with cloud "myhuaweicloud.com")`},
		"IAM of a typo":  {hss.Config{Region: "ap-southeast-l"}, `GET /v3/projects: the host iam.ap-southeast-l.myhuaweicloud.com does not resolve (no such host); it is made from region "ap-southeast-l" (with cloud "myhuaweicloud.com"); did you mean "ap-southeast-1"?`},
		"endpoint":       {hss.Config{Region: "cn-north-4", ProjectID: emulator.ProjectID, Endpoints: endpoints.Set{HSS: "https://hss.internal.example:8443"}}, `the host hss.internal.example:8443 does not resolve (no such host); it is made from endpoints.hss`},
	} {
		tr := &dnsFailure{}
		c.cfg.Credentials, c.cfg.Transport, c.cfg.MaxRetries = aksk(), tr, transport.DefaultMaxRetries
		client, err := hss.New(c.cfg)
		if err != nil {
			t.Fatal(err)
		}
		_, err = client.ListBasicImages(context.Background(), cicd111)
		var ue *transport.UnresolvedHostError
		if !errors.As(err, &ue) || !strings.Contains(err.Error(), c.want) || tr.attempts != 1 {
			t.Errorf("%s: %d attempts, err %v", name, tr.attempts, err)
		}
		if !strings.Contains(c.want, "did you mean") && strings.Contains(err.Error(), "did you mean") {
			t.Errorf("%s: a suggestion without a near region: %v", name, err)
		}
		// The reads after it fail at once, the same, without a lookup.
		_, again := client.ListBasicImages(context.Background(), hss.BasicImageQuery{ImageID: "222", ImageType: "cicd"})
		if again == nil || again.Error() != err.Error() || tr.attempts != 1 {
			t.Errorf("%s: the next read made %d attempts in all: %v", name, tr.attempts, again)
		}
	}
	if got := credentials.Service(&transport.UnresolvedHostError{Operation: "GET /v3/projects"}); got != credentials.ServiceIAM {
		t.Errorf("service %q", got)
	}
}

// Error bodies the SDK reads no code from: the code and message are found in each shape, so
// hints keyed by code fire, and IAM's trace ID is kept beside the request ID.
func TestErrorBodyShapes(t *testing.T) {
	cases := []struct {
		name, body        string
		kind              emulator.Kind
		status            int
		wantCode, wantMsg string
		hint              bool
	}{
		{"HSS error_description", `{"error_code":"HSS.0010","error_description":"denied <b>here</b>"}`, emulator.KindHSS, 400, "HSS.0010", "denied <b>here</b>", true},
		{"Keystone", `{"error":{"code":401,"message":"The request you have made requires authentication.","title":"Unauthorized"}}`, emulator.KindIAMProjects, 401, "401", "The request you have made requires authentication.", true},
		{"numeric error_code", `{"error_code":10,"error_msg":"bad query"}`, emulator.KindHSS, 400, "10", "bad query", false},
		{"nested pair", `{"result":{"error":{"error_code":"APIGW.0301","error_msg":"Incorrect IAM authentication information"}}}`, emulator.KindHSS, 401, "APIGW.0301", "Incorrect IAM authentication information", true},
		{"numeric code two levels down", `{"result":{"error":{"code":403,"message":"no access"}}}`, emulator.KindHSS, 403, "403", "no access", true},
		{"control characters", `{"error_code":"HSS.0010","error_description":"a\u001b[2Jb"}`, emulator.KindHSS, 400, "HSS.0010", `a\x1b[2Jb`, true},
		{"no code at all", `{"detail":"nothing here"}`, emulator.KindHSS, 400, "", `{"detail":"nothing here"}`, false},
		{"code without message", `{"error_code":"HSS.0010"}`, emulator.KindHSS, 400, "", `{"error_code":"HSS.0010"}`, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			emu, url := newServer(t)
			emu.AddFault(emulator.Fault{Kind: tc.kind, Status: tc.status, Body: tc.body})
			var cfg func(*hss.Config)
			if tc.kind == emulator.KindIAMProjects {
				cfg = func(c *hss.Config) { c.ProjectID = "" }
			} else {
				cfg = func(*hss.Config) {}
			}
			_, err := newClient(t, url, aksk(), fastRetries(0), cfg).ListBasicImages(context.Background(), cicd111)
			var ae *transport.APIError
			if !errors.As(err, &ae) {
				t.Fatalf("error %v", err)
			}
			if ae.ErrorCode != tc.wantCode || ae.ErrorMsg != tc.wantMsg {
				t.Fatalf("code %q msg %q, want %q %q (%v)", ae.ErrorCode, ae.ErrorMsg, tc.wantCode, tc.wantMsg, err)
			}
			if (ae.Hint() != "") != tc.hint {
				t.Fatalf("hint %q", ae.Hint())
			}
			iam := tc.kind != emulator.KindHSS
			if (ae.TraceID != "") != iam || (strings.Contains(err.Error(), ", IAM trace ID "+ae.TraceID) != iam) {
				t.Fatalf("trace ID %q in %v", ae.TraceID, err)
			}
		})
	}
}
