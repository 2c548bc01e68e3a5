package emulator

import (
	"regexp"
	"strings"
	"testing"
)

var digestForm = regexp.MustCompile(`^sha256:[0-9a-f]{64}$`)

// benchCalls are the three reads of an image the gate makes, for namespace/name:version and
// the image ID id, in project and enterprise project ep ("" for the default).
func benchCalls(project, ep, id, namespace, name, version, imageType string) (registry, basic, vulns call) {
	headers := map[string]string{"region": Region, "X-Project-Id": project}
	if project == OtherProject {
		headers["region"] = OtherRegion
	}
	registry = call{path: "/v5/" + project + "/image/registries/images", headers: headers, ak: AccessKeyID, sk: SecretAccessKey,
		query: map[string]string{"image_type": imageType, "namespace": namespace, "image_name": name, "image_version": version}}
	basic = call{path: basicPath(project, id), headers: headers, ak: AccessKeyID, sk: SecretAccessKey,
		query: map[string]string{"image_type": imageType, "namespace": namespace, "image_name": name, "image_version": version}}
	vulns = call{path: "/v5/" + project + "/image/" + id + "/vulnerabilities", headers: headers, ak: AccessKeyID, sk: SecretAccessKey,
		query: map[string]string{"image_type": imageType, "namespace": namespace, "image_name": name, "tag_name": version, "handle_status": "unhandled"}}
	if ep != "" {
		for _, c := range []call{registry, basic, vulns} {
			c.query["enterprise_project_id"] = ep
		}
	}
	return registry, basic, vulns
}

// Bench images answer on every route the gate reads, each its own image; anything that is not
// exactly one of them answers nothing.
func TestBenchImages(t *testing.T) {
	_, url := start(t)
	for name, c := range map[string]struct {
		project, id, namespace, image, version, imageType string
		// i is the bench image expected, -1 for none.
		i  int
		ep string
	}{
		"first":                      {ProjectID, "bench-img-0", "bench", "img-0", "1.0", "private_image", 0, ""},
		"one":                        {ProjectID, "bench-img-1", "bench", "img-1", "1.0", "private_image", 1, ""},
		"last":                       {ProjectID, "bench-img-99999", "bench", "img-99999", "1.0", "private_image", 99999, ""},
		"past the last":              {ProjectID, "bench-img-100000", "bench", "img-100000", "1.0", "private_image", -1, ""},
		"leading zero":               {ProjectID, "bench-img-01", "bench", "img-01", "1.0", "private_image", -1, ""},
		"sign":                       {ProjectID, "bench-img-+1", "bench", "img-+1", "1.0", "private_image", -1, ""},
		"negative":                   {ProjectID, "bench-img--1", "bench", "img--1", "1.0", "private_image", -1, ""},
		"no number":                  {ProjectID, "bench-img-", "bench", "img-", "1.0", "private_image", -1, ""},
		"trailing letter":            {ProjectID, "bench-img-1x", "bench", "img-1x", "1.0", "private_image", -1, ""},
		"full-width digit":           {ProjectID, "bench-img-１", "bench", "img-１", "1.0", "private_image", -1, ""},
		"control character":          {ProjectID, "bench-img-1\x7f", "bench", "img-1\x7f", "1.0", "private_image", -1, ""},
		"overflow":                   {ProjectID, "bench-img-" + strings.Repeat("9", 40), "bench", "img-" + strings.Repeat("9", 40), "1.0", "private_image", -1, ""},
		"huge":                       {ProjectID, "bench-img-" + strings.Repeat("1", 4000), "bench", "img-" + strings.Repeat("1", 4000), "1.0", "private_image", -1, ""},
		"namespace in capitals":      {ProjectID, "bench-img-1", "Bench", "img-1", "1.0", "private_image", -1, ""},
		"another namespace":          {ProjectID, "bench-img-1", "benchx", "img-1", "1.0", "private_image", -1, ""},
		"another tag":                {ProjectID, "bench-img-1", "bench", "img-1", "1.1", "private_image", -1, ""},
		"shared":                     {ProjectID, "bench-img-1", "bench", "img-1", "1.0", "shared_image", -1, ""},
		"another project":            {OtherProject, "bench-img-1", "bench", "img-1", "1.0", "private_image", -1, ""},
		"every granted project":      {ProjectID, "bench-img-1", "bench", "img-1", "1.0", "private_image", 1, "all_granted_eps"},
		"another enterprise project": {ProjectID, "bench-img-1", "bench", "img-1", "1.0", "private_image", -1, GrantedEP},
	} {
		t.Run(name, func(t *testing.T) {
			registry, basic, vulns := benchCalls(c.project, c.ep, c.id, c.namespace, c.image, c.version, c.imageType)
			listed := entries(t, do(t, url, registry))
			bases := entries(t, do(t, url, basic))
			found := entries(t, do(t, url, vulns))
			if c.i < 0 {
				if len(listed)+len(bases)+len(found) != 0 {
					t.Fatalf("listed %v, bases %v, vulnerabilities %v", listed, bases, found)
				}
				return
			}
			if len(listed) != 1 || listed[0]["image_id"] != BenchImageID(c.i) || listed[0]["image_digest"] != BenchDigest(c.i) ||
				listed[0]["scan_status"] != "success" || listed[0]["registry_type"] != "SwrPrivate" || listed[0]["image_type"] != "private_image" {
				t.Errorf("registry images %v", listed)
			}
			if len(bases) != 1 || bases[0]["os_name"] != SupportedBase.OSName || bases[0]["os_version"] != SupportedBase.OSVersion {
				t.Errorf("base images %v", bases)
			}
			if len(found) != 1 || found[0]["vul_id"] != BenchVulnerability.VulID || found[0]["repair_necessity"] != "delay_repair" {
				t.Errorf("vulnerabilities %v", found)
			}
		})
	}
}

// Each bench image has a digest of its own, and the list that names none is the fixture's.
func TestBenchImagesAreDistinctAndOnDemand(t *testing.T) {
	_, url := start(t)
	seen := map[string]int{}
	for _, i := range []int{0, 1, 9, 10, 4095, 4096, 99999} {
		if d := BenchDigest(i); !digestForm.MatchString(d) {
			t.Errorf("digest %q of %d", d, i)
		} else if j, dup := seen[d]; dup {
			t.Errorf("images %d and %d share digest %s", i, j, d)
		}
		seen[BenchDigest(i)] = i
		if ref := BenchReference(i); !strings.HasPrefix(ref, SWRHost+"/bench/img-") || !strings.HasSuffix(ref, ":1.0") {
			t.Errorf("reference %q", ref)
		}
	}
	for _, q := range []map[string]string{nil, {"namespace": "bench"}, {"image_name": "img-1"}, {"image_version": "1.0"}} {
		for _, e := range entries(t, do(t, url, registryCall("/image/registries/images", q))) {
			if e["namespace"] == BenchNamespace {
				t.Errorf("%v lists %v", q, e)
			}
		}
	}
	// A digest reference reads every tag of the repository: the image is found without its tag.
	if got := entries(t, do(t, url, registryCall("/image/registries/images", map[string]string{"namespace": "bench", "image_name": "img-7"}))); len(got) != 1 {
		t.Errorf("without a tag: %v", got)
	}
	// The CVE route scores the bench vulnerability.
	cve := registryCall("/image/vulnerability/"+BenchVulnerability.VulID+"/cve", nil)
	cve.headers = map[string]string{"region": Region}
	cves := entries(t, do(t, url, cve))
	if len(cves) != 1 || cves[0]["cvss_score"] == nil {
		t.Errorf("CVEs %v", cves)
	}
}
