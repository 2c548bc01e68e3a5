package hss_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/hss/v5/model"

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
		// 850 claimed, 450 served: pages of 200, 200, 50, then an empty one at offset 450.
		// One page at a time, a pass is 4 requests; in parallel 1 + 4 at once + the one that
		// checks the short page's size: 6. Read twice, the same, then an error.
		for workers, wantRequests := range map[int]int{1: 8, 4: 12} {
			emu, url := newServer(t)
			emu.AddFault(emulator.Fault{Page: emulator.PageFault{InflateTotal: 400}})
			res, err := newClient(t, url, aksk(), fastRetries(0), func(c *hss.Config) { c.PageConcurrency = workers }).
				ListBasicImages(context.Background(), many)
			var ie *hss.InconsistentError
			if !errors.As(err, &ie) || !errors.Is(err, hss.ErrInconsistent) || res != nil || ie.TotalNum != 850 || ie.Entries != 450 ||
				ie.Requests != wantRequests || emu.Count(emulator.KindHSS) != wantRequests || len(ie.RequestID) != 32 ||
				!strings.Contains(err.Error(), "total_num is 850 but the pages hold 450 entries") || !strings.Contains(err.Error(), hss.OpListBasicImages) {
				t.Fatalf("%d workers: %d requests: %v", workers, emu.Count(emulator.KindHSS), err)
			}
		}
	})
	t.Run("inflated total, empty page", func(t *testing.T) {
		emu, url := newServer(t)
		emu.AddFault(emulator.Fault{Page: emulator.PageFault{InflateTotal: 150}})
		_, err := newClient(t, url, aksk(), fastRetries(0)).ListBasicImages(context.Background(),
			hss.BasicImageQuery{ImageID: "synthetic-400", ImageType: "cicd"})
		// 550 claimed, 400 served: the third page is empty; two passes of 3 requests.
		if !errors.Is(err, hss.ErrInconsistent) || emu.Count(emulator.KindHSS) != 6 || !strings.Contains(err.Error(), "total_num is 550 but the pages hold 400") {
			t.Fatalf("%d requests: %v", emu.Count(emulator.KindHSS), err)
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
	// 450 entries of 160 bytes each (a 48-byte struct, and strings in allocations of 16, 16
	// and 80 bytes): the second page passes 50,000 bytes.
	c := newClient(t, url, aksk(), fastRetries(0), func(c *hss.Config) { c.MaxReadBytes = 50_000; c.PageConcurrency = 1 })
	_, err := c.ListBasicImages(context.Background(), hss.BasicImageQuery{ImageID: emulator.ManyImageID, ImageType: "cicd"})
	if !errors.Is(err, hss.ErrTooLarge) || !strings.Contains(err.Error(), "page 2 (offset 200) hold 64000 bytes, more than the 50000") {
		t.Fatalf("err %v", err)
	}
	res, err := c.ListBasicImages(context.Background(), hss.BasicImageQuery{ImageID: "synthetic-300", ImageType: "cicd"})
	if err != nil || res.Bytes != 300*160 {
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
	read("synthetic-100") // 16,000 bytes: kept
	read("synthetic-200") // 32,000 bytes: too heavy
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

// cappedServer serves entries offset, offset+1, … of a list of total, as many as limit asks
// but at most capAt(offset): a service whose page size is not the limit asked.
type cappedServer struct {
	total int
	capAt func(offset int) int
	calls atomic.Int32
	// offsets and limits asked, in order of arrival.
	mu     sync.Mutex
	offset []int
}

func (s *cappedServer) RoundTrip(req *http.Request) (*http.Response, error) {
	s.calls.Add(1)
	var off, limit int
	_, _ = fmt.Sscan(req.URL.Query().Get("offset"), &off)
	_, _ = fmt.Sscan(req.URL.Query().Get("limit"), &limit)
	s.mu.Lock()
	s.offset = append(s.offset, off)
	s.mu.Unlock()
	n := max(0, min(limit, s.capAt(off), s.total-off))
	items := make([]string, n)
	for j := range items {
		items[j] = fmt.Sprintf(`{"os_name":"OS","os_version":"%d","layer_digest":"sha256:%d"}`, off+j, off+j)
	}
	body := fmt.Sprintf(`{"total_num":%d,"data_list":[%s]}`, s.total, strings.Join(items, ","))
	return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}, "X-Request-Id": {strings.Repeat("a", 32)}},
		Body: nopCloser{strings.NewReader(body)}, Request: req}, nil
}

// A page shorter than the limit asked, while total_num says more follow, is the service
// capping its pages: the read continues from offset + entries received at that size, the
// pages after the first (or after the one that changed the size) at once, and reads every
// entry once, in order.
func TestShortPagesAreCappedPages(t *testing.T) {
	cases := []struct {
		name  string
		total int
		capAt func(int) int
		// requests one page at a time, and at once
		sequential, parallel int
	}{
		{"capped at 100 from the start", 450, func(int) int { return 100 }, 5, 5},
		{"capped at 1", 7, func(int) int { return 1 }, 7, 7},
		// In parallel the pages asked for after the short one, at offsets it moved, are wasted:
		// 600 and 800.
		{"capped from offset 400 on", 1000, func(o int) int { return map[bool]int{true: 100, false: 200}[o >= 400] }, 8, 10},
		// Once a page is short, the rest is read at its size.
		{"a short page in the middle", 1000, func(o int) int { return map[bool]int{true: 100, false: 200}[o == 400] }, 8, 10},
		{"shrinking twice", 1000, func(o int) int {
			switch {
			case o >= 600:
				return 50
			case o >= 200:
				return 150
			}
			return 200
		}, 11, 16},
		{"the limit obeyed", 1000, func(int) int { return 200 }, 5, 5},
	}
	for _, tc := range cases {
		for _, workers := range []int{1, 4} {
			t.Run(fmt.Sprintf("%s/pages=%d", tc.name, workers), func(t *testing.T) {
				srv := &cappedServer{total: tc.total, capAt: tc.capAt}
				c, err := hss.New(hss.Config{Region: emulator.Region, ProjectID: emulator.ProjectID, Endpoints: endpoints.Set{HSS: "http://hss.test"}, Transport: srv,
					Credentials: aksk(), PageConcurrency: workers})
				if err != nil {
					t.Fatal(err)
				}
				res, err := c.ListBasicImages(context.Background(), cicd111)
				if err != nil {
					t.Fatal(err)
				}
				for i, it := range res.Items {
					if it.OSVersion != strconv.Itoa(i) {
						t.Fatalf("entry %d is %q", i, it.OSVersion)
					}
				}
				want := map[int]int{1: tc.sequential, 4: tc.parallel}[workers]
				if len(res.Items) != tc.total || res.TotalNum != tc.total || res.Requests != want || int(srv.calls.Load()) != want {
					t.Fatalf("%d entries of %d, %d requests, want %d; offsets %v", len(res.Items), tc.total, res.Requests, want, srv.offset)
				}
			})
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

// An answer whose entries cannot add up to its total_num is an error naming the API, the
// numbers and the request ID, never a shorter list: data_list missing or null while total_num
// says there are entries, entries past total_num, or a total_num that differs between pages
// however often the list is read.
func TestAnswersThatDoNotAddUpFail(t *testing.T) {
	laterPages := func(r *http.Request) bool { return r.URL.Query().Get("offset") != "0" }
	many := hss.BasicImageQuery{ImageID: emulator.ManyImageID, ImageType: "cicd"}
	cases := []struct {
		name     string
		fault    emulator.Fault
		q        hss.BasicImageQuery
		reason   string
		total    int
		requests int
		// sequential reads one page at a time, so an error stops the read at a known request.
		sequential bool
	}{
		{"data_list missing", emulator.Fault{Page: emulator.PageFault{OmitDataList: true}}, cicd111, "data_list is missing or null at offset 0", 1, 1, false},
		{"data_list null", emulator.Fault{Page: emulator.PageFault{NullDataList: true}}, cicd111, "data_list is missing or null at offset 0", 1, 1, false},
		{"data_list null on the last page", emulator.Fault{Match: func(r *http.Request) bool { return r.URL.Query().Get("offset") == "400" },
			Page: emulator.PageFault{NullDataList: true}}, many, "data_list is missing or null at offset 400", 450, 3, true},
		{"more entries than total_num", emulator.Fault{Body: `{"total_num":1,"data_list":[{"os_name":"A"},{"os_name":"B"}]}`}, cicd111,
			"the page at offset 0 holds 2 entries, past its total_num", 1, 1, false},
		{"total_num 0 with entries", emulator.Fault{Body: `{"total_num":0,"data_list":[{"os_name":"A"}]}`}, cicd111,
			"the page at offset 0 holds 1 entries, past its total_num", 0, 1, false},
		{"total_num smaller than what is served", emulator.Fault{Page: emulator.PageFault{InflateTotal: -100}}, many,
			"the page at offset 200 holds 200 entries, past its total_num", 350, 2, false},
		{"an empty page before total_num", emulator.Fault{Match: func(r *http.Request) bool { return r.URL.Query().Get("offset") == "400" },
			Body: `{"total_num":450,"data_list":[]}`}, many, "total_num is 450 but the pages hold 400 entries; the last, at offset 400, held 0; read 2 times from the start with the same answer", 450, 6, false},
		{"total_num larger on later pages, every time", emulator.Fault{Match: laterPages, Page: emulator.PageFault{InflateTotal: 1}}, many,
			"total_num was 450 on page 1 and 451 on page 2; read 2 times from the start with the same answer", 450, 6, false},
		{"total_num smaller on later pages, every time", emulator.Fault{Match: laterPages, Page: emulator.PageFault{InflateTotal: -1}}, many,
			"the page at offset 400 holds 50 entries, past its total_num", 449, 3, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			emu, url := newServer(t)
			emu.AddFault(tc.fault)
			workers := map[bool]int{true: 1}[tc.sequential]
			res, err := newClient(t, url, aksk(), fastRetries(0), func(c *hss.Config) { c.PageConcurrency = workers }).ListBasicImages(context.Background(), tc.q)
			var ie *hss.InconsistentError
			if !errors.As(err, &ie) || !errors.Is(err, hss.ErrInconsistent) || res != nil {
				t.Fatalf("result %+v, err %v", res, err)
			}
			if !strings.Contains(err.Error(), tc.reason) || !strings.HasPrefix(err.Error(), hss.OpListBasicImages+": ") ||
				!strings.Contains(err.Error(), fmt.Sprintf("total_num %d,", tc.total)) || len(ie.RequestID) != 32 || !strings.Contains(err.Error(), ie.RequestID) {
				t.Fatalf("err %v", err)
			}
			if n := emu.Count(emulator.KindHSS); n != tc.requests || ie.Requests != n {
				t.Fatalf("%d requests (%d counted), want %d", n, ie.Requests, tc.requests)
			}
		})
	}
	// An empty list may come without data_list, or with it null.
	for _, body := range []string{`{"total_num":0}`, `{"total_num":0,"data_list":null}`, `{"total_num":0,"data_list":[]}`} {
		emu, url := newServer(t)
		emu.AddFault(emulator.Fault{Body: body})
		res, err := newClient(t, url, aksk(), fastRetries(0)).ListBasicImages(context.Background(), cicd111)
		if err != nil || res.Items == nil || len(res.Items) != 0 || res.TotalNum != 0 {
			t.Fatalf("%s: %+v, %v", body, res, err)
		}
	}
}

// A service that serves at most 100 entries a page, whatever limit says, is read to the end at
// its size: entry 151 onward is read too, on every list.
func TestCappedPagesAreReadToTheEnd(t *testing.T) {
	for _, workers := range []int{1, 0} {
		emu, url := newServer(t)
		emu.AddFault(emulator.Fault{Page: emulator.PageFault{PageCap: 100}})
		c := newClient(t, url, aksk(), fastRetries(0), func(c *hss.Config) { c.ProjectID, c.PageConcurrency = emulator.ProjectID, workers })
		res, err := c.ListBasicImages(context.Background(), hss.BasicImageQuery{ImageID: emulator.ManyImageID, ImageType: "cicd"})
		if err != nil || len(res.Items) != emulator.ManyEntries || res.Requests != 5 || emu.Count(emulator.KindHSS) != 5 {
			t.Fatalf("pages=%d: err %v, %+v", workers, err, res)
		}
		for i, it := range res.Items {
			if it.LayerDigest != emulator.ManyEntry(i).LayerDigest {
				t.Fatalf("entry %d: %+v", i, it)
			}
		}
		vulns, err := hss.List(context.Background(), c, hss.ImageVulnerabilities, "",
			model.ListImageVulnerabilitiesRequest{ImageType: "cicd", ImageId: emulator.ManyVulnsImageID})
		if err != nil || len(vulns.Items) != emulator.ManyVulns || vulns.Requests != 3 || vulns.Items[emulator.ManyVulns-1].VulID != emulator.ManyVulnerabilities()[emulator.ManyVulns-1].VulID {
			t.Fatalf("pages=%d: err %v, %d vulnerabilities in %d requests", workers, err, len(vulns.Items), vulns.Requests)
		}
		// Every page after the first asked for the size served.
		for _, r := range emu.Requests() {
			if want := map[bool]string{true: "200", false: "100"}[r.Query.Get("offset") == "0"]; r.Query.Get("limit") != want {
				t.Fatalf("limit %s", r.Query.Get("limit"))
			}
		}
	}
}
