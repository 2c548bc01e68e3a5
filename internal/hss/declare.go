package hss

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"time"
	"unsafe"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core"
	hssv5 "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/hss/v5"

	"github.com/hsslabs/terraform-provider-hss/internal/endpoints"
)

// An HSS list API is declared over the SDK's own request R and response P: the request is the
// query, so nothing mirrors it field by field. The declaration says how to set a page, which
// SDK method sends it, where total_num and data_list are in the answer, how one entry I of
// data_list becomes the client's E, and which of the request's fields become part of the URL.

// Declaration is one offset-paged HSS list API.
type Declaration[R, P, I any, E comparable] struct {
	// Name is the API in errors: method and path template, as the API page writes them.
	Name string
	// PageSize is the largest limit the API accepts.
	PageSize int
	// Hints suggest what to do about the API's own error codes, by error_code.
	Hints map[string]string
	// Page sets offset and limit on a request; nil clears them.
	Page func(r *R, offset, limit *int32)
	// Send is the SDK method.
	Send func(c *hssv5.HssClient, r *R) (*P, error)
	// Total and Items locate total_num and data_list in an answer.
	Total func(p *P) *int32
	Items func(p *P) *[]I
	// Entry maps one entry of data_list.
	Entry func(I) E
	// Region points at the request's region field (its region header), nil for an API whose
	// request has none: the region then selects only the host and the project.
	Region func(r *R) *string
	// Segments are the request's values that become path segments, by name, checked as IDs
	// before anything is sent.
	Segments func(r *R) map[string]string
	// Mismatch, when set, names the first field of entry e that differs from what request r
	// asked for, "" when e matches. The API may match a filter loosely (a prefix, another
	// case); the client does not: the engine drops every entry that does not match, after
	// checking that what the API returned adds up to its total_num.
	Mismatch func(r *R, e E) string
}

// exact is name when a filter was asked for and the entry's value is not exactly it.
func exact(name string, asked *string, got string) string {
	if asked == nil || *asked == "" || *asked == got {
		return ""
	}
	return name
}

// containsFold is name when a filter was asked for and the entry's value does not hold it, in
// any case: the match the API documents as partial.
func containsFold(name string, asked *string, got string) string {
	if asked == nil || strings.Contains(strings.ToLower(got), strings.ToLower(*asked)) {
		return ""
	}
	return name
}

// List reads every entry of req in region ("" for the client's) through the list engine:
// paged, paced, retried, coalesced with identical reads and kept for later ones, as every list is.
func List[R, P, I any, E comparable](ctx context.Context, c *Client, d *Declaration[R, P, I, E], region string, req R) (*Result[E], error) {
	if region == "" {
		region = c.cfg.Region
	}
	if d.Region != nil {
		*d.Region(&req) = region
	}
	return listAll(ctx, c, d.op(), sdkQuery[R]{req: req, regionName: region, d: d})
}

// sdkQuery is an SDK request, and the region it goes to, as the engine's query.
type sdkQuery[R any] struct {
	req        R
	regionName string
	d          interface {
		key(string, R) string
		validate(string, *R) error
	}
}

func (q sdkQuery[R]) Key() string     { return q.d.key(q.regionName, q.req) }
func (q sdkQuery[R]) region() string  { return q.regionName }
func (q sdkQuery[R]) validate() error { return q.d.validate(q.regionName, &q.req) }

// Key identifies what selects the result of req in region: equal keys, equal results.
func (d *Declaration[R, P, I, E]) Key(region string, req R) string { return d.key(region, req) }

// key is the region and the request's own encoding without its page: equal requests, equal
// results. The SDK's request types encode to JSON with every query, path and header field.
func (d *Declaration[R, P, I, E]) key(region string, r R) string {
	d.Page(&r, nil, nil)
	b, err := json.Marshal(r)
	if err != nil {
		// Never shared with another request, rather than shared wrongly.
		return fmt.Sprintf("unencodable %p", &r)
	}
	return region + "\n" + string(b)
}

func (d *Declaration[R, P, I, E]) validate(region string, r *R) error {
	if err := endpoints.ValidateRegion(region); err != nil {
		return fmt.Errorf("region: %w", err)
	}
	for name, v := range d.Segments(r) {
		if err := ValidateImageID(v); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	return nil
}

// op is the declaration as the engine reads it.
func (d *Declaration[R, P, I, E]) op() *listOp[sdkQuery[R], E] {
	var mismatch func(sdkQuery[R], E) string
	if d.Mismatch != nil {
		mismatch = func(q sdkQuery[R], e E) string { return d.Mismatch(&q.req, e) }
	}
	return &listOp[sdkQuery[R], E]{
		name:     d.Name,
		pageSize: d.PageSize,
		hints:    d.Hints,
		call: func(hc *core.HcHttpClient, q sdkQuery[R], offset, limit int32) (any, error) {
			r := q.req
			d.Page(&r, &offset, &limit)
			return d.Send(hssv5.NewHssClient(hc), &r)
		},
		decode: func(out any) (*int32, []E, bool, string) {
			p, ok := out.(*P)
			if !ok || p == nil {
				return nil, nil, false, "no response body"
			}
			// A missing or null data_list decodes as nil: not the empty list.
			items := d.Items(p)
			if items == nil || *items == nil {
				return d.Total(p), []E{}, false, ""
			}
			entries := make([]E, len(*items))
			for i, it := range *items {
				entries[i] = d.Entry(it)
			}
			return d.Total(p), entries, true, ""
		},
		size:     entrySize[E],
		mismatch: mismatch,
	}
}

// entrySize is what an entry holds on the heap: its struct and, for each string field, the
// allocation the runtime makes for it.
func entrySize[E any](e E) int {
	n := int(unsafe.Sizeof(e))
	v := reflect.ValueOf(e)
	if v.Kind() != reflect.Struct {
		return n
	}
	for i := range v.NumField() {
		if f := v.Field(i); f.Kind() == reflect.String {
			n += heapString(f.String())
		}
	}
	return n
}

// Field helpers the declarations share.

// millisTime is a time in milliseconds since the epoch as RFC 3339, "" for none.
func millisTime(ms *int64) string {
	if ms == nil || *ms <= 0 {
		return ""
	}
	return time.UnixMilli(*ms).UTC().Format(time.RFC3339)
}

func count(n *int32) int64 {
	if n == nil {
		return 0
	}
	return int64(*n)
}

// ensure is the string a pointer field holds, allocated when nil.
func ensure(p **string) *string {
	if *p == nil {
		*p = new(string)
	}
	return *p
}
