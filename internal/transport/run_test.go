package transport

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"syscall"
	"testing"
	"time"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/basic"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/sdkerr"
	hssv5 "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/hss/v5"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/hss/v5/model"

	"github.com/hsslabs/terraform-provider-hss/internal/redact"
)

// The retry policy, judged without sending anything: each kind of failure gets the verdict
// the request path acts on.
func TestRetryPolicy(t *testing.T) {
	answer := func(status int) error { return &sdkerr.ServiceResponseError{StatusCode: status} }
	dial := func(err error) error {
		return &url.Error{Op: "Get", URL: "https://hss.example", Err: &net.OpError{Op: "dial", Net: "tcp", Err: err}}
	}
	renew := func(context.Context, auth.ICredential) (auth.ICredential, error) { return nil, nil }
	cases := map[string]struct {
		f       failure
		renew   bool
		renewed bool
		want    verdict
		stop    any
	}{
		"503":                    {f: failure{err: answer(503), status: 503}, want: verdict{retry: true, cost: retryCost, charged: true}},
		"503 with Retry-After":   {f: failure{err: answer(503), status: 503, retryAfter: true}, want: verdict{retry: true, cost: retryCost}},
		"429 is free":            {f: failure{err: answer(429), status: 429}, want: verdict{retry: true}},
		"400 is final":           {f: failure{err: answer(400), status: 400}, want: verdict{cost: retryCost}},
		"501 is final":           {f: failure{err: answer(501), status: 501}, want: verdict{cost: retryCost}},
		"401 renews":             {f: failure{err: answer(401), status: 401}, renew: true, want: verdict{renew: true}},
		"401 renews once":        {f: failure{err: answer(401), status: 401}, renew: true, renewed: true, want: verdict{cost: retryCost}},
		"401 without renewal":    {f: failure{err: answer(401), status: 401}, want: verdict{cost: retryCost}},
		"attempt timeout":        {f: failure{err: &AttemptTimeoutError{Request: "r"}}, want: verdict{retry: true, cost: timeoutRetryCost, charged: true}},
		"refused waits for host": {f: failure{err: dial(syscall.ECONNREFUSED), reach: refused}, want: verdict{retry: true, cost: retryCost, waitForHost: true}},
		"reset":                  {f: failure{err: dial(syscall.ECONNRESET), reach: connected}, want: verdict{retry: true, cost: retryCost, charged: true}},
		"bad certificate":        {f: failure{err: &url.Error{Op: "Get", URL: "https://hss.example", Err: &tls.CertificateVerificationError{Err: x509.UnknownAuthorityError{}}}}, want: verdict{cost: retryCost}},
		"redirect":               {f: failure{err: &StatusError{StatusCode: 302}, status: 302}, want: verdict{}},
		"no such host":           {f: failure{err: &url.Error{Op: "Get", URL: "https://hss.example", Err: &net.DNSError{IsNotFound: true}}}, stop: &UnresolvedHostError{}},
		"SDK panic":              {f: failure{err: &sdkPanic{v: "boom"}}, stop: &DecodeError{}},
		"caller gone":            {f: failure{err: answer(503), callerDone: true}, stop: &InterruptedError{}},
	}
	for name, c := range cases {
		r := New(Config{MaxRetries: 3, Redactor: &redact.Redactor{}}).newRun(Operation{Name: "GET /x", Endpoint: "https://hss.example"})
		if c.renew {
			r.op.Renew = renew
		}
		r.renewed = c.renewed
		got := r.judge(context.Background(), &c.f)
		if c.stop != nil {
			if got.stop == nil || typeName(got.stop) != typeName(c.stop) {
				t.Errorf("%s: stop %T (%v), want %T", name, got.stop, got.stop, c.stop)
			}
			continue
		}
		if got != c.want {
			t.Errorf("%s: %+v, want %+v", name, got, c.want)
		}
	}
}

func typeName(v any) string {
	switch v.(type) {
	case *UnresolvedHostError:
		return "unresolved"
	case *DecodeError:
		return "decode"
	case *InterruptedError:
		return "interrupted"
	}
	return "other"
}

// Without retries there is no gate: a refused connection is final, not waited for.
func TestRetryPolicyWithoutRetries(t *testing.T) {
	r := New(Config{Redactor: &redact.Redactor{}}).newRun(Operation{Name: "GET /x", Endpoint: "https://hss.example"})
	f := &failure{err: &net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}, reach: refused}
	if v := r.judge(context.Background(), f); v.waitForHost {
		t.Fatalf("%+v", v)
	}
	if err := r.pay(context.Background(), f, r.judge(context.Background(), f)); err == nil {
		t.Fatal("retried without max_retries")
	}
}

// What an attempt tells the host gate: an answer means connected even when the call failed
// after it; a caller that left says nothing; otherwise the error decides.
func TestReachOf(t *testing.T) {
	refusedErr := &net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}
	cases := []struct {
		err                  error
		answered, callerDone bool
		want                 outcome
	}{
		{refusedErr, false, false, refused},
		{refusedErr, true, false, connected},
		{refusedErr, true, true, connected},
		{refusedErr, false, true, unknown},
		{errors.New("reset"), false, false, connected},
		{nil, false, false, connected},
	}
	for _, c := range cases {
		if got := reachOf(c.err, c.answered, c.callerDone); got != c.want {
			t.Errorf("reachOf(%v, answered %v, caller done %v) = %v, want %v", c.err, c.answered, c.callerDone, got, c.want)
		}
	}
}

// A refused credential is renewed once per call, however often the new one is refused too.
func TestRenewedOncePerCall(t *testing.T) {
	requests := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		requests++
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write([]byte(`{"error_code":"APIGW.0307","error_msg":"The token has expired."}`))
	}))
	t.Cleanup(srv.Close)
	cred := func() auth.ICredential {
		c, err := basic.NewCredentialsBuilder().WithAk("AK0000000001").WithSk("secret-0001").WithProjectId("p1").SafeBuild()
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	renewals := 0
	op := Operation{Name: "GET /v5/{project_id}/image/{image_id}/basic-image", Endpoint: srv.URL, Want: http.StatusOK, Cred: cred(),
		Renew: func(context.Context, auth.ICredential) (auth.ICredential, error) {
			renewals++
			if renewals > 1 {
				return nil, nil // a second renewal is the bug; end the call rather than loop
			}
			return cred(), nil
		},
		Invoke: func(hc *core.HcHttpClient) (any, error) {
			return hssv5.NewHssClient(hc).ListImageBasicImage(&model.ListImageBasicImageRequest{ImageId: "i1", ImageType: "cicd"})
		}}
	_, _, sent, err := New(Config{Pool: http.DefaultTransport, Redactor: &redact.Redactor{}, MaxRetries: 3}).Call(context.Background(), op)
	var ae *APIError
	if !errors.As(err, &ae) || ae.StatusCode != http.StatusUnauthorized || renewals != 1 || sent != 2 || requests != 2 {
		t.Fatalf("err %v, %d renewals, %d sent, %d requests; want one renewal and two requests", err, renewals, sent, requests)
	}
}

// The host gate holds a request as long as a retry could follow it: the budget has a retry's
// cost left. Below that, the request goes straight to the host.
func TestGateWhileARetryIsAffordable(t *testing.T) {
	start := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	now := start
	s := New(Config{MaxRetries: 1, Redactor: &redact.Redactor{}, Now: func() time.Time { return now }})
	r := s.newRun(Operation{Name: "GET /x", Endpoint: "https://hss.example"})
	for _, c := range []struct {
		left  int
		probe bool
	}{{retryCost, true}, {retryCost - 1, false}} {
		s.gate.done("hss.example", false, refused, errors.New("connection refused"))
		now = now.Add(time.Minute) // the next probe is due
		r.health.budget.tokens = c.left
		probe, err := r.enterGate(context.Background())
		if err != nil || probe != c.probe {
			t.Errorf("%d tokens left: probe %v (%v), want %v", c.left, probe, err, c.probe)
		}
		s.gate.done("hss.example", probe, connected, nil)
	}
}

// Every unset bound of the request path gets its default once, in New.
func TestSenderDefaults(t *testing.T) {
	s := New(Config{})
	if s.cfg.AttemptTimeout != DefaultAttemptTimeout || s.cfg.RetryBudget != DefaultRetryBudget ||
		s.cfg.RetryWaitMin != DefaultRetryWaitMin || s.cfg.RetryWaitMax != DefaultRetryWaitMax || s.now == nil || s.limiter == nil {
		t.Fatalf("%+v", s.cfg)
	}
	s = New(Config{AttemptTimeout: time.Second, RetryBudget: 7, RetryWaitMin: time.Second, RetryWaitMax: time.Millisecond, RateLimit: -1})
	if s.cfg.AttemptTimeout != time.Second || s.cfg.RetryBudget != 7 || s.cfg.RetryWaitMin != time.Second ||
		s.cfg.RetryWaitMax != DefaultRetryWaitMax || s.limiter != nil {
		t.Fatalf("%+v", s.cfg)
	}
}
