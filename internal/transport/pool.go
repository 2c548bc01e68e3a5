package transport

import (
	"cmp"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/hsslabs/terraform-provider-hss/internal/redact"
	"github.com/hsslabs/terraform-provider-hss/internal/termsafe"
)

// PoolOptions are the TLS settings and the header timeout of a connection pool.
type PoolOptions struct {
	Insecure bool
	// CACertPEM adds trusted CA certificates to the system's.
	CACertPEM []byte
	// ClientCertPEM and ClientKeyPEM are a client certificate for mutual TLS.
	ClientCertPEM []byte
	ClientKeyPEM  []byte
	// ResponseHeaderTimeout bounds the wait for headers (DefaultResponseHeaderTimeout when zero).
	ResponseHeaderTimeout time.Duration
}

// NewPool is the one connection pool a client shares between all reads, HSS and IAM alike,
// with the client certificate, when there is one, on every connection.
func NewPool(cfg PoolOptions) (*http.Transport, error) {
	var roots *x509.CertPool
	if len(cfg.CACertPEM) > 0 {
		if sys, err := x509.SystemCertPool(); err == nil {
			roots = sys
		} else {
			roots = x509.NewCertPool()
		}
		roots.AppendCertsFromPEM(cfg.CACertPEM)
	}
	var certs []tls.Certificate
	if len(cfg.ClientCertPEM) > 0 || len(cfg.ClientKeyPEM) > 0 {
		cert, err := ClientCertificate(cfg.ClientCertPEM, cfg.ClientKeyPEM)
		if err != nil {
			return nil, err
		}
		certs = []tls.Certificate{cert}
	}
	return &http.Transport{
		Proxy:               http.ProxyFromEnvironment,
		DialContext:         dialer().DialContext,
		ForceAttemptHTTP2:   true,
		MaxIdleConns:        100,
		MaxIdleConnsPerHost: MaxConnsPerHost,
		// Bounded, so many parallel reads queue for a few kept-alive connections instead of
		// opening one each.
		MaxConnsPerHost:       MaxConnsPerHost,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   ConnectTimeout,
		ResponseHeaderTimeout: cmp.Or(cfg.ResponseHeaderTimeout, DefaultResponseHeaderTimeout),
		ExpectContinueTimeout: time.Second,
		TLSClientConfig: &tls.Config{
			MinVersion:         tls.VersionTLS12,
			RootCAs:            roots,
			Certificates:       certs,
			InsecureSkipVerify: cfg.Insecure, //nolint:gosec // opt-in through the insecure argument, which warns
		},
	}, nil
}

// dialer connects the pool: a name lookup and a TCP connection within ConnectTimeout.
func dialer() *net.Dialer {
	return &net.Dialer{Timeout: ConnectTimeout, KeepAlive: 30 * time.Second}
}

// ClientCertificate is the client certificate of certPEM and keyPEM, checked to belong
// together. The error never quotes the key.
func ClientCertificate(certPEM, keyPEM []byte) (tls.Certificate, error) {
	switch {
	case len(certPEM) == 0:
		return tls.Certificate{}, errors.New("a client key needs its certificate (cert)")
	case len(keyPEM) == 0:
		return tls.Certificate{}, errors.New("a client certificate needs its private key (key)")
	}
	cert, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return tls.Certificate{}, errors.New("the client certificate and key are not a PEM certificate and its matching private key")
	}
	return cert, nil
}

// boundTransport attaches the Terraform operation's context to every request: the SDK's
// calls take no context, so this is where cancellation reaches the socket.
type boundTransport struct {
	ctx      context.Context
	next     http.RoundTripper
	redactor *redact.Redactor

	mu   sync.Mutex
	last Exchange
}

// Exchange is what the last response said about itself, for errors the SDK reports without it.
type Exchange struct {
	Status     int
	RequestID  string
	RetryAfter string
	// TraceID is IAM's X-IAM-Trace-Id, which the SDK adds to IAM errors.
	TraceID string
}

func (t *boundTransport) lastExchange() Exchange {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.last
}

func (t *boundTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.WithContext(t.ctx)
	// A server may quote the request's credentials back; these are the ones it could quote.
	t.redactor.AddSigned(req.Header.Get("Authorization"))
	t.redactor.AddObtained(req.Header.Get("X-Auth-Token"), req.Header.Get("X-Security-Token"))
	start := time.Now()
	t.redactor.Debug(t.ctx, "HSS provider HTTP request", map[string]any{
		"method": req.Method,
		"url":    req.URL.Redacted(),
	})
	resp, err := t.next.RoundTrip(req)
	fields := map[string]any{
		"method":      req.Method,
		"url":         req.URL.Redacted(),
		"duration_ms": time.Since(start).Milliseconds(),
	}
	if err != nil {
		fields["error"] = err
		t.redactor.Debug(t.ctx, "HSS provider HTTP request failed", fields)
		return nil, err
	}
	rid := termsafe.RequestID(resp.Header.Get("X-Request-Id"))
	t.mu.Lock()
	t.last = Exchange{Status: resp.StatusCode, RequestID: rid, RetryAfter: resp.Header.Get("Retry-After"),
		TraceID: termsafe.RequestID(resp.Header.Get("X-IAM-Trace-Id"))}
	t.mu.Unlock()
	fields["status"] = resp.StatusCode
	fields["request_id"] = rid
	t.redactor.Debug(t.ctx, "HSS provider HTTP response", fields)
	resp.Body = &limitedBody{r: io.LimitReader(resp.Body, maxBody+1), c: resp.Body}
	return resp, nil
}

// limitedBody fails a read past maxBody instead of buffering without bound.
type limitedBody struct {
	r io.Reader
	c io.Closer
	n int64
}

func (b *limitedBody) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	b.n += int64(n)
	if b.n > maxBody {
		return n, fmt.Errorf("response body exceeds %d MiB", maxBody>>20)
	}
	return n, err
}

func (b *limitedBody) Close() error { return b.c.Close() }

// ValidCACerts reports whether pem holds at least one certificate.
func ValidCACerts(pem []byte) bool {
	return x509.NewCertPool().AppendCertsFromPEM(pem)
}
