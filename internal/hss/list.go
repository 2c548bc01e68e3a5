package hss

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"reflect"

	"github.com/hashicorp/terraform-plugin-log/tflog"
	hssv5 "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/hss/v5"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/hss/v5/model"
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
}

// DefaultMaxPages caps one read at 1,000 pages (200,000 entries) whatever total_num claims.
const DefaultMaxPages = 1000

// ErrTooManyPages is returned when total_num asks for more pages than the cap allows.
var ErrTooManyPages = errors.New("the result is larger than the provider reads")

// ErrRepeatedPage is returned when the API serves the same page for a new offset.
var ErrRepeatedPage = errors.New("the API returned the same page for a new offset")

// ListBasicImages returns every basic-image entry matching q, paging with the largest page
// size and stopping on the API's own signals: never more than ceil(total_num/200) requests.
func (c *Client) ListBasicImages(ctx context.Context, q Query) (*Result, error) {
	region := q.Region
	if region == "" {
		region = c.cfg.Region
	}
	cred, pid, err := c.credential(ctx, region)
	if err != nil {
		return nil, err
	}
	bt := &boundTransport{ctx: ctx, next: c.transport}
	api := hssv5.NewHssClient(c.sdkClientWith(bt, c.cfg.hssEndpoint(region), cred))

	res := &Result{Region: region, ProjectID: pid, Items: []BasicImage{}}
	maxPages := 1
	reauthenticated := false
	var prev []model.ImageBasicImageInfo
	for page := 0; page < maxPages; page++ {
		offset := int32(len(res.Items)) //nolint:gosec // bounded by maxPages*PageSize
		req := q.request(region, offset)
		var resp *model.ListImageBasicImageResponse
		inFlight := fmt.Sprintf("%s page %d (offset %d)", OpListBasicImages, page+1, offset)
		err := c.retrying(ctx, bt, inFlight, func() error {
			res.Requests++
			var err error
			resp, err = api.ListImageBasicImage(req)
			return err
		})
		if err != nil && !reauthenticated && c.tokenRejected(err, region, cred) {
			// A password-issued token expired or was revoked mid-run: authenticate once more.
			reauthenticated = true
			tflog.Info(ctx, "HSS provider re-authenticating after the token was refused", map[string]any{"region": region})
			if cred, _, err = c.credential(ctx, region); err != nil {
				return nil, err
			}
			api = hssv5.NewHssClient(c.sdkClientWith(bt, c.cfg.hssEndpoint(region), cred))
			page--
			continue
		}
		if err != nil {
			return nil, describe(OpListBasicImages, err, bt)
		}
		last := bt.lastExchange()
		if resp.TotalNum == nil {
			return nil, &DecodeError{Operation: OpListBasicImages, StatusCode: last.status, RequestID: last.requestID, Reason: "the response has no total_num"}
		}
		total := int(*resp.TotalNum)
		if total < 0 {
			return nil, &DecodeError{Operation: OpListBasicImages, StatusCode: last.status, RequestID: last.requestID, Reason: fmt.Sprintf("negative total_num %d", total)}
		}
		var items []model.ImageBasicImageInfo
		if resp.DataList != nil {
			items = *resp.DataList
		}
		if page == 0 {
			res.TotalNum = total
			maxPages = max(1, (total+PageSize-1)/PageSize)
			if limit := c.maxPages(); maxPages > limit {
				return nil, fmt.Errorf("%s: total_num is %d, which needs %d pages; at most %d pages (%d entries) are read (request ID %s): %w",
					OpListBasicImages, total, maxPages, limit, limit*PageSize, last.requestID, ErrTooManyPages)
			}
		} else if len(items) > 0 && reflect.DeepEqual(items, prev) {
			return nil, fmt.Errorf("%s at offset %d (request ID %s): %w", OpListBasicImages, offset, last.requestID, ErrRepeatedPage)
		}
		for _, it := range items {
			res.Items = append(res.Items, BasicImage{OSName: deref(it.OsName), OSVersion: deref(it.OsVersion), LayerDigest: deref(it.LayerDigest)})
		}
		tflog.Debug(ctx, "HSS basic-image page read", map[string]any{
			"page": page + 1, "offset": offset, "entries": len(items), "total_num": total, "request_id": last.requestID,
		})
		if len(items) < PageSize || len(res.Items) >= res.TotalNum {
			break
		}
		prev = items
	}
	if n := len(res.Items); n != res.TotalNum {
		res.Warnings = append(res.Warnings, fmt.Sprintf(
			"The API reported total_num %d but returned %d entries in %d request(s); data_list holds what was returned.", res.TotalNum, n, res.Requests))
	}
	return res, nil
}

func (q Query) request(region string, offset int32) *model.ListImageBasicImageRequest {
	limit := int32(PageSize)
	return &model.ListImageBasicImageRequest{
		Region:              region,
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
