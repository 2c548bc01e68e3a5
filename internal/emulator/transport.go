package emulator

import (
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"syscall"
)

// Transport serves an emulator to an HTTP client in-process, without a socket, so a test can
// run in a testing/synctest bubble, where time is virtual and back-off waits take none. While
// refusing, every request fails as a connection to a host that is down does.
type Transport struct {
	handler  http.Handler
	refusing atomic.Bool
	attempts atomic.Int64
	refused  atomic.Int64
}

// NewTransport serves h (usually an *Emulator).
func NewTransport(h http.Handler) *Transport { return &Transport{handler: h} }

// Refuse makes every request fail with a refused connection until Accept.
func (t *Transport) Refuse() { t.refusing.Store(true) }

// Accept serves requests again.
func (t *Transport) Accept() { t.refusing.Store(false) }

// Attempts counts every request the client tried to send, refused ones included.
func (t *Transport) Attempts() int { return int(t.attempts.Load()) }

// Refused counts the requests refused.
func (t *Transport) Refused() int { return int(t.refused.Load()) }

func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	t.attempts.Add(1)
	if req.Body != nil {
		defer req.Body.Close()
	}
	if t.refusing.Load() {
		t.refused.Add(1)
		return nil, &net.OpError{Op: "dial", Net: "tcp", Addr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 443},
			Err: &net.OpError{Op: "connect", Err: syscall.ECONNREFUSED}}
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
	resp := rec.Result()
	resp.Request = req
	return resp, nil
}
