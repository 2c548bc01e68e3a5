package acceptance

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

// `make install` puts the provider where `terraform init` finds it outside the repository:
// with HOME a scratch directory, an offline init resolves `version = "~> 0.1"` from the
// implied local mirror, and a plan reads through it.
func TestAccMakeInstall(t *testing.T) {
	buildProvider(t) // skips without TF_ACC
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("make is not on PATH")
	}
	_, file, _, _ := runtime.Caller(0)
	root := filepath.Join(filepath.Dir(file), "..", "..")
	home := t.TempDir()
	// The Go caches stay where they are: a HOME of its own would rebuild everything.
	goEnv := map[string]string{}
	for _, name := range []string{"GOCACHE", "GOMODCACHE", "GOPATH"} {
		out, err := exec.Command("go", "env", name).Output()
		if err != nil {
			t.Fatal(err)
		}
		goEnv[name] = strings.TrimSpace(string(out))
	}
	env := []string{"HOME=" + home}
	for k, v := range goEnv {
		env = append(env, k+"="+v)
	}
	run := func(dir, name string, extra []string, args ...string) string {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, name, args...)
		cmd.Dir = dir
		cmd.Env = append(append(cleanEnv(), env...), extra...)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Run(); err != nil {
			t.Fatalf("%s %v: %v\n%s", name, args, err, out.String())
		}
		return out.String()
	}

	out := run(root, "make", nil, "install")
	dir := filepath.Join(home, ".terraform.d", "plugins", "registry.terraform.io", "hsslabs", "hss", "0.1.0", runtime.GOOS+"_"+runtime.GOARCH)
	bin := filepath.Join(dir, "terraform-provider-hss_v0.1.0")
	if _, err := os.Stat(bin); err != nil || !strings.Contains(out, "Installed terraform-provider-hss 0.1.0 as "+bin) {
		t.Fatalf("make install: %v\n%s", err, out)
	}
	tofuBin := strings.Replace(bin, "registry.terraform.io", "registry.opentofu.org", 1)
	if _, err := os.Stat(tofuBin); err != nil {
		t.Fatalf("nothing for OpenTofu: %v\n%s", err, out)
	}

	e := newEmu(t)
	work := t.TempDir()
	config := fmt.Sprintf(`terraform {
  required_providers {
    hss = {
      source  = "hsslabs/hss"
      version = "~> 0.1"
    }
  }
}

provider "hss" {
  region     = %q
  access_key = %q
  secret_key = %q
  endpoints  = { hss = %q, iam = %q }
}

data "hss_image_basic_image" "ci" {
  image_id   = "111"
  image_type = "cicd"
}

output "ci_base_os" {
  value = [for b in data.hss_image_basic_image.ci.data_list : "${b.os_name} ${b.os_version}"]
}
`, emulator.Region, emulator.AccessKeyID, emulator.SecretAccessKey, e.URL, e.URL)
	if err := os.WriteFile(filepath.Join(work, "main.tf"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	// An empty CLI configuration: no dev_overrides, no provider_installation, so Terraform
	// uses its implied mirror. Nothing may be asked of a registry: the proxy points nowhere.
	rc := filepath.Join(home, "empty.tfrc")
	if err := os.WriteFile(rc, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	tf := os.Getenv("TF_ACC_TERRAFORM_PATH")
	offline := []string{"TF_CLI_CONFIG_FILE=" + rc, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1",
		"HTTPS_PROXY=http://127.0.0.1:9", "HTTP_PROXY=http://127.0.0.1:9", "NO_PROXY=127.0.0.1"}
	out = run(work, tf, offline, "init", "-input=false", "-no-color")
	if !strings.Contains(out, "hsslabs/hss v0.1.0") {
		t.Fatalf("init did not install from the mirror:\n%s", out)
	}
	out = run(work, tf, offline, "plan", "-input=false", "-no-color")
	if !strings.Contains(out, `"Debian 9"`) {
		t.Fatalf("plan:\n%s", out)
	}
}
