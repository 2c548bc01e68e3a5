package hss_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hsslabs/terraform-provider-hss/internal/emulator"
	"github.com/hsslabs/terraform-provider-hss/internal/endpoints"
	"github.com/hsslabs/terraform-provider-hss/internal/hss"
	"github.com/hsslabs/terraform-provider-hss/internal/transport"
)

// Bodies no well-behaved server sends: each is a clear error with status and request ID.
func TestBadResponseBodies(t *testing.T) {
	cases := map[string]struct {
		fault  emulator.Fault
		reason string
	}{
		"malformed json":   {emulator.Fault{Body: `{"total_num": 1, "data_list": [`}, ""},
		"wrong type":       {emulator.Fault{Body: `{"total_num": "1", "data_list": []}`}, ""},
		"list is object":   {emulator.Fault{Body: `{"total_num": 1, "data_list": {"os_name": "x"}}`}, ""},
		"html page":        {emulator.Fault{Body: `<html><body>Service Unavailable</body></html>`}, ""},
		"empty body":       {emulator.Fault{Body: " "}, ""},
		"json null":        {emulator.Fault{Body: `null`}, ""},
		"array":            {emulator.Fault{Body: `[1,2,3]`}, ""},
		"no total_num":     {emulator.Fault{Body: `{"data_list": []}`}, "no total_num"},
		"negative total":   {emulator.Fault{Body: `{"total_num": -5, "data_list": []}`}, "negative total_num"},
		"huge total":       {emulator.Fault{Body: `{"total_num": 99999999999, "data_list": []}`}, ""},
		"truncated always": {emulator.Fault{Body: `{"total_num": 1, "data_list": []}`, Truncate: true}, ""},
		"limit ignored":    {emulator.Fault{Body: `{"total_num": 201, "data_list": [` + strings.Repeat(`{"os_name":"A"},`, 200) + `{"os_name":"B"}]}`}, "201 entries on a page of at most 200"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			emu, url := newServer(t)
			emu.AddFault(tc.fault)
			c := newClient(t, url, aksk(), fastRetries(2))
			res, err := c.ListBasicImages(context.Background(), cicd111)
			if err == nil {
				t.Fatalf("no error, result %+v", res)
			}
			var de *transport.DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("err %T %v is not a DecodeError", err, err)
			}
			if de.StatusCode != http.StatusOK || len(de.RequestID) != 32 || !strings.Contains(de.Reason, tc.reason) {
				t.Fatalf("decode error lacks status, request ID or reason: %+v", de)
			}
		})
	}
}

// A body that breaks off mid-way is a connection error: retried, then fine.
func TestTruncatedBodyIsRetried(t *testing.T) {
	emu, url := newServer(t)
	emu.AddFault(emulator.Fault{Times: 1, Body: `{"total_num": 1, "data_list": [`, Truncate: true})
	c := newClient(t, url, aksk(), fastRetries(2))
	res, err := c.ListBasicImages(context.Background(), cicd111)
	if err != nil || len(res.Items) != 1 || emu.Count(emulator.KindHSS) != 2 {
		t.Fatalf("err %v, %d requests", err, emu.Count(emulator.KindHSS))
	}
}

// An HTML error page from a proxy keeps its status and is retried like any 5xx.
func TestProxyErrorPage(t *testing.T) {
	emu, url := newServer(t)
	emu.AddFault(emulator.Fault{Status: http.StatusBadGateway, Body: "<html><h1>502 Bad Gateway</h1></html>"})
	c := newClient(t, url, aksk(), fastRetries(1))
	_, err := c.ListBasicImages(context.Background(), cicd111)
	var ae *transport.APIError
	if !errors.As(err, &ae) || ae.StatusCode != 502 || !strings.Contains(ae.ErrorMsg, "502 Bad Gateway") || emu.Count(emulator.KindHSS) != 2 {
		t.Fatalf("err %v after %d requests", err, emu.Count(emulator.KindHSS))
	}
}

func TestPaginationGuards(t *testing.T) {
	many := hss.BasicImageQuery{ImageID: emulator.ManyImageID, ImageType: "cicd"}
	t.Run("inflated total, short page", func(t *testing.T) {
		// 850 claimed, 450 served: pages of 200, 200, 50. One page at a time, the short page
		// ends the read; in parallel, no more than ceil(850/200) = 5 requests are made.
		for workers, wantRequests := range map[int]int{1: 3, 4: 5} {
			emu, url := newServer(t)
			emu.AddFault(emulator.Fault{Page: emulator.PageFault{InflateTotal: 400}})
			res, err := newClient(t, url, aksk(), fastRetries(0), func(c *hss.Config) { c.PageConcurrency = workers }).
				ListBasicImages(context.Background(), many)
			if err != nil {
				t.Fatal(err)
			}
			if res.Requests != wantRequests || len(res.Items) != 450 || res.TotalNum != 850 || len(res.Warnings) != 1 {
				t.Fatalf("%d workers: %d requests, %d items, total %d, warnings %v", workers, res.Requests, len(res.Items), res.TotalNum, res.Warnings)
			}
		}
	})
	t.Run("inflated total, empty page", func(t *testing.T) {
		emu, url := newServer(t)
		emu.AddFault(emulator.Fault{Page: emulator.PageFault{InflateTotal: 150}})
		res, err := newClient(t, url, aksk(), fastRetries(0)).ListBasicImages(context.Background(),
			hss.BasicImageQuery{ImageID: "synthetic-400", ImageType: "cicd"})
		if err != nil {
			t.Fatal(err)
		}
		// 550 claimed, 400 served: the third page is empty and ends the read.
		if res.Requests != 3 || len(res.Items) != 400 || len(res.Warnings) != 1 || emu.Count(emulator.KindHSS) != 3 {
			t.Fatalf("%d requests, %d items, warnings %v", res.Requests, len(res.Items), res.Warnings)
		}
	})
	t.Run("ignored offset", func(t *testing.T) {
		emu, url := newServer(t)
		emu.AddFault(emulator.Fault{Page: emulator.PageFault{IgnoreOffset: true}})
		_, err := newClient(t, url, aksk(), fastRetries(0)).ListBasicImages(context.Background(), many)
		if !errors.Is(err, hss.ErrRepeatedPage) || emu.Count(emulator.KindHSS) > 3 {
			t.Fatalf("err %v after %d requests", err, emu.Count(emulator.KindHSS))
		}
	})
	t.Run("endless pages", func(t *testing.T) {
		emu, url := newServer(t)
		emu.AddFault(emulator.Fault{Page: emulator.PageFault{Endless: true}})
		_, err := newClient(t, url, aksk(), fastRetries(0)).ListBasicImages(context.Background(), many)
		if !errors.Is(err, hss.ErrTooManyPages) || emu.Count(emulator.KindHSS) != 1 {
			t.Fatalf("err %v after %d requests", err, emu.Count(emulator.KindHSS))
		}
	})
	t.Run("endless pages within a raised cap", func(t *testing.T) {
		emu, url := newServer(t)
		emu.AddFault(emulator.Fault{Page: emulator.PageFault{Endless: true}})
		c := newClient(t, url, aksk(), fastRetries(0), func(c *hss.Config) { c.MaxPages = 10_000_000; c.PageConcurrency = 1 })
		// A server that never stops is bounded by the caller's deadline (timeouts.read).
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		defer cancel()
		_, err := c.ListBasicImages(ctx, many)
		if !errors.Is(err, context.DeadlineExceeded) || emu.Count(emulator.KindHSS) < 2 {
			t.Fatalf("err %v after %d requests", err, emu.Count(emulator.KindHSS))
		}
	})
}

// A read holds a bounded amount of memory whatever the server sends: its entries are counted
// as they arrive, and one response body is capped.
func TestReadMemoryIsBounded(t *testing.T) {
	emu, url := newServer(t)
	// 450 entries of 144 bytes each (a 48-byte struct, and strings in allocations of 8, 8 and
	// 80 bytes): the second page passes 50,000 bytes.
	c := newClient(t, url, aksk(), fastRetries(0), func(c *hss.Config) { c.MaxReadBytes = 50_000; c.PageConcurrency = 1 })
	_, err := c.ListBasicImages(context.Background(), hss.BasicImageQuery{ImageID: emulator.ManyImageID, ImageType: "cicd"})
	if !errors.Is(err, hss.ErrTooLarge) || !strings.Contains(err.Error(), "page 2 (offset 200) hold 57600 bytes, more than the 50000") {
		t.Fatalf("err %v", err)
	}
	res, err := c.ListBasicImages(context.Background(), hss.BasicImageQuery{ImageID: "synthetic-300", ImageType: "cicd"})
	if err != nil || res.Bytes != 300*144 {
		t.Fatalf("err %v, %d bytes", err, res.Bytes)
	}
	emu.AddFault(emulator.Fault{Body: `{"total_num":1,"data_list":[{"os_name":"` + strings.Repeat("x", 4<<20) + `"}]}`})
	_, err = c.ListBasicImages(context.Background(), cicd111)
	if err == nil || !strings.Contains(err.Error(), "response body exceeds 4 MiB") {
		t.Fatalf("err %.300v", err)
	}
}

// Kept results are weighed by the memory they hold: one too heavy for the cache is not kept,
// and does not push out a lighter one.
func TestResultCacheIsWeighedInBytes(t *testing.T) {
	emu, url := newServer(t)
	c := newClient(t, url, aksk(), func(c *hss.Config) { c.ProjectID = emulator.ProjectID; c.ResultCacheBytes = 20_000 })
	read := func(id string) *hss.Result[hss.BasicImage] {
		t.Helper()
		res, err := c.ListBasicImages(context.Background(), hss.BasicImageQuery{ImageID: id, ImageType: "cicd"})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	read("synthetic-100") // 12,700 bytes: kept
	read("synthetic-200") // 25,400 bytes: too heavy
	if !read("synthetic-100").Shared || read("synthetic-200").Shared || emu.Count(emulator.KindHSS) != 3 {
		t.Fatalf("%d requests", emu.Count(emulator.KindHSS))
	}
}

// pagesBody answers offset o with sizes[o/200] distinct entries and total_num total.
func pagesBody(total int, sizes ...int) func(int) string {
	return func(offset int) string {
		n := 0
		if i := offset / hss.BasicImagePageSize; i < len(sizes) {
			n = sizes[i]
		}
		items := make([]string, n)
		for j := range items {
			items[j] = fmt.Sprintf(`{"os_name":"OS","os_version":"%d","layer_digest":"sha256:%d"}`, offset+j, offset+j)
		}
		return fmt.Sprintf(`{"total_num":%d,"data_list":[%s]}`, total, strings.Join(items, ","))
	}
}

// A short page in the middle ends the list, also when the pages after it were fetched at the
// same time: the full pages behind it are not part of the answer.
func TestShortPageInTheMiddleEndsTheList(t *testing.T) {
	for _, workers := range []int{1, 4} {
		srv := &offsetServer{body: pagesBody(1000, 200, 200, 100, 200, 200)}
		c, err := hss.New(hss.Config{Region: emulator.Region, ProjectID: emulator.ProjectID, Endpoints: endpoints.Set{HSS: "http://hss.test"}, Transport: srv,
			Credentials: aksk(), PageConcurrency: workers})
		if err != nil {
			t.Fatal(err)
		}
		res, err := c.ListBasicImages(context.Background(), cicd111)
		if err != nil || len(res.Items) != 500 || res.Items[499].OSVersion != "499" || len(res.Warnings) != 1 {
			t.Fatalf("%d workers: err %v, %d items, warnings %v", workers, err, len(res.Items), res.Warnings)
		}
	}
}

// The page cap is exact: MaxPages pages are read, one more is refused before it is sent.
func TestPageCapIsExact(t *testing.T) {
	const maxPages = 5
	full := []int{200, 200, 200, 200, 200, 200}
	for total, wantErr := range map[int]bool{maxPages * 200: false, maxPages*200 + 1: true} {
		srv := &offsetServer{body: pagesBody(total, full...)}
		c, err := hss.New(hss.Config{Region: emulator.Region, ProjectID: emulator.ProjectID, Endpoints: endpoints.Set{HSS: "http://hss.test"}, Transport: srv,
			Credentials: aksk(), MaxPages: maxPages})
		if err != nil {
			t.Fatal(err)
		}
		res, err := c.ListBasicImages(context.Background(), cicd111)
		switch {
		case wantErr && (!errors.Is(err, hss.ErrTooManyPages) || srv.calls.Load() != 1):
			t.Fatalf("total %d: err %v after %d requests", total, err, srv.calls.Load())
		case !wantErr && (err != nil || len(res.Items) != total || res.Requests != maxPages):
			t.Fatalf("total %d: err %v", total, err)
		}
	}
}

// A server that sends no headers is given up on after the header timeout, not held for the
// whole attempt's minute.
func TestResponseHeaderTimeout(t *testing.T) {
	emu, url := newServer(t)
	hold := make(chan struct{})
	t.Cleanup(func() { close(hold) })
	emu.AddFault(emulator.Fault{Hold: hold})
	c := newClient(t, url, aksk(), fastRetries(0), func(c *hss.Config) {
		c.ProjectID, c.AttemptTimeout, c.ResponseHeaderTimeout = emulator.ProjectID, time.Hour, 50*time.Millisecond
	})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_, err := c.ListBasicImages(ctx, cicd111)
	if err == nil || !strings.Contains(err.Error(), "timeout awaiting response headers") || ctx.Err() != nil {
		t.Fatalf("err %v", err)
	}
}
