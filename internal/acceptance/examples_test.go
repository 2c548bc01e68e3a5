package acceptance

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/hsslabs/terraform-provider-hss/internal/emulator"
	"github.com/hsslabs/terraform-provider-hss/internal/provider"
)

// Every example validates with the provider built from this tree (terraform fmt is checked
// by `make test` as well), so the docs never show configuration that does not work.
func TestAccExamplesValidate(t *testing.T) {
	_, file, _, _ := runtime.Caller(0)
	root := filepath.Join(filepath.Dir(file), "..", "..", "examples")
	dirs := map[string]bool{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".tf") {
			dirs[filepath.Dir(p)] = true
		}
		return err
	})
	if err != nil || len(dirs) < 6 {
		t.Fatalf("found %d example directories: %v", len(dirs), err)
	}
	names := make([]string, 0, len(dirs))
	for d := range dirs {
		names = append(names, d)
	}
	sort.Strings(names)
	plugins := buildProvider(t)
	for _, dir := range names {
		rel, _ := filepath.Rel(root, dir)
		t.Run(rel, func(t *testing.T) {
			work := t.TempDir()
			entries, err := os.ReadDir(dir)
			if err != nil {
				t.Fatal(err)
			}
			declares, needsFunctions := false, false
			for _, e := range entries {
				if !strings.HasSuffix(e.Name(), ".tf") {
					continue
				}
				b, err := os.ReadFile(filepath.Join(dir, e.Name()))
				if err != nil {
					t.Fatal(err)
				}
				declares = declares || strings.Contains(string(b), "required_providers")
				// Examples that call the provider's functions need a CLI that has them (mocks too).
				needsFunctions = needsFunctions || strings.Contains(string(b), "provider::hss::")
				if err := os.WriteFile(filepath.Join(work, e.Name()), b, 0o600); err != nil {
					t.Fatal(err)
				}
			}
			if !declares {
				// Fragments shown in the docs leave out the terraform block, which the provider's
				// page shows once.
				if err := os.WriteFile(filepath.Join(work, "versions.tf"), []byte(requiredProviders), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			if needsFunctions {
				skipWithoutFunctions(t, work, plugins)
			}
			out := terraformRun(t, work, plugins, nil, "validate", "-no-color")
			if !strings.Contains(out, "Success! The configuration is valid") {
				t.Fatalf("terraform validate:\n%s", out)
			}
		})
	}
}

// The gate example's own tests, with mock_provider and override_data, pass: a configuration
// that uses the gate can test how it reacts to a refusal without an account.
func TestAccGateConfigurationTests(t *testing.T) {
	plugins := buildProvider(t)
	dir := copyExample(t, "gate")
	if !terraformSupportsMocks(t, dir, plugins) {
		t.Skip("this CLI has no test mocks")
	}
	// No `terraform init`: with the provider from dev_overrides there is nothing to install,
	// and init would ask the registry, which tests must not reach.
	out := terraformRun(t, dir, plugins, nil, "test", "-no-color")
	if !strings.Contains(out, "2 passed, 0 failed") {
		t.Fatalf("terraform test:\n%s", out)
	}
}

// Each function's documented example applies, and its outputs are what the table says.
func TestAccFunctionExamples(t *testing.T) {
	plugins := buildProvider(t)
	outputs := func(t *testing.T, name string) map[string]json.RawMessage {
		t.Helper()
		dir := copyExample(t, filepath.Join("functions", name))
		skipWithoutFunctions(t, dir, plugins)
		terraformRun(t, dir, plugins, nil, "apply", "-auto-approve", "-input=false", "-lock=false", "-no-color")
		var got map[string]struct {
			Value json.RawMessage `json:"value"`
		}
		if err := json.Unmarshal([]byte(terraformRun(t, dir, plugins, nil, "output", "-json")), &got); err != nil {
			t.Fatal(err)
		}
		out := map[string]json.RawMessage{}
		for k, v := range got {
			out[k] = v.Value
		}
		return out
	}
	t.Run("os_lifecycle", func(t *testing.T) {
		got := outputs(t, "os_lifecycle")
		var debian, unknown map[string]any
		if err := json.Unmarshal(got["debian_12"], &debian); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(got["unknown"], &unknown); err != nil {
			t.Fatal(err)
		}
		for k, v := range map[string]any{"known": true, "distribution": "debian", "release": "12", "eol_date": "2026-07-11",
			"extended_support_until": "2028-06-30", "end_of_life": true, "supported": false, "source": "endoflife.date 2026-08-22: https://endoflife.date/debian"} {
			if debian[k] != v {
				t.Errorf("debian_12.%s = %v, want %v", k, debian[k], v)
			}
		}
		if d, ok := debian["days_left"].(float64); !ok || d >= 0 {
			t.Errorf("debian_12.days_left = %v", debian["days_left"])
		}
		for k, v := range map[string]any{"known": false, "supported": false, "end_of_life": false, "eol_date": nil, "days_left": nil, "release": "", "distribution": ""} {
			if unknown[k] != v {
				t.Errorf("unknown.%s = %v, want %v", k, unknown[k], v)
			}
		}
		if string(got["rocky_9_in_90_days"]) != "true" {
			t.Errorf("rocky_9_in_90_days = %s", got["rocky_9_in_90_days"])
		}
	})
	t.Run("parse_image_reference", func(t *testing.T) {
		got := outputs(t, "parse_image_reference")
		var ref map[string]string
		if err := json.Unmarshal(got["proxy_agent"], &ref); err != nil {
			t.Fatal(err)
		}
		want := map[string]string{"registry": "swr.cn-north-4.myhuaweicloud.com", "namespace": "scc_hss_container", "name": "proxy-agent", "tag": "24.5.0-x86_64", "digest": ""}
		if fmt.Sprint(ref) != fmt.Sprint(want) {
			t.Fatalf("proxy_agent = %v, want %v", ref, want)
		}
		// A reference without an organization is an error at plan time that shows the form.
		dir := copyExample(t, filepath.Join("functions", "parse_image_reference"))
		out, err := terraformExec(t, dir, plugins, nil, "plan", "-input=false", "-lock=false", "-no-color", "-var=image=nginx:1.25")
		if err == nil || !strings.Contains(strings.Join(strings.Fields(out), " "), `"nginx:1.25" names no organization`) ||
			!strings.Contains(out, "[registry/]organization/name:tag") {
			t.Fatalf("err %v\n%s", err, out)
		}
	})
}

// The quickstart `make demo` plans: the API page's example image's base, and the gate's verdict
// on three images, which only warns.
func TestAccQuickstart(t *testing.T) {
	plugins := buildProvider(t)
	e := newEmu(t)
	dir := copyExample(t, "quickstart")
	env := []string{"TF_VAR_hss_endpoint=" + e.URL, provider.EnvRegion + "=" + emulator.Region, provider.EnvAccessKey + "=" + emulator.AccessKeyID, provider.EnvSecretKey + "=" + emulator.SecretAccessKey}
	out := terraformRun(t, dir, plugins, env, "plan", "-input=false", "-lock=false", "-no-color")
	flat := strings.Join(strings.Fields(out), " ")
	for _, want := range []string{`+ layer_digest = "` + emulator.SpecDebian.LayerDigest + `"`, `+ os_version = "9"`,
		`+ app = "deploy ` + emulator.SWRHost + `/team/app@` + emulator.AppDigest + `"`, "Warning: Deployment refused", "2 of 3 images may not be deployed",
		`- base OS "Huawei Cloud EulerOS 2.0" is not in the lifecycle table and not in os_allow`, "- 1 malicious file found (refuse_malicious_files)"} {
		if !strings.Contains(flat, want) {
			t.Fatalf("plan lacks %q:\n%s", want, out)
		}
	}
}

// Every provider block of examples/provider reads through the emulator as written, the few
// names only a real account has swapped for the emulator's: each example authenticates the way
// it says, not only validates. A new example needs its line here.
func TestAccProviderExamples(t *testing.T) {
	plugins := buildProvider(t)
	e := newEmu(t)
	idToken := writeIDToken(t, e.SignIDToken("repo:hsslabs/app:ref:refs/heads/main", time.Hour, nil))
	profile := writeProfile(t)
	aksk := []string{provider.EnvAccessKey + "=" + emulator.AccessKeyID, provider.EnvSecretKey + "=" + emulator.SecretAccessKey}
	cases := map[string]struct {
		subst map[string]string
		env   []string
	}{
		"provider.tf":              {env: aksk},
		"provider-assume-role.tf":  {subst: map[string]string{"central-security-account": emulator.DomainName}, env: aksk},
		"provider-ecs-metadata.tf": {},
		"provider-oidc.tf":         {subst: map[string]string{"/tmp/oidc-token": idToken, "0a1b2c3d4e5f60718293a4b5c6d7e8f9": emulator.DomainID}},
		"provider-password.tf":     {subst: map[string]string{"my-account": emulator.DomainName}, env: []string{"TF_VAR_iam_password=" + emulator.UserPassword}},
		"provider-profile.tf":      {subst: map[string]string{"~/.hcloud/config.json": profile, "security-team": "emulator"}},
		"provider-temporary-credentials.tf": {env: []string{"TF_VAR_temporary_access_key=" + emulator.TempAccessKeyID,
			"TF_VAR_temporary_secret_key=" + emulator.TempSecretKey, "TF_VAR_security_token=" + emulator.TempSecurityTok}},
	}
	files, err := filepath.Glob(filepath.Join(exampleRoot(), "provider", "*.tf"))
	if err != nil || len(files) != len(cases) {
		t.Fatalf("%d examples, %d cases: %v", len(files), len(cases), err)
	}
	alias := regexp.MustCompile(`(?m)^\s*alias\s*=\s*"([a-z_]+)"`)
	endpoints := fmt.Sprintf("provider \"hss\" {\n  endpoints = { hss = %q, iam = %q, sts = %q, metadata = %q }\n", e.URL, e.URL, e.URL, e.URL)
	for _, f := range files {
		name := filepath.Base(f)
		tc, ok := cases[name]
		if !ok {
			t.Fatalf("%s has no case", name)
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			src := string(b)
			for from, to := range tc.subst {
				if !strings.Contains(src, from) {
					t.Fatalf("%s no longer holds %q", name, from)
				}
				src = strings.ReplaceAll(src, from, to)
			}
			if strings.Count(src, "provider \"hss\" {\n") != 1 {
				t.Fatalf("%s: want one provider block", name)
			}
			src = strings.Replace(src, "provider \"hss\" {\n", endpoints, 1)
			ref := ""
			if m := alias.FindStringSubmatch(src); m != nil {
				ref = "provider = hss." + m[1]
			}
			if !strings.Contains(src, "required_providers") {
				src += "\nterraform {\n  required_providers {\n    hss = {\n      source = \"hsslabs/hss\"\n    }\n  }\n}\n"
			}
			src += fmt.Sprintf("\ndata \"hss_image_basic_image\" \"ci\" {\n  %s\n  image_id   = \"111\"\n  image_type = \"cicd\"\n}\n\n"+
				"output \"base_os\" {\n  value = [for b in data.hss_image_basic_image.ci.data_list : \"${b.os_name} ${b.os_version}\"]\n}\n", ref)
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(src), 0o600); err != nil {
				t.Fatal(err)
			}
			out := terraformRun(t, dir, plugins, tc.env, "plan", "-input=false", "-lock=false", "-no-color")
			if !strings.Contains(out, `"Debian 9"`) {
				t.Fatalf("plan:\n%s\nconfiguration:\n%s", out, src)
			}
		})
	}
}

// The gate of the guide against the emulator: its default image deploys, pinned; a refused one
// stops the plan with every reason, before the deployment's own precondition.
func TestAccGateExample(t *testing.T) {
	plugins := buildProvider(t)
	e := newEmu(t)
	dir := copyExample(t, "gate")
	env := []string{"TF_VAR_hss_endpoint=" + e.URL, provider.EnvRegion + "=" + emulator.Region, provider.EnvAccessKey + "=" + emulator.AccessKeyID, provider.EnvSecretKey + "=" + emulator.SecretAccessKey}
	out := terraformRun(t, dir, plugins, env, "plan", "-input=false", "-lock=false", "-no-color")
	flat := strings.Join(strings.Fields(out), " ")
	if !strings.Contains(flat, `terraform_data.deployment["app"] will be created`) || !strings.Contains(flat, emulator.SWRHost+"/team/app@"+emulator.AppDigest) {
		t.Fatalf("the default image was refused:\n%s", out)
	}
	images := `-var=images={app="` + emulator.SWRHost + `/team/app:1.4.2",agent="` + emulator.SWRHost + `/scc_hss_container/proxy-agent:24.5.0-x86_64"}`
	out, err := terraformExec(t, dir, plugins, env, "plan", "-input=false", "-lock=false", "-no-color", images)
	flat = strings.Join(strings.Fields(out), " ")
	if err == nil || !strings.Contains(flat, "Error: Deployment refused") || !strings.Contains(flat, "1 of 2 images may not be deployed") ||
		!strings.Contains(flat, `- base OS "Huawei Cloud EulerOS 2.0" is not in the lifecycle table and not in os_allow`) {
		t.Fatalf("err %v\n%s", err, out)
	}
	// The exception the example writes hides its vulnerability, and says so nowhere as a refusal.
	if strings.Contains(flat, "CVE-2024-6387") {
		t.Fatalf("an excepted vulnerability refused:\n%s", out)
	}
}
