package acceptance

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
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
