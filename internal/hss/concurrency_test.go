package hss_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/hsslabs/terraform-provider-hss/internal/credentials"
	"github.com/hsslabs/terraform-provider-hss/internal/emulator"
	"github.com/hsslabs/terraform-provider-hss/internal/hss"
)

// readAll runs n distinct reads at once and fails the test on any error.
func readAll(t *testing.T, c *hss.Client, n int) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			q := hss.BasicImageQuery{ImageID: fmt.Sprintf("synthetic-%d", i+1), ImageType: "cicd"}
			res, err := c.ListBasicImages(context.Background(), q)
			if err == nil && len(res.Items) != i+1 {
				err = fmt.Errorf("read %d: %d entries", i, len(res.Items))
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
}

// Parallel reads share one project lookup (AK/SK) or one token fetch (password).
func TestConcurrentReadsShareAuthentication(t *testing.T) {
	emu, url := newServer(t)
	readAll(t, newClient(t, url, aksk()), 40)
	if n := emu.Count(emulator.KindIAMProjects); n != 1 {
		t.Fatalf("AK/SK: %d project lookups for 40 parallel reads, want 1", n)
	}

	emu.Reset()
	pw := credentials.Config{Method: credentials.AuthPassword, UserName: emulator.UserName, Password: emulator.UserPassword, DomainName: emulator.DomainName}
	readAll(t, newClient(t, url, pw), 40)
	if tok, proj := emu.Count(emulator.KindIAMToken), emu.Count(emulator.KindIAMProjects); tok != 1 || proj != 0 {
		t.Fatalf("password: %d token and %d project requests for 40 parallel reads, want 1 and 0", tok, proj)
	}
	if n := emu.Count(emulator.KindHSS); n != 40 {
		t.Fatalf("%d HSS requests, want 40", n)
	}
}

// Cancelling the operation aborts the request on the wire: the server sees its client go away
// while it still holds the request, instead of answering it.
func TestCancellationReachesTheSocket(t *testing.T) {
	emu, url := newServer(t)
	arrived, hold := make(chan struct{}, 1), make(chan struct{})
	defer close(hold)
	emu.AddFault(emulator.Fault{Arrived: arrived, Hold: hold})
	logged := make(chan emulator.Request, 1)
	emu.Logged(logged)
	c := newClient(t, url, aksk(), func(c *hss.Config) { c.ProjectID = emulator.ProjectID })
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() {
		_, err := c.ListBasicImages(ctx, cicd111)
		errc <- err
	}()
	<-arrived
	cancel()
	select {
	case err := <-errc:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the read did not return when cancelled")
	}
	// The server held the request until it saw the connection cancelled; it never answered.
	select {
	case r := <-logged:
		if !r.Cancelled {
			t.Fatalf("the server finished the request instead of seeing it cancelled: %+v", r)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the request is still held by the server: the cancellation did not reach the socket")
	}
}

func TestResultsAreNeverNil(t *testing.T) {
	_, url := newServer(t)
	c := newClient(t, url, aksk())
	res, err := c.ListBasicImages(context.Background(), hss.BasicImageQuery{ImageID: "no-such-image", ImageType: "cicd"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Items == nil || len(res.Items) != 0 || res.TotalNum != 0 || res.Requests != 1 {
		t.Fatalf("%+v", res)
	}
}

// Identical queries in flight together cost one request; their callers all get the result.
func TestIdenticalReadsShareOneRequest(t *testing.T) {
	emu, url := newServer(t)
	arrived, hold := make(chan struct{}, 1), make(chan struct{})
	emu.AddFault(emulator.Fault{Times: 1, Arrived: arrived, Hold: hold})
	c := newClient(t, url, aksk(), func(c *hss.Config) { c.ProjectID = emulator.ProjectID })
	const callers = 10
	joined := make(chan struct{}, callers)
	hss.SetJoinHook(c, func() { joined <- struct{}{} })

	results := make(chan *hss.Result[hss.BasicImage], callers)
	read := func() {
		res, err := c.ListBasicImages(context.Background(), cicd111)
		if err != nil {
			t.Error(err)
		}
		results <- res
	}
	go read()
	<-arrived // the first read is on the wire and held there
	for i := 1; i < callers; i++ {
		go read()
	}
	for i := 1; i < callers; i++ {
		<-joined
	}
	close(hold)
	shared := 0
	for i := 0; i < callers; i++ {
		res := <-results
		if res == nil || len(res.Items) != 1 || res.Items[0].OSName != "Debian" {
			t.Fatalf("result %+v", res)
		}
		if res.Shared {
			shared++
		}
	}
	if n := emu.Count(emulator.KindHSS); n != 1 || shared != callers-1 {
		t.Fatalf("%d HSS requests, %d shared results; want 1 and %d", n, shared, callers-1)
	}
}

// A distinct query is read once per client, concurrent or not; results are kept only when
// the read succeeded.
func TestIdenticalQueriesReadOnce(t *testing.T) {
	emu, url := newServer(t)
	c := newClient(t, url, aksk(), func(c *hss.Config) { c.ProjectID = emulator.ProjectID })
	for i := 0; i < 200; i++ {
		res, err := c.ListBasicImages(context.Background(), cicd111)
		if err != nil || len(res.Items) != 1 || (i > 0) != res.Shared || (i > 0 && res.Requests != 0) {
			t.Fatalf("read %d: err %v, result %+v", i, err, res)
		}
	}
	if n := emu.Count(emulator.KindHSS); n != 1 {
		t.Fatalf("%d HSS requests for 200 identical reads, want 1", n)
	}
	// Another enterprise project is another query.
	if _, err := c.ListBasicImages(context.Background(), hss.BasicImageQuery{ImageID: "111", ImageType: "cicd", EnterpriseProjectID: "all_granted_eps"}); err != nil {
		t.Fatal(err)
	}
	emu.AddFault(emulator.Fault{Times: 1, Status: 400, Code: "HSS.0001"})
	q := hss.BasicImageQuery{ImageID: "multi-os-0001", ImageType: "cicd"}
	if _, err := c.ListBasicImages(context.Background(), q); err == nil {
		t.Fatal("no error")
	}
	if _, err := c.ListBasicImages(context.Background(), q); err != nil {
		t.Fatal(err)
	}
	if n := emu.Count(emulator.KindHSS); n != 4 {
		t.Fatalf("%d HSS requests, want 4: a failed read must not be kept", n)
	}
}

// With the default page concurrency every page after the first is on the wire at once: a
// 5,000-entry read is two round trips, not seven.
func TestPagesAfterTheFirstGoTogether(t *testing.T) {
	emu, url := newServer(t)
	const later = 24 // pages 2..25
	arrived, hold := make(chan struct{}, later), make(chan struct{})
	emu.AddFault(emulator.Fault{Times: later, Match: func(r *http.Request) bool { return r.URL.Query().Get("offset") != "0" }, Arrived: arrived, Hold: hold})
	c := newClient(t, url, aksk(), func(c *hss.Config) { c.ProjectID = emulator.ProjectID })
	done := make(chan error, 1)
	go func() {
		res, err := c.ListBasicImages(context.Background(), hss.BasicImageQuery{ImageID: "synthetic-5000", ImageType: "cicd"})
		if err == nil && (len(res.Items) != 5000 || res.Requests != 25) {
			err = fmt.Errorf("%d entries in %d requests", len(res.Items), res.Requests)
		}
		done <- err
	}()
	deadline := time.After(30 * time.Second)
	for i := 0; i < later; i++ {
		select {
		case <-arrived:
		case <-deadline:
			t.Fatalf("only %d of %d later pages were sent while the first ones were held", i, later)
		}
	}
	close(hold)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// One transport per client: 200 parallel reads reuse a bounded set of kept-alive connections.
func TestConnectionReuse(t *testing.T) {
	emu, url := newServer(t)
	c := newClient(t, url, aksk(), func(c *hss.Config) { c.ProjectID = emulator.ProjectID })
	readAll(t, c, 200)
	if n := emu.Count(emulator.KindHSS); n != 200 {
		t.Fatalf("%d HSS requests, want 200", n)
	}
	// Connections open at the same time: the pool's bound. How many were opened in all
	// depends on when idle ones close, which load decides.
	open := emu.MaxOpenConnections()
	t.Logf("200 parallel reads: %d connections open at most, %d opened", open, emu.Connections())
	if open > 32 || open < 1 {
		t.Fatalf("200 reads had %d connections open at once, want at most 32", open)
	}
}

// Pacing: a rate limit spreads requests out instead of sending them in a burst: 100 reads at
// 50 requests/s take a burst of 50 and a second for the rest, on virtual time.
func TestRateLimiterPacesRequests(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := newOutagePlan(t, func(c *hss.Config) { c.RateLimit = 50 })
		p.emu.SetLatency(0)
		start := time.Now()
		readAll(t, p.c, 100)
		if d := time.Since(start); d < time.Second-20*time.Millisecond || d > time.Second+20*time.Millisecond {
			t.Fatalf("100 reads at 50 requests/s took %s, want 1 s", d)
		}
		if p.emu.Count(emulator.KindHSS) != 100 {
			t.Fatal("request count")
		}
	})
}
