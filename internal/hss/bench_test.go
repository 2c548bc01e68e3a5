package hss_test

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"sync"
	"testing"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/hsslabs/terraform-provider-hss/internal/emulator"
	"github.com/hsslabs/terraform-provider-hss/internal/endpoints"
	"github.com/hsslabs/terraform-provider-hss/internal/hss"
)

// benchLatency is added to every HSS response, standing in for a real round trip.
const benchLatency = 20 * time.Millisecond

func benchServer(b *testing.B) (*emulator.Emulator, string) {
	b.Helper()
	emu, url := newServer(b)
	emu.SetLatency(benchLatency)
	return emu, url
}

// BenchmarkRead is one read of 1, 450 and 5,000 entries with the default page concurrency
// (every page after the first at once), four at once, and one at a time. "round-trips" counts
// the waves of requests: the first page, then ceil(remaining pages / most requests at once).
func BenchmarkRead(b *testing.B) {
	for _, entries := range []int{1, 450, 5000} {
		for _, mode := range []struct {
			name    string
			workers int
		}{{"default", 0}, {"four", 4}, {"sequential", 1}} {
			b.Run(fmt.Sprintf("entries=%d/pages=%s", entries, mode.name), func(b *testing.B) {
				emu, url := benchServer(b)
				c, err := hss.New(hss.Config{
					Region: emulator.Region, ProjectID: emulator.ProjectID, Endpoints: endpoints.Set{HSS: url, IAM: url},
					Credentials: aksk(), PageConcurrency: mode.workers, ResultCacheBytes: -1,
				})
				if err != nil {
					b.Fatal(err)
				}
				q := hss.BasicImageQuery{ImageID: fmt.Sprintf("synthetic-%d", entries), ImageType: "cicd"}
				b.ResetTimer()
				for b.Loop() {
					res, err := c.ListBasicImages(context.Background(), q)
					if err != nil || len(res.Items) != entries {
						b.Fatalf("err %v", err)
					}
				}
				requests := float64(emu.Count(emulator.KindHSS)) / float64(b.N)
				b.ReportMetric(requests, "requests/read")
				b.ReportMetric(1+math.Ceil((requests-1)/float64(emu.MaxInFlight())), "round-trips")
				b.ReportMetric(float64(emu.Connections()), "connections")
			})
		}
	}
}

// BenchmarkThrottled200Reads runs 200 distinct reads at once against the emulator's per-caller
// limit of 25 requests/s, which answers 429 without Retry-After as the API gateway may: the
// adaptive default, a fixed 20 requests/s, and no pacing at all.
func BenchmarkThrottled200Reads(b *testing.B) {
	for _, mode := range []struct {
		name string
		rps  float64
	}{{"adaptive", 0}, {"fixed20", 20}, {"unpaced", -1}} {
		b.Run(mode.name, func(b *testing.B) {
			emu, url := benchServer(b)
			throttled := 0
			for b.Loop() {
				b.StopTimer()
				emu.Reset()
				emu.SetRateLimit(25, 25)
				c, err := hss.New(hss.Config{
					Region: emulator.Region, ProjectID: emulator.ProjectID, Endpoints: endpoints.Set{HSS: url, IAM: url},
					Credentials: aksk(), RateLimit: mode.rps, MaxRetries: 20,
				})
				if err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				var wg sync.WaitGroup
				// Ten at a time, as Terraform's default parallelism reads.
				slots := make(chan struct{}, 10)
				for i := 0; i < 200; i++ {
					wg.Add(1)
					go func() {
						defer wg.Done()
						slots <- struct{}{}
						defer func() { <-slots }()
						if _, err := c.ListBasicImages(context.Background(), hss.BasicImageQuery{ImageID: fmt.Sprintf("synthetic-%d", i+1), ImageType: "cicd"}); err != nil {
							b.Error(err)
						}
					}()
				}
				wg.Wait()
				throttled += emu.Throttled()
			}
			b.ReportMetric(float64(throttled)/float64(b.N), "429s/op")
		})
	}
}

// BenchmarkResultMemory is ten parallel reads of 20,000 entries each kept in memory: what the
// client counts against MaxReadBytes and the result cache, and what the Go heap holds for them.
func BenchmarkResultMemory(b *testing.B) {
	_, url := newServer(b)
	var counted, heap float64
	for b.Loop() {
		c, h := resultMemory(b, url, 10, 20000)
		counted += float64(c)
		heap += float64(h)
	}
	b.ReportMetric(counted/float64(b.N)/1e6, "counted-MB")
	b.ReportMetric(heap/float64(b.N)/1e6, "heap-MB")
	b.ReportMetric(heap/counted, "heap/counted")
}

// resultMemory reads reads distinct results of entries entries each, in parallel, and returns
// what they count and what they hold on the heap after a collection: the heap with the results
// alive less the heap once they are dropped. The emulator's own entries are made beforehand.
func resultMemory(tb testing.TB, url string, reads, entries int) (counted, held int) {
	tb.Helper()
	cfg := hss.Config{Region: emulator.Region, ProjectID: emulator.ProjectID, Endpoints: endpoints.Set{HSS: url}, Credentials: aksk(), ResultCacheBytes: -1}
	c, err := hss.New(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	query := func(i int) hss.BasicImageQuery {
		return hss.BasicImageQuery{ImageID: fmt.Sprintf("synthetic-%d", entries+i), ImageType: "cicd"}
	}
	for i := range reads {
		if _, err := c.ListBasicImages(context.Background(), query(i)); err != nil {
			tb.Fatal(err)
		}
	}
	res := make([]*hss.Result[hss.BasicImage], reads)
	var g errgroup.Group
	for i := range reads {
		g.Go(func() (err error) {
			res[i], err = c.ListBasicImages(context.Background(), query(i))
			return err
		})
	}
	if err := g.Wait(); err != nil {
		tb.Fatal(err)
	}
	var with, without runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&with)
	for _, r := range res {
		counted += r.Bytes
	}
	res = nil
	runtime.GC()
	runtime.ReadMemStats(&without)
	runtime.KeepAlive(c)
	return counted, int(with.HeapAlloc) - int(without.HeapAlloc)
}

// What a read counts against its bound and the result cache is what the heap holds, within
// 0.8 to 1.3 times (the race detector's allocations are larger): the bounds in bytes are
// bounds on memory.
func TestMemoryCountMatchesHeap(t *testing.T) {
	_, url := newServer(t)
	counted, held := resultMemory(t, url, 4, 20000)
	ratio := float64(held) / float64(counted)
	t.Logf("counted %d bytes, held %d: %.3f", counted, held, ratio)
	if ratio < 0.8 || ratio > 1.3 {
		t.Fatalf("counted %d bytes, the heap holds %d: %.2f times", counted, held, ratio)
	}
}
