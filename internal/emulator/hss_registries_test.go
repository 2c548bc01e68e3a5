package emulator

import (
	"net/http"
	"slices"
	"strings"
	"testing"
)

func registryCall(path string, query map[string]string) call {
	return call{path: "/v5/" + ProjectID + path, query: query, ak: AccessKeyID, sk: SecretAccessKey}
}

// The registry routes check what their request models document, and nothing more: image_type
// may be left out of the image list, and every enumeration, limit and flag is held to its range.
func TestRegistryRoutesCheckTheirParameters(t *testing.T) {
	_, url := start(t)
	for name, c := range map[string]struct {
		path  string
		query map[string]string
		ok    bool
	}{
		"images, no image type":          {"/image/registries/images", nil, true},
		"images, every image type":       {"/image/registries/images", map[string]string{"image_type": "jfrog"}, true},
		"images, cicd":                   {"/image/registries/images", map[string]string{"image_type": "cicd"}, false},
		"images, empty image type":       {"/image/registries/images", map[string]string{"image_type": ""}, false},
		"images, limit 1":                {"/image/registries/images", map[string]string{"limit": "1"}, true},
		"images, limit 200":              {"/image/registries/images", map[string]string{"limit": "200"}, true},
		"images, limit 0":                {"/image/registries/images", map[string]string{"limit": "0"}, false},
		"images, limit 201":              {"/image/registries/images", map[string]string{"limit": "201"}, false},
		"images, a filter's scan status": {"/image/registries/images", map[string]string{"scan_status": "waiting_for_scan"}, true},
		// The answer's own states are not the filter's.
		"images, download_failed":   {"/image/registries/images", map[string]string{"scan_status": "download_failed"}, false},
		"images, severity":          {"/image/registries/images", map[string]string{"severity_level": "High"}, true},
		"images, severity in lower": {"/image/registries/images", map[string]string{"severity_level": "high"}, false},
		"images, flag":              {"/image/registries/images", map[string]string{"has_vul": "true", "is_multarch": "false", "risky": "true"}, true},
		"images, flag as 1":         {"/image/registries/images", map[string]string{"latest_version": "1"}, false},
		"images, sort":              {"/image/registries/images", map[string]string{"sort_key": "latest_scan_time", "sort_dir": "desc"}, true},
		"images, sort by name":      {"/image/registries/images", map[string]string{"sort_key": "image_name"}, false},
		"registries":                {"/image/registries", nil, true},
		"registries, limit 10":      {"/image/registries", map[string]string{"limit": "10"}, true},
		"registries, limit 9":       {"/image/registries", map[string]string{"limit": "9"}, false},
		"registries, two types":     {"/image/registries", map[string]string{"registry_type": "Harbor,Jfrog"}, true},
		"registries, a bad type":    {"/image/registries", map[string]string{"registry_type": "Harbor,Quay"}, false},
		"registries, status":        {"/image/registries", map[string]string{"status": "accessing"}, true},
		"registries, a bad status":  {"/image/registries", map[string]string{"status": "ok"}, false},
		"registries, image type":    {"/image/registries", map[string]string{"image_type": "harbor"}, false},
	} {
		r := do(t, url, registryCall(c.path, c.query))
		if (r.status == http.StatusOK) != c.ok || (!c.ok && (r.status != http.StatusBadRequest || r.body["error_code"] != "HSS.0001")) {
			t.Errorf("%s: %d %v", name, r.status, r.body)
		}
	}
}

// The image list reports every registry's images with where they are, filters exactly, and
// pages; the repository list still reports only its own.
func TestRegistryImages(t *testing.T) {
	_, url := start(t)
	byID := map[string]map[string]any{}
	for _, e := range entries(t, do(t, url, registryCall("/image/registries/images", map[string]string{"limit": "200"}))) {
		byID[e["image_id"].(string)] = e
	}
	for id, want := range map[string]map[string]any{
		AppImageID:         {"registry_name": SWRPrivateRegistry, "registry_type": "SwrPrivate", "image_digest": AppDigest, "image_type": "private_image"},
		SharedImageID:      {"registry_name": SWRSharedRegistry, "registry_type": "SwrShared", "domain_name": PartnerDomain, "shared_status": "effective"},
		EnterpriseImageID:  {"instance_url": EnterpriseURL, "instance_id": EnterpriseInstanceID, "registry_type": "SwrEnterprise", "severity_level": "Medium"},
		HarborAppImageID:   {"registry_name": HarborRegistry, "registry_id": HarborRegistryID, "image_digest": HarborAppDigest},
		HarborDRAppImageID: {"registry_name": HarborDRRegistry, "registry_id": HarborDRRegistryID, "image_digest": HarborAppDigest},
		OversizedImageID:   {"scan_status": "image_oversized", "scan_failed_code": "image_over_sized"},
		FailedScanImageID:  {"scan_status": "failed", "scan_failed_code": "download_failed"},
		JfrogImageID:       {"registry_type": "Jfrog", "image_type": "jfrog"},
		MultiArchImageID:   {"is_multiple_arch": true, "image_digest": MultiArchDigest},
		UnscannedImageID:   {"latest_version": false, "scan_status": "unscan"},
	} {
		got, ok := byID[id]
		if !ok {
			t.Errorf("%s is not listed", id)
			continue
		}
		for k, v := range want {
			if got[k] != v {
				t.Errorf("%s: %s = %v, want %v", id, k, got[k], v)
			}
		}
	}
	children, _ := byID[MultiArchImageID]["association_images"].([]any)
	if len(children) != 2 || children[1].(map[string]any)["image_digest"] != MultiArchARM64Digest || children[1].(map[string]any)["scan_status"] != "failed" {
		t.Errorf("children %v", children)
	}
	if _, ok := byID[OtherRegionAppImageID]; ok || byID[CICDImageID] != nil {
		t.Error("another project's image, or a CI/CD image, is listed")
	}
	for q, want := range map[string][]string{
		"namespace=team&image_name=app&image_version=1.4.2":             {AppImageID, HarborAppImageID, HarborDRAppImageID},
		"namespace=team&image_name=app&image_version=1.4":               nil,
		"registry_name=" + HarborDRRegistry:                             {HarborDRAppImageID},
		"image_type=instance_image&instance_id=" + EnterpriseInstanceID: {EnterpriseImageID},
		"is_multarch=true":                       {MultiArchImageID},
		"image_name=dup&image_type=shared_image": {DupSharedImageID},
		"severity_level=High":                    {"5f7c3b2a19e04d8c"},
		"namespace=TEAM&image_name=app":          nil,
	} {
		query := map[string]string{}
		for _, kv := range strings.Split(q, "&") {
			k, v, _ := strings.Cut(kv, "=")
			query[k] = v
		}
		var got []string
		for _, e := range entries(t, do(t, url, registryCall("/image/registries/images", query))) {
			got = append(got, e["image_id"].(string))
		}
		if !slices.Equal(slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(want))) {
			t.Errorf("%s: %v, want %v", q, got, want)
		}
	}
	// Two of every image the list holds, a page at a time.
	all := len(byID)
	page := entries(t, do(t, url, registryCall("/image/registries/images", map[string]string{"limit": "2", "offset": "2"})))
	if len(page) != 2 || page[0]["image_id"] == nil {
		t.Fatalf("page %v of %d", page, all)
	}
}

// The registry list says where each registry is, and filters exactly.
func TestRegistries(t *testing.T) {
	_, url := start(t)
	got := map[string]string{}
	for _, e := range entries(t, do(t, url, registryCall("/image/registries", nil))) {
		got[e["registry_name"].(string)] = e["registry_addr"].(string)
	}
	want := map[string]string{SWRPrivateRegistry: SWRHost, SWRSharedRegistry: SWRHost, EnterpriseRegistry: EnterpriseURL,
		HarborRegistry: "https://" + HarborHost, HarborDRRegistry: HarborDRHost, JfrogRegistry: JfrogHost}
	if len(got) != len(want) {
		t.Fatalf("registries %v", got)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s at %q, want %q", k, got[k], v)
		}
	}
	for q, n := range map[string]int{"Harbor": 2, "Harbor,Jfrog": 3, "Other": 0} {
		if got := len(entries(t, do(t, url, registryCall("/image/registries", map[string]string{"registry_type": q})))); got != n {
			t.Errorf("registry_type %s: %d, want %d", q, got, n)
		}
	}
	if got := len(entries(t, do(t, url, registryCall("/image/registries", map[string]string{"registry_name": "harbor"})))); got != 0 {
		t.Errorf("a prefix matched %d registries", got)
	}
}
