package emulator

import (
	"context"
	"errors"
	"net"
	"net/http"
	"sync"
	"time"
)

// Server serves an emulator on a loopback address that can go down and come back, as a host
// that refuses connections for a while: Refuse stops listening and drops every connection,
// Accept listens on the same address again.
type Server struct {
	URL string

	emu  *Emulator
	srv  *http.Server
	addr string

	mu    sync.Mutex
	ln    net.Listener
	conns map[net.Conn]bool
	done  chan struct{}
}

// Serve starts serving e on addr ("127.0.0.1:0" picks a port).
func Serve(e *Emulator, addr string) (*Server, error) {
	s := &Server{emu: e, conns: map[net.Conn]bool{}}
	s.srv = &http.Server{Handler: e, ReadHeaderTimeout: 10 * time.Second, ConnState: s.connState}
	ln, err := (&net.ListenConfig{}).Listen(context.Background(), "tcp", addr)
	if err != nil {
		return nil, err
	}
	s.addr = ln.Addr().String()
	s.URL = "http://" + s.addr
	s.serve(ln)
	return s, nil
}

func (s *Server) serve(ln net.Listener) {
	s.mu.Lock()
	s.ln, s.done = ln, make(chan struct{})
	done := s.done
	s.mu.Unlock()
	go func() {
		_ = s.srv.Serve(ln)
		close(done)
	}()
}

func (s *Server) connState(c net.Conn, st http.ConnState) {
	s.emu.ConnState(c, st)
	s.mu.Lock()
	defer s.mu.Unlock()
	switch st {
	case http.StateNew:
		s.conns[c] = true
	case http.StateClosed, http.StateHijacked:
		delete(s.conns, c)
	}
}

// Refuse stops listening and closes every open connection: new connections are refused.
func (s *Server) Refuse() {
	s.mu.Lock()
	ln, done := s.ln, s.done
	s.ln = nil
	for c := range s.conns {
		_ = c.Close()
	}
	s.mu.Unlock()
	if ln != nil {
		_ = ln.Close()
		<-done
	}
}

// Accept listens on the address again.
func (s *Server) Accept() error {
	s.mu.Lock()
	up := s.ln != nil
	s.mu.Unlock()
	if up {
		return nil
	}
	ln, err := (&net.ListenConfig{}).Listen(context.Background(), "tcp", s.addr)
	if err != nil {
		return err
	}
	s.serve(ln)
	return nil
}

// Close stops the server for good.
func (s *Server) Close() error {
	err := s.srv.Close()
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}
