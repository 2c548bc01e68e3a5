package hss

import (
	"cmp"
	"time"

	hssv5 "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/hss/v5"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/hss/v5/model"
)

// The repository image list, GET /v5/{project_id}/image/swr-repository, as a declaration.

// OpListSWRImages names the API in errors.
const OpListSWRImages = "GET /v5/{project_id}/image/swr-repository"

// SWRImageTypes are the image types the API lists, as the SDK's request model names them.
var SWRImageTypes = []string{"private_image", "shared_image", "local_image", "instance_image"}

// ScanStatuses are the scan states the API reports, as the SDK's models name them; only
// ScanSucceeded means the image was scanned.
var ScanStatuses = []string{"unscan", "success", "scanning", "failed", "waiting_for_scan"}

// ScanSucceeded is the scan status of a scanned image.
const ScanSucceeded = "success"

// SWRImage is one repository image as HSS knows it.
type SWRImage struct {
	ImageID, Namespace, ImageName, ImageVersion, ImageDigest, ImageType string
	ScanStatus, ScanFailedDesc                                          string
	// LatestScanTime is RFC 3339 in UTC, "" when never scanned.
	LatestScanTime                             string
	VulNum, UnsafeSettingNum, MaliciousFileNum int64
}

// SWRImages is the repository image list.
var SWRImages = &Declaration[model.ListSwrImageRepositoryRequest, model.ListSwrImageRepositoryResponse, model.PrivateImageRepositoryInfo, SWRImage]{
	Name:     OpListSWRImages,
	PageSize: 200,
	Page:     func(r *model.ListSwrImageRepositoryRequest, offset, limit *int32) { r.Offset, r.Limit = offset, limit },
	Send:     (*hssv5.HssClient).ListSwrImageRepository,
	Total:    func(p *model.ListSwrImageRepositoryResponse) *int32 { return p.TotalNum },
	Items:    func(p *model.ListSwrImageRepositoryResponse) *[]model.PrivateImageRepositoryInfo { return p.DataList },
	Entry: func(it model.PrivateImageRepositoryInfo) SWRImage {
		return SWRImage{ImageID: deref(it.ImageId), Namespace: deref(it.Namespace), ImageName: deref(it.ImageName), ImageVersion: deref(it.ImageVersion),
			ImageDigest: deref(it.ImageDigest), ImageType: deref(it.ImageType), ScanStatus: deref(it.ScanStatus), ScanFailedDesc: deref(it.ScanFailedDesc),
			LatestScanTime: millisTime(it.LatestScanTime), VulNum: count(it.VulNum), UnsafeSettingNum: count(it.UnsafeSettingNum), MaliciousFileNum: count(it.MaliciousFileNum)}
	},
	Region:   func(r *model.ListSwrImageRepositoryRequest) *string { return ensure(&r.Region) },
	Segments: func(*model.ListSwrImageRepositoryRequest) map[string]string { return nil },
	// Every name filter, and the scan status, exactly: the entry of team/app:1.4.2-rc1 is not
	// the scan of team/app:1.4.2-r.
	Mismatch: func(r *model.ListSwrImageRepositoryRequest, e SWRImage) string {
		return cmp.Or(exact("namespace", r.Namespace, e.Namespace), exact("image_name", r.ImageName, e.ImageName),
			exact("image_version", r.ImageVersion, e.ImageVersion), exact("scan_status", r.ScanStatus, e.ScanStatus))
	},
}

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
