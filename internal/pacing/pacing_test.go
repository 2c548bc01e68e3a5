package pacing

import (
	"context"
	"errors"
	"math"
	"testing"
	"testing/synctest"
	"time"
)

type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time          { return c.t }
func (c *fakeClock) advance(d time.Duration) { c.t = c.t.Add(d) }

func newFake(ceiling float64) (*Limiter, *fakeClock) {
	clk := &fakeClock{t: time.Unix(1_700_000_000, 0)}
	return newAt(ceiling, clk.now), clk
}

// succeed records n successes spread evenly over d.
func succeed(l *Limiter, clk *fakeClock, n int, d time.Duration) {
	for i := 0; i < n; i++ {
		clk.advance(d / time.Duration(n))
		l.Succeeded()
	}
}

func near(t *testing.T, what string, got, want float64) {
	t.Helper()
	if math.Abs(got-want) > 0.05*want {
		t.Fatalf("%s = %.3f, want %.3f", what, got, want)
	}
}

// spacing is the delay the bucket gives the second of two requests asked for at once.
func spacing(l *Limiter, clk *fakeClock) time.Duration {
	l.bucket.ReserveN(clk.now(), 1)
	return l.bucket.ReserveN(clk.now(), 1).DelayFrom(clk.now())
}

func TestUnpacedUntilThrottled(t *testing.T) {
	l, clk := newFake(0)
	if !math.IsInf(l.Rate(), 1) {
		t.Fatalf("rate %v before any throttling", l.Rate())
	}
	for i := 0; i < 1000; i++ {
		if _, err := l.Wait(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	succeed(l, clk, 500, time.Second)
	if !math.IsInf(l.Rate(), 1) {
		t.Fatal("successes alone started pacing")
	}
}

// The first throttle paces at Beta times what the service was accepting, evenly spaced.
func TestFirstThrottleCutsToAcceptedRate(t *testing.T) {
	l, clk := newFake(0)
	succeed(l, clk, 25, 50*time.Millisecond) // a gateway's burst of 25
	sent := clk.now()
	clk.advance(20 * time.Millisecond)
	l.Throttled(sent)
	near(t, "rate after the first throttle", l.Rate(), Beta*25)
	if d := spacing(l, clk); d < 50*time.Millisecond || d > 65*time.Millisecond {
		t.Fatalf("requests %s apart at %.1f/s", d, l.Rate())
	}
}

// Requests already on the wire when the rate was cut do not cut it again; one sent after does.
func TestOneCutPerRoundTrip(t *testing.T) {
	l, clk := newFake(0)
	succeed(l, clk, 25, 50*time.Millisecond)
	inFlight := clk.now()
	clk.advance(10 * time.Millisecond)
	l.Throttled(inFlight)
	after := l.Rate()
	for i := 0; i < 9; i++ {
		clk.advance(time.Millisecond)
		l.Throttled(inFlight) // nine more from the same burst
	}
	if l.Rate() != after {
		t.Fatalf("rate %.2f after the burst's other throttles, want %.2f", l.Rate(), after)
	}
	clk.advance(100 * time.Millisecond)
	l.Throttled(clk.now()) // sent at the new rate, still throttled
	near(t, "rate after a second cut", l.Rate(), Beta*math.Min(after, 25))
}

// After a cut the rate returns to the last good rate after K seconds, then probes beyond it,
// as long as requests use it.
func TestCubicGrowth(t *testing.T) {
	l, clk := newFake(0)
	succeed(l, clk, 25, 50*time.Millisecond)
	l.Throttled(clk.now())
	k := math.Cbrt(25 * (1 - Beta) / ScaleC)
	// Requests flow at the current rate.
	run := func(d time.Duration) {
		end := clk.now().Add(d)
		for clk.now().Before(end) {
			clk.advance(time.Duration(float64(time.Second) / l.Rate()))
			l.Succeeded()
		}
	}
	run(time.Duration(k * float64(time.Second)))
	near(t, "rate after K seconds", l.Rate(), 25)
	run(2 * time.Second)
	near(t, "rate 2 s past K", l.Rate(), 25+ScaleC*8)
}

// The rate does not grow while nothing uses it.
func TestNoGrowthWhileIdle(t *testing.T) {
	l, clk := newFake(0)
	succeed(l, clk, 25, 50*time.Millisecond)
	l.Throttled(clk.now())
	cut := l.Rate()
	clk.advance(time.Minute)
	l.Succeeded()
	if l.Rate() != cut {
		t.Fatalf("rate %.2f after a minute idle, want %.2f", l.Rate(), cut)
	}
}

// An explicit ceiling paces from the start, keeps its burst, and caps the growth.
func TestCeiling(t *testing.T) {
	l, clk := newFake(10)
	if l.Rate() != 10 {
		t.Fatalf("rate %v", l.Rate())
	}
	for i := 0; i < 10; i++ {
		if d := l.bucket.ReserveN(clk.now(), 1).DelayFrom(clk.now()); d != 0 {
			t.Fatalf("request %d of the first second waited %s", i, d)
		}
	}
	succeed(l, clk, 10, time.Second)
	l.Throttled(clk.now())
	near(t, "rate after a throttle under the ceiling", l.Rate(), Beta*10)
	for i := 0; i < 600; i++ {
		clk.advance(100 * time.Millisecond)
		l.Succeeded()
	}
	if l.Rate() != 10 {
		t.Fatalf("rate %.2f after a minute, want the ceiling 10", l.Rate())
	}
}

// Throttled before anything succeeded, the rate starts from what was being sent.
func TestThrottledStartUsesSendRate(t *testing.T) {
	l, clk := newFake(0)
	sent := clk.now()
	for i := 0; i < 10; i++ {
		if _, err := l.Wait(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	clk.advance(20 * time.Millisecond)
	l.Throttled(sent)
	near(t, "rate after a throttled start", l.Rate(), Beta*10)
}

func TestMinimumRate(t *testing.T) {
	l, clk := newFake(0)
	l.Throttled(clk.now()) // throttled before anything succeeded
	if l.Rate() != MinRate {
		t.Fatalf("rate %v, want %v", l.Rate(), MinRate)
	}
}

// A slot after the deadline is refused at once, not waited for (virtual time does not move).
func TestWaitPastDeadline(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		l := New(1)
		if _, err := l.Wait(context.Background()); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		start := time.Now()
		if _, err := l.Wait(ctx); !errors.Is(err, ErrPastDeadline) || time.Since(start) != 0 {
			t.Fatalf("err %v after %s", err, time.Since(start))
		}
	})
}

// A ceiling below the floor still wins: after a throttle, rate_limit = 0.2 paces at 0.2, not at
// MinRate.
func TestCeilingBelowTheFloor(t *testing.T) {
	l, clk := newFake(0.2)
	l.Throttled(clk.now())
	if l.Rate() > 0.2 {
		t.Fatalf("rate %v above the ceiling 0.2", l.Rate())
	}
	if d := spacing(l, clk); d < 5*time.Second {
		t.Fatalf("requests %s apart, want 5 s at 0.2 requests/s", d)
	}
}
