package datasources_test

import (
	"strings"
	"testing"

	"github.com/hsslabs/terraform-provider-hss/internal/emulator"
)

// The images of every registry, with their IDs, digests and scans: a scanned one with its counts
// and scan time as RFC 3339, its registry, a multi-arch one with its platform images, ones whose
// scan did not succeed that say why; filters narrow the list exactly.
func TestReadImages(t *testing.T) {
	e := newEmu(t)
	p := configured(t, e, akskArgs)
	got, attrs := images(t, p, map[string]any{"image_type": "private_image"})
	want := map[string]string{"namespace": "scc_hss_container", "image_name": "proxy-agent", "image_version": "24.5.0-x86_64",
		"image_type": "private_image", "scan_status": "success", "scan_failed_desc": "", "latest_scan_time": "2025-11-30T08:00:00Z",
		"vul_num": "3", "unsafe_setting_num": "1", "malicious_file_num": "0", "registry_type": "SwrPrivate", "registry_name": emulator.SWRPrivateRegistry,
		"registry_id": emulator.SWRPrivateRegistryID, "is_multiple_arch": "false", "association_images": "0", "severity_level": "High"}
	for k, v := range want {
		if got["5f7c3b2a19e04d8c"][k] != v {
			t.Errorf("%s = %q, want %q", k, got["5f7c3b2a19e04d8c"][k], v)
		}
	}
	multi := got[emulator.MultiArchImageID]
	if multi["is_multiple_arch"] != "true" || multi["association_images"] != "2" || multi["association_images.0.image_digest"] != emulator.MultiArchAMD64Digest ||
		multi["association_images.1.scan_status"] != "failed" || multi["association_images.0.vul_num"] != "2" {
		t.Errorf("multi-arch image %v", multi)
	}
	if u := got[emulator.UnscannedImageID]; u["scan_status"] != "unscan" || u["latest_scan_time"] != "" {
		t.Errorf("unscanned image %v", u)
	}
	if f := got[emulator.OversizedImageID]; f["scan_status"] != "image_oversized" || f["scan_failed_code"] != "image_over_sized" {
		t.Errorf("oversized image %v", f)
	}
	if len(got) < 6 || str(t, attrs, "region") != emulator.Region || str(t, attrs, "enterprise_project_id") != "0" {
		t.Fatalf("%d images, attrs %v", len(got), attrs)
	}
	for _, other := range []string{emulator.HarborAppImageID, emulator.EnterpriseImageID, emulator.SharedImageID} {
		if _, ok := got[other]; ok {
			t.Errorf("%s is not a private image", other)
		}
	}
	id := str(t, attrs, "id")

	for filter, n := range map[string]int{"namespace=team": 6, "image_version=24.6.0-x86_64": 1, "scan_status=failed": 1, "image_name=proxy-agent": 2,
		"registry_name=" + emulator.HarborRegistry: 0, "scan_status=image_oversized": 1, "severity_level=High": 1} {
		k, v, _ := strings.Cut(filter, "=")
		found, attrs := images(t, p, map[string]any{"image_type": "private_image", k: v})
		if len(found) != n || str(t, attrs, "id") == id {
			t.Errorf("%s: %d images", filter, len(found))
		}
	}
	e.Reset()
	images(t, p, map[string]any{"image_type": "shared_image", "namespace": "team", "latest_version": true, "scan_status": "success",
		"registry_name": emulator.SWRSharedRegistry, "has_vul": false, "severity_level": "Security"})
	q := lastHSS(t, e).Query
	for k, v := range map[string]string{"image_type": "shared_image", "namespace": "team", "latest_version": "true", "scan_status": "success",
		"registry_name": emulator.SWRSharedRegistry, "has_vul": "false", "severity_level": "Security", "limit": "200", "offset": "0"} {
		if q.Get(k) != v {
			t.Errorf("%s sent as %q, want %q: %v", k, q.Get(k), v, q)
		}
	}
	// A state only answers hold is applied to what arrives, never sent as a filter the API lacks.
	e.Reset()
	images(t, p, map[string]any{"scan_status": "download_failed"})
	if q := lastHSS(t, e).Query; q.Has("scan_status") || q.Has("image_type") {
		t.Errorf("query %v", q)
	}
	// Every registry: no image type at all.
	all, _ := images(t, p, map[string]any{})
	for _, id := range []string{emulator.HarborAppImageID, emulator.HarborDRAppImageID, emulator.EnterpriseImageID, emulator.JfrogImageID, emulator.AppImageID} {
		if all[id] == nil {
			t.Errorf("%s is missing from every registry's images", id)
		}
	}
	if h := all[emulator.EnterpriseImageID]; h["instance_url"] != emulator.EnterpriseURL || h["instance_id"] != emulator.EnterpriseInstanceID || h["registry_type"] != "SwrEnterprise" {
		t.Errorf("enterprise image %v", h)
	}
}

// Its arguments are checked before any request, with the allowed values and a did-you-mean.
func TestImagesValidation(t *testing.T) {
	e := newEmu(t)
	p := configured(t, e, akskArgs)
	for cfg, want := range map[string]string{
		"image_type=cicd":           `"cicd" is not an image type: use one of "private_image", "shared_image", "instance_image", "harbor", "jfrog"`,
		"image_type=local_image":    `"local_image" is not an image type`,
		"image_type=private":        `did you mean "private_image"?`,
		"scan_status=succes":        `"succes" is not a scan status: did you mean "success"?`,
		"scan_status=":              `"" is not a scan status`,
		"severity_level=high":       `"high" is not a severity level: did you mean "High"?`,
		"namespace=":                `namespace string length must be at least 1`,
		"enterprise_project_id=all": `did you mean "all_granted_eps"?`,
	} {
		k, v, _ := strings.Cut(cfg, "=")
		if _, d := p.ReadData("hss_images", map[string]any{k: v}); d.Errors() != 1 || !strings.Contains(d.String(), want) {
			t.Errorf("%s: %s", cfg, d)
		}
	}
	if n := e.Count(emulator.KindHSS); n != 0 {
		t.Fatalf("%d requests for invalid arguments", n)
	}
}

// Filter values with reserved characters reach the server as they are, correctly signed, for
// the repository list and the vulnerability list alike.
func TestNewListsEncodeTheirQueries(t *testing.T) {
	e := newEmu(t)
	p := configured(t, e, akskArgs)
	odd := "team a&b/x+y=%20;#?"
	if _, d := p.ReadData("hss_images", map[string]any{"image_type": "harbor", "namespace": odd, "image_name": "web app"}); d.Errors() > 0 {
		t.Fatalf("%s", d)
	}
	if q := lastHSS(t, e).Query; q.Get("namespace") != odd || q.Get("image_name") != "web app" {
		t.Fatalf("query %v", q)
	}
	e.Reset()
	if _, d := p.ReadData("hss_image_vulnerabilities", map[string]any{"image_id": "x1", "image_type": "harbor", "namespace": odd,
		"image_name": "web app", "image_version": "1.2 beta", "vul_id": "CVE-2024-%"}); d.Errors() > 0 {
		t.Fatalf("%s", d)
	}
	if q := lastHSS(t, e).Query; q.Get("namespace") != odd || q.Get("tag_name") != "1.2 beta" || q.Get("vul_id") != "CVE-2024-%" {
		t.Fatalf("query %v", q)
	}
}

// lastHSS is the last HSS request e answered.
func lastHSS(t *testing.T, e *emu) emulator.Request {
	t.Helper()
	reqs := e.Requests()
	for i := len(reqs) - 1; i >= 0; i-- {
		if reqs[i].Kind == emulator.KindHSS {
			if reqs[i].Status != 200 {
				t.Fatalf("HSS answered %d", reqs[i].Status)
			}
			return reqs[i]
		}
	}
	t.Fatal("no HSS request")
	return emulator.Request{}
}
