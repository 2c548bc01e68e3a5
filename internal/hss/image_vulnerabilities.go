package hss

import (
	"cmp"

	hssv5 "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/hss/v5"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/hss/v5/model"
)

// An image's vulnerabilities, GET /v5/{project_id}/image/{image_id}/vulnerabilities, as a
// declaration. Its request has no region header, names the tag tag_name, and takes a limit of
// 10 to 200 (SDK model comments).

// OpListImageVulnerabilities names the API in errors.
const OpListImageVulnerabilities = "GET /v5/{project_id}/image/{image_id}/vulnerabilities"

// VulnerabilityImageTypes are the image types the API accepts, as the SDK's request model lists them.
var VulnerabilityImageTypes = []string{"private_image", "shared_image", "instance_image", "cicd", "harbor", "jfrog"}

// Values of the API's filters, as the SDK's request model lists them.
var (
	RepairNecessities  = []string{"immediate_repair", "delay_repair", "not_needed_repair"}
	VulnerabilityKinds = []string{"linux_vul", "app_vul"}
	HandleStatuses     = []string{"unhandled", "handled"}
)

// VulnerabilityQuery is the vulnerability query of one image; empty strings are left out.
type VulnerabilityQuery struct {
	// Region is where the query goes ("" for the client's); the API takes it as the host only.
	Region                                                                   string
	ImageID, ImageType, Namespace, ImageName, ImageVersion, InstanceID       string
	RepairNecessity, VulID, AppName, Type, HandleStatus, EnterpriseProjectID string
}

// Request is q as the SDK sends it. The API calls the tag tag_name; the query keeps the name
// the other APIs use.
func (q VulnerabilityQuery) Request() model.ListImageVulnerabilitiesRequest {
	return model.ListImageVulnerabilitiesRequest{EnterpriseProjectId: opt(q.EnterpriseProjectID), ImageType: q.ImageType, ImageId: q.ImageID,
		Namespace: q.Namespace, ImageName: q.ImageName, TagName: q.ImageVersion, InstanceId: opt(q.InstanceID),
		RepairNecessity: opt(q.RepairNecessity), VulId: opt(q.VulID), AppName: opt(q.AppName), Type: opt(q.Type), HandleStatus: opt(q.HandleStatus)}
}

// ImageVulnerability is one vulnerability HSS found in an image.
type ImageVulnerability struct {
	VulID, RepairNecessity, Description, Position, AppName, AppPath, Version, Solution, URL string
}

// ImageVulnerabilities is the vulnerability list of one image.
var ImageVulnerabilities = &Declaration[model.ListImageVulnerabilitiesRequest, model.ListImageVulnerabilitiesResponse, model.ImageVulInfo, ImageVulnerability]{
	Name:     OpListImageVulnerabilities,
	PageSize: 200,
	Page: func(r *model.ListImageVulnerabilitiesRequest, offset, limit *int32) {
		r.Offset, r.Limit = offset, limit
	},
	Send:  (*hssv5.HssClient).ListImageVulnerabilities,
	Total: func(p *model.ListImageVulnerabilitiesResponse) *int32 { return p.TotalNum },
	Items: func(p *model.ListImageVulnerabilitiesResponse) *[]model.ImageVulInfo { return p.DataList },
	Entry: func(it model.ImageVulInfo) ImageVulnerability {
		return ImageVulnerability{VulID: deref(it.VulId), RepairNecessity: deref(it.RepairNecessity), Description: deref(it.Description),
			Position: deref(it.Position), AppName: deref(it.AppName), AppPath: deref(it.AppPath), Version: deref(it.Version),
			Solution: deref(it.Solution), URL: deref(it.Url)}
	},
	Segments: func(r *model.ListImageVulnerabilitiesRequest) map[string]string {
		return map[string]string{"image_id": r.ImageId}
	},
	// repair_necessity and app_name exactly; vul_id is documented as a partial match, so an
	// entry must hold it, in any case. The image's namespace, name and tag select the image,
	// and no entry carries them.
	Mismatch: func(r *model.ListImageVulnerabilitiesRequest, e ImageVulnerability) string {
		return cmp.Or(exact("repair_necessity", r.RepairNecessity, e.RepairNecessity), exact("app_name", r.AppName, e.AppName),
			containsFold("vul_id", r.VulId, e.VulID))
	},
}
