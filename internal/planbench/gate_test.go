package main

import (
	"strings"
	"testing"
	"time"

	"github.com/hsslabs/terraform-provider-hss/internal/emulator"
)

func TestRouteOf(t *testing.T) {
	pid := "/v5/" + emulator.ProjectID
	for path, want := range map[string]string{
		pid + "/image/registries/images":                   "registry images",
		pid + "/image/registries":                          "registries",
		pid + "/image/bench-img-1/basic-image":             "basic image",
		pid + "/image/bench-img-1/vulnerabilities":         "vulnerabilities",
		pid + "/image/vulnerability/CVE-2024-2961/cve":     "CVEs",
		pid + "/image/registries/images/extra":             "other",
		pid + "/image/registries-images":                   "other",
		"/v3/auth/tokens":                                  "other",
		"/v3/projects":                                     "other",
		"":                                                 "other",
		pid + "/image/" + strings.Repeat("x", 5000) + "/v": "other",
	} {
		if got := routeOf(path); got != want {
			t.Errorf("routeOf(%.60q) = %q, want %q", path, got, want)
		}
	}
}

// Both configurations name every bench image once, the module with the ID and type it needs.
func TestGateConfigText(t *testing.T) {
	for _, n := range []int{1, 2, 7} {
		gate := gateConfigText(gateConfig{}, n, "http://127.0.0.1:1")
		module := gateConfigText(gateConfig{module: true}, n, "http://127.0.0.1:1")
		if !strings.Contains(gate, `data "hss_image_gate" "all"`) || strings.Contains(gate, "module ") {
			t.Errorf("n=%d: the gate configuration is\n%s", n, gate)
		}
		if !strings.Contains(module, `source = "./policy-module"`) || strings.Contains(module, "hss_image_gate") {
			t.Errorf("n=%d: the module configuration is\n%s", n, module)
		}
		for _, c := range []string{gate, module} {
			if got := strings.Count(c, emulator.SWRHost+"/"+emulator.BenchNamespace+"/"); got != n {
				t.Errorf("n=%d: %d references in\n%s", n, got, c)
			}
		}
		for i := range n + 1 {
			ref := `"` + emulator.BenchReference(i) + `"`
			entry := `{ id = "` + emulator.BenchImageID(i) + `", type = "private_image", reference = ` + ref + ` }`
			if in := i < n; strings.Contains(gate, ref) != in || strings.Contains(module, entry) != in {
				t.Errorf("n=%d: image %d is in the gate %t, in the module %t, want %t", n, i, strings.Contains(gate, ref), strings.Contains(module, entry), in)
			}
		}
	}
}

// The baseline is the policy module itself: its per-image reads, the lifecycle function, and
// the defaults the bench images pass.
func TestPolicyModuleIsTheBaseline(t *testing.T) {
	m := string(policyModule)
	for _, want := range []string{
		`data "hss_image_basic_image" "image"`, `data "hss_images" "image"`, `data "hss_image_vulnerabilities" "image"`,
		"provider::hss::os_lifecycle(", `default     = ["immediate_repair"]`, `variable "images"`, `output "refused"`, `output "base_os"`,
	} {
		if !strings.Contains(m, want) {
			t.Errorf("the policy module lacks %s", want)
		}
	}
}

func TestGateMedian(t *testing.T) {
	s := func(wall, cpu int, basic int) gateSample {
		return gateSample{wall: time.Duration(wall) * time.Second, cpu: time.Duration(cpu) * time.Second, hss: basic * 3,
			routes: map[string]int{"basic image": basic}}
	}
	for name, c := range map[string]struct {
		samples          []gateSample
		wall, cpu, basic int
	}{
		"one":                  {[]gateSample{s(5, 1, 10)}, 5, 1, 10},
		"columns on their own": {[]gateSample{s(9, 1, 30), s(1, 3, 10), s(5, 2, 20)}, 5, 2, 20},
		"ties":                 {[]gateSample{s(2, 2, 7), s(2, 2, 7), s(8, 0, 0)}, 2, 2, 7},
	} {
		m := gateMedian(c.samples)
		if m.wall != time.Duration(c.wall)*time.Second || m.cpu != time.Duration(c.cpu)*time.Second || m.routes["basic image"] != c.basic ||
			m.hss != 3*c.basic || m.routes["CVEs"] != 0 {
			t.Errorf("%s: %+v", name, m)
		}
	}
}
