package transport

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"sync"
	"time"
)

// hostGate holds the requests to a host that refuses connections, so that an endpoint that is
// down gets one connection attempt at a time from this provider (a probe, after an
// exponential back-off) however many reads want it, and every waiting read goes on as soon as
// a probe connects, or gives up at its own deadline (timeouts.read). This is gRPC's model: a
// channel reconnects on its own back-off schedule, and calls that wait for it are held, not
// multiplied. A refused connection costs the service nothing, so waiting for it to come back
// is gentle; an answer that is an error is the retry budget's business instead.
type hostGate struct {
	now func() time.Time
	// base and max bound the back-off between probes.
	base, max time.Duration

	mu    sync.Mutex
	hosts map[string]*outage
}

// outage is a host that refused the last connection attempt.
type outage struct {
	since time.Time
	// attempts counts the refused connection attempts; probes those made as probes.
	attempts, probes int
	// next is the earliest time of the next probe; probing is set while one is on its way.
	next    time.Time
	probing bool
	// changed is closed whenever a probe ends.
	changed chan struct{}
	last    error
	// outlasted is set once a request waited for the host until its deadline: the outage
	// is longer than a read may wait, so later requests fail at once, but for the probes.
	outlasted bool
}

func newHostGate(now func() time.Time) *hostGate {
	return &hostGate{now: now, base: probeBase, max: MaxProbeInterval, hosts: map[string]*outage{}}
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

// classify tells a refused or failed connection (the host is down or unreachable) from
// everything else. A name that does not resolve is no outage to wait for.
func classify(err error) outcome {
	if err == nil {
		return connected
	}
	var oe *net.OpError
	var de *net.DNSError
	if errors.As(err, &oe) && oe.Op == "dial" && !errors.As(err, &de) {
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return unknown
		}
		return refused
	}
	return connected
}

// enter returns when a request to host may be sent: at once while the host is up, else when
// it is this request's turn to probe. probe says which; the caller reports with done. began is
// when the request's call began, for telling how long it has waited in all.
func (g *hostGate) enter(ctx context.Context, host string, began time.Time) (probe bool, err error) {
	for {
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
		if down.outlasted {
			return false, &UnreachableError{Host: host, Since: down.since, For: now.Sub(down.since), Attempts: down.attempts, Outlasted: true, Err: down.last}
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
			if outlasts(ctx, g.now().Sub(began)) {
				g.mu.Lock()
				if o := g.hosts[host]; o != nil {
					o.outlasted = true
				}
				g.mu.Unlock()
			}
			return false, &UnreachableError{Host: host, Since: down.since, For: g.now().Sub(down.since), Attempts: down.attempts, Err: down.last}
		}
		if timer != nil {
			timer.Stop()
		}
	}
}

// outlasts reports whether a request that stopped waiting for a host, after waited, shows the
// outage outlasting reads: only when its own deadline passed (a cancellation says nothing of
// the host) and that deadline was at least DefaultReadTimeout away. A read with a short
// timeouts.read, or shared work whose last waiter had one, must not fail its neighbours.
func outlasts(ctx context.Context, waited time.Duration) bool {
	if !errors.Is(context.Cause(ctx), context.DeadlineExceeded) {
		return false
	}
	budget, ok := ctx.Value(readTimeoutKey{}).(time.Duration)
	if !ok || budget <= 0 {
		budget = waited
	}
	return budget >= DefaultReadTimeout
}

type readTimeoutKey struct{}

// WithReadTimeout tells the client the whole timeout of the read ctx belongs to, so the host
// gate can tell a read that gave up early from an outage that outlasts reads.
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

// done records what a request to host learnt.
func (g *hostGate) done(host string, probe bool, o outcome, err error) {
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
		now := g.now()
		g.hosts[host] = &outage{since: now, attempts: 1, next: now.Add(g.backoff(0)), changed: make(chan struct{}), last: connectionCause(err)}
		return
	case out == nil:
		return
	case o == refused:
		out.attempts++
		out.last = connectionCause(err)
	}
	if probe {
		if o == refused {
			out.probes++
			out.next = g.now().Add(g.backoff(out.probes))
		}
		out.probing = false
		close(out.changed)
		out.changed = make(chan struct{})
	}
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

// UnreachableError is a request that waited for a host refusing connections until its
// context ended, or that was not sent because other requests already had (Outlasted).
type UnreachableError struct {
	Host     string
	Since    time.Time
	For      time.Duration
	Attempts int
	// Outlasted is set when the request did not wait: the outage had outlasted other reads'
	// whole timeouts.
	Outlasted bool
	Err       error
}

func (e *UnreachableError) Error() string {
	msg := fmt.Sprintf("%s has refused connections for %s (%d connection attempts since %s): %v",
		e.Host, e.For.Round(time.Millisecond), e.Attempts, e.Since.UTC().Format(time.RFC3339), e.Err)
	if e.Outlasted {
		msg += "; other reads already waited their whole timeout for it, so this one did not wait"
	}
	return msg
}

func (e *UnreachableError) Unwrap() error { return e.Err }
