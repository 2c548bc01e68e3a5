package datasources_test

import (
	"strings"
	"testing"

	"github.com/hsslabs/terraform-provider-hss/internal/emulator"
)

// An image's vulnerabilities, every field mapped; the filters go to the API (the tag as
// tag_name, without a region header, as the SDK sends them) and narrow the list.
func TestReadImageVulnerabilities(t *testing.T) {
	e := newEmu(t)
	p := configured(t, e, akskArgs)
	scope := map[string]any{"image_id": "5f7c3b2a19e04d8c", "image_type": "private_image", "image_reference": proxyAgent}
	attrs, d := p.ReadData("hss_image_vulnerabilities", scope)
	if d.Errors() > 0 {
		t.Fatalf("%s", d)
	}
	got := vulnerabilities(t, attrs)
	if len(got) != len(emulator.ProxyAgentVulnerabilities) {
		t.Fatalf("%d vulnerabilities", len(got))
	}
	for i, w := range emulator.ProxyAgentVulnerabilities {
		want := map[string]string{"vul_id": w.VulID, "repair_necessity": w.RepairNecessity, "description": w.Description, "position": w.Position,
			"app_name": w.AppName, "app_path": w.AppPath, "version": w.Version, "solution": w.Solution, "url": w.URL}
		for k, v := range want {
			if got[i][k] != v {
				t.Errorf("entry %d: %s = %q, want %q", i, k, got[i][k], v)
			}
		}
	}
	r := e.Requests()[len(e.Requests())-1]
	if r.Query.Get("tag_name") != "24.5.0-x86_64" || r.Query.Get("namespace") != "scc_hss_container" || r.Query.Has("image_version") {
		t.Fatalf("query %v", r.Query)
	}

	for filter, n := range map[string]int{"repair_necessity=immediate_repair": 1, "handle_status=unhandled": 2, "type=linux_vul": 2,
		"vul_id=2023": 1, "app_name=bash": 1, "vul_id=CVE-1999-0000": 0} {
		k, v, _ := strings.Cut(filter, "=")
		args := map[string]any{k: v}
		for sk, sv := range scope {
			args[sk] = sv
		}
		attrs, d := p.ReadData("hss_image_vulnerabilities", args)
		// No warning, an empty answer included: no vulnerability is good news.
		if len(d) > 0 || len(vulnerabilities(t, attrs)) != n {
			t.Errorf("%s: %d, %s", filter, len(vulnerabilities(t, attrs)), d)
		}
	}

	// More than a page: the API's pages of 200 are all read.
	e.Reset()
	attrs, d = p.ReadData("hss_image_vulnerabilities", map[string]any{"image_id": emulator.ManyVulnsImageID, "image_type": "cicd"})
	if d.Errors() > 0 || len(vulnerabilities(t, attrs)) != emulator.ManyVulns || e.Count(emulator.KindHSS) != 2 {
		t.Fatalf("%d entries in %d requests: %s", len(vulnerabilities(t, attrs)), e.Count(emulator.KindHSS), d)
	}
}

// The image scope is checked as for base images, and the filters name their values.
func TestImageVulnerabilitiesValidation(t *testing.T) {
	e := newEmu(t)
	p := configured(t, e, akskArgs)
	for name, c := range map[string]struct {
		args map[string]any
		want string
	}{
		"repository image without its tag": {map[string]any{"image_id": "x1", "image_type": "private_image", "namespace": "a", "image_name": "b"},
			`image_type "private_image" is a repository image`},
		"jfrog is a type here": {map[string]any{"image_id": "x1", "image_type": "jfrog"}, `image_type "jfrog" is a repository image`},
		"local_image is not":   {map[string]any{"image_id": "x1", "image_type": "local_image"}, `"local_image" is not an image type`},
		"severity typo": {map[string]any{"image_id": "x1", "image_type": "cicd", "repair_necessity": "immediate"},
			`did you mean "immediate_repair"?`},
		"handle status":    {map[string]any{"image_id": "x1", "image_type": "cicd", "handle_status": "done"}, `"done" is not a handle status: use one of "unhandled", "handled"`},
		"path in image_id": {map[string]any{"image_id": "../x", "image_type": "cicd"}, "Invalid image ID"},
	} {
		if _, d := p.ReadData("hss_image_vulnerabilities", c.args); d.Errors() < 1 || !strings.Contains(d.String(), c.want) {
			t.Errorf("%s: %s", name, d)
		}
	}
	if n := e.Count(emulator.KindHSS); n != 0 {
		t.Fatalf("%d requests for invalid arguments", n)
	}
}
