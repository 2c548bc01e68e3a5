package hss

import (
	"cmp"
	"encoding/json"
	"slices"
	"strings"

	hssv5 "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/hss/v5"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/hss/v5/model"
)

// The images of every registry HSS is connected to, GET /v5/{project_id}/image/registries/images,
// as a declaration. Its request has no region header, image_type is optional, and it takes a
// limit of 1 to 200 (SDK model comments).

// OpListRegistryImages names the API in errors.
const OpListRegistryImages = "GET /v5/{project_id}/image/registries/images"

// The values of the API's enumerations, as the SDK's models document them, in their order.
// Entries keep what the API sent, a value outside these lists included: a policy must treat
// an unknown value as the worst.
var (
	// RegistryImageTypes are the image types the API lists and filters by.
	RegistryImageTypes = []string{"private_image", "shared_image", "instance_image", "harbor", "jfrog"}
	// RegistryScanStatusFilters are the scan states the request's scan_status filter takes.
	RegistryScanStatusFilters = []string{"unscan", "success", "scanning", "failed", "waiting_for_scan"}
	// RegistryScanStatuses are the scan states an entry, or a platform image of a multi-arch
	// one, may report: the filter's and download_failed and image_oversized.
	RegistryScanStatuses = []string{"unscan", "success", "scanning", "failed", "download_failed", "image_oversized", "waiting_for_scan"}
	// ScanFailedCodes say why a scan failed (scan_failed_code).
	ScanFailedCodes = []string{"unknown_error", "authentication_failed", "download_failed", "image_over_sized", "get_detail_info_not_found",
		"image_layer_over_sized", "schema_v1_not_support", "access_swr_failed", "swr_authentication_error", "failed_to_scan_vulnerability",
		"failed_to_scan_file", "failed_to_scan_software", "failed_to_check_sensitive_information", "failed_to_check_baseline",
		"failed_to_check_software_compliance", "failed_to_query_basic_image_information", "failed_to_check_build_cmd",
		"response_timed_out", "database_error", "failed_to_send_the_scan_request"}
	// SeverityLevels are an image's risk after a scan, mildest first.
	SeverityLevels = []string{"Security", "Low", "Medium", "High"}
	// RegistryTypes are the kinds of registry, of an image and of a registry alike.
	RegistryTypes = []string{"SwrPrivate", "SwrShared", "SwrEnterprise", "Harbor", "Jfrog", "Other"}
	// SharedStatuses say whether a shared image is still shared.
	SharedStatuses = []string{"expired", "effective"}
)

// Image types of SWR's own registries, which the registry host swr.<region>.<cloud> serves.
const (
	ImageTypePrivate    = "private_image"
	ImageTypeShared     = "shared_image"
	ImageTypeEnterprise = "instance_image"
)

// RegistryImage is one image of a registry HSS is connected to, as HSS knows it. Enumerated
// values are kept exactly as the API sent them.
type RegistryImage struct {
	// RecordID is the API's ID of this record (id), 0 when absent.
	RecordID                                   int64
	ImageID, ImageType, ImageDigest            string
	Namespace, ImageName, ImageVersion         string
	RegistryType, RegistryName, RegistryID     string
	InstanceID, InstanceName, InstanceURL      string
	DomainName, SharedStatus                   string
	ScanStatus, ScanFailedCode, ScanFailedDesc string
	// LatestScanTime, LatestUpdateTime and LatestSyncTime are RFC 3339 in UTC, "" when none.
	LatestScanTime, LatestUpdateTime, LatestSyncTime string
	SeverityLevel                                    string
	LatestVersion, IsMultipleArch, Scannable         bool
	ImageSize                                        int64
	VulNum, UnsafeSettingNum, MaliciousFileNum       int64
	// associations holds association_images as JSON: the list engine compares entries by
	// value (a page repeated for a new offset, an entry on both sides of a page boundary), so an
	// entry must be comparable, which a slice is not, and equal entries from two answers must
	// compare equal, which pointers to two decoded slices would not. A string is both, and the
	// engine counts its bytes.
	associations string
}

// AssociationImage is one platform image of a multi-arch image (association_images).
type AssociationImage struct {
	RecordID         int64  `json:"id,omitempty"`
	ImageID          string `json:"image_id,omitempty"`
	ImageType        string `json:"image_type,omitempty"`
	Namespace        string `json:"namespace,omitempty"`
	ImageName        string `json:"image_name,omitempty"`
	ImageVersion     string `json:"image_version,omitempty"`
	ImageDigest      string `json:"image_digest,omitempty"`
	ScanStatus       string `json:"scan_status,omitempty"`
	VulNum           int64  `json:"vul_num,omitempty"`
	UnsafeSettingNum int64  `json:"unsafe_setting_num,omitempty"`
	MaliciousFileNum int64  `json:"malicious_file_num,omitempty"`
}

// AssociationImages are the platform images of a multi-arch image, in API order; nil for others.
func (i RegistryImage) AssociationImages() []AssociationImage {
	if i.associations == "" {
		return nil
	}
	var out []AssociationImage
	if json.Unmarshal([]byte(i.associations), &out) != nil {
		return nil
	}
	return out
}

// WithAssociationImages is i with children as its platform images.
func (i RegistryImage) WithAssociationImages(children []AssociationImage) RegistryImage {
	i.associations = ""
	if len(children) > 0 {
		b, err := json.Marshal(children)
		if err == nil {
			i.associations = string(b)
		}
	}
	return i
}

// RegistryImages is the registry image list.
var RegistryImages = &Declaration[model.ListRegistryImagesRequest, model.ListRegistryImagesResponse, model.RegistryImagesInfo, RegistryImage]{
	Name:     OpListRegistryImages,
	PageSize: 200,
	Hints: map[string]string{
		"HSS.0011": "HSS found no such resource: check the filters, and that enterprise_project_id names an existing enterprise project.",
	},
	Page:     func(r *model.ListRegistryImagesRequest, offset, limit *int32) { r.Offset, r.Limit = offset, limit },
	Send:     (*hssv5.HssClient).ListRegistryImages,
	Total:    func(p *model.ListRegistryImagesResponse) *int32 { return p.TotalNum },
	Items:    func(p *model.ListRegistryImagesResponse) *[]model.RegistryImagesInfo { return p.DataList },
	Entry:    registryImage,
	Segments: func(*model.ListRegistryImagesRequest) map[string]string { return nil },
	Mismatch: registryImageMismatch,
}

func registryImage(it model.RegistryImagesInfo) RegistryImage {
	img := RegistryImage{RecordID: count64(it.Id), ImageID: deref(it.ImageId), ImageType: deref(it.ImageType), ImageDigest: deref(it.ImageDigest),
		Namespace: deref(it.Namespace), ImageName: deref(it.ImageName), ImageVersion: deref(it.ImageVersion),
		RegistryType: deref(it.RegistryType), RegistryName: deref(it.RegistryName), RegistryID: deref(it.RegistryId),
		InstanceID: deref(it.InstanceId), InstanceName: deref(it.InstanceName), InstanceURL: deref(it.InstanceUrl),
		DomainName: deref(it.DomainName), SharedStatus: deref(it.SharedStatus),
		ScanStatus: deref(it.ScanStatus), ScanFailedCode: deref(it.ScanFailedCode), ScanFailedDesc: deref(it.ScanFailedDesc),
		LatestScanTime: millisTime(it.LatestScanTime), LatestUpdateTime: millisTime(it.LatestUpdateTime), LatestSyncTime: millisTime(it.LatestSyncTime),
		SeverityLevel: deref(it.SeverityLevel), LatestVersion: flag(it.LatestVersion), IsMultipleArch: flag(it.IsMultipleArch),
		Scannable: flag(it.Scannable), ImageSize: count64(it.ImageSize),
		VulNum: count(it.VulNum), UnsafeSettingNum: count(it.UnsafeSettingNum), MaliciousFileNum: count(it.MaliciousFileNum)}
	if it.AssociationImages == nil {
		return img
	}
	children := make([]AssociationImage, 0, len(*it.AssociationImages))
	for _, a := range *it.AssociationImages {
		children = append(children, AssociationImage{RecordID: count64(a.Id), ImageID: deref(a.ImageId), ImageType: deref(a.ImageType),
			Namespace: deref(a.Namespace), ImageName: deref(a.ImageName), ImageVersion: deref(a.ImageVersion), ImageDigest: deref(a.ImageDigest),
			ScanStatus: deref(a.ScanStatus), VulNum: count(a.VulNum), UnsafeSettingNum: count(a.UnsafeSettingNum), MaliciousFileNum: count(a.MaliciousFileNum)})
	}
	return img.WithAssociationImages(children)
}

// registryImageMismatch names the first filter of r that names a value the entry reports and
// does not hold exactly: names exactly, enumerations as sent, and the two flags whose meaning
// is plain. A name only: drops are logged, and an entry's values are not.
func registryImageMismatch(r *model.ListRegistryImagesRequest, e RegistryImage) string {
	if why := cmp.Or(exact("namespace", r.Namespace, e.Namespace), exact("image_name", r.ImageName, e.ImageName),
		exact("image_version", r.ImageVersion, e.ImageVersion), exact("registry_name", r.RegistryName, e.RegistryName),
		exact("instance_id", r.InstanceId, e.InstanceID), exact("instance_name", r.InstanceName, e.InstanceName),
		exact("image_type", r.ImageType, e.ImageType), exact("scan_status", r.ScanStatus, e.ScanStatus),
		exact("severity_level", r.SeverityLevel, e.SeverityLevel)); why != "" {
		return why
	}
	if r.LatestVersion != nil && *r.LatestVersion && !e.LatestVersion {
		return "latest_version"
	}
	if r.IsMultarch != nil && *r.IsMultarch != e.IsMultipleArch {
		return "is_multiple_arch"
	}
	return ""
}

// OpListRegistries names the registry API in errors.
const OpListRegistries = "GET /v5/{project_id}/image/registries"

// Values of the registry API, as the SDK's models document them.
var (
	// RegistryStatuses are a registry's connection states.
	RegistryStatuses = []string{"success", "fail", "accessing"}
	// RegistryProtocols are how HSS reaches a registry.
	RegistryProtocols = []string{"http", "https"}
)

// Registry is one image registry connected to HSS.
type Registry struct {
	ID, Name, Type string
	// Addr is the registry's address as HSS has it (registry_addr); Protocol http or https.
	Addr, Protocol, APIVersion string
	Status, FailReason         string
	ImagesNum                  int64
	// LatestSyncTime is RFC 3339 in UTC, "" when never.
	LatestSyncTime string
}

// Registries is the registry list, GET /v5/{project_id}/image/registries: a limit of 10 to 200.
var Registries = &Declaration[model.ListRegistryRequest, model.ListRegistryResponse, model.RegistryInfo, Registry]{
	Name:     OpListRegistries,
	PageSize: 200,
	Page:     func(r *model.ListRegistryRequest, offset, limit *int32) { r.Offset, r.Limit = offset, limit },
	Send:     (*hssv5.HssClient).ListRegistry,
	Total:    func(p *model.ListRegistryResponse) *int32 { return p.TotalNum },
	Items:    func(p *model.ListRegistryResponse) *[]model.RegistryInfo { return p.DataList },
	Entry: func(it model.RegistryInfo) Registry {
		return Registry{ID: deref(it.Id), Name: deref(it.RegistryName), Type: deref(it.RegistryType), Addr: deref(it.RegistryAddr),
			Protocol: deref(it.Protocol), APIVersion: deref(it.ApiVersion), Status: deref(it.Status), FailReason: deref(it.FailReason),
			ImagesNum: count(it.ImagesNum), LatestSyncTime: millisTime(it.LatestSyncTime)}
	},
	Segments: func(*model.ListRegistryRequest) map[string]string { return nil },
	Mismatch: func(r *model.ListRegistryRequest, e Registry) string {
		if why := cmp.Or(exact("registry_name", r.RegistryName, e.Name), exact("registry_id", r.RegistryId, e.ID),
			exact("registry_addr", r.RegistryAddr, e.Addr), exact("status", r.Status, e.Status)); why != "" {
			return why
		}
		// registry_type takes several types, comma-separated.
		if r.RegistryType != nil && !slices.Contains(strings.Split(*r.RegistryType, ","), e.Type) {
			return "registry_type"
		}
		return ""
	},
}

func count64(n *int64) int64 {
	if n == nil {
		return 0
	}
	return *n
}

func flag(b *bool) bool { return b != nil && *b }
