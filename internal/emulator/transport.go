package emulator

import (
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"slices"
	"strings"
	"sync/atomic"
	"syscall"
)

// Transport serves an emulator to an HTTP client in-process, without a socket, so a test can
// run in a testing/synctest bubble, where time is virtual and back-off waits take none. It
// reports the phases of each request as net/http does (httptrace: DNS, connect, connection,
// request written, first response byte). While refusing, every request fails as a connection
// to a host that is down does; while black-holed, as one to an address nothing answers
// (its connection never completes); while silent, as one to a host that takes the request and
// never answers.
type Transport struct {
	// Resolves, when set, says which host names exist; a request to any other fails as a
	// name that does not resolve (NXDOMAIN).
	Resolves func(host string) bool
	// ResolverDown, when set, makes every name lookup fail as a resolver that does not answer.
	ResolverDown atomic.Bool
	handler      http.Handler
	refusing     atomic.Bool
	blackhole    atomic.Bool
	silent       atomic.Bool
	attempts     atomic.Int64
	refused      atomic.Int64
}

// STSRegions are the regions with an STS host (sts.<region>.myhuaweicloud.com), as the SDK's
// STS tables list them (services/sts/v1/region); the emulator's DNS knows no other.
var STSRegions = []string{
	"cn-north-4", "cn-south-1", "cn-east-3", "cn-southwest-2", "ap-southeast-1", "ap-southeast-3", "ap-southeast-2",
	"sa-brazil-1", "la-south-2", "af-south-1", "ap-southeast-4", "tr-west-1",
}

// IAMRegions are the regions with an IAM host (iam.<region>.myhuaweicloud.com), as the SDK's
// IAM tables list them (services/iam/v3/region); elsewhere the SDK calls the global IAM,
// GlobalIAMHost, and the emulator's DNS knows no regional one.
var IAMRegions = []string{
	"cn-north-2", "cn-north-4", "cn-north-1", "cn-east-2", "cn-east-3", "cn-south-1", "cn-south-2", "cn-southwest-2",
	"ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "af-south-1", "sa-brazil-1", "la-south-2", "na-mexico-1",
	"la-north-2", "cn-north-9", "eu-west-0", "my-kualalumpur-1", "ru-moscow-1", "me-east-1",
	"ap-southeast-4", "ae-ad-1", "cn-east-4", "cn-east-5", "tr-west-1", "cn-north-12",
}

// GlobalIAMHost is the IAM that serves every region of the public cloud.
const GlobalIAMHost = "iam.myhuaweicloud.com"

// PublicHosts resolves the default hosts of the public cloud as they exist: hss in every
// region, iam where IAMRegions list it and globally, sts only where STSRegions list it.
func PublicHosts(host string) bool {
	if host == GlobalIAMHost {
		return true
	}
	service, rest, _ := strings.Cut(host, ".")
	region, cloud, _ := strings.Cut(rest, ".")
	if cloud != "myhuaweicloud.com" {
		return false
	}
	switch service {
	case "hss":
		return region != ""
	case "iam":
		return slices.Contains(IAMRegions, region)
	case "sts":
		return slices.Contains(STSRegions, region)
	}
	return false
}

// NewTransport serves h (usually an *Emulator).
func NewTransport(h http.Handler) *Transport { return &Transport{handler: h} }

// Refuse makes every request fail with a refused connection until Accept.
func (t *Transport) Refuse() { t.refusing.Store(true) }

// Blackhole makes every connection hang until the client gives up on it, until Accept.
func (t *Transport) Blackhole() { t.blackhole.Store(true) }

// Silence makes every request connect and then get no answer until the client gives up on
// it, until Accept.
func (t *Transport) Silence() { t.silent.Store(true) }

// Accept serves requests again.
func (t *Transport) Accept() {
	t.refusing.Store(false)
	t.blackhole.Store(false)
	t.silent.Store(false)
	t.ResolverDown.Store(false)
}

// Attempts counts every request the client tried to send, refused ones included.
func (t *Transport) Attempts() int { return int(t.attempts.Load()) }

// Refused counts the requests refused.
func (t *Transport) Refused() int { return int(t.refused.Load()) }

func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	t.attempts.Add(1)
	if req.Body != nil {
		defer req.Body.Close()
	}
	trace := httptrace.ContextClientTrace(req.Context())
	if trace == nil {
		trace = &httptrace.ClientTrace{}
	}
	host := req.URL.Hostname()
	dial := func(err error) error { return &net.OpError{Op: "dial", Net: "tcp", Err: err} }
	if trace.DNSStart != nil {
		trace.DNSStart(httptrace.DNSStartInfo{Host: host})
	}
	switch {
	case t.ResolverDown.Load():
		return nil, dial(&net.DNSError{Err: "server misbehaving", Name: host, IsTemporary: true})
	case t.Resolves != nil && !t.Resolves(host):
		return nil, dial(&net.DNSError{Err: "no such host", Name: host, IsNotFound: true})
	}
	addr := net.JoinHostPort("127.0.0.1", "443")
	if trace.ConnectStart != nil {
		trace.ConnectStart("tcp", addr)
	}
	switch {
	case t.refusing.Load():
		t.refused.Add(1)
		err := &net.OpError{Op: "connect", Err: syscall.ECONNREFUSED}
		if trace.ConnectDone != nil {
			trace.ConnectDone("tcp", addr, err)
		}
		return nil, &net.OpError{Op: "dial", Net: "tcp", Addr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 443}, Err: err}
	case t.blackhole.Load():
		<-req.Context().Done()
		return nil, dial(req.Context().Err())
	}
	if trace.ConnectDone != nil {
		trace.ConnectDone("tcp", addr, nil)
	}
	if trace.GotConn != nil {
		trace.GotConn(httptrace.GotConnInfo{})
	}
	if trace.WroteRequest != nil {
		trace.WroteRequest(httptrace.WroteRequestInfo{})
	}
	if t.silent.Load() {
		<-req.Context().Done()
		return nil, req.Context().Err()
	}
	// What a server would see of the request.
	in := req.Clone(req.Context())
	if in.Body == nil {
		in.Body = http.NoBody
	}
	if in.Host == "" {
		in.Host = req.URL.Host
	}
	rec := httptest.NewRecorder()
	t.handler.ServeHTTP(rec, in)
	// A client that went away gets no answer, as over a socket.
	if err := req.Context().Err(); err != nil {
		return nil, err
	}
	if trace.GotFirstResponseByte != nil {
		trace.GotFirstResponseByte()
	}
	resp := rec.Result()
	resp.Request = req
	return resp, nil
}
