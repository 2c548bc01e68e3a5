package transport

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"strings"
	"sync"
	"time"
)

// hostGate holds the requests to a host that accepts no connection (refused, unroutable, a
// name the resolver cannot answer for now), so that an endpoint that is down gets one
// connection attempt at a time from this provider (a probe, after an exponential back-off)
// however many reads want it, and every waiting read goes on as soon as a probe connects. This
// is gRPC's model: a channel reconnects on its own back-off schedule, and calls that wait for
// it are held, not multiplied. Requests wait at most ConnectTimeout from the first failed
// attempt, a probe falling due at its end; then they fail, and later ones fail at once, naming
// the host and the phase, while a probe still goes whenever one is due, so a host that comes
// back is found by the next read. A failed connection costs the service nothing; an answer
// that is an error is the retry budget's business instead.
type hostGate struct {
	now func() time.Time
	// base and max bound the back-off between probes; window is how long requests wait.
	base, max, window time.Duration

	mu    sync.Mutex
	hosts map[string]*outage
}

// outage is a host that accepted no connection on the last attempt.
type outage struct {
	// since is when the first failed attempt began.
	since time.Time
	// attempts counts the failed connection attempts; probes those made as probes.
	attempts, probes int
	// next is the earliest time of the next probe; probing is set while one is on its way.
	next    time.Time
	probing bool
	// changed is closed whenever a probe ends.
	changed chan struct{}
	last    error
	// phase is where the last attempt stopped: resolve, connect or TLS.
	phase string
}

func newHostGate(now func() time.Time) *hostGate {
	return &hostGate{now: now, base: probeBase, max: MaxProbeInterval, window: ConnectTimeout, hosts: map[string]*outage{}}
}

// outcome is what a request learnt about its host.
type outcome int

const (
	// connected: the host answered, or at least accepted the connection.
	connected outcome = iota
	// refused: no connection could be made.
	refused
	// unknown: the request stopped before it knew.
	unknown
)

// classify tells a connection that could not be made (the host is down or unreachable, or
// the resolver cannot answer for it now) from everything else. A name that does not exist is
// no outage to wait for.
func classify(err error) outcome {
	if err == nil {
		return connected
	}
	var oe *net.OpError
	var de *net.DNSError
	if errors.As(err, &de) && de.IsNotFound {
		return connected
	}
	if errors.As(err, &oe) && oe.Op == "dial" {
		if errors.Is(err, context.Canceled) {
			return unknown
		}
		return refused
	}
	return connected
}

// enter returns when a request to host may be sent: at once while the host is up, else when
// it is this request's turn to probe. probe says which; the caller reports with done. Once the
// host has accepted no connection for the gate's window, a request that is not a probe fails
// at once, after the probe in flight, if any, has ended.
func (g *hostGate) enter(ctx context.Context, host string) (probe bool, err error) {
	for waited := false; ; waited = true {
		g.mu.Lock()
		o := g.hosts[host]
		if o == nil {
			g.mu.Unlock()
			return false, nil
		}
		now := g.now()
		if !o.probing && !now.Before(o.next) {
			o.probing = true
			g.mu.Unlock()
			return true, nil
		}
		changed, wait, down := o.changed, o.next.Sub(now), *o
		g.mu.Unlock()
		if !down.probing && !now.Before(down.since.Add(g.window)) {
			return false, &UnreachableError{Host: host, Since: down.since, For: now.Sub(down.since), Attempts: down.attempts, Phase: down.phase,
				Outlasted: !waited, Err: down.last}
		}

		var timer *time.Timer
		var fire <-chan time.Time
		if !down.probing {
			timer = time.NewTimer(wait)
			fire = timer.C
		}
		select {
		case <-changed:
		case <-fire:
		case <-ctx.Done():
			if timer != nil {
				timer.Stop()
			}
			return false, &UnreachableError{Host: host, Since: down.since, For: g.now().Sub(down.since), Attempts: down.attempts, Phase: down.phase, Err: down.last}
		}
		if timer != nil {
			timer.Stop()
		}
	}
}

type readTimeoutKey struct{}

// WithReadTimeout tells the client the whole timeout of the read ctx belongs to. The host
// gate no longer needs it: requests wait ConnectTimeout for a host, whatever their timeout.
func WithReadTimeout(ctx context.Context, d time.Duration) context.Context {
	return context.WithValue(ctx, readTimeoutKey{}, d)
}

// connectionCause is what a refused connection says of the host, without the URL a
// *url.Error adds: that names one request's path, which is no other request's business.
func connectionCause(err error) error {
	var oe *net.OpError
	if errors.As(err, &oe) {
		return oe
	}
	return err
}

// done records what a request to host learnt: began is when its attempt began, phase where
// a failed one stopped.
func (g *hostGate) done(host string, probe bool, o outcome, err error, began time.Time, phase string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	out := g.hosts[host]
	switch {
	case o == connected:
		if out != nil {
			delete(g.hosts, host)
			close(out.changed)
		}
		return
	case o == refused && out == nil:
		out = &outage{since: began, attempts: 1, changed: make(chan struct{}), last: connectionCause(err), phase: phase}
		out.next = g.nextProbe(out, 0)
		g.hosts[host] = out
		return
	case out == nil:
		return
	case o == refused:
		out.attempts++
		out.last, out.phase = connectionCause(err), phase
	}
	if probe {
		if o == refused {
			out.probes++
			out.next = g.nextProbe(out, out.probes)
		}
		out.probing = false
		close(out.changed)
		out.changed = make(chan struct{})
	}
}

// nextProbe is when probe n+1 of out falls due: after the back-off, and never past the end of
// the window, so the last probe the waiting requests see is at its end.
func (g *hostGate) nextProbe(out *outage, n int) time.Time {
	now := g.now()
	next := now.Add(g.backoff(n))
	if end := out.since.Add(g.window); now.Before(end) && next.After(end) {
		return end
	}
	return next
}

// backoff is the wait before probe n+1.
func (g *hostGate) backoff(n int) time.Duration {
	d := float64(g.base)
	for range n {
		d *= probeMultiplier
		if d >= float64(g.max) {
			d = float64(g.max)
			break
		}
	}
	return time.Duration(d * (1 + probeJitter*(2*rand.Float64()-1))) //nolint:gosec // jitter needs no cryptographic randomness
}

// UnreachableError is a request that waited for a host that accepts no connection until the
// gate's window or its own context ended, or that was not sent because the host had accepted
// none for the whole window already (Outlasted).
type UnreachableError struct {
	Host     string
	Since    time.Time
	For      time.Duration
	Attempts int
	// Phase is where the last attempt stopped: resolve, connect or TLS.
	Phase string
	// Outlasted is set when the request did not wait: the host had accepted no connection
	// for ConnectTimeout.
	Outlasted bool
	Err       error
}

func (e *UnreachableError) Error() string {
	phase := e.Phase
	if phase == "" {
		phase = PhaseConnect
	}
	how := fmt.Sprintf("could not be reached (%s)", phase)
	if phase == PhaseConnect && e.Err != nil && strings.Contains(e.Err.Error(), "connection refused") {
		how = "has refused connections"
	}
	msg := fmt.Sprintf("%s %s for %s (%d connection attempts since %s): %v", e.Host, how, e.For.Round(time.Millisecond), e.Attempts,
		e.Since.UTC().Format(time.RFC3339), e.Err)
	if e.Outlasted {
		msg += fmt.Sprintf("; the provider waits %s for a host to accept a connection, so this request was not sent", ConnectTimeout)
	}
	return msg + "; " + check[phase]
}

func (e *UnreachableError) Unwrap() error { return e.Err }
