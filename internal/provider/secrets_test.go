package provider

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/hsslabs/terraform-provider-hss/internal/emulator"
)

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

// buildProvider compiles the provider binary once for tests that drive Terraform directly.
func buildProvider(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	_, file, _, _ := runtime.Caller(0)
	root := filepath.Join(filepath.Dir(file), "..", "..")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "build", "-o", filepath.Join(dir, "terraform-provider-hss"), ".")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building the provider: %v\n%s", err, out)
	}
	return dir
}

// terraformRun runs the Terraform CLI in dir with the provider from pluginDir and returns
// its combined output.
func terraformRun(t *testing.T, dir, pluginDir string, env []string, args ...string) string {
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
	if err := cmd.Run(); err != nil {
		t.Fatalf("terraform %v: %v\n%s", args, err, out.String())
	}
	return out.String()
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

// With TF_LOG=trace, no secret of any credential method reaches the logs, the output or the
// state: not the secret key, security token, token or password, nor any Authorization,
// X-Auth-Token, X-Security-Token or X-Subject-Token value seen on the wire.
func TestAccSecretsStaySecret(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	plugins := buildProvider(t)
	e := newEmu(t)
	token := e.IssueToken(emulator.UserName, emulator.ProjectID, time.Hour)
	cases := map[string]struct {
		auth    string
		secrets []string
	}{
		"aksk":      {authAKSK, []string{emulator.SecretAccessKey}},
		"temporary": {authTemp, []string{emulator.TempSecretKey, emulator.TempSecurityTok}},
		"token":     {fmt.Sprintf("token = %q", token), []string{token}},
		"password":  {authPassword, []string{emulator.UserPassword}},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			config := requiredProviders + e.provider(c.auth) + `
data "hss_image_basic_image" "test" {
  image_id   = "111"
  image_type = "cicd"
}

resource "terraform_data" "base" {
  input = data.hss_image_basic_image.test.data_list
}

output "base" {
  value = data.hss_image_basic_image.test.data_list[0].os_name
}
`
			if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(config), 0o600); err != nil {
				t.Fatal(err)
			}
			logPath := filepath.Join(dir, "trace.log")
			e.Reset()
			out := terraformRun(t, dir, plugins, []string{"TF_LOG=trace", "TF_LOG_PATH=" + logPath},
				"apply", "-auto-approve", "-input=false", "-lock=false", "-no-color")
			logs, err := os.ReadFile(logPath)
			if err != nil {
				t.Fatal(err)
			}
			state, err := os.ReadFile(filepath.Join(dir, "terraform.tfstate"))
			if err != nil {
				t.Fatal(err)
			}
			// The capture works: provider trace lines and the result are there.
			for _, want := range []string{"HSS provider HTTP response", "HSS basic-image page read"} {
				if !bytes.Contains(logs, []byte(want)) {
					t.Fatalf("trace log lacks %q: logging was not captured", want)
				}
			}
			if !strings.Contains(string(state), "Debian") {
				t.Fatal("state lacks the result")
			}
			secrets := append([]string{}, c.secrets...)
			for _, r := range e.Requests() {
				secrets = append(secrets, r.Secrets...)
			}
			if len(secrets) <= len(c.secrets) {
				t.Fatal("the emulator saw no credential headers")
			}
			for _, s := range secrets {
				for where, text := range map[string]string{"trace log": string(logs), "output": out, "state": string(state)} {
					if strings.Contains(text, s) {
						t.Errorf("%s contains secret %.12q…", where, s)
					}
				}
			}
		})
	}
}
