package hss

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/hashicorp/terraform-plugin-log/tflog"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth"
	"golang.org/x/sync/errgroup"

	"github.com/hsslabs/terraform-provider-hss/internal/transport"
)

// This file is the one list engine: every offset-paged HSS list API (total_num, data_list,
// offset, limit) is a listOp declaration read by listAll. The engine owns the first page and
// total_num, the page size the service really serves, the page cap, concurrent pages kept in
// API order, the proof that the entries add up to total_num, the consistency re-read,
// repeated-page detection, exact matching, the memory budget, and sharing and keeping results.

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
	// decode reads one answer: total_num (nil when absent), the entries, whether data_list
	// was there (not missing, not null), or a reason why the answer is not one.
	decode func(out any) (total *int32, entries []E, listed bool, reason string)
	// size is what one entry holds in memory, in bytes, for the memory budget and the
	// results kept.
	size func(E) int
	// mismatch, when set, names the first field of an entry that differs from what the
	// query asked for exactly, "" when it matches.
	mismatch func(Q, E) string
}

// Result is every entry of a query, in API order.
type Result[E any] struct {
	Region    string
	ProjectID string
	// TotalNum is total_num as the API reported it: every entry it matched, Dropped ones
	// included, so len(Items) + Dropped == TotalNum.
	TotalNum int
	// Items are the entries that match the query exactly.
	Items []E
	// Requests is the number of HSS requests the read made.
	Requests int
	// Dropped counts the entries the API returned that do not match the query exactly
	// (Declaration.Mismatch): the API may match loosely, the client does not.
	Dropped int
	// Warnings is never set: an answer that does not add up is an error (ErrInconsistent).
	// The field stays so callers that read it still build.
	Warnings []string
	// Shared is set when the result came from an identical read: one in flight, or one kept
	// from earlier in the run. Its Items must not be changed.
	Shared bool
	// Bytes is what the entries hold in memory, as the declaration counts them.
	Bytes int

	// hold is what the read's entries hold of the memory budget, shared by every Result of
	// the read and by the result cache; rel is this Result's share.
	hold *holding
	rel  *releaser
}

// Release returns this Result's share of the memory budget once the caller is done with its
// entries (after writing them to state, say); the memory is returned when no Result of the
// read, nor the result cache, holds it. It is safe to call more than once, and on nil; a
// Result that is never released is released when it is garbage collected.
func (r *Result[E]) Release() {
	if r != nil && r.rel != nil {
		r.rel.release()
	}
}

// weight is what a kept result costs the result cache.
func (r *Result[E]) weight() int { return r.Bytes }

func (r *Result[E]) holding() *holding { return r.hold }

// keptResult is any Result the client keeps.
type keptResult interface {
	weight() int
	holding() *holding
}

// ErrTooManyPages is returned when total_num asks for more pages than the cap allows.
var ErrTooManyPages = errors.New("the result is larger than the provider reads")

// ErrRepeatedPage is returned when the API serves the same page for a new offset.
var ErrRepeatedPage = errors.New("the API returned the same page for a new offset")

// ErrListChanged is returned when every attempt to read a list saw it change between pages.
var ErrListChanged = errors.New("the list changed while it was being read")

// ErrTooLarge is returned when a read's entries would hold more memory than MaxReadBytes.
var ErrTooLarge = errors.New("the result holds more than the provider keeps in memory for one read")

// ErrInconsistent is returned when an answer does not add up: entries that cannot make
// total_num, or no data_list where total_num says there are entries.
var ErrInconsistent = errors.New("the API's answer does not add up")

// InconsistentError is an answer that does not add up. The read fails rather than return
// fewer entries than the API says there are, or more.
type InconsistentError struct {
	Operation string
	Reason    string
	// TotalNum is what the API said, Entries what it returned, in Requests requests;
	// RequestID is the answer that showed it.
	TotalNum, Entries, Requests int
	RequestID                   string
}

func (e *InconsistentError) Error() string {
	return fmt.Sprintf("%s: %s: %s (total_num %d, %d entries returned, %d requests, request ID %s)",
		e.Operation, ErrInconsistent, e.Reason, e.TotalNum, e.Entries, e.Requests, orNone(e.RequestID))
}

func (e *InconsistentError) Is(target error) bool { return target == ErrInconsistent }

// maxDropLogs bounds the debug lines of entries dropped from one read; a summary follows.
const maxDropLogs = 100

// listAll returns every entry matching q: the first page, then the rest at the page size the
// service serves, concurrently (Config.PageConcurrency), in API order, never more than the page
// cap. The entries must add up to total_num; a list that changes between pages is read again
// from the start. Identical queries share one read: concurrent ones wait for it, later ones get
// the kept result. The result holds its memory against the client's budget until released.
func listAll[Q listQuery, E comparable](ctx context.Context, c *Client, op *listOp[Q, E], q Q) (*Result[E], error) {
	if err := q.validate(); err != nil {
		return nil, err
	}
	own := &handoff{}
	kept, shared, err := c.reads.Do(ctx, op.name+"\n"+q.Key(), func(ctx context.Context) (keptResult, error) {
		res, err := read(ctx, c, op, q)
		if err != nil {
			return nil, err
		}
		own.deposit(res.hold)
		return res, nil
	})
	share := own.take()
	res, ok := kept.(*Result[E])
	switch {
	case err != nil:
		err = c.redactor.RedactError(err)
	case !ok:
		err = fmt.Errorf("%s: a kept result has type %T", op.name, kept)
	}
	if err != nil {
		if share != nil {
			share.release()
		}
		return nil, err
	}
	if share == nil {
		res.hold.acquire()
		share = res.hold
	}
	out := *res
	if shared {
		out.Requests, out.Shared = 0, true
	}
	out.rel = &releaser{h: share}
	runtime.AddCleanup(&out, (*releaser).release, out.rel)
	return &out, nil
}

// page is one answer of the API.
type page[E any] struct {
	offset    int
	total     int
	items     []E
	requestID string
	// live is what the page's entries hold, as the declaration counts them; held what that
	// holds of the memory budget.
	live int
	held int64
}

// reader is one read's state, shared by its concurrent page fetches.
type reader[Q listQuery, E comparable] struct {
	c        *Client
	op       *listOp[Q, E]
	q        Q
	requests atomic.Int32
	// live is what the pages read so far hold, as the declaration counts them, for
	// MaxReadBytes; reserved is what the read holds of the memory budget.
	live, reserved atomic.Int64
	entries        atomic.Int64

	mu      sync.Mutex
	cred    auth.ICredential
	renewed bool
}

func read[Q listQuery, E comparable](ctx context.Context, c *Client, op *listOp[Q, E], q Q) (res *Result[E], err error) {
	cred, pid, err := c.creds.For(ctx, q.region())
	if err != nil {
		return nil, err
	}
	r := &reader[Q, E]{c: c, op: op, q: q, cred: cred}
	defer func() {
		if err != nil {
			r.c.memory.free(r.reserved.Swap(0))
		}
	}()
	var prev []page[E]
	for pass := 1; ; pass++ {
		pages, err := r.pass(ctx)
		if err != nil {
			return nil, err
		}
		fault := r.judge(pages)
		same := samePages(pages, prev)
		r.discard(prev)
		// Two passes alike are the list as it is, even with entries that repeat.
		if fault == nil || (same && fault.repeated) {
			return r.result(ctx, pid, pages)
		}
		if same || pass >= c.cfg.ListAttempts {
			if fault.changed && !same {
				return nil, fmt.Errorf("%s: %w: %s; read %d times from the start without a stable answer (%d requests)",
					op.name, ErrListChanged, fault.reason, pass, r.requests.Load())
			}
			return nil, r.inconsistent(fault.reason+r.again(pass, same), pages[0].total, entries(pages), pages[len(pages)-1].requestID)
		}
		c.redactor.Warn(ctx, "HSS list changed or did not add up while it was being read; reading it again", map[string]any{
			"operation": op.name, "change": fault.reason, "pass": pass,
		})
		prev = pages
	}
}

// again says how often the list was read when that did not help.
func (r *reader[Q, E]) again(pass int, same bool) string {
	if same {
		return fmt.Sprintf("; read %d times from the start with the same answer", pass)
	}
	if pass > 1 {
		return fmt.Sprintf("; read %d times from the start", pass)
	}
	return ""
}

func (r *reader[Q, E]) inconsistent(reason string, total, entries int, requestID string) error {
	return &InconsistentError{Operation: r.op.name, Reason: reason, TotalNum: total, Entries: entries,
		Requests: int(r.requests.Load()), RequestID: requestID}
}

func entries[E any](pages []page[E]) int {
	n := 0
	for _, p := range pages {
		n += len(p.items)
	}
	return n
}

// pass reads the list once: the first page, then the rest from offset + entries received
// while total_num says more remain, at the page size the service serves, until the entries
// reach total_num or a page comes back empty. A page shorter than the limit asked, with more
// to come, is the service capping its pages: the rest is asked for at that size.
func (r *reader[Q, E]) pass(ctx context.Context) ([]page[E], error) {
	r.entries.Store(0)
	r.live.Store(0)
	step := r.op.pageSize
	first, err := r.fetch(ctx, 0, 0, step)
	if err != nil {
		return nil, err
	}
	if err := r.beyondTotal(first); err != nil {
		return nil, err
	}
	pages := []page[E]{first}
	total, got, fetched := first.total, len(first.items), 1
	// probe: the page size changed after the first page, so one page confirms it before the
	// rest are asked for at once.
	probe := false
	for got < total {
		switch last := len(pages[len(pages)-1].items); {
		case last == 0:
			return pages, nil
		case last < step:
			step, probe = last, len(pages) > 1
			r.c.redactor.Debug(ctx, "HSS list pages are capped below the limit asked; reading on at the size served", map[string]any{
				"operation": r.op.name, "page_size": step, "offset": got, "total_num": total,
			})
		}
		n := (total - got + step - 1) / step
		if limit := r.c.cfg.MaxPages; fetched+n > limit {
			return nil, fmt.Errorf("%s: total_num is %d, which at %d entries a page needs %d pages; at most %d pages are read (request ID %s): %w",
				r.op.name, total, step, fetched+n, limit, first.requestID, ErrTooManyPages)
		}
		if probe {
			n, probe = 1, false
		}
		batch, err := r.fetchRest(ctx, len(pages), got, step, n)
		fetched += len(batch)
		if err != nil {
			return nil, err
		}
		for i, p := range batch {
			if prev := pages[len(pages)-1]; len(p.items) > 0 && slices.Equal(p.items, prev.items) {
				return nil, fmt.Errorf("%s at offset %d (request ID %s): %w", r.op.name, p.offset, p.requestID, ErrRepeatedPage)
			}
			if err := r.beyondTotal(p); err != nil {
				return nil, err
			}
			pages = append(pages, p)
			got += len(p.items)
			if len(p.items) < step {
				// The pages after it were asked for at offsets it has moved.
				r.discard(batch[i+1:])
				break
			}
		}
	}
	return pages, nil
}

// beyondTotal fails a page that holds entries past its own total_num: the page contradicts
// itself, whatever happens to the list.
func (r *reader[Q, E]) beyondTotal(p page[E]) error {
	if len(p.items) == 0 || p.offset+len(p.items) <= p.total {
		return nil
	}
	return r.inconsistent(fmt.Sprintf("the page at offset %d holds %d entries, past its total_num", p.offset, len(p.items)),
		p.total, int(r.entries.Load()), p.requestID)
}

// fault is what keeps a pass from being the list.
type fault struct {
	reason string
	// changed: total_num differs between pages, or an entry is on both sides of a page
	// boundary (repeated), as a list changing while it is read shows.
	changed, repeated bool
}

// judge finds what keeps a pass from being the list, nil when nothing does: total_num must be
// the same on every page, the entries must add up to it, and no entry may appear on both sides
// of a page boundary, which is what an entry inserted or removed in between does.
func (r *reader[Q, E]) judge(pages []page[E]) *fault {
	total := pages[0].total
	for i := 1; i < len(pages); i++ {
		if pages[i].total != total {
			return &fault{changed: true, reason: fmt.Sprintf("total_num was %d on page 1 and %d on page %d", total, pages[i].total, i+1)}
		}
	}
	if got := entries(pages); got != total {
		last := pages[len(pages)-1]
		return &fault{reason: fmt.Sprintf("total_num is %d but the pages hold %d entries; the last, at offset %d, held %d",
			total, got, last.offset, len(last.items))}
	}
	for i := 1; i < len(pages); i++ {
		seen := make(map[E]bool, len(pages[i-1].items))
		for _, it := range pages[i-1].items {
			seen[it] = true
		}
		for _, it := range pages[i].items {
			if seen[it] {
				return &fault{changed: true, repeated: true, reason: fmt.Sprintf("an entry of page %d appeared again on page %d", i, i+1)}
			}
		}
	}
	return nil
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

// discard returns what pages hold of the memory budget: they are dropped.
func (r *reader[Q, E]) discard(pages []page[E]) {
	var n int64
	for _, p := range pages {
		n += p.held
	}
	r.reserved.Add(-n)
	r.c.memory.free(n)
}

// result is pages as one Result: the entries that match the query exactly, in API order. Its
// slice is reserved before it is made, as the pages are held while they are copied; then the
// read holds what the result holds.
func (r *reader[Q, E]) result(ctx context.Context, projectID string, pages []page[E]) (*Result[E], error) {
	n, live := 0, 0
	for _, p := range pages {
		n += len(p.items)
		live += p.live
	}
	var drops []int
	if r.op.mismatch != nil {
		i := 0
		for _, p := range pages {
			for _, it := range p.items {
				if field := r.op.mismatch(r.q, it); field != "" {
					drops = append(drops, i)
					live -= r.op.size(it)
					if len(drops) <= maxDropLogs {
						r.c.redactor.Debug(ctx, "HSS list entry does not match the query exactly; dropped", map[string]any{
							"operation": r.op.name, "field": field, "entry": i,
						})
					}
				}
				i++
			}
		}
	}
	if len(drops) > maxDropLogs {
		r.c.redactor.Debug(ctx, "HSS list entries that do not match the query exactly; dropped", map[string]any{
			"operation": r.op.name, "dropped": len(drops), "logged": maxDropLogs,
		})
	}
	items := pages[0].items
	if len(pages) > 1 || len(drops) > 0 {
		var zero E
		last := pages[len(pages)-1]
		if _, err := r.reserve((n-len(drops))*int(unsafe.Sizeof(zero)), fmt.Sprintf("the result of %d entries", n-len(drops)), n, last.requestID); err != nil {
			return nil, err
		}
		items = make([]E, 0, n-len(drops))
		i := 0
		for _, p := range pages {
			for _, it := range p.items {
				if len(drops) > 0 && drops[0] == i {
					drops = drops[1:]
				} else {
					items = append(items, it)
				}
				i++
			}
		}
	}
	// The pages' slices, and the entries dropped, are garbage now.
	held := r.c.memory.heap(live)
	r.c.memory.free(r.reserved.Swap(0) - held)
	return &Result[E]{Region: r.q.region(), ProjectID: projectID, TotalNum: pages[0].total, Items: items, Requests: int(r.requests.Load()),
		Dropped: n - len(items), Bytes: live, hold: &holding{budget: r.c.memory, n: held, refs: 1}}, nil
}

// fetchRest reads n pages from offset on, step entries each. With one worker it goes in order
// and stops at the first short page; with more it fetches them concurrently and fails on the
// first error.
func (r *reader[Q, E]) fetchRest(ctx context.Context, index, offset, step, n int) ([]page[E], error) {
	workers := r.c.cfg.PageConcurrency
	if workers <= 1 {
		var out []page[E]
		for i := range n {
			p, err := r.fetch(ctx, index+i, offset+i*step, step)
			if err != nil {
				return out, err
			}
			out = append(out, p)
			if len(p.items) < step {
				break
			}
		}
		return out, nil
	}
	out := make([]page[E], n)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(workers)
	for i := range out {
		if gctx.Err() != nil {
			break
		}
		g.Go(func() error {
			p, err := r.fetch(gctx, index+i, offset+i*step, step)
			out[i] = p
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return out, nil
}

// fetch reads page n (from 0): limit entries from offset.
func (r *reader[Q, E]) fetch(ctx context.Context, n, offset, limit int) (page[E], error) {
	// Its own logging fields: tflog masking writes to them, so concurrent pages must not share.
	ctx = tflog.SetField(ctx, "hss_page", n+1)
	r.mu.Lock()
	cred := r.cred
	r.mu.Unlock()
	detail := fmt.Sprintf("%s page %d (offset %d)", r.op.name, n+1, offset)
	op := transport.Operation{
		Name:     r.op.name,
		Detail:   detail,
		Endpoint: r.c.cfg.Endpoints.HSSURL(r.q.region()),
		Want:     http.StatusOK,
		Paced:    true,
		Cred:     cred,
		Hints:    r.op.hints,
		Renew:    r.renew,
		Invoke: func(hc *core.HcHttpClient) (any, error) {
			return r.op.call(hc, r.q, int32(offset), int32(limit)) //nolint:gosec // bounded by the page cap
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
	total, items, listed, reason := r.op.decode(out)
	switch {
	case reason != "":
		return bad(reason)
	case total == nil:
		return bad("the response has no total_num")
	case *total < 0:
		return bad(fmt.Sprintf("negative total_num %d", *total))
	case len(items) > limit:
		// Offsets of later pages assume the limit was obeyed; entries would repeat otherwise.
		return bad(fmt.Sprintf("%d entries on a page of at most %d", len(items), limit))
	}
	got := int(r.entries.Add(int64(len(items))))
	if !listed && *total > 0 {
		return page[E]{}, r.inconsistent(fmt.Sprintf("data_list is missing or null at offset %d", offset), int(*total), got, last.RequestID)
	}
	p := page[E]{offset: offset, total: int(*total), items: items, requestID: last.RequestID}
	for _, it := range items {
		p.live += r.op.size(it)
	}
	sum := r.live.Add(int64(p.live))
	if most := r.c.cfg.MaxReadBytes; most > 0 && sum > int64(most) {
		return page[E]{}, fmt.Errorf("%s: the entries read by page %d (offset %d) hold %d bytes, more than the %d one read may hold (request ID %s): %w",
			r.op.name, n+1, offset, sum, most, last.RequestID, ErrTooLarge)
	}
	if p.held, err = r.reserve(p.live, detail, got, last.RequestID); err != nil {
		return page[E]{}, err
	}
	r.c.redactor.Debug(ctx, "HSS list page read", map[string]any{
		"operation": r.op.name, "page": n + 1, "offset": offset, "entries": len(p.items), "total_num": p.total, "request_id": last.RequestID,
	})
	return p, nil
}

// reserve takes what live bytes cost from the memory budget for the read.
func (r *reader[Q, E]) reserve(live int, detail string, entries int, requestID string) (int64, error) {
	n := r.c.memory.heap(live)
	reached, ok := r.c.memory.reserve(n)
	if !ok {
		return 0, &MemoryBudgetError{Operation: r.op.name, Detail: detail, Reached: reached, Budget: r.c.memory.limit,
			Held: r.reserved.Load() + n, Entries: entries, RequestID: requestID}
	}
	r.reserved.Add(n)
	return n, nil
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
