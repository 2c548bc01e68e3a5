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
	"github.com/hsslabs/terraform-provider-hss/internal/endpoints"
	"github.com/hsslabs/terraform-provider-hss/internal/hss"
	"github.com/hsslabs/terraform-provider-hss/internal/transport"
)

// These tests run a plan's worth of reads (200 distinct queries, ten at a time as Terraform
// reads) with default settings against an in-process emulator inside a synctest bubble: the
// back-off waits, Retry-After and timeouts are real code on virtual time, so a plan that
// would take minutes takes milliseconds and its duration is exact.

// outagePlan is 200 distinct reads of one entry each, ten at a time, each with timeout.
type outagePlan struct {
	emu      *emulator.Emulator
	tr       *emulator.Transport
	c        *hss.Client
	timeout  time.Duration
	errs     []error
	duration time.Duration
}

func newOutagePlan(t *testing.T, mod ...func(*hss.Config)) *outagePlan {
	t.Helper()
	emu := emulator.New(nil)
	emu.SetLatency(20 * time.Millisecond)
	tr := emulator.NewTransport(emu)
	cfg := hss.Config{Region: emulator.Region, ProjectID: emulator.ProjectID, Endpoints: endpoints.Set{HSS: "https://hss.emulator.test", IAM: "https://iam.emulator.test"},
		Credentials: aksk(), Transport: tr, MaxRetries: transport.DefaultMaxRetries}
	for _, m := range mod {
		m(&cfg)
	}
	c, err := hss.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return &outagePlan{emu: emu, tr: tr, c: c, timeout: transport.DefaultReadTimeout}
}

// run reads synthetic-1 … synthetic-200, ten at a time.
func (p *outagePlan) run() {
	start := time.Now()
	queries := make(chan int)
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range 10 {
		wg.Go(func() {
			for i := range queries {
				ctx, cancel := context.WithTimeout(context.Background(), p.timeout)
				_, err := p.c.ListBasicImages(ctx, hss.BasicImageQuery{ImageID: fmt.Sprintf("synthetic-%d", i), ImageType: "cicd"})
				cancel()
				if err != nil {
					mu.Lock()
					p.errs = append(p.errs, err)
					mu.Unlock()
				}
			}
		})
	}
	for i := 1; i <= 200; i++ {
		queries <- i
	}
	close(queries)
	wg.Wait()
	p.duration = time.Since(start)
}

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

// A host that stays down longer than the read timeout fails each read at its timeout with an
// error that names the host and how long it has refused connections; the probes are paid from
// the retry budget, so after minutes of refusals the provider stops trying altogether.
func TestOutageLongerThanTheReadTimeout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := newOutagePlan(t)
		p.tr.Refuse()
		p.run()
		if len(p.errs) != 200 {
			t.Fatalf("%d of 200 reads failed", len(p.errs))
		}
		var ie *transport.InterruptedError
		var ue *transport.UnreachableError
		var re *transport.RetryError
		err := p.errs[0]
		if !errors.As(err, &ie) || ie.Waiting != transport.WaitingHost || !errors.As(err, &ue) || !errors.Is(err, context.DeadlineExceeded) ||
			ue.Host != "hss.emulator.test" || !strings.Contains(err.Error(), "has refused connections for") || !strings.Contains(err.Error(), "connection refused") {
			t.Fatalf("err %v", err)
		}
		// Once reads have waited their whole timeout, the others fail at once.
		outlasted := 0
		for _, err := range p.errs {
			if errors.As(err, &ue) && ue.Outlasted {
				outlasted++
				continue
			}
			timedOut := errors.As(err, &ue) && errors.Is(err, context.DeadlineExceeded)
			paused := errors.As(err, &re) && re.Paused
			if !timedOut && !paused {
				t.Fatalf("err %v", err)
			}
		}
		if outlasted < 150 || p.duration > transport.DefaultReadTimeout+time.Minute {
			t.Fatalf("%d reads failed at once; the plan took %s", outlasted, p.duration)
		}
		if refused := p.tr.Refused(); refused > 100 {
			t.Fatalf("%d refused connection attempts in %s", refused, p.duration)
		}
		t.Logf("%d refused connection attempts in %s: %v", p.tr.Refused(), p.duration, p.errs[len(p.errs)-1])
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

// Reads without a known timeout, and cancelled ones, never mark a host as outlasted: a
// cancellation says nothing of the host.
func TestCancellationDoesNotOutlast(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := newOutagePlan(t)
		p.tr.Refuse()
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(20*time.Second, cancel)
		if _, err := p.c.ListBasicImages(ctx, cicd111); !errors.Is(err, context.Canceled) {
			t.Fatalf("err %v", err)
		}
		// A short read that waited minutes in all does not mark it either.
		ctx2, cancel2 := context.WithTimeout(transport.WithReadTimeout(context.Background(), time.Minute), time.Minute)
		defer cancel2()
		if _, err := p.c.ListBasicImages(ctx2, hss.BasicImageQuery{ImageID: "synthetic-3", ImageType: "cicd"}); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("err %v", err)
		}
		time.AfterFunc(30*time.Second, p.tr.Accept)
		ctx3, cancel3 := context.WithTimeout(context.Background(), transport.DefaultReadTimeout)
		defer cancel3()
		if _, err := p.c.ListBasicImages(ctx3, hss.BasicImageQuery{ImageID: "synthetic-2", ImageType: "cicd"}); err != nil {
			t.Fatalf("a later read failed at once: %v", err)
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

// A host that comes back is found within the probe back-off's 5 s cap (plus its jitter),
// however long it was down: a read waiting out a one-minute refusal succeeds by 66 s, where
// an uncapped back-off of 1 s × 1.6 would next probe after 70 s at the earliest.
func TestRefusedHostIsProbedAtLeastEveryFiveSeconds(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := newOutagePlan(t)
		p.tr.Refuse()
		time.AfterFunc(time.Minute, p.tr.Accept)
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		start := time.Now()
		if _, err := p.c.ListBasicImages(ctx, cicd111); err != nil {
			t.Fatal(err)
		}
		if took := time.Since(start); took > time.Minute+6*time.Second {
			t.Fatalf("the read succeeded %s after the host came back", took-time.Minute)
		}
		if probes := p.tr.Refused(); probes < 12 {
			t.Fatalf("%d probes in a minute, want one at least every 6 s after the back-off reaches its cap", probes)
		}
	})
}
