package hss_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/hsslabs/terraform-provider-hss/internal/emulator"
	"github.com/hsslabs/terraform-provider-hss/internal/hss"
)

// entryBytes is what one synthetic entry holds: a 48-byte struct, strings of 16, 16 and 80.
const entryBytes = 160

// heapOf is what n synthetic entries hold of the budget once read.
func heapOf(c *hss.Client, n int) int64 {
	return int64(math.Ceil(float64(n*entryBytes) * hss.HeapFactor(c)))
}

// The reads of a client share one memory budget: results hold their share until released,
// a read that would pass the budget fails naming the size reached and max_memory_mb, and
// releasing makes room again. Nothing stays reserved once every result is released.
func TestReadsShareOneMemoryBudget(t *testing.T) {
	_, url := newServer(t)
	f := factor(t)
	c := newClient(t, url, aksk(), func(cfg *hss.Config) {
		cfg.ProjectID, cfg.ResultCacheBytes = emulator.ProjectID, -1
		// Two results of about 10,000 entries, and the slice the second is copied into.
		cfg.MaxMemoryBytes = int(f*(2*10001*entryBytes+10001*48)) + 1000
	})
	read := func(id int) (*hss.Result[hss.BasicImage], error) {
		return c.ListBasicImages(context.Background(), synthetic(id))
	}
	a, err := read(10000)
	if err != nil {
		t.Fatal(err)
	}
	// While it was read: 50 pages of 200 entries, and the slice they were copied into.
	heap := func(live int) int64 { return int64(math.Ceil(float64(live) * f)) }
	if now, peak := hss.MemoryInUse(c); now != heapOf(c, 10000) || peak != 50*heap(200*entryBytes)+heap(10000*48) {
		t.Fatalf("%d bytes held, want %d; peak %d", now, heapOf(c, 10000), peak)
	}
	b, err := read(10001)
	if err != nil {
		t.Fatal(err)
	}
	_, err = read(10002)
	var me *hss.MemoryBudgetError
	if !errors.As(err, &me) || !errors.Is(err, hss.ErrMemoryBudget) || me.Held <= 0 || me.Entries <= 0 ||
		!strings.Contains(err.Error(), "raise the provider's "+hss.MaxMemoryArgument) || !strings.Contains(err.Error(), hss.OpListBasicImages) ||
		!strings.Contains(err.Error(), fmt.Sprintf("%.1f MB", float64(me.Reached)/(1<<20))) || me.Reached <= me.Budget || len(me.RequestID) != 32 {
		t.Fatalf("err %v", err)
	}
	// The failed read holds nothing.
	if now, _ := hss.MemoryInUse(c); now != heapOf(c, 10000)+heapOf(c, 10001) {
		t.Fatalf("%d bytes held after the failed read", now)
	}
	a.Release()
	a.Release()
	third, err := read(10002)
	if err != nil {
		t.Fatalf("no room after a release: %v", err)
	}
	b.Release()
	third.Release()
	if now, peak := hss.MemoryInUse(c); now != 0 || peak > me.Budget {
		t.Fatalf("%d bytes held after every release, peak %d of %d", now, peak, me.Budget)
	}
}

// A batch of reads at once stays within the budget: the reads that find no room fail, the
// others succeed, and what is held never passes the budget.
func TestBatchStaysWithinTheBudget(t *testing.T) {
	_, url := newServer(t)
	const budget = 12 << 20
	c := newClient(t, url, aksk(), func(cfg *hss.Config) {
		cfg.ProjectID, cfg.ResultCacheBytes, cfg.MaxMemoryBytes = emulator.ProjectID, -1, budget
	})
	const reads = 20
	results := make([]*hss.Result[hss.BasicImage], reads)
	errs := make([]error, reads)
	var wg sync.WaitGroup
	for i := range reads {
		wg.Go(func() { results[i], errs[i] = c.ListBasicImages(context.Background(), synthetic(5000+i)) })
	}
	wg.Wait()
	ok, refused := 0, 0
	for i, err := range errs {
		switch {
		case err == nil:
			ok++
		case errors.Is(err, hss.ErrMemoryBudget):
			refused++
		default:
			t.Fatalf("read %d: %v", i, err)
		}
	}
	var want int64
	for i, r := range results {
		if r != nil {
			want += heapOf(c, 5000+i)
		}
	}
	if now, peak := hss.MemoryInUse(c); ok == 0 || refused == 0 || peak > budget || now != want {
		t.Fatalf("%d succeeded, %d refused; %d held (want %d), peak %d of %d", ok, refused, now, want, peak, budget)
	}
	for _, r := range results {
		r.Release()
	}
	if now, _ := hss.MemoryInUse(c); now != 0 {
		t.Fatalf("%d bytes held after every release", now)
	}
}

// Results kept for later reads hold their share until they are let go, and are let go, least
// recently used first, when a read needs the room; a shared result is a share of the same
// memory, not another reservation of it.
func TestKeptResultsMakeRoom(t *testing.T) {
	emu, url := newServer(t)
	f := factor(t)
	c := newClient(t, url, aksk(), func(cfg *hss.Config) {
		cfg.ProjectID = emulator.ProjectID
		// One result of 10,000 entries and a half, with the slice it is copied into.
		cfg.MaxMemoryBytes = int(f * (1.5*10001*entryBytes + 10001*48))
	})
	a, err := c.ListBasicImages(context.Background(), synthetic(10000))
	if err != nil {
		t.Fatal(err)
	}
	again, err := c.ListBasicImages(context.Background(), synthetic(10000))
	if err != nil || !again.Shared {
		t.Fatalf("err %v", err)
	}
	a.Release()
	again.Release()
	if now, _ := hss.MemoryInUse(c); now != heapOf(c, 10000) {
		t.Fatalf("%d bytes held by the kept result, want %d", now, heapOf(c, 10000))
	}
	// No room for both: the kept result goes.
	b, err := c.ListBasicImages(context.Background(), synthetic(10001))
	if err != nil {
		t.Fatal(err)
	}
	if now, _ := hss.MemoryInUse(c); now != heapOf(c, 10001) {
		t.Fatalf("%d bytes held, want %d", now, heapOf(c, 10001))
	}
	emu.Reset()
	if res, err := c.ListBasicImages(context.Background(), synthetic(10000)); err == nil || res != nil || emu.Count(emulator.KindHSS) == 0 {
		t.Fatalf("the let-go result was served again, or there was room: %v", err)
	}
	b.Release()
}

// A result nobody releases is released when it is garbage collected.
func TestUnreleasedResultsAreReleasedWhenCollected(t *testing.T) {
	_, url := newServer(t)
	c := newClient(t, url, aksk(), func(cfg *hss.Config) { cfg.ProjectID, cfg.ResultCacheBytes = emulator.ProjectID, -1 })
	func() {
		if _, err := c.ListBasicImages(context.Background(), synthetic(1000)); err != nil {
			t.Fatal(err)
		}
	}()
	for range 100 {
		runtime.GC()
		if now, _ := hss.MemoryInUse(c); now == 0 {
			return
		}
		runtime.Gosched()
	}
	now, _ := hss.MemoryInUse(c)
	t.Fatalf("%d bytes still held", now)
}

// Reserve holds what the caller is about to build against the same budget, counted as the
// heap will hold it, and fails with the setting that raises it.
func TestReserve(t *testing.T) {
	_, url := newServer(t)
	c := newClient(t, url, aksk(), func(cfg *hss.Config) { cfg.MaxMemoryBytes = 1 << 20 })
	r, err := c.Reserve(1 << 18)
	if err != nil {
		t.Fatal(err)
	}
	if now, _ := hss.MemoryInUse(c); now != int64(float64(1<<18)*hss.HeapFactor(c)) {
		t.Fatalf("%d held", now)
	}
	_, err = c.Reserve(1 << 19)
	var me *hss.MemoryBudgetError
	if !errors.As(err, &me) || me.Budget != 1<<20 || !strings.HasPrefix(err.Error(), "reserving memory would bring what results hold in memory to") ||
		!strings.HasSuffix(err.Error(), "; raise the provider's max_memory_mb") {
		t.Fatalf("err %v", err)
	}
	r.Release()
	r.Release()
	if r, err := c.Reserve(-5); err != nil || r == nil {
		t.Fatalf("a negative size: %v", err)
	}
	if now, _ := hss.MemoryInUse(c); now != 0 {
		t.Fatalf("%d held", now)
	}
	(*hss.Reservation)(nil).Release()
	(*hss.Result[hss.BasicImage])(nil).Release()
}

// A read whose caller stopped waiting, while another still waits for it, returns the caller's
// share: once the one still waiting releases, nothing is held.
func TestAbandonedReadReturnsItsShare(t *testing.T) {
	emu, url := newServer(t)
	arrived, hold := make(chan struct{}, 1), make(chan struct{})
	emu.AddFault(emulator.Fault{Times: 1, Arrived: arrived, Hold: hold})
	c := newClient(t, url, aksk(), func(cfg *hss.Config) { cfg.ProjectID, cfg.ResultCacheBytes = emulator.ProjectID, -1 })
	joined := make(chan struct{}, 1)
	hss.SetJoinHook(c, func() { joined <- struct{}{} })
	ctx, cancel := context.WithCancel(context.Background())
	started := make(chan error, 1)
	go func() {
		_, err := c.ListBasicImages(ctx, synthetic(500))
		started <- err
	}()
	<-arrived
	waiting := make(chan *hss.Result[hss.BasicImage], 1)
	go func() {
		res, err := c.ListBasicImages(context.Background(), synthetic(500))
		if err != nil {
			t.Error(err)
		}
		waiting <- res
	}()
	<-joined
	cancel()
	if err := <-started; !errors.Is(err, context.Canceled) {
		t.Fatalf("the caller that left: %v", err)
	}
	close(hold)
	res := <-waiting
	if now, _ := hss.MemoryInUse(c); res == nil || now != heapOf(c, 500) {
		t.Fatalf("%d held, want %d", now, heapOf(c, 500))
	}
	res.Release()
	if now, _ := hss.MemoryInUse(c); now != 0 {
		t.Fatalf("%d held after the last release", now)
	}
}
