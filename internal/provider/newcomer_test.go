package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hsslabs/terraform-provider-hss/internal/emulator"
	"github.com/hsslabs/terraform-provider-hss/internal/hss"
)

// An enterprise project is "0", "all_granted_eps" or an ID; a near miss says what was meant,
// in the provider block, a data source or the environment.
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
		d := p.validate(e.config(map[string]any{"enterprise_project_id": value}))
		if d.errors() != 1 || !strings.Contains(d.String(), want) || strings.Contains(d.String(), "?.") {
			t.Errorf("provider %q: %s", value, d)
		}
		_, d = p.read(map[string]any{"image_id": "111", "image_type": "cicd", "enterprise_project_id": value})
		if d.errors() != 1 || !strings.Contains(d.String(), want) {
			t.Errorf("data source %q: %s", value, d)
		}
	}
	for _, ok := range []string{"0", "all_granted_eps", emulator.GrantedEP, strings.ToUpper(emulator.GrantedEP)} {
		if d := p.validate(e.config(map[string]any{"enterprise_project_id": ok})); d.errors() != 0 {
			t.Errorf("%q: %s", ok, d)
		}
	}
	d := newInproc(t, mapEnv{EnvEnterpriseProjectID: "all_granted_ep"}).configure(e.config(map[string]any{"access_key": "a", "secret_key": "b"}))
	if d.errors() != 1 || !strings.Contains(d.String(), `HW_ENTERPRISE_PROJECT_ID="all_granted_ep" cannot be used for enterprise_project_id: "all_granted_ep" is not an enterprise project: did you mean "all_granted_eps"?`) {
		t.Fatalf("%s", d)
	}
}

// tenant_id and tenant_name are the Huawei Cloud provider's aliases of project_id and
// project_name; the SDK's own variables are read last.
func TestHuaweiCloudProviderNames(t *testing.T) {
	m := nullModel()
	m.Region, m.Token, m.TenantID, m.TenantName = stringValue("cn-north-4"), stringValue("t"), stringValue("p-1"), stringValue("cn-north-4_sub")
	cfg, d := resolve(t, m, mapEnv{EnvProjectID: "p-env"})
	if d.HasError() || cfg.ProjectID != "p-1" || cfg.ProjectName != "cn-north-4_sub" {
		t.Fatalf("%+v %v", cfg, d)
	}
	e := newEmu(t)
	if d := newInproc(t, nil).validate(e.config(map[string]any{"project_id": "a", "tenant_id": "b"})); d.errors() != 1 || !strings.Contains(d.String(), "Invalid Attribute Combination") {
		t.Fatalf("%s", d)
	}

	sdk := mapEnv{EnvRegion: "cn-north-4", EnvSDKAccessKey: "AK-SDK", EnvSDKSecretKey: "SK-SDK", EnvSDKSecurityToken: "ST-SDK", EnvSDKProjectID: "p-sdk", EnvSDKDomainID: "d-sdk"}
	cfg, d = resolve(t, nullModel(), sdk)
	if c := cfg.Credentials; d.HasError() || c.Method != hss.AuthAKSK || c.AccessKey != "AK-SDK" || c.SecurityToken != "ST-SDK" || c.DomainID != "d-sdk" || cfg.ProjectID != "p-sdk" {
		t.Fatalf("%+v %v", cfg, d)
	}
	sdk[EnvAccessKey], sdk[EnvSecretKey] = "AK-HW", "SK-HW"
	if cfg, _ = resolve(t, nullModel(), sdk); cfg.Credentials.AccessKey != "AK-HW" || cfg.Credentials.SecretKey != "SK-HW" {
		t.Fatalf("the SDK's names must come last: %+v", cfg.Credentials)
	}
}

// Only CLOUD_SDK_AK/SK, which the API pages' samples read, are set: the no-credentials error
// says which variables to use instead.
func TestCloudSDKSampleVariables(t *testing.T) {
	p := newInproc(t, mapEnv{EnvSampleAccessKey: emulator.AccessKeyID, EnvSampleSecretKey: emulator.SecretAccessKey})
	if d := p.configure(map[string]any{"region": "cn-north-4", "endpoints": map[string]string{"metadata": "http://127.0.0.1:1"}}); d.errors() != 0 {
		t.Fatalf("%s", d)
	}
	_, d := p.read(map[string]any{"image_id": "111", "image_type": "cicd"})
	if d.errors() != 1 || !strings.Contains(d.String(), "CLOUD_SDK_AK and CLOUD_SDK_SK are set, but only the API pages' code samples read them. Export the same keys as HW_ACCESS_KEY and HW_SECRET_KEY") {
		t.Fatalf("%s", d)
	}
}

// A failure of IAM is named as IAM's in the summary, and its message is shown once, with the
// step that failed.
func TestIAMFailureNamesTheService(t *testing.T) {
	e := newEmu(t)
	p := newInproc(t, nil)
	if d := p.configure(e.config(map[string]any{"user_name": emulator.UserName, "password": "not-the-password", "domain_name": emulator.DomainName})); d.errors() != 0 {
		t.Fatalf("%s", d)
	}
	_, d := p.read(map[string]any{"image_id": "111", "image_type": "cicd"})
	s := d.String()
	if d.errors() != 1 || d[0].Summary != "Unable to authenticate with IAM" || strings.Count(s, "The username or password is wrong") != 1 ||
		!strings.Contains(s, `Step: password authentication for user "hss-operator" in domain "hsslabs-dev" failed.`) {
		t.Fatalf("%s", s)
	}
}

// An answer with no entries is never silent: a warning names the query and the likely causes,
// with the same summary for every query so that Terraform folds many into one.
func TestEmptyResultWarns(t *testing.T) {
	e := newEmu(t)
	p := newInproc(t, nil)
	if d := p.configure(e.config(map[string]any{"access_key": emulator.AccessKeyID, "secret_key": emulator.SecretAccessKey})); d.errors() != 0 {
		t.Fatalf("%s", d)
	}
	for id, want := range map[string]string{"does-not-exist": "warning", "111": ""} {
		state, d := p.read(map[string]any{"image_id": id, "image_type": "cicd"})
		s := d.String()
		if want == "" {
			if len(d) != 0 || !strings.HasPrefix(str(t, state, "id"), "cn-north-4/111/") {
				t.Fatalf("%s: %s", id, s)
			}
			continue
		}
		if len(d) != 1 || d[0].Summary != "HSS knows no base image for this query" ||
			!strings.Contains(s, `The query for image_id "does-not-exist" (image_type "cicd") in enterprise project "0" of region cn-north-4 matched nothing`) ||
			!strings.Contains(s, "HSS has not scanned the image yet") || !strings.Contains(s, "condition     = length(self.data_list) > 0") {
			t.Fatalf("%s", s)
		}
	}
}

// Through the CLI: 200 empty reads print one warning block, and the documented postcondition
// turns an empty answer into an error that stops the plan.
func TestAccEmptyResults(t *testing.T) {
	plugins := buildProvider(t)
	e := newEmu(t)
	dir := t.TempDir()
	config := requiredProviders + e.provider(authAKSK, fmt.Sprintf("project_id = %q", emulator.ProjectID)) + `
data "hss_image_basic_image" "typo" {
  for_each   = toset([for i in range(200) : tostring(i)])
  image_id   = "does-not-exist-${each.key}"
  image_type = "cicd"
}
`
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	out := terraformRun(t, dir, plugins, nil, "plan", "-input=false", "-lock=false", "-no-color")
	if n := strings.Count(out, "Warning: HSS knows no base image for this query"); n != 1 || !strings.Contains(out, "(and 199 more similar warnings elsewhere)") {
		t.Fatalf("%d warning blocks:\n%s", n, out)
	}
	gate := requiredProviders + e.provider(authAKSK, fmt.Sprintf("project_id = %q", emulator.ProjectID)) + `
data "hss_image_basic_image" "typo" {
  image_id   = "does-not-exist"
  image_type = "cicd"

  lifecycle {
    postcondition {
      condition     = length(self.data_list) > 0
      error_message = "HSS knows no base image for ${self.image_id}."
    }
  }
}
`
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(gate), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := terraformExec(t, dir, plugins, nil, "plan", "-input=false", "-lock=false", "-no-color")
	if err == nil || !strings.Contains(out, "Resource postcondition failed") || !strings.Contains(out, "HSS knows no base image for does-not-exist.") {
		t.Fatalf("err %v\n%s", err, out)
	}
}
