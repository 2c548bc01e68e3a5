package transport

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
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
// after it; a caller that left says nothing; a connection that could not be made (refused,
// unroutable, a resolver that does not answer, a TLS handshake that hangs) is an outage; a
// name that does not exist is not.
func TestReachOf(t *testing.T) {
	dial := func(err error) error { return &net.OpError{Op: "dial", Err: err} }
	refusedErr := dial(syscall.ECONNREFUSED)
	tlsTimeout := &url.Error{Op: "Get", URL: "https://hss.example", Err: timeoutErr{}}
	cases := []struct {
		name                 string
		err                  error
		answered, callerDone bool
		phase                string
		want                 outcome
	}{
		{"refused", refusedErr, false, false, PhaseConnect, refused},
		{"refused, then answered", refusedErr, true, false, PhaseConnect, connected},
		{"answered, caller gone", refusedErr, true, true, PhaseResponse, connected},
		{"caller gone", refusedErr, false, true, PhaseConnect, unknown},
		{"dial timed out", dial(timeoutErr{}), false, false, PhaseConnect, refused},
		{"no connection within the connect timeout", dial(errConnectTimedOut), false, false, PhaseConnect, refused},
		{"dial cancelled", dial(context.Canceled), false, false, PhaseConnect, unknown},
		{"resolver not answering", dial(&net.DNSError{Err: "server misbehaving", IsTemporary: true}), false, false, PhaseResolve, refused},
		{"no such host", dial(&net.DNSError{Err: "no such host", IsNotFound: true}), false, false, PhaseResolve, connected},
		{"TLS handshake timed out", tlsTimeout, false, false, PhaseTLS, refused},
		{"response timed out", tlsTimeout, false, false, PhaseResponse, connected},
		{"reset", errors.New("reset"), false, false, PhaseResponse, connected},
		{"success", nil, false, false, "", connected},
	}
	for _, c := range cases {
		if got := reachOf(c.err, c.answered, c.callerDone, c.phase); got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}

// timeoutErr is a timeout of the transport's own, as net/http's TLS handshake timeout is.
type timeoutErr struct{}

func (timeoutErr) Error() string   { return "timeout" }
func (timeoutErr) Timeout() bool   { return true }
func (timeoutErr) Temporary() bool { return true }

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
		s.gate.done("hss.example", false, refused, errors.New("connection refused"), now, PhaseConnect)
		now = now.Add(time.Minute) // the next probe is due
		r.health.budget.tokens = c.left
		probe, err := r.enterGate(context.Background())
		if err != nil || probe != c.probe {
			t.Errorf("%d tokens left: probe %v (%v), want %v", c.left, probe, err, c.probe)
		}
		s.gate.done("hss.example", probe, connected, nil, now, PhaseConnect)
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

// The host gate holds requests for its window from the first failed attempt, with a probe due
// at the window's end whatever the back-off says; after it, requests fail at once, except a
// probe that is due, and the error names the host, the phase and what to check.
func TestGateWindow(t *testing.T) {
	start := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	now := start
	g := newHostGate(func() time.Time { return now })
	g.base, g.max = 4*time.Second, 4*time.Second // probes about every 4 s, then one at the window's end
	g.done("h", false, refused, errors.New("dial tcp: lookup h: server misbehaving"), start, PhaseResolve)
	end := start.Add(10 * time.Second)
	attempts := 1
	for !now.Equal(end) {
		// The clock moves to each probe as it falls due; the gate's timers are for waiters.
		now = g.hosts["h"].next
		if now.After(end) || attempts > 4 {
			t.Fatalf("probe %d is due at %s", attempts, now.Sub(start))
		}
		probe, err := g.enter(context.Background(), "h")
		if !probe || err != nil {
			t.Fatalf("at %s: probe %v, %v", now.Sub(start), probe, err)
		}
		// A request that is no probe waits for the probe in flight, here until its context ends.
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		var ue *UnreachableError
		if _, err := g.enter(ctx, "h"); !errors.As(err, &ue) || ue.Outlasted {
			t.Fatalf("at %s: a request did not wait for the probe in flight: %v", now.Sub(start), err)
		}
		g.done("h", true, refused, errors.New("dial tcp: lookup h: server misbehaving"), now, PhaseResolve)
		attempts++
	}
	_, err := g.enter(context.Background(), "h")
	var ue *UnreachableError
	if !errors.As(err, &ue) || !ue.Outlasted || ue.Attempts != attempts || ue.Phase != PhaseResolve ||
		!strings.Contains(err.Error(), fmt.Sprintf("h could not be reached (resolve) for 10s (%d connection attempts since 2026-12-01T00:00:00Z)", attempts)) ||
		!strings.Contains(err.Error(), "this machine's DNS") || !strings.Contains(err.Error(), "waits 10s for a host to accept a connection") {
		t.Fatalf("after the window: %v", err)
	}
	// A probe still goes when one is due, and a connection ends the outage.
	now = now.Add(time.Minute)
	if probe, err := g.enter(context.Background(), "h"); !probe || err != nil {
		t.Fatalf("a due probe: %v %v", probe, err)
	}
	g.done("h", true, connected, nil, now, PhaseResponse)
	if probe, err := g.enter(context.Background(), "h"); probe || err != nil || len(g.hosts) != 0 {
		t.Fatalf("after a connection: %v %v", probe, err)
	}
}

// A name that does not exist is remembered for DNSFailureTTL: the calls that follow fail at
// once with the same description, and after it the name is looked up again.
func TestUnresolvedHostIsRemembered(t *testing.T) {
	start := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	now := start
	lookups := 0
	tr := roundTripper(func(r *http.Request) (*http.Response, error) {
		lookups++
		return nil, &net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{Err: "no such host", Name: r.URL.Hostname(), IsNotFound: true}}
	})
	s := New(Config{Pool: tr, Redactor: &redact.Redactor{}, MaxRetries: 3, Now: func() time.Time { return now }})
	cred, err := basic.NewCredentialsBuilder().WithAk("AK0000000001").WithSk("secret-0001").WithProjectId("p1").SafeBuild()
	if err != nil {
		t.Fatal(err)
	}
	call := func(endpoint string) error {
		_, _, _, err := s.Call(context.Background(), Operation{Name: "GET /x", Endpoint: endpoint, Want: http.StatusOK, Cred: cred,
			Invoke: func(hc *core.HcHttpClient) (any, error) {
				return hssv5.NewHssClient(hc).ListImageBasicImage(&model.ListImageBasicImageRequest{ImageId: "i1", ImageType: "cicd"})
			}})
		return err
	}
	first := call("https://hss.cn-north4.example")
	var ue *UnresolvedHostError
	if !errors.As(first, &ue) || lookups != 1 {
		t.Fatalf("%d lookups: %v", lookups, first)
	}
	for _, after := range []time.Duration{0, time.Second, DNSFailureTTL - time.Nanosecond} {
		now = start.Add(after)
		if err := call("https://hss.cn-north4.example"); err == nil || err.Error() != first.Error() || lookups != 1 {
			t.Fatalf("after %s: %d lookups: %v", after, lookups, err)
		}
	}
	// Another host is its own.
	if err := call("https://hss.other.example"); !errors.As(err, &ue) || lookups != 2 {
		t.Fatalf("%d lookups: %v", lookups, err)
	}
	now = start.Add(DNSFailureTTL)
	if err := call("https://hss.cn-north4.example"); err == nil || err.Error() != first.Error() || lookups != 3 {
		t.Fatalf("after the expiry: %d lookups: %v", lookups, err)
	}
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// The phase an attempt stopped in: the trace's when the transport reports one, else what the
// error shows.
func TestPhaseOf(t *testing.T) {
	dial := func(err error) error {
		return &url.Error{Op: "Get", URL: "https://h", Err: &net.OpError{Op: "dial", Err: err}}
	}
	for _, c := range []struct {
		traced []string
		err    error
		want   string
	}{
		{nil, dial(&net.DNSError{Err: "server misbehaving"}), PhaseResolve},
		{nil, dial(syscall.ECONNREFUSED), PhaseConnect},
		{nil, &url.Error{Op: "Get", URL: "https://h", Err: tls.RecordHeaderError{Msg: "not TLS"}}, PhaseTLS},
		{nil, &url.Error{Op: "Get", URL: "https://h", Err: &tls.CertificateVerificationError{Err: x509.UnknownAuthorityError{}}}, PhaseTLS},
		{nil, errors.New("something else"), PhaseConnect},
		{[]string{PhaseResolve}, errors.New("x"), PhaseResolve},
		{[]string{PhaseResolve, PhaseConnect, PhaseTLS}, dial(syscall.ECONNREFUSED), PhaseTLS},
		{[]string{PhaseConnect, "connected"}, errors.New("EOF"), PhaseResponse},
	} {
		p := newPhaseTrace(func(error) {})
		for _, ph := range c.traced {
			if ph == "connected" {
				p.connected()
			} else {
				p.in(ph)
			}
		}
		p.done()
		if got := p.at(c.err); got != c.want {
			t.Errorf("traced %v, %v: %s, want %s", c.traced, c.err, got, c.want)
		}
	}
}
