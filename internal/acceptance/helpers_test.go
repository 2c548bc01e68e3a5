package acceptance

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hsslabs/terraform-provider-hss/internal/emulator"
	"github.com/hsslabs/terraform-provider-hss/internal/hss"
	"github.com/hsslabs/terraform-provider-hss/internal/provider"
	"github.com/hsslabs/terraform-provider-hss/internal/providertest"
)

// cliBudget is how many times the acceptance tests may launch the Terraform CLI: journeys
// through the CLI are for what only the CLI can prove, and each launch costs a second or more.
const cliBudget = 200

// TestMain points terraform-plugin-testing at the Terraform CLI on PATH (it must never download
// one), through a wrapper that counts every launch against cliBudget.
func TestMain(m *testing.M) {
	os.Exit(runCounted(m))
}

func runCounted(m *testing.M) int {
	if os.Getenv("TF_ACC") == "" {
		return m.Run()
	}
	tf := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if tf == "" {
		var err error
		if tf, err = exec.LookPath("terraform"); err != nil {
			fmt.Fprintln(os.Stderr, "acceptance tests need the Terraform CLI: install terraform on PATH or set TF_ACC_TERRAFORM_PATH")
			return 2
		}
	}
	dir, err := os.MkdirTemp("", "hss-acc")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	if os.Getenv("HSS_KEEP_CLI_LOG") == "" {
		defer os.RemoveAll(dir)
	} else {
		fmt.Println("CLI log in", dir)
	}
	counted, launches, err := countingCLI(dir, tf)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	_ = os.Setenv("TF_ACC_TERRAFORM_PATH", counted)
	// Terraform warns on every command when its CLI config file is missing.
	if f := os.Getenv("TF_CLI_CONFIG_FILE"); f != "" {
		if _, err := os.Stat(f); err != nil {
			empty := filepath.Join(dir, "terraformrc")
			if os.WriteFile(empty, nil, 0o600) == nil {
				_ = os.Setenv("TF_CLI_CONFIG_FILE", empty)
			}
		}
	}
	code := m.Run()
	if built.dir != "" {
		_ = os.RemoveAll(built.dir)
	}
	n := launches()
	fmt.Printf("The acceptance tests launched the Terraform CLI %d times (budget %d).\n", n, cliBudget)
	if n > cliBudget && code == 0 && !testing.Short() && flagRunIsAll() {
		fmt.Fprintf(os.Stderr, "FAIL: %d Terraform CLI launches, over the budget of %d: move what does not need the CLI in-process.\n", n, cliBudget)
		return 1
	}
	return code
}

// countingCLI writes a wrapper for the CLI at tf into dir that counts its launches, and
// returns the wrapper and how to read the count.
func countingCLI(dir, tf string) (string, func() int, error) {
	log := filepath.Join(dir, "launches")
	wrapper := filepath.Join(dir, "terraform")
	script := fmt.Sprintf("#!/bin/sh\necho \"$*\" >> %s\nexec %s \"$@\"\n", shellQuote(log), shellQuote(tf))
	if err := os.WriteFile(wrapper, []byte(script), 0o700); err != nil { //nolint:gosec // the wrapper must be executable
		return "", nil, err
	}
	return wrapper, func() int {
		b, _ := os.ReadFile(log)
		return strings.Count(string(b), "\n")
	}, nil
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// flagRunIsAll reports whether every test ran: the budget holds for the whole suite, not for
// one test picked with -run.
func flagRunIsAll() bool {
	f := flag.Lookup("test.run")
	return f == nil || f.Value.String() == ""
}

// factories serves the provider in-process, reading environment fallbacks from env only.
func factories(env map[string]string) map[string]func() (tfprotov6.ProviderServer, error) {
	return tunedFactories(env, nil)
}

// tunedFactories is factories with the client's configuration adjusted by tune.
func tunedFactories(env map[string]string, tune func(*hss.Config)) map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		"hss": providerserver.NewProtocol6WithError(provider.NewWith("test", env, tune)()),
	}
}

// Shared helpers of the in-process harness, by the names these tests use.
type emu = providertest.Emu

var (
	newEmu       = providertest.NewEmu
	errRe        = providertest.ErrRe
	writeIDToken = providertest.WriteIDToken
	writeProfile = providertest.WriteProfile
	oidcBlock    = providertest.OIDCBlock
	authAKSK     = providertest.AuthAKSK
	authTemp     = providertest.AuthTemp
	authPassword = providertest.AuthPassword
	authForeign  = providertest.AuthForeign
)

// assumeRoleBlock assumes the fixture's agency of the default domain.
var assumeRoleBlock = providertest.AssumeRoleBlock

// dataCICD111 reads the API page's example CI/CD image.
const dataCICD111 = `
data "hss_image_basic_image" "test" {
  image_id   = "111"
  image_type = "cicd"
}`

// exampleRoot is the repository's examples directory.
func exampleRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "examples")
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

// cliVersion is the CLI under test: OpenTofu or Terraform, and its major and minor version.
func cliVersion(t *testing.T, dir, plugins string) (tofu bool, major, minor int) {
	t.Helper()
	out := terraformRun(t, dir, plugins, nil, "version")
	tofu = strings.HasPrefix(out, "OpenTofu")
	if _, err := fmt.Sscanf(strings.TrimPrefix(strings.TrimPrefix(out, "OpenTofu v"), "Terraform v"), "%d.%d", &major, &minor); err != nil {
		t.Fatalf("unreadable version %q", out)
	}
	return tofu, major, minor
}

// terraformSupportsMocks reports whether the CLI under test has `terraform test` mocks
// (Terraform 1.7, OpenTofu 1.8).
func terraformSupportsMocks(t *testing.T, dir, plugins string) bool {
	t.Helper()
	tofu, major, minor := cliVersion(t, dir, plugins)
	if tofu {
		return major > 1 || minor >= 8
	}
	return major > 1 || minor >= 7
}

// skipWithoutFunctions skips a test on a CLI without provider-defined functions (Terraform 1.8,
// OpenTofu 1.7); the data source works there, the functions and the gates built on them do not.
func skipWithoutFunctions(t *testing.T, dir, plugins string) {
	t.Helper()
	tofu, major, minor := cliVersion(t, dir, plugins)
	if major > 1 || (tofu && minor >= 7) || (!tofu && minor >= 8) {
		return
	}
	t.Skip("provider-defined functions need Terraform 1.8 or OpenTofu 1.7; this CLI is older")
}

const dsAddr = "data.hss_image_basic_image.test"

func entry(b emulator.BasicImage) knownvalue.Check {
	return knownvalue.ObjectExact(map[string]knownvalue.Check{
		"os_name":      knownvalue.StringExact(b.OSName),
		"os_version":   knownvalue.StringExact(b.OSVersion),
		"layer_digest": knownvalue.StringExact(b.LayerDigest),
	})
}

func dsAttr(name string, v knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(dsAddr, tfjsonpath.New(name), v)
}

// requiredProviders maps the hss provider to its registry address for CLI-driven tests.
const requiredProviders = `
terraform {
  required_providers {
    hss = {
      source = "hsslabs/hss"
    }
  }
}
`

// built is the provider binary, compiled once for every test that drives Terraform directly.
var built struct {
	once sync.Once
	dir  string
	err  error
}

// buildProvider returns the directory of the provider binary built from this tree, for a
// test that drives Terraform directly; without TF_ACC the test is skipped.
func buildProvider(t *testing.T) string {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	built.once.Do(func() {
		built.dir, built.err = os.MkdirTemp("", "hss-provider") //nolint:usetesting // shared by every test, removed in TestMain
		if built.err != nil {
			return
		}
		_, file, _, _ := runtime.Caller(0)
		root := filepath.Join(filepath.Dir(file), "..", "..")
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		// -trimpath as `make build` does, so the build cache of `make demo` is reused.
		cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-o", filepath.Join(built.dir, "terraform-provider-hss"), ".")
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			built.err = fmt.Errorf("building the provider: %w\n%s", err, out)
		}
	})
	if built.err != nil {
		t.Fatal(built.err)
	}
	return built.dir
}

// terraformRun runs the Terraform CLI in dir with the provider from pluginDir and returns
// its combined output; the command must succeed.
func terraformRun(t *testing.T, dir, pluginDir string, env []string, args ...string) string {
	t.Helper()
	out, err := terraformExec(t, dir, pluginDir, env, args...)
	if err != nil {
		t.Fatalf("terraform %v: %v\n%s", args, err, out)
	}
	return out
}

// terraformExec runs the Terraform CLI like terraformRun and returns its error as well.
func terraformExec(t *testing.T, dir, pluginDir string, env []string, args ...string) (string, error) {
	t.Helper()
	tf := os.Getenv("TF_ACC_TERRAFORM_PATH")
	rc := filepath.Join(dir, "dev.tfrc")
	content := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    \"hsslabs/hss\" = %q\n  }\n  direct {}\n}\n", pluginDir)
	if err := os.WriteFile(rc, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, tf, args...)
	cmd.Dir = dir
	cmd.Env = append(cleanEnv(), append([]string{"TF_CLI_CONFIG_FILE=" + rc, "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1"}, env...)...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.String(), err
}

// cleanEnv is the test's environment without HW_* and TF_LOG* variables.
func cleanEnv() []string {
	var out []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "HW_") || strings.HasPrefix(kv, "TF_LOG") || strings.HasPrefix(kv, "TF_CLI_CONFIG_FILE=") {
			continue
		}
		out = append(out, kv)
	}
	return out
}

var entryShape = knownvalue.ObjectExact(map[string]knownvalue.Check{
	"os_name":      knownvalue.NotNull(),
	"os_version":   knownvalue.NotNull(),
	"layer_digest": knownvalue.NotNull(),
})

// accTarget is where a shared acceptance test runs: the in-process emulator, where exact
// values and request counts are known, or Huawei Cloud, where only the shape of the answer is.
type accTarget struct {
	name      string
	factories map[string]func() (tfprotov6.ProviderServer, error)
	region    string
	cicdImage string
	repo      repoImage
	// emu is the emulator; nil on the cloud.
	emu *emu
}

type repoImage struct{ id, typ, namespace, name, version string }

// accTargets lists the emulator and the cloud; the cloud's tests skip unless the
// environment names an account and images.
func accTargets(t *testing.T) []accTarget {
	e := newEmu(t)
	return []accTarget{
		{
			name: "emulator", factories: factories(nil), region: emulator.Region, cicdImage: emulator.CICDImageID,
			repo: repoImage{"5f7c3b2a19e04d8c", "private_image", "scc_hss_container", "proxy-agent", "24.5.0-x86_64"},
			emu:  e,
		},
		{
			name: "cloud", factories: cloudFactories(), region: os.Getenv(provider.EnvRegion), cicdImage: os.Getenv(envCloudCICDImage),
			repo: repoImage{os.Getenv(envCloudRepoImage), os.Getenv(envCloudRepoType), os.Getenv(envCloudRepoNS), os.Getenv(envCloudRepoName), os.Getenv(envCloudRepoVersion)},
		},
	}
}

// need skips a cloud run unless the environment sets envs.
func (tg accTarget) need(t *testing.T, envs ...string) {
	t.Helper()
	if tg.emu == nil {
		cloudPreCheck(t, envs...)
	}
}

// provider is the provider block: the emulator's, or one that reads HW_* from the environment.
func (tg accTarget) provider(lines ...string) string {
	if tg.emu != nil {
		return tg.emu.Provider(append([]string{authAKSK}, lines...)...)
	}
	return "\nprovider \"hss\" {\n  " + strings.Join(lines, "\n  ") + "\n}\n"
}

// expect is exact on the emulator and shape on the cloud.
func (tg accTarget) expect(exact, shape knownvalue.Check) knownvalue.Check {
	if tg.emu != nil {
		return exact
	}
	return shape
}

// cloudPreCheck skips unless the environment describes a real account and the named images.
func cloudPreCheck(t *testing.T, needs ...string) {
	t.Helper()
	var missing []string
	if os.Getenv(provider.EnvRegion) == "" {
		missing = append(missing, provider.EnvRegion)
	}
	creds := (os.Getenv(provider.EnvAccessKey) != "" && os.Getenv(provider.EnvSecretKey) != "") || os.Getenv(provider.EnvToken) != "" ||
		(os.Getenv(provider.EnvUserName) != "" && os.Getenv(provider.EnvPassword) != "" && os.Getenv(provider.EnvDomainName) != "")
	if !creds {
		missing = append(missing, "credentials")
	}
	for _, n := range needs {
		if os.Getenv(n) == "" {
			missing = append(missing, n)
		}
	}
	if len(missing) > 0 {
		t.Skipf("real-cloud test: missing %s; %s and %s to run it against Huawei Cloud",
			strings.Join(missing, ", "), cloudSkipExplanation, strings.Join(needs, ", "))
	}
}

func cloudFactories() map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		"hss": providerserver.NewProtocol6WithError(provider.New("test")()),
	}
}

// Environment variables naming real images for the real-cloud acceptance tests.
const (
	envCloudCICDImage    = "HW_HSS_CICD_IMAGE_ID"
	envCloudRepoImage    = "HW_HSS_REPO_IMAGE_ID"
	envCloudRepoType     = "HW_HSS_REPO_IMAGE_TYPE"
	envCloudRepoNS       = "HW_HSS_REPO_NAMESPACE"
	envCloudRepoName     = "HW_HSS_REPO_IMAGE_NAME"
	envCloudRepoVersion  = "HW_HSS_REPO_IMAGE_VERSION"
	cloudSkipExplanation = "set HW_REGION_NAME, one set of credentials (HW_ACCESS_KEY+HW_SECRET_KEY[+HW_SECURITY_TOKEN], HW_AUTH_TOKEN, or HW_USER_NAME+HW_USER_PASSWORD+HW_DOMAIN_NAME)"
)
