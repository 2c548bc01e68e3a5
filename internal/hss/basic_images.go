package hss

import (
	"context"

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
	return List(ctx, c, BasicImages, q.Region, q.Request())
}

// Request is q as the SDK sends it; empty strings are left out.
func (q BasicImageQuery) Request() model.ListImageBasicImageRequest {
	return model.ListImageBasicImageRequest{Region: q.Region, ImageId: q.ImageID, ImageType: q.ImageType,
		EnterpriseProjectId: opt(q.EnterpriseProjectID), Namespace: opt(q.Namespace), ImageName: opt(q.ImageName),
		ImageVersion: opt(q.ImageVersion), OsName: opt(q.OSName)}
}

// Key identifies everything that selects q's result: equal keys, equal results.
func (q BasicImageQuery) Key() string { return BasicImages.key(q.Region, q.Request()) }

// BasicImages is the basic-image API.
var BasicImages = &Declaration[model.ListImageBasicImageRequest, model.ListImageBasicImageResponse, model.ImageBasicImageInfo, BasicImage]{
	Name:     OpListBasicImages,
	PageSize: BasicImagePageSize,
	Hints: map[string]string{
		"HSS.0011": "HSS found no such resource: check image_id, image_type and, for repository images, namespace, image_name and image_version, " +
			"and that enterprise_project_id names an existing enterprise project.",
	},
	Page:  func(r *model.ListImageBasicImageRequest, offset, limit *int32) { r.Offset, r.Limit = offset, limit },
	Send:  (*hssv5.HssClient).ListImageBasicImage,
	Total: func(p *model.ListImageBasicImageResponse) *int32 { return p.TotalNum },
	Items: func(p *model.ListImageBasicImageResponse) *[]model.ImageBasicImageInfo { return p.DataList },
	Entry: func(it model.ImageBasicImageInfo) BasicImage {
		return BasicImage{OSName: deref(it.OsName), OSVersion: deref(it.OsVersion), LayerDigest: deref(it.LayerDigest)}
	},
	Region: func(r *model.ListImageBasicImageRequest) *string { return &r.Region },
	Segments: func(r *model.ListImageBasicImageRequest) map[string]string {
		return map[string]string{"image_id": r.ImageId}
	},
	// os_name is documented as what the OS name "matches": an entry must hold it, in any
	// case, as the service matches it. The image's namespace, name and tag select the
	// image, and no entry carries them.
	Mismatch: func(r *model.ListImageBasicImageRequest, e BasicImage) string {
		return containsFold("os_name", r.OsName, e.OSName)
	},
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
