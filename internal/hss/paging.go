package hss

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/hashicorp/terraform-plugin-log/tflog"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core"
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
	// Shared is set when the result came from an identical read: one in flight, or one kept
	// from earlier in the run. Its Items must not be changed.
	Shared bool
}

// ErrTooManyPages is returned when total_num asks for more pages than the cap allows.
var ErrTooManyPages = errors.New("the result is larger than the provider reads")

// ErrRepeatedPage is returned when the API serves the same page for a new offset.
var ErrRepeatedPage = errors.New("the API returned the same page for a new offset")

// ErrListChanged is returned when every attempt to read a list saw it change between pages.
var ErrListChanged = errors.New("the list changed while it was being read")

// ListBasicImages returns every basic-image entry matching q, paging with the largest page
// size and stopping on the API's own signals: never more than ceil(total_num/200) requests a
// pass. After the first page, the others are fetched concurrently (Config.PageConcurrency)
// and kept in API order. A list that changes between pages is read again from the start.
// Identical queries share one read: concurrent ones wait for it, later ones get the kept result.
func (c *Client) ListBasicImages(ctx context.Context, q Query) (*Result, error) {
	if q.Region == "" {
		q.Region = c.cfg.Region
	}
	if err := q.validate(); err != nil {
		return nil, err
	}
	res, shared, err := c.reads.do(ctx, q.Key(), func(ctx context.Context) (*Result, error) {
		return c.list(ctx, q)
	})
	if err != nil {
		return nil, c.redactor.RedactError(err)
	}
	if shared {
		r := *res
		r.Requests, r.Shared = 0, true
		return &r, nil
	}
	return res, nil
}

// validate checks what becomes part of the URL before anything is sent.
func (q Query) validate() error {
	if err := ValidateRegion(q.Region); err != nil {
		return fmt.Errorf("region: %w", err)
	}
	if err := ValidateImageID(q.ImageID); err != nil {
		return fmt.Errorf("image_id: %w", err)
	}
	return nil
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
	items     []BasicImage
	requestID string
}

// reader is one read's state, shared by its concurrent page fetches.
type reader struct {
	c        *Client
	q        Query
	requests atomic.Int32

	mu      sync.Mutex
	cred    auth.ICredential
	renewed bool
}

func (c *Client) list(ctx context.Context, q Query) (*Result, error) {
	cred, pid, err := c.credential(ctx, q.Region)
	if err != nil {
		return nil, err
	}
	r := &reader{c: c, q: q, cred: cred}
	var prev []page
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
		if pass >= c.listAttempts() {
			return nil, fmt.Errorf("%s: %w: %s; read %d times from the start without a stable answer (%d requests)",
				OpListBasicImages, ErrListChanged, change, pass, r.requests.Load())
		}
		c.redactor.warn(ctx, "HSS basic-image list changed while it was being read; reading it again", map[string]any{
			"change": change, "pass": pass,
		})
		prev = pages
	}
}

// pass reads the list once: the first page, then the rest, up to the first short page.
func (r *reader) pass(ctx context.Context) ([]page, error) {
	first, err := r.fetch(ctx, 0)
	if err != nil {
		return nil, err
	}
	pages := max(1, (first.total+PageSize-1)/PageSize)
	if limit := r.c.maxPages(); pages > limit {
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
	// A short page is the API saying there is no more.
	for i, p := range all {
		if i > 0 && len(p.items) > 0 && slices.Equal(p.items, all[i-1].items) {
			return nil, fmt.Errorf("%s at offset %d (request ID %s): %w", OpListBasicImages, i*PageSize, p.requestID, ErrRepeatedPage)
		}
		if len(p.items) < PageSize {
			return all[:i+1], nil
		}
	}
	return all, nil
}

// changed describes how pages show the list changing between them, or is empty: every page
// must report the first page's total_num, and no entry may appear on both sides of a page
// boundary, which is what an entry inserted or removed in between does.
func changed(pages []page) string {
	for i := 1; i < len(pages); i++ {
		if pages[i].total != pages[0].total {
			return fmt.Sprintf("total_num was %d on page 1 and %d on page %d", pages[0].total, pages[i].total, i+1)
		}
	}
	for i := 1; i < len(pages); i++ {
		seen := make(map[BasicImage]bool, len(pages[i-1].items))
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

func samePages(a, b []page) bool {
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

func (r *reader) result(projectID string, pages []page) *Result {
	n := 0
	for _, p := range pages {
		n += len(p.items)
	}
	res := &Result{Region: r.q.Region, ProjectID: projectID, TotalNum: pages[0].total, Items: make([]BasicImage, 0, n), Requests: int(r.requests.Load())}
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

// fetch reads page n (from 0).
func (r *reader) fetch(ctx context.Context, n int) (page, error) {
	// Its own logging fields: tflog masking writes to them, so concurrent pages must not share.
	ctx = tflog.SetField(ctx, "hss_page", n+1)
	offset := n * PageSize
	req := r.q.request(int32(offset)) //nolint:gosec // offset is bounded by the page cap
	r.mu.Lock()
	cred := r.cred
	r.mu.Unlock()
	op := operation{
		name:     OpListBasicImages,
		inFlight: fmt.Sprintf("%s page %d (offset %d)", OpListBasicImages, n+1, offset),
		endpoint: r.c.cfg.hssEndpoint(r.q.Region),
		want:     http.StatusOK,
		paced:    true,
		cred:     cred,
		invoke: func(hc *core.HcHttpClient) (any, error) {
			return hssv5.NewHssClient(hc).ListImageBasicImage(req)
		},
	}
	if r.c.renewable() {
		op.renew = r.renew
	}
	out, last, sent, err := r.c.call(ctx, op)
	r.requests.Add(int32(sent)) //nolint:gosec // bounded by max_retries
	if err != nil {
		return page{}, err
	}
	bad := func(reason string) (page, error) {
		return page{}, &DecodeError{Operation: OpListBasicImages, StatusCode: last.status, RequestID: last.requestID, Reason: reason}
	}
	resp, ok := out.(*model.ListImageBasicImageResponse)
	switch {
	case !ok || resp == nil:
		return bad("no response body")
	case resp.TotalNum == nil:
		return bad("the response has no total_num")
	case *resp.TotalNum < 0:
		return bad(fmt.Sprintf("negative total_num %d", *resp.TotalNum))
	}
	p := page{total: int(*resp.TotalNum), requestID: last.requestID}
	if resp.DataList != nil {
		if len(*resp.DataList) > PageSize {
			// Offsets of later pages assume the limit was obeyed; entries would repeat otherwise.
			return bad(fmt.Sprintf("%d entries on a page of at most %d", len(*resp.DataList), PageSize))
		}
		p.items = make([]BasicImage, len(*resp.DataList))
		for i, it := range *resp.DataList {
			p.items[i] = BasicImage{OSName: deref(it.OsName), OSVersion: deref(it.OsVersion), LayerDigest: deref(it.LayerDigest)}
		}
	}
	r.c.redactor.debug(ctx, "HSS basic-image page read", map[string]any{
		"page": n + 1, "offset": offset, "entries": len(p.items), "total_num": p.total, "request_id": last.requestID,
	})
	return p, nil
}

// renew replaces a refused obtained credential, once per read: pages refused with the old
// one after that get the new one.
func (r *reader) renew(ctx context.Context, refused auth.ICredential) (auth.ICredential, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.cred != refused {
		return r.cred, true
	}
	if r.renewed {
		return nil, false
	}
	r.renewed = true
	r.c.dropCredential(r.q.Region, refused)
	cred, _, err := r.c.credential(ctx, r.q.Region)
	if err != nil {
		return nil, false
	}
	r.cred = cred
	return cred, true
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
