package hss_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/hsslabs/terraform-provider-hss/internal/emulator"
	"github.com/hsslabs/terraform-provider-hss/internal/hss"
	"github.com/hsslabs/terraform-provider-hss/internal/transport"
)

// These tests run a plan's worth of reads (200 distinct queries, ten at a time as Terraform
// reads) with default settings against an in-process emulator inside a synctest bubble: the
// back-off waits, Retry-After and timeouts are real code on virtual time, so a plan that
// would take minutes takes milliseconds and its duration is exact.

// A service that answers every request with 500 gets about 31 retries from the whole plan,
// which fails within seconds; each error names the status and why it was not retried.
func TestOutageEveryRequestFails(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := newOutagePlan(t)
		p.emu.AddFault(emulator.Fault{Status: http.StatusInternalServerError, Code: "HSS.0500", Message: "Internal error."})
		p.run()
		requests := p.emu.Count(emulator.KindHSS)
		t.Logf("every request 500: %d requests, the plan failed after %s", requests, p.duration)
		if len(p.errs) != 200 {
			t.Fatalf("%d of 200 reads failed", len(p.errs))
		}
		if requests != 200+31 {
			t.Fatalf("%d requests, want 231: one per read and 31 retries", requests)
		}
		if p.duration > 5*time.Second {
			t.Fatalf("the plan failed after %s, want 5 s at most", p.duration)
		}
		paused := 0
		for _, err := range p.errs {
			var ae *transport.APIError
			var re *transport.RetryError
			if !errors.As(err, &ae) || ae.StatusCode != 500 || !strings.Contains(err.Error(), "HTTP 500") {
				t.Fatalf("error does not name the status: %v", err)
			}
			switch {
			case errors.As(err, &re) && re.Paused:
				paused++
				if !strings.Contains(err.Error(), "not retried: retries are paused because the service kept failing") {
					t.Fatalf("error does not say why it was not retried: %v", err)
				}
			case errors.As(err, &re) && re.Attempts == transport.DefaultMaxRetries+1:
			default:
				t.Fatalf("error says neither that max_retries ran out nor that retries were paused: %v", err)
			}
		}
		if paused < 150 {
			t.Fatalf("%d reads failed with retries paused, want most of them", paused)
		}
	})
}

// A sparse error rate never exhausts the budget: every read succeeds, each failure retried once.
func TestOutageSparseErrors(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := newOutagePlan(t)
		p.emu.AddFault(emulator.Fault{Every: 10, Status: http.StatusInternalServerError, Code: "HSS.0500"})
		p.run()
		requests := p.emu.Count(emulator.KindHSS)
		t.Logf("every 10th request 500: %d requests, %s", requests, p.duration)
		if len(p.errs) != 0 {
			t.Fatalf("%d reads failed: %v", len(p.errs), p.errs[0])
		}
		if requests > 240 {
			t.Fatalf("%d requests, want at most 240", requests)
		}
	})
}

// A blip without Retry-After, of as many failures as three rounds of parallel reads meet, is
// retried through: every read succeeds.
func TestOutageBlipWithoutRetryAfter(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := newOutagePlan(t)
		p.emu.AddFault(emulator.Fault{Times: 30, Status: http.StatusServiceUnavailable, Code: "APIGW.0503"})
		p.run()
		if len(p.errs) != 0 {
			t.Fatalf("%d reads failed: %v", len(p.errs), p.errs[0])
		}
		if requests := p.emu.Count(emulator.KindHSS); requests != 230 {
			t.Fatalf("%d requests, want 230", requests)
		}
	})
}

// One region's outage does not take another region's retries: with ap-southeast-1 answering
// nothing but 500, a read in cn-north-4 that meets one 503 is retried and succeeds. Each host
// has its own budget and throttle, and the credential services theirs.
func TestOneRegionsOutageSparesAnother(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		emu := emulator.New(nil)
		tr := emulator.NewTransport(emu)
		c, err := hss.New(hss.Config{Region: emulator.Region, Credentials: aksk(), Transport: tr, MaxRetries: transport.DefaultMaxRetries})
		if err != nil {
			t.Fatal(err)
		}
		down := func(r *http.Request) bool { return strings.HasPrefix(r.Host, "hss."+emulator.OtherRegion+".") }
		emu.AddFault(emulator.Fault{Match: down, Status: http.StatusInternalServerError, Code: "HSS.0500", Message: "Internal error."})
		for i := range 100 {
			q := hss.BasicImageQuery{Region: emulator.OtherRegion, ImageID: fmt.Sprintf("synthetic-%d", i+1), ImageType: "cicd"}
			if _, err := c.ListBasicImages(context.Background(), q); err == nil {
				t.Fatal("a read of the failing region succeeded")
			}
		}
		// The other region's first HSS request meets a 503, once; its IAM lookup goes through.
		emu.AddFault(emulator.Fault{Match: func(r *http.Request) bool { return strings.HasPrefix(r.Host, "hss."+emulator.Region+".") },
			Times: 1, Status: http.StatusServiceUnavailable, Code: "APIGW.0503"})
		if _, err := c.ListBasicImages(context.Background(), cicd111); err != nil {
			t.Fatalf("the healthy region's read failed: %v", err)
		}
	})
}

// A short outage with Retry-After is waited out: every read succeeds.
func TestOutageBriefUnavailability(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := newOutagePlan(t)
		p.emu.AddFault(emulator.Fault{Times: 30, Status: http.StatusServiceUnavailable, Code: "APIGW.0503", RetryAfter: "1"})
		p.run()
		requests := p.emu.Count(emulator.KindHSS)
		t.Logf("first 30 requests 503 with Retry-After 1: %d requests, %s", requests, p.duration)
		if len(p.errs) != 0 {
			t.Fatalf("%d reads failed: %v", len(p.errs), p.errs[0])
		}
		if requests != 230 {
			t.Fatalf("%d requests, want 230", requests)
		}
	})
}

// A host that refuses connections for 5 s is waited for, one probe at a time: every read
// succeeds, without a retry storm.
func TestOutageRefusedConnections(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := newOutagePlan(t)
		p.tr.Refuse()
		time.AfterFunc(5*time.Second, p.tr.Accept)
		p.run()
		t.Logf("connections refused for 5 s: %d connection attempts (%d refused), %d requests served, %s",
			p.tr.Attempts(), p.tr.Refused(), p.emu.Count(emulator.KindHSS), p.duration)
		if len(p.errs) != 0 {
			t.Fatalf("%d reads failed: %v", len(p.errs), p.errs[0])
		}
		// Ten reads were on their way when the host went down; then one probe at a time.
		if refused := p.tr.Refused(); refused > 10+5 {
			t.Fatalf("%d refused attempts, want the ten reads in flight and a few probes", refused)
		}
		if p.duration < 5*time.Second {
			t.Fatalf("the plan took %s, less than the outage", p.duration)
		}
	})
}

// A host that stays down fails the reads within ConnectTimeout (10 s), not at their 5-minute
// timeout: the reads waiting for it fail when the last probe, at the window's end, is refused,
// and the reads after them fail at once. Every error names the host, that it refused
// connections, and what to check; none is a bare deadline.
func TestOutageLongerThanTheConnectTimeout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := newOutagePlan(t)
		p.tr.Refuse()
		p.run()
		if len(p.errs) != 200 {
			t.Fatalf("%d of 200 reads failed", len(p.errs))
		}
		waited := 0
		for _, err := range p.errs {
			var ue *transport.UnreachableError
			if !errors.As(err, &ue) || ue.Host != "hss.emulator.test" || ue.Phase != transport.PhaseConnect || errors.Is(err, context.DeadlineExceeded) ||
				!strings.Contains(err.Error(), "hss.emulator.test has refused connections for 10s") || !strings.Contains(err.Error(), "connection refused") ||
				!strings.Contains(err.Error(), "check that the endpoint is right and up") {
				t.Fatalf("err %v", err)
			}
			if !ue.Outlasted {
				waited++
			}
		}
		// The ten reads in flight waited; the rest did not.
		if waited != 10 || p.duration > transport.ConnectTimeout+time.Second {
			t.Fatalf("%d reads waited; the plan took %s", waited, p.duration)
		}
		if refused := p.tr.Refused(); refused > 10+5 {
			t.Fatalf("%d refused connection attempts in %s", refused, p.duration)
		}
		t.Logf("%d refused connection attempts in %s: %v", p.tr.Refused(), p.duration, p.errs[len(p.errs)-1])
	})
}

// A host that takes no connection at all (an unroutable address, a firewall that drops
// packets) fails each read within ConnectTimeout, one connection attempt a read, never waiting
// out the read timeout.
func TestUnroutableHostFailsWithinTheConnectTimeout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := newOutagePlan(t)
		p.tr.Blackhole()
		p.run()
		if len(p.errs) != 200 || p.duration > transport.ConnectTimeout+time.Second {
			t.Fatalf("%d of 200 reads failed, in %s", len(p.errs), p.duration)
		}
		for _, err := range p.errs {
			if errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "hss.emulator.test could not be reached (connect) for 10s") ||
				!strings.Contains(err.Error(), "no connection within 10s") || !strings.Contains(err.Error(), "check that the endpoint is right and up") {
				t.Fatalf("err %v", err)
			}
		}
		// The reads that came after the first ten did not try.
		if attempts := p.tr.Attempts(); attempts != 10 {
			t.Fatalf("%d connection attempts", attempts)
		}
		t.Logf("%d connection attempts in %s: %v", p.tr.Attempts(), p.duration, p.errs[0])
	})
	// Without retries there is no waiting for the host: the one attempt has its own bound.
	synctest.Test(t, func(t *testing.T) {
		p := newOutagePlan(t, func(c *hss.Config) { c.MaxRetries = 0 })
		p.tr.Blackhole()
		start := time.Now()
		_, err := p.c.ListBasicImages(context.Background(), cicd111)
		if took := time.Since(start); took != transport.ConnectTimeout || !strings.Contains(err.Error(), "no answer from hss.emulator.test (connect): dial tcp: no connection within 10s") {
			t.Fatalf("after %s: %v", took, err)
		}
	})
}

// A host that takes the request and never answers ends the read at its timeout with an error
// that names the host and the phase, not a bare "context deadline exceeded".
func TestSilentHostNamesHostAndPhase(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := newOutagePlan(t)
		p.tr.Silence()
		ctx, cancel := context.WithTimeout(context.Background(), transport.DefaultReadTimeout)
		defer cancel()
		_, err := p.c.ListBasicImages(ctx, cicd111)
		var ie *transport.InterruptedError
		var pe *transport.PhaseError
		if !errors.As(err, &ie) || !errors.As(err, &pe) || pe.Host != "hss.emulator.test" || pe.Phase != transport.PhaseResponse || !errors.Is(err, context.DeadlineExceeded) ||
			!strings.Contains(err.Error(), "no answer from hss.emulator.test (response): context deadline exceeded") ||
			!strings.Contains(err.Error(), "check that the endpoint is the HSS API") {
			t.Fatalf("err %v", err)
		}
	})
}

// A resolver that does not answer for a few seconds is ridden out like a refusing host; one
// that stays down fails the reads within ConnectTimeout, naming the phase.
func TestResolverOutage(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := newOutagePlan(t)
		p.tr.ResolverDown.Store(true)
		time.AfterFunc(3*time.Second, p.tr.Accept)
		if _, err := p.c.ListBasicImages(context.Background(), cicd111); err != nil {
			t.Fatalf("a 3 s resolver outage: %v", err)
		}
		p.tr.ResolverDown.Store(true)
		start := time.Now()
		_, err := p.c.ListBasicImages(context.Background(), hss.BasicImageQuery{ImageID: "synthetic-2", ImageType: "cicd"})
		var ue *transport.UnreachableError
		if !errors.As(err, &ue) || ue.Phase != transport.PhaseResolve || time.Since(start) > transport.ConnectTimeout ||
			!strings.Contains(err.Error(), "could not be reached (resolve)") || !strings.Contains(err.Error(), "this machine's DNS") {
			t.Fatalf("after %s: %v", time.Since(start), err)
		}
	})
}

// One read's short timeouts.read does not fail its neighbours: the host refuses for 5 s, one
// read gives up after 2 s, and the nine beside it, with the default timeout, all succeed. The
// short read's error names no other read's request.
func TestShortTimeoutSparesNeighbours(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := newOutagePlan(t)
		p.tr.Refuse()
		time.AfterFunc(5*time.Second, p.tr.Accept)
		errs := make([]error, 10)
		var wg sync.WaitGroup
		for i := range 10 {
			wg.Go(func() {
				timeout := transport.DefaultReadTimeout
				if i == 0 {
					timeout = 2 * time.Second
				}
				ctx, cancel := context.WithTimeout(transport.WithReadTimeout(context.Background(), timeout), timeout)
				defer cancel()
				_, errs[i] = p.c.ListBasicImages(ctx, hss.BasicImageQuery{ImageID: fmt.Sprintf("synthetic-%d", i+1), ImageType: "cicd"})
			})
			// The short read is the first to wait for the host.
			time.Sleep(time.Millisecond)
		}
		wg.Wait()
		var ue *transport.UnreachableError
		if !errors.As(errs[0], &ue) || ue.Outlasted || !errors.Is(errs[0], context.DeadlineExceeded) {
			t.Fatalf("the short read: %v", errs[0])
		}
		for i := 2; i <= 10; i++ {
			if strings.Contains(errs[0].Error(), fmt.Sprintf("synthetic-%d/", i)) {
				t.Fatalf("the short read's error names another read's request: %v", errs[0])
			}
		}
		for i, err := range errs[1:] {
			if err != nil {
				t.Fatalf("read %d failed: %v", i+2, err)
			}
		}
	})
}

// A read that is cancelled, or whose own timeout is short, while it waits for a host stops
// with its own cause, and takes nothing from the reads after it: they still wait for the host
// within the window.
func TestCancellationWhileWaitingForAHost(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := newOutagePlan(t)
		p.tr.Refuse()
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(2*time.Second, cancel)
		var ie *transport.InterruptedError
		if _, err := p.c.ListBasicImages(ctx, cicd111); !errors.Is(err, context.Canceled) || !errors.As(err, &ie) || ie.Waiting != transport.WaitingHost {
			t.Fatalf("err %v", err)
		}
		ctx2, cancel2 := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel2()
		if _, err := p.c.ListBasicImages(ctx2, hss.BasicImageQuery{ImageID: "synthetic-3", ImageType: "cicd"}); !errors.Is(err, context.DeadlineExceeded) ||
			!errors.As(err, &ie) || ie.Waiting != transport.WaitingHost {
			t.Fatalf("err %v", err)
		}
		time.AfterFunc(3*time.Second, p.tr.Accept)
		if _, err := p.c.ListBasicImages(context.Background(), hss.BasicImageQuery{ImageID: "synthetic-2", ImageType: "cicd"}); err != nil {
			t.Fatalf("a later read failed: %v", err)
		}
	})
}

// A gateway limit is not an outage: 200 reads against 25 requests/s without Retry-After all
// succeed, however many 429s the pacing meets.
func TestGatewayLimitIsNotAnOutage(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := newOutagePlan(t)
		p.emu.SetRateLimit(25, 25)
		p.run()
		if len(p.errs) != 0 {
			t.Fatalf("%d reads failed: %v", len(p.errs), p.errs[0])
		}
		t.Logf("200 reads at 25/s: %d requests, %d throttled, %s", p.emu.Count(emulator.KindHSS), p.emu.Throttled(), p.duration)
	})
}

// With max_retries = 0 a refused connection fails at once.
func TestRefusedWithoutRetries(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := newOutagePlan(t, func(c *hss.Config) { c.MaxRetries = 0 })
		p.tr.Refuse()
		_, err := p.c.ListBasicImages(context.Background(), cicd111)
		if err == nil || !strings.Contains(err.Error(), "connection refused") || p.tr.Attempts() != 1 {
			t.Fatalf("err %v after %d attempts", err, p.tr.Attempts())
		}
	})
}

// A host that comes back after the window is found by the next read: a probe goes whenever
// one is due (at most every 5 s, plus its jitter), and reads between probes fail at once
// without a connection attempt.
func TestAHostThatComesBackIsFoundByTheNextRead(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := newOutagePlan(t)
		p.tr.Refuse()
		read := func(id int) error {
			_, err := p.c.ListBasicImages(context.Background(), hss.BasicImageQuery{ImageID: fmt.Sprintf("synthetic-%d", id), ImageType: "cicd"})
			return err
		}
		if err := read(1); err == nil {
			t.Fatal("read during the outage succeeded")
		}
		attempts := p.tr.Attempts()
		var ue *transport.UnreachableError
		if err := read(2); !errors.As(err, &ue) || !ue.Outlasted || p.tr.Attempts() != attempts {
			t.Fatalf("a read between probes: %d attempts: %v", p.tr.Attempts()-attempts, err)
		}
		time.Sleep(transport.MaxProbeInterval * 6 / 5)
		if err := read(3); err == nil || p.tr.Attempts() != attempts+1 {
			t.Fatalf("a read when a probe is due: %d attempts: %v", p.tr.Attempts()-attempts, err)
		}
		time.Sleep(time.Minute)
		p.tr.Accept()
		if err := read(4); err != nil || p.tr.Attempts() != attempts+2 {
			t.Fatalf("the host is back: %d attempts: %v", p.tr.Attempts()-attempts, err)
		}
	})
}
