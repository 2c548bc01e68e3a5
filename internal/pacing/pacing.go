// Package pacing is the client-side rate limiter that every HSS request of a provider process
// shares.
//
// By default it does not pace at all: a plan is as fast as the service lets it be. When the
// service throttles, the rate drops to a fraction (beta) of what the service was accepting —
// the successful requests of the last second, or the requests sent when none succeeded yet —
// and grows back along a cubic curve that
// flattens near that rate and then probes beyond it while nothing is throttled. This is the
// client rate limiter of AWS SDK for Go v2's adaptive retry mode, which uses TCP CUBIC's
// growth; CUBIC beats TCP's linear AIMD growth here because it returns to the last good rate
// within seconds instead of one request per second per second. From TCP it takes one more
// idea: react once per round trip. Requests already on the wire when the rate was cut were
// sent at the old rate, so their throttling says nothing new and does not cut again; cutting
// for each would collapse the rate after one burst. An explicit ceiling caps the rate
// throughout, and is the rate until the service throttles.
package pacing

import (
	"context"
	"errors"
	"math"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Constants of the rate control, as in AWS SDK for Go v2's adaptive mode.
const (
	// Beta is the share of the accepted rate kept after throttling.
	Beta = 0.7
	// ScaleC scales the cubic growth, in requests per second per cubed second.
	ScaleC = 0.4
	// MinRate is the slowest the limiter paces, in requests per second.
	MinRate = 0.5
	// window is how far back successes count towards the accepted rate.
	window = time.Second
)

// ErrPastDeadline is returned when the next slot comes after the context's deadline.
var ErrPastDeadline = errors.New("the next slot of the client-side rate limit is after the deadline")

// Limiter paces requests. The zero value is not usable; use New.
type Limiter struct {
	now     func() time.Time
	ceiling float64

	mu     sync.Mutex
	bucket *rate.Limiter
	// paced is false until the service throttles (or a ceiling applies).
	paced bool
	// current is the pacing rate; lastMax the rate the last cut started from.
	current, lastMax float64
	lastCut          time.Time
	// successes and sends are the times of the latest successful and sent requests, oldest
	// first.
	successes, sends []time.Time
}

// New returns a limiter that does not pace until the service throttles, and then never
// exceeds ceiling (requests per second; 0 means no ceiling).
func New(ceiling float64) *Limiter { return newAt(ceiling, time.Now) }

func newAt(ceiling float64, now func() time.Time) *Limiter {
	l := &Limiter{now: now, ceiling: ceiling, bucket: rate.NewLimiter(rate.Inf, 1)}
	if ceiling > 0 {
		l.paced, l.current = true, ceiling
		// A ceiling allows a second's worth at once, as a fixed limit always has.
		l.bucket = rate.NewLimiter(rate.Limit(ceiling), max(1, int(ceiling)))
	}
	return l
}

// Rate is the current pacing rate in requests per second; +Inf while unpaced.
func (l *Limiter) Rate() float64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.paced {
		return math.Inf(1)
	}
	return l.current
}

// Wait blocks until the request may be sent and returns when that was, for Throttled. A slot
// after ctx's deadline is not waited for: ErrPastDeadline at once.
func (l *Limiter) Wait(ctx context.Context) (time.Time, error) {
	now := l.now()
	l.mu.Lock()
	r := l.bucket.ReserveN(now, 1)
	l.mu.Unlock()
	delay := r.DelayFrom(now)
	if delay == 0 {
		l.sent(now)
		return now, nil
	}
	if dl, ok := ctx.Deadline(); ok && now.Add(delay).After(dl) {
		r.CancelAt(now)
		return time.Time{}, ErrPastDeadline
	}
	t := time.NewTimer(delay)
	defer t.Stop()
	select {
	case <-t.C:
		l.sent(now.Add(delay))
		return now.Add(delay), nil
	case <-ctx.Done():
		r.CancelAt(l.now())
		return time.Time{}, ctx.Err()
	}
}

func (l *Limiter) sent(at time.Time) {
	l.mu.Lock()
	l.sends = trim(append(l.sends, at), at)
	l.mu.Unlock()
}

// Succeeded records a request the service accepted, and lets the rate grow.
func (l *Limiter) Succeeded() {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.successes = trim(append(l.successes, now), now)
	if l.paced && !l.lastCut.IsZero() {
		l.setLocked(now, math.Min(l.cubicLocked(now), math.Max(2*l.acceptedLocked(now), l.current)))
	}
}

// Throttled records that the service throttled a request sent at sentAt. Only a request sent
// after the last cut cuts the rate again.
func (l *Limiter) Throttled(sentAt time.Time) {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.lastCut.IsZero() && sentAt.Before(l.lastCut) {
		return
	}
	// What the service accepted; before it accepted anything, what was sent, so a throttled
	// start begins from the rate tried rather than the floor.
	from := l.acceptedLocked(now)
	if from == 0 {
		l.sends = trim(l.sends, now)
		from = float64(len(l.sends)) / window.Seconds()
	}
	if l.paced {
		from = math.Min(from, l.current)
		if from == 0 {
			from = l.current
		}
	}
	from = math.Max(from, MinRate)
	l.lastMax, l.lastCut, l.paced = from, now, true
	l.setLocked(now, from*Beta)
}

// cubicLocked is the rate dt after the last cut: Beta·lastMax at the cut, lastMax after K
// seconds, faster beyond.
func (l *Limiter) cubicLocked(now time.Time) float64 {
	dt := now.Sub(l.lastCut).Seconds()
	k := math.Cbrt(l.lastMax * (1 - Beta) / ScaleC)
	d := dt - k
	return ScaleC*d*d*d + l.lastMax
}

// acceptedLocked is the successful requests of the last window, per second.
func (l *Limiter) acceptedLocked(now time.Time) float64 {
	l.successes = trim(l.successes, now)
	return float64(len(l.successes)) / window.Seconds()
}

// trim drops the times older than the window before now.
func trim(times []time.Time, now time.Time) []time.Time {
	i := 0
	for i < len(times) && now.Sub(times[i]) > window {
		i++
	}
	return times[i:]
}

func (l *Limiter) setLocked(now time.Time, r float64) {
	// The floor first, so that a ceiling below it still wins.
	r = math.Max(r, MinRate)
	if l.ceiling > 0 {
		r = math.Min(r, l.ceiling)
	}
	l.current = r
	l.bucket.SetLimitAt(now, rate.Limit(r))
	// Adaptive pacing spaces requests evenly; only a fixed ceiling keeps its burst.
	if l.ceiling == 0 || r < l.ceiling {
		l.bucket.SetBurstAt(now, 1)
	} else {
		l.bucket.SetBurstAt(now, max(1, int(l.ceiling)))
	}
}
