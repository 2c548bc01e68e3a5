package hss_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/hss/v5/model"
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

// bodiesServer answers each page of a list from bodies encoded beforehand, so a benchmark
// measures the client alone.
type bodiesServer struct{ pages map[int][]byte }

func (s *bodiesServer) RoundTrip(req *http.Request) (*http.Response, error) {
	off, _ := strconv.Atoi(req.URL.Query().Get("offset"))
	return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}, "X-Request-Id": {"r"}},
		Body: io.NopCloser(bytes.NewReader(s.pages[off])), Request: req}, nil
}

// listOf is total entries made by entry, in pages of 200.
func listOf(total int, entry func(i int) map[string]any) *bodiesServer {
	s := &bodiesServer{pages: map[int][]byte{}}
	for off := 0; off < total; off += 200 {
		list := make([]map[string]any, 0, 200)
		for i := off; i < min(total, off+200); i++ {
			list = append(list, entry(i))
		}
		s.pages[off], _ = json.Marshal(map[string]any{"total_num": total, "data_list": list})
	}
	return s
}

// heapPeak samples the heap's objects, garbage included, until stop, and returns the most.
func heapPeak(stop <-chan struct{}) <-chan uint64 {
	out := make(chan uint64, 1)
	go func() {
		s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		var peak uint64
		for {
			metrics.Read(s)
			peak = max(peak, s[0].Value.Uint64())
			select {
			case <-stop:
				out <- peak
				return
			default:
				runtime.Gosched()
			}
		}
	}()
	return out
}

// BenchmarkReadAtThePageCap is one read of every list at the page cap, 1,000 pages of 200
// entries, from answers encoded beforehand: time, what the entries are counted at, what they
// hold after a collection, the most the budget held while they were read, and the most the
// heap held, garbage included, sampled.
func BenchmarkReadAtThePageCap(b *testing.B) {
	const n = hss.DefaultMaxPages * 200
	lists := []struct {
		name string
		srv  func() *bodiesServer
		read func(*hss.Client) (int, func(), error)
	}{
		{"basic-images", func() *bodiesServer {
			return listOf(n, func(i int) map[string]any {
				return map[string]any{"os_name": "Debian", "os_version": strconv.Itoa(i % 13), "layer_digest": fmt.Sprintf("sha256:%064x", i)}
			})
		}, func(c *hss.Client) (int, func(), error) {
			res, err := c.ListBasicImages(context.Background(), cicd111)
			if err != nil {
				return 0, nil, err
			}
			return res.Bytes, res.Release, nil
		}},
		{"registry-images", func() *bodiesServer {
			return listOf(n, func(i int) map[string]any {
				return map[string]any{"image_id": fmt.Sprintf("img-%08d", i), "namespace": "team", "image_name": "app", "image_version": "1.4." + strconv.Itoa(i),
					"image_digest": fmt.Sprintf("sha256:%064x", i), "image_type": "private_image", "scan_status": "success", "latest_scan_time": 1700000000000 + i,
					"vul_num": 3, "unsafe_setting_num": 1, "malicious_file_num": 0}
			})
		}, func(c *hss.Client) (int, func(), error) {
			res, err := hss.List(context.Background(), c, hss.RegistryImages, "", model.ListRegistryImagesRequest{})
			if err != nil {
				return 0, nil, err
			}
			return res.Bytes, res.Release, nil
		}},
		{"vulnerabilities", func() *bodiesServer {
			return listOf(n, func(i int) map[string]any {
				return map[string]any{"vul_id": fmt.Sprintf("CVE-2024-%05d", i), "repair_necessity": "immediate_repair", "description": strings.Repeat("d", 300+i%50),
					"position": "/usr/lib/x", "app_name": "openssl", "app_path": "/usr/lib/libssl.so", "version": "3.0.2", "solution": strings.Repeat("s", 150),
					"url": "https://nvd.nist.gov/vuln/detail/CVE-2024-" + strconv.Itoa(i)}
			})
		}, func(c *hss.Client) (int, func(), error) {
			res, err := hss.List(context.Background(), c, hss.ImageVulnerabilities, "", model.ListImageVulnerabilitiesRequest{ImageType: "cicd", ImageId: "x"})
			if err != nil {
				return 0, nil, err
			}
			return res.Bytes, res.Release, nil
		}},
	}
	for _, l := range lists {
		b.Run(l.name, func(b *testing.B) {
			// Only this list's answers are live: the heap's headroom is twice what is live.
			srv := l.srv()
			var counted, held, reservedPeak, heapAtPeak float64
			for b.Loop() {
				c, err := hss.New(hss.Config{Region: emulator.Region, ProjectID: emulator.ProjectID, Endpoints: endpoints.Set{HSS: "http://hss.test"},
					Transport: srv, Credentials: aksk(), ResultCacheBytes: -1})
				if err != nil {
					b.Fatal(err)
				}
				runtime.GC()
				var before, after runtime.MemStats
				runtime.ReadMemStats(&before)
				stop := make(chan struct{})
				peak := heapPeak(stop)
				bytes, release, err := l.read(c)
				close(stop)
				if err != nil {
					b.Fatal(err)
				}
				heapAtPeak += float64(<-peak) - float64(before.HeapAlloc)
				runtime.GC()
				runtime.ReadMemStats(&after)
				held += float64(after.HeapAlloc) - float64(before.HeapAlloc)
				counted += float64(bytes)
				_, p := hss.MemoryInUse(c)
				reservedPeak += float64(p)
				release()
			}
			b.ReportMetric(counted/float64(b.N)/(1<<20), "counted-MiB")
			b.ReportMetric(held/counted, "held/counted")
			b.ReportMetric(reservedPeak/float64(b.N)/(1<<20), "budget-peak-MiB")
			b.ReportMetric(heapAtPeak/reservedPeak, "heap-peak/budget-peak")
		})
	}
}

// BenchmarkBatchUnderTheBudget is a batch of 200 reads of 1,000 entries, ten at a time, as
// the batch data source reads them, each result held until the batch ends (as its state is
// built from all of them) under a budget that fits about half: how many fail, the most the
// budget held, and what the budget costs a read.
func BenchmarkBatchUnderTheBudget(b *testing.B) {
	_, url := newServer(b)
	for _, budget := range []int{0, 64 << 20} {
		b.Run(fmt.Sprintf("budget=%dMB", budget>>20), func(b *testing.B) {
			var refused, peak float64
			for b.Loop() {
				c, err := hss.New(hss.Config{Region: emulator.Region, ProjectID: emulator.ProjectID, Endpoints: endpoints.Set{HSS: url},
					Credentials: aksk(), ResultCacheBytes: -1, MaxMemoryBytes: budget})
				if err != nil {
					b.Fatal(err)
				}
				results := make([]*hss.Result[hss.BasicImage], 200)
				var g errgroup.Group
				g.SetLimit(10)
				for i := range results {
					g.Go(func() error {
						res, err := c.ListBasicImages(context.Background(), synthetic(1000+i))
						switch {
						case errors.Is(err, hss.ErrMemoryBudget):
							refused++
						case err != nil:
							return err
						}
						results[i] = res
						return nil
					})
				}
				if err := g.Wait(); err != nil {
					b.Fatal(err)
				}
				_, p := hss.MemoryInUse(c)
				peak += float64(p)
				for _, r := range results {
					r.Release()
				}
			}
			b.ReportMetric(refused/float64(b.N), "refused/op")
			b.ReportMetric(peak/float64(b.N)/(1<<20), "budget-peak-MiB")
		})
	}
}

// BenchmarkStateConversion is what the provider's conversion of entries into Terraform values
// costs, built as it builds them (a tftypes object of string fields per entry, in a list) and
// encoded as Terraform receives it (msgpack): the live bytes per entry once built, the encoded
// state per entry, and what the build and the encoding allocate per entry.
func BenchmarkStateConversion(b *testing.B) {
	const n = 20000
	for _, fields := range []int{3, 9} {
		b.Run(fmt.Sprintf("fields=%d", fields), func(b *testing.B) {
			names := make([]string, fields)
			attrs := map[string]tftypes.Type{}
			for i := range names {
				names[i] = fmt.Sprintf("field_%d", i)
				attrs[names[i]] = tftypes.String
			}
			elem := tftypes.Object{AttributeTypes: attrs}
			list := tftypes.List{ElementType: elem}
			entries := make([][]string, n)
			for i := range entries {
				entries[i] = make([]string, fields)
				for j := range entries[i] {
					entries[i][j] = fmt.Sprintf("value-%d-%d-%s", i, j, strings.Repeat("x", 40))
				}
			}
			var held, encoded, allocated float64
			for b.Loop() {
				runtime.GC()
				var before, built, after runtime.MemStats
				runtime.ReadMemStats(&before)
				elems := make([]tftypes.Value, n)
				for i, e := range entries {
					vals := make(map[string]tftypes.Value, fields)
					for j, name := range names {
						vals[name] = tftypes.NewValue(tftypes.String, strings.ToValidUTF8(e[j], "\uFFFD"))
					}
					elems[i] = tftypes.NewValue(elem, vals)
				}
				v := tftypes.NewValue(list, elems)
				runtime.GC()
				runtime.ReadMemStats(&built)
				dv, err := tfprotov6.NewDynamicValue(list, v)
				if err != nil {
					b.Fatal(err)
				}
				runtime.ReadMemStats(&after)
				runtime.KeepAlive(v)
				held += float64(built.HeapAlloc) - float64(before.HeapAlloc)
				encoded += float64(len(dv.MsgPack))
				allocated += float64(after.TotalAlloc - before.TotalAlloc)
			}
			per := float64(b.N) * n
			b.ReportMetric(held/per, "held-B/entry")
			b.ReportMetric(encoded/per, "msgpack-B/entry")
			b.ReportMetric(allocated/per, "allocated-B/entry")
		})
	}
}
