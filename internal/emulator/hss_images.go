package emulator

import (
	"cmp"
	"net/url"
	"strconv"
	"strings"
	"sync"
)

// swrEntry is the fields of img every image list reports.
func swrEntry(img Image) map[string]any {
	entry := map[string]any{"image_id": img.ID, "namespace": img.Namespace, "image_name": img.Name, "image_version": img.Version,
		"image_digest": img.Digest, "image_type": img.Type, "scan_status": cmp.Or(img.ScanStatus, "success"),
		"vul_num": img.VulNum, "unsafe_setting_num": img.UnsafeSettingNum, "malicious_file_num": img.MaliciousFileNum}
	if img.ScanFailedDesc != "" {
		entry["scan_failed_desc"] = img.ScanFailedDesc
	}
	if img.LatestScanTime > 0 {
		entry["latest_scan_time"] = img.LatestScanTime
	}
	return entry
}

// basicImages serves GET /v5/{project_id}/image/{image_id}/basic-image.
func (e *Emulator) basicImages(l *imageList, pf PageFault) (int, any) {
	var entries []BasicImage
	switch imgs := e.images(l); len(imgs) {
	case 1:
		entries = imgs[0].BasicImages // large synthetic images are paged without a copy
	default:
		for _, img := range imgs {
			entries = append(entries, img.BasicImages...)
		}
	}
	if os := strings.ToLower(l.query.Get("os_name")); os != "" {
		filtered := entries[:0:0]
		for _, b := range entries {
			if strings.Contains(strings.ToLower(b.OSName), os) {
				filtered = append(filtered, b)
			}
		}
		entries = filtered
	}
	return page(entries, l.offset, l.limit, pf, ManyEntry, ChurnEntry)
}

// images are the scanned images l selects.
func (e *Emulator) images(l *imageList) []Image {
	q := l.query
	imageType := q.Get("image_type")
	if img, ok := synthetic(l.projectID, imageType, l.imageID); ok && (l.granted == nil || l.granted["0"]) {
		return []Image{img}
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	candidates := e.fixture.Images
	if bench, ok := benchByID(l.imageID); ok {
		candidates = bench
	}
	var out []Image
	for _, img := range candidates {
		if img.ProjectID != l.projectID || img.Type != imageType || img.ID != l.imageID {
			continue
		}
		if l.granted != nil && !l.granted[img.EnterpriseProject] {
			continue
		}
		if !matches(q, "namespace", img.Namespace) || !matches(q, "image_name", img.Name) || !matches(q, "image_version", img.Version) {
			continue
		}
		out = append(out, img)
	}
	return out
}

// matches treats an absent filter as a wildcard, and compares as the request's Matching fault
// says (exactly, unless one applies).
func matches(q url.Values, key, value string) bool {
	v, ok := q[key]
	return !ok || len(v) == 0 || Matching(q.Get(matchingKey)).match(v[0], value)
}

// matchingKey carries a Matching fault in a request's query to matches, so that every route
// compares as the fault says; serveImageList removes any the request itself sent.
const matchingKey = "\x00matching"

// synthetic answers image IDs "synthetic-N" with N generated entries, for load and paging
// tests of any size without a large fixture. The entries are generated once per N.
func synthetic(projectID, imageType, imageID string) (Image, bool) {
	n, err := strconv.Atoi(strings.TrimPrefix(imageID, SyntheticPrefix))
	if !strings.HasPrefix(imageID, SyntheticPrefix) || err != nil || n < 0 || n > 1000000 {
		return Image{}, false
	}
	synthMu.Lock()
	entries, ok := synthCache[n]
	if !ok {
		entries = make([]BasicImage, n)
		for i := range entries {
			entries[i] = ManyEntry(i)
		}
		synthCache[n] = entries
	}
	synthMu.Unlock()
	return Image{ProjectID: projectID, Type: imageType, ID: imageID, EnterpriseProject: "0", BasicImages: entries}, true
}

var (
	synthMu    sync.Mutex
	synthCache = map[int][]BasicImage{}
)
