package hss

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/hashicorp/terraform-plugin-log/tflog"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth"
	"golang.org/x/sync/errgroup"

	"github.com/hsslabs/terraform-provider-hss/internal/transport"
)

// This file is the one list engine: every offset-paged HSS list API (total_num, data_list,
// offset, limit) is a listOp declaration read by listAll. The engine owns the first page and
// total_num, the page cap, concurrent pages kept in API order, the consistency re-read,
// repeated-page detection, sharing and keeping results, and warnings.

// listQuery is what a declaration's query tells the engine.
type listQuery interface {
	// Key identifies everything that selects a result, the region included: equal keys,
	// equal results.
	Key() string
	// region is where the query goes, never empty once the client's default applied.
	region() string
	// validate checks what becomes part of the URL before anything is sent.
	validate() error
}

// listOp declares one list API.
type listOp[Q listQuery, E comparable] struct {
	// name is the API in errors, as the API page writes it: method and path template.
	name string
	// pageSize is the largest limit the API accepts.
	pageSize int
	// hints suggest what to do about the API's own error codes, by error_code.
	hints map[string]string
	// call sends the request for one page through the SDK client it is given.
	call func(hc *core.HcHttpClient, q Q, offset, limit int32) (any, error)
	// decode reads one answer: total_num (nil when absent) and the entries, or a reason
	// why the answer is not one.
	decode func(out any) (total *int32, entries []E, reason string)
	// size is what one entry holds in memory, in bytes, for the bounds on a read and on the
	// results kept.
	size func(E) int
}

// Result is every entry of a query, in API order.
type Result[E any] struct {
	Region    string
	ProjectID string
	TotalNum  int
	Items     []E
	// Requests is the number of HSS requests the read made.
	Requests int
	// Warnings describe inconsistencies the read survived, e.g. fewer entries than total_num.
	Warnings []string
	// Shared is set when the result came from an identical read: one in flight, or one kept
	// from earlier in the run. Its Items must not be changed.
	Shared bool
	// Bytes is what the entries hold in memory, as the declaration counts them.
	Bytes int
}

// weight is what a kept result costs the result cache.
func (r *Result[E]) weight() int { return r.Bytes }

// keptResult is any Result the client keeps.
type keptResult interface{ weight() int }

// ErrTooManyPages is returned when total_num asks for more pages than the cap allows.
var ErrTooManyPages = errors.New("the result is larger than the provider reads")

// ErrRepeatedPage is returned when the API serves the same page for a new offset.
var ErrRepeatedPage = errors.New("the API returned the same page for a new offset")

// ErrListChanged is returned when every attempt to read a list saw it change between pages.
var ErrListChanged = errors.New("the list changed while it was being read")

// ErrTooLarge is returned when a read's entries would hold more memory than a read may.
var ErrTooLarge = errors.New("the result holds more than the provider keeps in memory for one read")

// listAll returns every entry matching q, paging with the largest page size and stopping on the
// API's own signals: never more than ceil(total_num/pageSize) requests a pass. After the first
// page, the others are fetched concurrently (Config.PageConcurrency) and kept in API order. A
// list that changes between pages is read again from the start. Identical queries share one
// read: concurrent ones wait for it, later ones get the kept result.
func listAll[Q listQuery, E comparable](ctx context.Context, c *Client, op *listOp[Q, E], q Q) (*Result[E], error) {
	if err := q.validate(); err != nil {
		return nil, err
	}
	kept, shared, err := c.reads.Do(ctx, op.name+"\n"+q.Key(), func(ctx context.Context) (keptResult, error) {
		return read(ctx, c, op, q)
	})
	if err != nil {
		return nil, c.redactor.RedactError(err)
	}
	res, ok := kept.(*Result[E])
	if !ok {
		return nil, fmt.Errorf("%s: a kept result has type %T", op.name, kept)
	}
	if shared {
		r := *res
		r.Requests, r.Shared = 0, true
		return &r, nil
	}
	return res, nil
}

// page is one answer of the API.
type page[E any] struct {
	total     int
	items     []E
	requestID string
}

// reader is one read's state, shared by its concurrent page fetches.
type reader[Q listQuery, E comparable] struct {
	c        *Client
	op       *listOp[Q, E]
	q        Q
	requests atomic.Int32
	// bytes is what the pages read so far in this pass hold.
	bytes atomic.Int64

	mu      sync.Mutex
	cred    auth.ICredential
	renewed bool
}

func read[Q listQuery, E comparable](ctx context.Context, c *Client, op *listOp[Q, E], q Q) (*Result[E], error) {
	cred, pid, err := c.creds.For(ctx, q.region())
	if err != nil {
		return nil, err
	}
	r := &reader[Q, E]{c: c, op: op, q: q, cred: cred}
	var prev []page[E]
	for pass := 1; ; pass++ {
		pages, err := r.pass(ctx)
		if err != nil {
			return nil, err
		}
		change := changed(pages)
		// Two passes alike are the list as it is, even with entries that repeat.
		if change == "" || samePages(pages, prev) {
			return r.result(pid, pages), nil
		}
		if pass >= c.cfg.ListAttempts {
			return nil, fmt.Errorf("%s: %w: %s; read %d times from the start without a stable answer (%d requests)",
				op.name, ErrListChanged, change, pass, r.requests.Load())
		}
		c.redactor.Warn(ctx, "HSS list changed while it was being read; reading it again", map[string]any{
			"operation": op.name, "change": change, "pass": pass,
		})
		prev = pages
	}
}

// pass reads the list once: the first page, then the rest, up to the first short page.
func (r *reader[Q, E]) pass(ctx context.Context) ([]page[E], error) {
	r.bytes.Store(0)
	size := r.op.pageSize
	first, err := r.fetch(ctx, 0)
	if err != nil {
		return nil, err
	}
	pages := max(1, (first.total+size-1)/size)
	if limit := r.c.cfg.MaxPages; pages > limit {
		return nil, fmt.Errorf("%s: total_num is %d, which needs %d pages; at most %d pages (%d entries) are read (request ID %s): %w",
			r.op.name, first.total, pages, limit, limit*size, first.requestID, ErrTooManyPages)
	}
	all := []page[E]{first}
	if pages > 1 && len(first.items) >= size {
		rest, err := r.fetchRest(ctx, pages)
		if err != nil {
			return nil, err
		}
		all = append(all, rest...)
	}
	// A short page is the API saying there is no more.
	for i, p := range all {
		if i > 0 && len(p.items) > 0 && slices.Equal(p.items, all[i-1].items) {
			return nil, fmt.Errorf("%s at offset %d (request ID %s): %w", r.op.name, i*size, p.requestID, ErrRepeatedPage)
		}
		if len(p.items) < size {
			return all[:i+1], nil
		}
	}
	return all, nil
}

// changed describes how pages show the list changing between them, or is empty: every page
// must report the first page's total_num, and no entry may appear on both sides of a page
// boundary, which is what an entry inserted or removed in between does.
func changed[E comparable](pages []page[E]) string {
	for i := 1; i < len(pages); i++ {
		if pages[i].total != pages[0].total {
			return fmt.Sprintf("total_num was %d on page 1 and %d on page %d", pages[0].total, pages[i].total, i+1)
		}
	}
	for i := 1; i < len(pages); i++ {
		seen := make(map[E]bool, len(pages[i-1].items))
		for _, it := range pages[i-1].items {
			seen[it] = true
		}
		for _, it := range pages[i].items {
			if seen[it] {
				return fmt.Sprintf("an entry of page %d appeared again on page %d", i, i+1)
			}
		}
	}
	return ""
}

func samePages[E comparable](a, b []page[E]) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].total != b[i].total || !slices.Equal(a[i].items, b[i].items) {
			return false
		}
	}
	return true
}

func (r *reader[Q, E]) result(projectID string, pages []page[E]) *Result[E] {
	n := 0
	for _, p := range pages {
		n += len(p.items)
	}
	res := &Result[E]{Region: r.q.region(), ProjectID: projectID, TotalNum: pages[0].total, Items: make([]E, 0, n),
		Requests: int(r.requests.Load()), Bytes: int(r.bytes.Load())}
	for _, p := range pages {
		res.Items = append(res.Items, p.items...)
	}
	if n := len(res.Items); n != res.TotalNum {
		res.Warnings = append(res.Warnings, fmt.Sprintf(
			"The API reported total_num %d but returned %d entries in %d request(s); data_list holds what was returned.", res.TotalNum, n, res.Requests))
	}
	return res
}

// fetchRest reads pages 2..pages. With one worker it goes in order and stops at the first
// short page; with more it fetches them concurrently and fails on the first error.
func (r *reader[Q, E]) fetchRest(ctx context.Context, pages int) ([]page[E], error) {
	workers := r.c.cfg.PageConcurrency
	if workers <= 1 {
		var out []page[E]
		for n := 1; n < pages; n++ {
			p, err := r.fetch(ctx, n)
			if err != nil {
				return nil, err
			}
			out = append(out, p)
			if len(p.items) < r.op.pageSize {
				break
			}
		}
		return out, nil
	}
	out := make([]page[E], pages-1)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(workers)
	for i := range out {
		if gctx.Err() != nil {
			break
		}
		g.Go(func() error {
			p, err := r.fetch(gctx, i+1)
			out[i] = p
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return out, nil
}

// fetch reads page n (from 0).
func (r *reader[Q, E]) fetch(ctx context.Context, n int) (page[E], error) {
	// Its own logging fields: tflog masking writes to them, so concurrent pages must not share.
	ctx = tflog.SetField(ctx, "hss_page", n+1)
	size := r.op.pageSize
	offset := n * size
	r.mu.Lock()
	cred := r.cred
	r.mu.Unlock()
	op := transport.Operation{
		Name:     r.op.name,
		Detail:   fmt.Sprintf("%s page %d (offset %d)", r.op.name, n+1, offset),
		Endpoint: r.c.cfg.Endpoints.HSSURL(r.q.region()),
		Want:     http.StatusOK,
		Paced:    true,
		Cred:     cred,
		Hints:    r.op.hints,
		Renew:    r.renew,
		Invoke: func(hc *core.HcHttpClient) (any, error) {
			return r.op.call(hc, r.q, int32(offset), int32(size)) //nolint:gosec // bounded by the page cap
		},
	}
	out, last, sent, err := r.c.sender.Call(ctx, op)
	r.requests.Add(int32(sent)) //nolint:gosec // bounded by max_retries
	if err != nil {
		return page[E]{}, err
	}
	bad := func(reason string) (page[E], error) {
		return page[E]{}, &transport.DecodeError{Operation: r.op.name, StatusCode: last.Status, RequestID: last.RequestID, Reason: reason}
	}
	total, items, reason := r.op.decode(out)
	switch {
	case reason != "":
		return bad(reason)
	case total == nil:
		return bad("the response has no total_num")
	case *total < 0:
		return bad(fmt.Sprintf("negative total_num %d", *total))
	case len(items) > size:
		// Offsets of later pages assume the limit was obeyed; entries would repeat otherwise.
		return bad(fmt.Sprintf("%d entries on a page of at most %d", len(items), size))
	}
	p := page[E]{total: int(*total), items: items, requestID: last.RequestID}
	held := 0
	for _, it := range items {
		held += r.op.size(it)
	}
	if sum := r.bytes.Add(int64(held)); sum > int64(r.c.cfg.MaxReadBytes) {
		return page[E]{}, fmt.Errorf("%s: the entries read by page %d (offset %d) hold %d bytes, more than the %d one read may hold (request ID %s): %w",
			r.op.name, n+1, offset, sum, r.c.cfg.MaxReadBytes, last.RequestID, ErrTooLarge)
	}
	r.c.redactor.Debug(ctx, "HSS list page read", map[string]any{
		"operation": r.op.name, "page": n + 1, "offset": offset, "entries": len(p.items), "total_num": p.total, "request_id": last.RequestID,
	})
	return p, nil
}

// renew replaces a refused obtained credential, once per read: pages refused with the old
// one after that get the new one. Nil without an error: no renewal is left.
func (r *reader[Q, E]) renew(ctx context.Context, refused auth.ICredential) (auth.ICredential, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.cred != refused {
		return r.cred, nil
	}
	if r.renewed {
		return nil, nil
	}
	r.renewed = true
	cred, err := r.c.creds.Renew(ctx, r.q.region(), refused)
	if err != nil || cred == nil {
		return nil, err
	}
	r.cred = cred
	return cred, nil
}
