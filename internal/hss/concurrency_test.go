package hss_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

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
			q := hss.Query{ImageID: fmt.Sprintf("synthetic-%d", i+1), ImageType: "cicd"}
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
	pw := hss.Credentials{Method: hss.AuthPassword, UserName: emulator.UserName, Password: emulator.UserPassword, DomainName: emulator.DomainName}
	readAll(t, newClient(t, url, pw), 40)
	if tok, proj := emu.Count(emulator.KindIAMToken), emu.Count(emulator.KindIAMProjects); tok != 1 || proj != 0 {
		t.Fatalf("password: %d token and %d project requests for 40 parallel reads, want 1 and 0", tok, proj)
	}
	if n := emu.Count(emulator.KindHSS); n != 40 {
		t.Fatalf("%d HSS requests, want 40", n)
	}
}

// Cancelling the operation aborts the request on the wire instead of waiting for the server.
func TestCancellationReachesTheSocket(t *testing.T) {
	emu, url := newServer(t)
	emu.AddFault(emulator.Fault{Latency: 30 * time.Second})
	c := newClient(t, url, aksk(), func(c *hss.Config) { c.ProjectID = emulator.ProjectID })
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.ListBasicImages(ctx, cicd111)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("took %s: the request was not cancelled", d)
	}
}

func TestResultsAreNeverNil(t *testing.T) {
	_, url := newServer(t)
	c := newClient(t, url, aksk())
	res, err := c.ListBasicImages(context.Background(), hss.Query{ImageID: "no-such-image", ImageType: "cicd"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Items == nil || len(res.Items) != 0 || res.TotalNum != 0 || res.Requests != 1 {
		t.Fatalf("%+v", res)
	}
}
