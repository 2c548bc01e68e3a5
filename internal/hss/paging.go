package hss

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"sync"
	"sync/atomic"

	"github.com/hashicorp/terraform-plugin-log/tflog"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth"
	hssv5 "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/hss/v5"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/hss/v5/model"
	"golang.org/x/sync/errgroup"
)

// PageSize is the largest page the API serves.
const PageSize = 200

// OpListBasicImages names the API in errors.
const OpListBasicImages = "GET /v5/{project_id}/image/{image_id}/basic-image"

// ImageTypes are the values the API accepts for image_type.
var ImageTypes = []string{"private_image", "shared_image", "instance_image", "cicd", "harbor"}

// ImageTypeCICD is the one image type identified by its ID alone; the others are repository
// images identified by namespace, name and tag.
const ImageTypeCICD = "cicd"

// Query is one basic-image query. Empty strings are left out of the request.
type Query struct {
	Region              string // empty: the client's region
	ImageID             string
	ImageType           string
	Namespace           string
	ImageName           string
	ImageVersion        string
	OSName              string
	EnterpriseProjectID string
}

// BasicImage is one entry of the API's data_list.
type BasicImage struct {
	OSName      string
	OSVersion   string
	LayerDigest string
}

// Result is every entry of a query, in API order.
type Result struct {
	Region    string
	ProjectID string
	TotalNum  int
	Items     []BasicImage
	// Requests is the number of HSS requests the read made.
	Requests int
	// Warnings describe inconsistencies the read survived, e.g. fewer entries than total_num.
	Warnings []string
	// Shared is set when the result came from an identical read already in flight.
	Shared bool
}

// DefaultMaxPages caps one read at 1,000 pages (200,000 entries) whatever total_num claims.
const DefaultMaxPages = 1000

// ErrTooManyPages is returned when total_num asks for more pages than the cap allows.
var ErrTooManyPages = errors.New("the result is larger than the provider reads")

// ErrRepeatedPage is returned when the API serves the same page for a new offset.
var ErrRepeatedPage = errors.New("the API returned the same page for a new offset")

// ListBasicImages returns every basic-image entry matching q, paging with the largest page
// size and stopping on the API's own signals: never more than ceil(total_num/200) requests.
// After the first page, the others are fetched concurrently (Config.PageConcurrency) in API
// order. Identical queries running at the same time share one read.
func (c *Client) ListBasicImages(ctx context.Context, q Query) (*Result, error) {
	if q.Region == "" {
		q.Region = c.cfg.Region
	}
	return c.reads.do(ctx, q.Key(), func(ctx context.Context) (*Result, error) {
		return c.list(ctx, q)
	})
}

// Key identifies everything that selects a result: equal keys, equal results.
func (q Query) Key() string {
	v := url.Values{}
	v.Set("region", q.Region)
	v.Set("image_id", q.ImageID)
	v.Set("image_type", q.ImageType)
	v.Set("namespace", q.Namespace)
	v.Set("image_name", q.ImageName)
	v.Set("image_version", q.ImageVersion)
	v.Set("os_name", q.OSName)
	v.Set("enterprise_project_id", q.EnterpriseProjectID)
	return v.Encode()
}

// page is one answer of the API.
type page struct {
	total     int
	items     []model.ImageBasicImageInfo
	requestID string
}

// reader is one read's state, shared by its concurrent page fetches.
type reader struct {
	c        *Client
	q        Query
	requests atomic.Int32

	mu              sync.Mutex
	cred            auth.ICredential
	reauthenticated bool
}

func (c *Client) list(ctx context.Context, q Query) (*Result, error) {
	cred, pid, err := c.credential(ctx, q.Region)
	if err != nil {
		return nil, err
	}
	r := &reader{c: c, q: q, cred: cred}
	res := &Result{Region: q.Region, ProjectID: pid, Items: []BasicImage{}}
	defer func() { res.Requests = int(r.requests.Load()) }()

	first, err := r.fetch(ctx, 0)
	if err != nil {
		return nil, err
	}
	res.TotalNum = first.total
	pages := max(1, (first.total+PageSize-1)/PageSize)
	if limit := c.maxPages(); pages > limit {
		return nil, fmt.Errorf("%s: total_num is %d, which needs %d pages; at most %d pages (%d entries) are read (request ID %s): %w",
			OpListBasicImages, first.total, pages, limit, limit*PageSize, first.requestID, ErrTooManyPages)
	}
	all := []page{first}
	if pages > 1 && len(first.items) >= PageSize {
		rest, err := r.fetchRest(ctx, pages)
		if err != nil {
			return nil, err
		}
		all = append(all, rest...)
	}
	for i, p := range all {
		if i > 0 && len(p.items) > 0 && reflect.DeepEqual(p.items, all[i-1].items) {
			return nil, fmt.Errorf("%s at offset %d (request ID %s): %w", OpListBasicImages, i*PageSize, p.requestID, ErrRepeatedPage)
		}
		for _, it := range p.items {
			res.Items = append(res.Items, BasicImage{OSName: deref(it.OsName), OSVersion: deref(it.OsVersion), LayerDigest: deref(it.LayerDigest)})
		}
		// A short page is the API saying there is no more.
		if len(p.items) < PageSize {
			break
		}
	}
	if n := len(res.Items); n != res.TotalNum {
		res.Warnings = append(res.Warnings, fmt.Sprintf(
			"The API reported total_num %d but returned %d entries in %d request(s); data_list holds what was returned.", res.TotalNum, n, r.requests.Load()))
	}
	return res, nil
}

// fetchRest reads pages 2..pages. With one worker it goes in order and stops at the first
// short page; with more it fetches them concurrently and fails on the first error.
func (r *reader) fetchRest(ctx context.Context, pages int) ([]page, error) {
	workers := r.c.pageConcurrency()
	if workers <= 1 {
		var out []page
		for n := 1; n < pages; n++ {
			p, err := r.fetch(ctx, n)
			if err != nil {
				return nil, err
			}
			out = append(out, p)
			if len(p.items) < PageSize {
				break
			}
		}
		return out, nil
	}
	out := make([]page, pages-1)
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

// fetch reads page n (from 0), retrying and, once per read, re-authenticating.
func (r *reader) fetch(ctx context.Context, n int) (page, error) {
	// Its own logging fields: tflog masking writes to them, so concurrent pages must not share.
	ctx = tflog.SetField(ctx, "hss_page", n+1)
	offset := n * PageSize
	bt := &boundTransport{ctx: ctx, next: r.c.transport}
	req := r.q.request(int32(offset)) //nolint:gosec // offset is bounded by the page cap
	inFlight := fmt.Sprintf("%s page %d (offset %d)", OpListBasicImages, n+1, offset)
	for {
		r.mu.Lock()
		cred := r.cred
		r.mu.Unlock()
		api := hssv5.NewHssClient(r.c.sdkClientWith(bt, r.c.cfg.hssEndpoint(r.q.Region), cred))
		var resp *model.ListImageBasicImageResponse
		err := r.c.retrying(ctx, bt, inFlight, func() error {
			if err := r.c.pace(ctx); err != nil {
				return err
			}
			r.requests.Add(1)
			var err error
			resp, err = api.ListImageBasicImage(req)
			return err
		})
		if err != nil && r.reauthenticate(ctx, err, cred) {
			continue
		}
		if err != nil {
			return page{}, describe(OpListBasicImages, err, bt)
		}
		last := bt.lastExchange()
		if resp.TotalNum == nil {
			return page{}, &DecodeError{Operation: OpListBasicImages, StatusCode: last.status, RequestID: last.requestID, Reason: "the response has no total_num"}
		}
		p := page{total: int(*resp.TotalNum), requestID: last.requestID}
		if p.total < 0 {
			return page{}, &DecodeError{Operation: OpListBasicImages, StatusCode: last.status, RequestID: last.requestID, Reason: fmt.Sprintf("negative total_num %d", p.total)}
		}
		if resp.DataList != nil {
			p.items = *resp.DataList
		}
		if len(p.items) > PageSize {
			// Offsets of later pages assume the limit was obeyed; entries would repeat otherwise.
			return page{}, &DecodeError{Operation: OpListBasicImages, StatusCode: last.status, RequestID: last.requestID,
				Reason: fmt.Sprintf("%d entries on a page of at most %d", len(p.items), PageSize)}
		}
		tflog.Debug(ctx, "HSS basic-image page read", map[string]any{
			"page": n + 1, "offset": offset, "entries": len(p.items), "total_num": p.total, "request_id": last.requestID,
		})
		return p, nil
	}
}

// reauthenticate replaces a refused password-issued token, once per read.
func (r *reader) reauthenticate(ctx context.Context, err error, used auth.ICredential) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.cred != used {
		return true // another page already replaced it
	}
	if r.reauthenticated || !r.c.tokenRejected(err, r.q.Region, used) {
		return false
	}
	r.reauthenticated = true
	tflog.Info(ctx, "HSS provider re-authenticating after the token was refused", map[string]any{"region": r.q.Region})
	cred, _, cerr := r.c.credential(ctx, r.q.Region)
	if cerr != nil {
		return false
	}
	r.cred = cred
	return true
}

func (q Query) request(offset int32) *model.ListImageBasicImageRequest {
	limit := int32(PageSize)
	return &model.ListImageBasicImageRequest{
		Region:              q.Region,
		ImageId:             q.ImageID,
		ImageType:           q.ImageType,
		Limit:               &limit,
		Offset:              &offset,
		EnterpriseProjectId: opt(q.EnterpriseProjectID),
		Namespace:           opt(q.Namespace),
		ImageName:           opt(q.ImageName),
		ImageVersion:        opt(q.ImageVersion),
		OsName:              opt(q.OSName),
	}
}

// describe turns an SDK error into this package's types, adding what the transport saw.
func describe(op string, err error, bt *boundTransport) error {
	var re *RetryError
	if errors.As(err, &re) {
		return &RetryError{Attempts: re.Attempts, Err: describe(op, re.Err, bt)}
	}
	var ie *InterruptedError
	if errors.As(err, &ie) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	err = fromSDK(op, err)
	var de *DecodeError
	if errors.As(err, &de) && de.RequestID == "" {
		last := bt.lastExchange()
		de.StatusCode, de.RequestID = last.status, last.requestID
	}
	var ae *APIError
	if errors.As(err, &ae) || errors.As(err, &de) {
		return err
	}
	if last := bt.lastExchange(); last.status != 0 && last.status < http.StatusBadRequest {
		// The body broke off after a good status line.
		return &DecodeError{Operation: op, StatusCode: last.status, RequestID: last.requestID, Reason: err.Error()}
	}
	return err
}

func opt(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
