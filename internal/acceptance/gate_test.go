package acceptance

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hsslabs/terraform-provider-hss/internal/emulator"
)

// Every refusal of the gate stops one `terraform plan`, each with its own reason on a line of its
// own: an unresolved reference of every kind, a scan that failed or never ran, an old scan, no
// base image, an unknown or ended base OS, too few days left, a refused repair necessity or an
// unknown one, a score above max_cvss or none, malicious files, unsafe settings, no digest, an
// expired exception. One gate per policy, all in one plan.
func TestAccGateRefusals(t *testing.T) {
	plugins := buildProvider(t)
	e := newEmu(t)
	swr := emulator.SWRHost
	offByOne := emulator.AppDigest[:len(emulator.AppDigest)-1] + "f"
	gates := []struct {
		name   string
		images map[string]string
		policy string
	}{
		{"resolution", map[string]string{"host": "evil.example.com/team/app:1.4.2", "lookalike": swr + ".evil.example/team/app:1.4.2",
			"digest": swr + "/team/app:1.4.2@" + offByOne, "ambiguous": swr + "/team/dup:1.0", "missing": swr + "/team/app:9.9"}, ""},
		{"scan", map[string]string{"failed": swr + "/team/web:2.0", "unscanned": swr + "/scc_hss_container/proxy-agent:24.6.0-x86_64"}, ""},
		{"age", map[string]string{"app": swr + "/team/app:1.4.2"}, `max_scan_age = "168h"`},
		{"base", map[string]string{"jfrog": emulator.JfrogHost + "/docker-local/tool:3.0", "harbor": emulator.HarborHost + "/team/app:1.4.2",
			"agent": swr + "/scc_hss_container/proxy-agent:24.5.0-x86_64"}, `refuse_repair_necessity = []`},
		{"days", map[string]string{"api": emulator.EnterpriseHost + "/team/api:2.0.0"},
			`os_min_days_left = 180, refuse_malicious_files = false, refuse_repair_necessity = []`},
		{"vulnerabilities", map[string]string{"api": emulator.EnterpriseHost + "/team/api:2.0.0", "odd": swr + "/team/odd:1.0", "app": swr + "/team/app:1.4.2"},
			`max_cvss = 7.5`},
		{"findings", map[string]string{"agent": swr + "/scc_hss_container/proxy-agent:24.5.0-x86_64"},
			`refuse_unsafe_settings = true, refuse_repair_necessity = [], os_allow = ["Huawei Cloud EulerOS 2.0"]`},
		{"digest", map[string]string{"app": swr + "/team/app:1.4.2"}, `require_digest = true`},
		{"exception", map[string]string{"api": emulator.EnterpriseHost + "/team/api:2.0.0"},
			`refuse_malicious_files = false, exceptions = [{ vul_id = "CVE-2023-4911", reason = "not reachable", expires = "2026-12-05" }]`},
	}
	var config strings.Builder
	config.WriteString(requiredProviders + e.Provider(authAKSK))
	for _, g := range gates {
		fmt.Fprintf(&config, "\ndata \"hss_image_gate\" %q {\n  at = \"2026-12-06T00:00:00Z\"\n  images = {\n", g.name)
		for k, ref := range g.images {
			fmt.Fprintf(&config, "    %s = %q\n", k, ref)
		}
		fmt.Fprintf(&config, "  }\n  policy = { %s }\n}\n", g.policy)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(config.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := terraformExec(t, dir, plugins, nil, "plan", "-input=false", "-lock=false", "-no-color")
	flat := strings.Join(strings.Fields(out), " ")
	if err == nil {
		t.Fatalf("the plan went on:\n%s", out)
	}
	for _, want := range []string{
		`data.hss_image_gate.resolution`, `5 of 5 images may not be deployed`,
		`host (evil.example.com/team/app:1.4.2): - reference "evil.example.com/team/app:1.4.2" did not resolve:`, `and no registry connected to HSS is there`,
		`names digest ` + offByOne + `, but the image HSS scanned`, `matches 2 images`, `HSS has no image "team/app:9.9"`,
		`- scan status "failed" is not "success" (scan_failed_code "download_failed"`, `- scan status "unscan" is not "success"`,
		`older than max_scan_age 7d`,
		`jfrog (` + emulator.JfrogHost + `/docker-local/tool:3.0): - no base image answer`, `ended standard support on 2026-07-11`,
		`- base OS "Huawei Cloud EulerOS 2.0" is not in the lifecycle table and not in os_allow`,
		`fewer than os_min_days_left 180`,
		`CVSS 7.8 is above max_cvss 7.5`, `unknown repair necessity "Critical", judged as the most severe`, `no CVSS score, counted as above max_cvss 7.5`,
		`- 1 unsafe setting found (refuse_unsafe_settings)`,
		`carries no digest (require_digest)`,
		`exception policy.exceptions[0] expired 2026-12-05`,
	} {
		if !strings.Contains(flat, want) {
			t.Errorf("the plan's errors lack %q", want)
		}
	}
	if n := strings.Count(out, "Error: Deployment refused"); n != len(gates) {
		t.Errorf("%d gates refused, want %d:\n%s", n, len(gates), out)
	}
	if t.Failed() {
		t.Logf("plan:\n%s", out)
	}
}
