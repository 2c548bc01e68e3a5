package transport

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http/httptrace"
	"sync"
	"time"
)

// A request that cannot reach its host fails within ConnectTimeout, saying how far it got.
const (
	// ConnectTimeout bounds one connection attempt (name lookup, TCP and TLS), and how long
	// requests wait for a host that accepts no connection: probes run within it, so a restart
	// of a few seconds is ridden out, and then the host's requests fail at once, until a
	// probe connects.
	ConnectTimeout = 10 * time.Second
	// DNSFailureTTL is how long a name that does not exist (NXDOMAIN) is remembered: the
	// requests that follow fail at once with the same description, without asking the
	// resolver again; after it, the next request asks again, so a name added to DNS, or a
	// resolver that comes back on a VPN, is found within a minute.
	DNSFailureTTL = time.Minute
)

// Phases of a request, as far as it got: errors name the one it stopped in.
const (
	PhaseResolve  = "resolve"
	PhaseConnect  = "connect"
	PhaseTLS      = "TLS"
	PhaseResponse = "response"
)

// check is what to look at when a request stops in a phase.
var check = map[string]string{
	PhaseResolve:  "check the host name and the region, cloud or endpoint it is made from, and this machine's DNS",
	PhaseConnect:  "check that the endpoint is right and up, and that this machine can reach it (a firewall, or a proxy in HTTPS_PROXY)",
	PhaseTLS:      "check the endpoint's port and certificate, cacert_file, and any proxy that intercepts TLS",
	PhaseResponse: "the host took the request but sent no answer: check that the endpoint is the HSS API, and any proxy in between",
}

// PhaseError is a request that got no answer from Host: the phase it stopped in, and why.
type PhaseError struct {
	Host  string
	Phase string
	Err   error
}

func (e *PhaseError) Error() string {
	return fmt.Sprintf("no answer from %s (%s): %v; %s", e.Host, e.Phase, e.Err, check[e.Phase])
}

func (e *PhaseError) Unwrap() error { return e.Err }

// errConnectTimedOut marks an attempt stopped because its connection took ConnectTimeout.
var errConnectTimedOut = fmt.Errorf("no connection within %s", ConnectTimeout)

// phaseTrace follows one attempt through its phases (net/http's client trace) and stops it
// when its connection takes longer than ConnectTimeout; a connection already open costs
// nothing, and waiting for a pool slot is not connecting.
type phaseTrace struct {
	stop context.CancelCauseFunc

	mu    sync.Mutex
	phase string
	timer *time.Timer
}

func newPhaseTrace(stop context.CancelCauseFunc) *phaseTrace { return &phaseTrace{stop: stop} }

// in records the phase entered, and starts the connection's clock on its first step.
func (p *phaseTrace) in(phase string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.phase = phase
	if p.timer == nil && phase != PhaseResponse {
		p.timer = time.AfterFunc(ConnectTimeout, func() { p.stop(errConnectTimedOut) })
	}
}

// connected is the connection made: the clock stops.
func (p *phaseTrace) connected() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.phase = PhaseResponse
	if p.timer != nil {
		p.timer.Stop()
	}
}

// done stops the clock when the attempt ends.
func (p *phaseTrace) done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.timer != nil {
		p.timer.Stop()
	}
}

// at is the phase an attempt that failed with err stopped in: the trace's, or, for a
// transport that reports none, the one err shows.
func (p *phaseTrace) at(err error) string {
	p.mu.Lock()
	phase := p.phase
	p.mu.Unlock()
	if phase != "" {
		return phase
	}
	var dnsErr *net.DNSError
	var oe *net.OpError
	var re tls.RecordHeaderError
	var ce *tls.CertificateVerificationError
	switch {
	case errors.As(err, &dnsErr):
		return PhaseResolve
	case errors.As(err, &re), errors.As(err, &ce):
		return PhaseTLS
	case errors.As(err, &oe) && oe.Op == "dial":
		return PhaseConnect
	}
	return PhaseConnect
}

func (p *phaseTrace) clientTrace() *httptrace.ClientTrace {
	return &httptrace.ClientTrace{
		DNSStart:          func(httptrace.DNSStartInfo) { p.in(PhaseResolve) },
		ConnectStart:      func(string, string) { p.in(PhaseConnect) },
		TLSHandshakeStart: func() { p.in(PhaseTLS) },
		GotConn:           func(httptrace.GotConnInfo) { p.connected() },
	}
}

// isTimeout reports a failure that is a timeout of the request's own making (a TLS handshake
// that took too long, say), not the caller's.
func isTimeout(err error) bool {
	var t interface{ Timeout() bool }
	return errors.As(err, &t) && t.Timeout()
}

// dnsMemory remembers names that do not exist, each until its DNSFailureTTL runs out.
type dnsMemory struct {
	mu    sync.Mutex
	hosts map[string]dnsFailure
}

type dnsFailure struct {
	origin string
	until  time.Time
}

// recall is the remembered failure of host, if it has not expired by now.
func (m *dnsMemory) recall(host string, now time.Time) (dnsFailure, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	f, ok := m.hosts[host]
	if ok && !now.Before(f.until) {
		delete(m.hosts, host)
		return dnsFailure{}, false
	}
	return f, ok
}

func (m *dnsMemory) remember(host, origin string, now time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.hosts == nil {
		m.hosts = map[string]dnsFailure{}
	}
	m.hosts[host] = dnsFailure{origin: origin, until: now.Add(DNSFailureTTL)}
}
