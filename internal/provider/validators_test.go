package provider

import (
	"strings"
	"testing"

	"github.com/hsslabs/terraform-provider-hss/internal/emulator"
)

func TestEnterpriseProjectForms(t *testing.T) {
	e := newEmu(t)
	p := newInproc(t, nil)
	for value, want := range map[string]string{
		"all_granted_ep":  `did you mean "all_granted_eps"?`,
		"ALL-GRANTED-EPS": `did you mean "all_granted_eps"?`,
		"all_granted":     `did you mean "all_granted_eps"?`,
		"default":         `use "0" (the default enterprise project), "all_granted_eps"`,
		"4d7c7e2a-1f3b":   "is not an enterprise project",
	} {
		d := p.Validate(e.Config(map[string]any{"enterprise_project_id": value}))
		if d.Errors() != 1 || !strings.Contains(d.String(), want) || strings.Contains(d.String(), "?.") {
			t.Errorf("provider %q: %s", value, d)
		}
		_, d = p.Read(map[string]any{"image_id": "111", "image_type": "cicd", "enterprise_project_id": value})
		if d.Errors() != 1 || !strings.Contains(d.String(), want) {
			t.Errorf("data source %q: %s", value, d)
		}
	}
	for _, ok := range []string{"0", "all_granted_eps", emulator.GrantedEP, strings.ToUpper(emulator.GrantedEP)} {
		if d := p.Validate(e.Config(map[string]any{"enterprise_project_id": ok})); d.Errors() != 0 {
			t.Errorf("%q: %s", ok, d)
		}
	}
	d := newInproc(t, mapEnv{EnvEnterpriseProjectID: "all_granted_ep"}).Configure(e.Config(map[string]any{"access_key": "a", "secret_key": "b"}))
	if d.Errors() != 1 || !strings.Contains(d.String(), `HW_ENTERPRISE_PROJECT_ID="all_granted_ep" cannot be used for enterprise_project_id: "all_granted_ep" is not an enterprise project: did you mean "all_granted_eps"?`) {
		t.Fatalf("%s", d)
	}
}
