package datasources_test

import (
	"math/big"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/hsslabs/terraform-provider-hss/internal/emulator"
)

// image is one data_list entry of hss_images, as text.
func image(t *testing.T, v tftypes.Value) map[string]string {
	t.Helper()
	var obj map[string]tftypes.Value
	if err := v.As(&obj); err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for k, f := range obj {
		if f.Type().Is(tftypes.Number) {
			var n big.Float
			if err := f.As(&n); err != nil {
				t.Fatal(err)
			}
			out[k] = n.Text('f', 0)
			continue
		}
		out[k] = str(t, obj, k)
	}
	return out
}

// The repository images of a type, with their IDs and scans: a scanned one with its counts and
// scan time as RFC 3339, an unscanned one and a failed one that say so; filters narrow the list.
func TestReadImages(t *testing.T) {
	e := newEmu(t)
	p := configured(t, e, akskArgs)
	attrs, d := p.ReadData("hss_images", map[string]any{"image_type": "private_image"})
	if d.Errors() > 0 {
		t.Fatalf("%s", d)
	}
	var list []tftypes.Value
	if err := attrs["data_list"].As(&list); err != nil {
		t.Fatal(err)
	}
	got := map[string]map[string]string{}
	for _, v := range list {
		img := image(t, v)
		got[img["image_id"]] = img
	}
	scanned := got["5f7c3b2a19e04d8c"]
	want := map[string]string{"namespace": "scc_hss_container", "image_name": "proxy-agent", "image_version": "24.5.0-x86_64",
		"image_type": "private_image", "scan_status": "success", "scan_failed_desc": "", "latest_scan_time": "2025-11-30T08:00:00Z",
		"vul_num": "3", "unsafe_setting_num": "1", "malicious_file_num": "0"}
	for k, v := range want {
		if scanned[k] != v {
			t.Errorf("%s = %q, want %q", k, scanned[k], v)
		}
	}
	if u := got[emulator.UnscannedImageID]; u["scan_status"] != "unscan" || u["latest_scan_time"] != "" {
		t.Errorf("unscanned image %v", u)
	}
	if f := got[emulator.FailedScanImageID]; f["scan_status"] != "failed" || f["scan_failed_desc"] != "download_failed" {
		t.Errorf("failed image %v", f)
	}
	if len(got) != 4 || str(t, attrs, "region") != emulator.Region || str(t, attrs, "enterprise_project_id") != "0" {
		t.Fatalf("%d images, attrs %v", len(got), attrs)
	}
	id := str(t, attrs, "id")

	for filter, n := range map[string]int{"namespace=team": 2, "image_version=24.6.0-x86_64": 1, "scan_status=failed": 1, "image_name=proxy-agent": 2} {
		k, v, _ := strings.Cut(filter, "=")
		attrs, d := p.ReadData("hss_images", map[string]any{"image_type": "private_image", k: v})
		if err := attrs["data_list"].As(&list); d.Errors() > 0 || err != nil || len(list) != n || str(t, attrs, "id") == id {
			t.Errorf("%s: %d images, %s", filter, len(list), d)
		}
	}
	e.Reset()
	p.ReadData("hss_images", map[string]any{"image_type": "shared_image", "namespace": "team", "latest_version": true, "scan_status": "success"})
	q := lastHSS(t, e).Query
	if q.Get("image_type") != "shared_image" || q.Get("namespace") != "team" || q.Get("latest_version") != "true" || q.Get("scan_status") != "success" ||
		q.Get("limit") != "200" || q.Get("offset") != "0" {
		t.Fatalf("query sent: %v", q)
	}
}

// Its arguments are checked before any request, with the allowed values and a did-you-mean.
func TestImagesValidation(t *testing.T) {
	e := newEmu(t)
	p := configured(t, e, akskArgs)
	for cfg, want := range map[string]string{
		"image_type=cicd":           `"cicd" is not an image type: use one of "private_image", "shared_image", "local_image", "instance_image"`,
		"image_type=private":        `did you mean "private_image"?`,
		"scan_status=succes":        `"succes" is not a scan status: did you mean "success"?`,
		"scan_status=":              `"" is not a scan status`,
		"enterprise_project_id=all": `did you mean "all_granted_eps"?`,
	} {
		k, v, _ := strings.Cut(cfg, "=")
		args := map[string]any{"image_type": "private_image", k: v}
		if _, d := p.ReadData("hss_images", args); d.Errors() != 1 || !strings.Contains(d.String(), want) {
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
	if _, d := p.ReadData("hss_images", map[string]any{"image_type": "private_image", "namespace": odd, "image_name": "web app"}); d.Errors() > 0 {
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
