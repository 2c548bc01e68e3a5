package hss_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/hsslabs/terraform-provider-hss/internal/emulator"
	"github.com/hsslabs/terraform-provider-hss/internal/hss"
)

// benchLatency is added to every HSS response, standing in for a real round trip.
const benchLatency = 20 * time.Millisecond

func benchServer(b *testing.B) (*emulator.Emulator, string) {
	b.Helper()
	emu, url := newServer(b)
	emu.AddFault(emulator.Fault{Latency: benchLatency})
	return emu, url
}

// BenchmarkRead is one read of 1, 450 and 5,000 entries, one page at a time versus four at once.
func BenchmarkRead(b *testing.B) {
	for _, entries := range []int{1, 450, 5000} {
		for _, mode := range []struct {
			name    string
			workers int
		}{{"sequential", 1}, {"parallel4", hss.DefaultPageConcurrency}, {"parallel32", 32}} {
			b.Run(fmt.Sprintf("entries=%d/pages=%s", entries, mode.name), func(b *testing.B) {
				emu, url := benchServer(b)
				c, err := hss.New(hss.Config{
					Region: emulator.Region, ProjectID: emulator.ProjectID, HSSEndpoint: url, IAMEndpoint: url,
					Credentials: aksk(), PageConcurrency: mode.workers,
				})
				if err != nil {
					b.Fatal(err)
				}
				q := hss.Query{ImageID: fmt.Sprintf("synthetic-%d", entries), ImageType: "cicd"}
				b.ResetTimer()
				for b.Loop() {
					res, err := c.ListBasicImages(context.Background(), q)
					if err != nil || len(res.Items) != entries {
						b.Fatalf("err %v", err)
					}
				}
				b.ReportMetric(float64(emu.Count(emulator.KindHSS))/float64(b.N), "requests/read")
				b.ReportMetric(float64(emu.Connections()), "connections")
			})
		}
	}
}

// BenchmarkThrottled200Reads runs 200 reads at once under the emulator's per-caller limit of
// 25 requests/s, with the client pacing itself at 20 requests/s versus not pacing at all.
func BenchmarkThrottled200Reads(b *testing.B) {
	for _, mode := range []struct {
		name string
		rps  float64
	}{{"paced", hss.DefaultRateLimit}, {"unpaced", 0}} {
		b.Run(mode.name, func(b *testing.B) {
			emu, url := benchServer(b)
			throttled := 0
			for b.Loop() {
				b.StopTimer()
				emu.Reset()
				emu.SetRateLimit(25, 25)
				c, err := hss.New(hss.Config{
					Region: emulator.Region, ProjectID: emulator.ProjectID, HSSEndpoint: url, IAMEndpoint: url,
					Credentials: aksk(), RateLimit: mode.rps, MaxRetries: 20,
				})
				if err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				var wg sync.WaitGroup
				for i := 0; i < 200; i++ {
					wg.Add(1)
					go func() {
						defer wg.Done()
						if _, err := c.ListBasicImages(context.Background(), hss.Query{ImageID: fmt.Sprintf("synthetic-%d", i+1), ImageType: "cicd"}); err != nil {
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
