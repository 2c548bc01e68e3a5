package hss

import (
	"context"
	"fmt"
	"net/url"
	"unsafe"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core"
	hssv5 "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/hss/v5"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/hss/v5/model"
)

// The basic-image API, GET /v5/{project_id}/image/{image_id}/basic-image, as a list declaration.

// OpListBasicImages names the API in errors.
const OpListBasicImages = "GET /v5/{project_id}/image/{image_id}/basic-image"

// BasicImagePageSize is the largest page the API serves.
const BasicImagePageSize = 200

// ImageTypes are the values the API accepts for image_type.
var ImageTypes = []string{"private_image", "shared_image", "instance_image", "cicd", "harbor"}

// ImageTypeCICD is the one image type identified by its ID alone; the others are repository
// images identified by namespace, name and tag.
const ImageTypeCICD = "cicd"

// BasicImageQuery is one basic-image query. Empty strings are left out of the request.
type BasicImageQuery struct {
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

// ListBasicImages returns every basic-image entry matching q (see listAll).
func (c *Client) ListBasicImages(ctx context.Context, q BasicImageQuery) (*Result[BasicImage], error) {
	if q.Region == "" {
		q.Region = c.cfg.Region
	}
	return listAll(ctx, c, basicImages, q)
}

var basicImages = &listOp[BasicImageQuery, BasicImage]{
	name:     OpListBasicImages,
	pageSize: BasicImagePageSize,
	hints: map[string]string{
		"HSS.0011": "HSS found no such resource: check image_id, image_type and, for repository images, namespace, image_name and image_version, " +
			"and that enterprise_project_id names an existing enterprise project.",
	},
	call: func(hc *core.HcHttpClient, q BasicImageQuery, offset, limit int32) (any, error) {
		return hssv5.NewHssClient(hc).ListImageBasicImage(&model.ListImageBasicImageRequest{
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
		})
	},
	decode: func(out any) (*int32, []BasicImage, string) {
		resp, ok := out.(*model.ListImageBasicImageResponse)
		if !ok || resp == nil {
			return nil, nil, "no response body"
		}
		if resp.DataList == nil {
			return resp.TotalNum, nil, ""
		}
		items := make([]BasicImage, len(*resp.DataList))
		for i, it := range *resp.DataList {
			items[i] = BasicImage{OSName: deref(it.OsName), OSVersion: deref(it.OsVersion), LayerDigest: deref(it.LayerDigest)}
		}
		return resp.TotalNum, items, ""
	},
	size: func(b BasicImage) int {
		return int(unsafe.Sizeof(b)) + heapString(b.OSName) + heapString(b.OSVersion) + heapString(b.LayerDigest)
	},
}

func (q BasicImageQuery) region() string { return q.Region }

// validate checks what becomes part of the URL before anything is sent.
func (q BasicImageQuery) validate() error {
	if err := ValidateRegion(q.Region); err != nil {
		return fmt.Errorf("region: %w", err)
	}
	if err := ValidateImageID(q.ImageID); err != nil {
		return fmt.Errorf("image_id: %w", err)
	}
	return nil
}

// Key identifies everything that selects a result: equal keys, equal results.
func (q BasicImageQuery) Key() string {
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
