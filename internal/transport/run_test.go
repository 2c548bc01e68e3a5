package transport

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"net"
	"net/url"
	"syscall"
	"testing"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/sdkerr"

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
