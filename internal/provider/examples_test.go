package provider

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"

	"github.com/hsslabs/terraform-provider-hss/internal/emulator"
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
			declares, needsMocks := false, false
			for _, e := range entries {
				if !strings.HasSuffix(e.Name(), ".tf") {
					continue
				}
				b, err := os.ReadFile(filepath.Join(dir, e.Name()))
				if err != nil {
					t.Fatal(err)
				}
				declares = declares || strings.Contains(string(b), "required_providers")
				// Modules written for `terraform test` mocks require the CLI that has them.
				needsMocks = needsMocks || strings.Contains(string(b), `required_version = ">= 1.7"`)
				if err := os.WriteFile(filepath.Join(work, e.Name()), b, 0o600); err != nil {
					t.Fatal(err)
				}
			}
			if !declares {
				// Snippets shown in the docs leave out the terraform block.
				if err := os.WriteFile(filepath.Join(work, "versions.tf"), []byte(requiredProviders), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			if needsMocks && !terraformSupportsMocks(t, work, plugins) {
				t.Skip("the module requires Terraform >= 1.7 (test mocks)")
			}
			out := terraformRun(t, work, plugins, nil, "validate", "-no-color")
			if !strings.Contains(out, "Success! The configuration is valid") {
				t.Fatalf("terraform validate:\n%s", out)
			}
		})
	}
}

// copyExample copies an example directory, sub-directories included, into a scratch one.
func copyExample(t *testing.T, name string) string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	src := filepath.Join(filepath.Dir(file), "..", "..", "examples", name)
	dst := t.TempDir()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o750)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o600)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

// terraformSupportsMocks reports whether the CLI under test has `terraform test` mocks
// (Terraform 1.7, OpenTofu 1.8).
func terraformSupportsMocks(t *testing.T, dir, plugins string) bool {
	t.Helper()
	out := terraformRun(t, dir, plugins, nil, "version")
	var major, minor int
	if _, err := fmt.Sscanf(strings.TrimPrefix(strings.TrimPrefix(out, "OpenTofu v"), "Terraform v"), "%d.%d", &major, &minor); err != nil {
		t.Fatalf("unreadable version %q", out)
	}
	if strings.HasPrefix(out, "OpenTofu") {
		return major > 1 || minor >= 8
	}
	return major > 1 || minor >= 7
}

// The policy module's own tests, with mock_provider and override_data, pass: module authors
// can test against this provider's schema without an account.
func TestAccModuleTests(t *testing.T) {
	plugins := buildProvider(t)
	dir := copyExample(t, filepath.Join("modules", "base-image-policy"))
	if !terraformSupportsMocks(t, dir, plugins) {
		t.Skip("this Terraform has no test mocks")
	}
	// No `terraform init`: with the provider from dev_overrides there is nothing to install,
	// and init would ask the registry, which tests must not reach.
	out := terraformRun(t, dir, plugins, nil, "test", "-no-color")
	if !strings.Contains(out, "3 passed, 0 failed") {
		t.Fatalf("terraform test:\n%s", out)
	}
}

// The end-of-life example against the emulator: by default the check warns for the legacy
// image and the release deploys; deploying the legacy image fails its precondition.
func TestAccEndOfLifeExample(t *testing.T) {
	plugins := buildProvider(t)
	e := newEmu(t)
	dir := copyExample(t, "end-of-life-check")
	env := []string{"TF_VAR_hss_endpoint=" + e.url, EnvRegion + "=" + emulator.Region, EnvAccessKey + "=" + emulator.AccessKeyID, EnvSecretKey + "=" + emulator.SecretAccessKey}
	out := terraformRun(t, dir, plugins, env, "plan", "-input=false", "-lock=false", "-no-color")
	for _, want := range []string{"Warning: Check block assertion failed", `Built on an end-of-life OS: {"legacy":["Debian 9"]}`, `terraform_data.deployment["release"] will be created`} {
		if !strings.Contains(strings.Join(strings.Fields(out), " "), want) {
			t.Fatalf("plan lacks %q:\n%s", want, out)
		}
	}
	out, err := terraformExec(t, dir, plugins, env, "plan", "-input=false", "-lock=false", "-no-color", `-var=deploy=["release","legacy"]`)
	if err == nil || !strings.Contains(out, "Resource precondition failed") || !strings.Contains(out, "Refusing to deploy legacy: it is built on Debian 9") {
		t.Fatalf("deploying legacy: err %v\n%s", err, out)
	}
}
