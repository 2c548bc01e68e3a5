package hss_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hsslabs/terraform-provider-hss/internal/emulator"
	"github.com/hsslabs/terraform-provider-hss/internal/hss"
)

var cicd111 = hss.BasicImageQuery{ImageID: "111", ImageType: "cicd"}

// fastRetries shortens the back-off and turns pacing off, which these tests do not exercise:
// after a throttle the limiter would otherwise slow the retries down.
func fastRetries(n int) func(*hss.Config) {
	return func(c *hss.Config) {
		c.ProjectID = emulator.ProjectID
		c.RateLimit = -1
		c.MaxRetries = n
		c.RetryWaitMin = time.Millisecond
		c.RetryWaitMax = 4 * time.Millisecond
	}
}

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
		var ae *hss.APIError
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
	var re *hss.RetryError
	var ae *hss.APIError
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

// Three 429s with Retry-After: 1 cost about three seconds, not minutes, and every retried AK/SK
// request is signed afresh: the emulator sees a new X-Sdk-Date each time.
func TestThrottledReadHonoursRetryAfterAndResigns(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for Retry-After three times")
	}
	emu, url := newServer(t)
	emu.AddFault(emulator.Fault{Times: 3, Status: http.StatusTooManyRequests, RetryAfter: "1"})
	c := newClient(t, url, aksk(), fastRetries(5))
	start := time.Now()
	if _, err := c.ListBasicImages(context.Background(), cicd111); err != nil {
		t.Fatal(err)
	}
	took := time.Since(start)
	if took < 3*time.Second {
		t.Fatalf("Retry-After: 1 not honoured: three 429s took %s", took)
	}
	t.Logf("read through three 429s with Retry-After: 1 took %s", took.Round(time.Millisecond))
	reqs := emu.Requests()
	seen := map[string]bool{}
	for _, r := range reqs {
		seen[r.SdkDate] = true
	}
	if len(reqs) != 4 || len(seen) != 4 {
		t.Fatalf("%d requests with %d distinct X-Sdk-Date values, want 4 and 4", len(reqs), len(seen))
	}
}

// Cancellation stops a back-off wait at once.
func TestRetryWaitStopsOnCancel(t *testing.T) {
	emu, url := newServer(t)
	emu.AddFault(emulator.Fault{Status: http.StatusTooManyRequests, RetryAfter: "30"})
	c := newClient(t, url, aksk(), fastRetries(5))
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.ListBasicImages(ctx, cicd111)
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 5*time.Second {
		t.Fatalf("err %v after %s", err, time.Since(start))
	}
}

// A password-issued token that expires mid-run is replaced once; a static token is not.
func TestReauthenticateOnExpiredToken(t *testing.T) {
	emu, url := newServer(t)
	c := newClient(t, url, hss.Credentials{Method: hss.AuthPassword, UserName: emulator.UserName, Password: emulator.UserPassword, DomainName: emulator.DomainName}, fastRetries(0), noCache)
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
	c = newClient(t, url, hss.Credentials{Method: hss.AuthToken, Token: tok}, fastRetries(0))
	emu.AddFault(emulator.Fault{Times: 1, Status: http.StatusUnauthorized, Code: "APIGW.0307", Message: "The token has expired."})
	_, err := c.ListBasicImages(context.Background(), cicd111)
	var ae *hss.APIError
	if !errors.As(err, &ae) || ae.StatusCode != 401 {
		t.Fatalf("static token: err = %v", err)
	}
}

// A refused connection is retried, then reported with the number of attempts.
func TestConnectionRefusedIsRetried(t *testing.T) {
	_, url := newServer(t)
	c := newClient(t, url, aksk(), fastRetries(2), func(c *hss.Config) { c.HSSEndpoint = "http://127.0.0.1:1" })
	_, err := c.ListBasicImages(context.Background(), cicd111)
	var re *hss.RetryError
	if !errors.As(err, &re) || re.Attempts != 3 || !strings.Contains(err.Error(), "refused") {
		t.Fatalf("err = %v", err)
	}
}
