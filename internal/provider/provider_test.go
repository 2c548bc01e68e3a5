package provider

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/hsslabs/terraform-provider-hss/internal/emulator"
	"github.com/hsslabs/terraform-provider-hss/internal/emulator/emutest"
	"github.com/hsslabs/terraform-provider-hss/internal/hss"
)

// TestMain points terraform-plugin-testing at the Terraform CLI on PATH; it must never
// download one.
func TestMain(m *testing.M) {
	if os.Getenv("TF_ACC") != "" && os.Getenv("TF_ACC_TERRAFORM_PATH") == "" {
		tf, err := exec.LookPath("terraform")
		if err != nil {
			fmt.Fprintln(os.Stderr, "acceptance tests need the Terraform CLI: install terraform on PATH or set TF_ACC_TERRAFORM_PATH")
			os.Exit(2)
		}
		_ = os.Setenv("TF_ACC_TERRAFORM_PATH", tf)
	}
	// Terraform warns on every command when its CLI config file is missing.
	if f := os.Getenv("TF_CLI_CONFIG_FILE"); f != "" {
		if _, err := os.Stat(f); err != nil {
			dir, derr := os.MkdirTemp("", "hss-tfrc")
			if derr == nil {
				empty := filepath.Join(dir, "terraformrc")
				if os.WriteFile(empty, nil, 0o600) == nil {
					_ = os.Setenv("TF_CLI_CONFIG_FILE", empty)
				}
				defer os.RemoveAll(dir)
			}
		}
	}
	code := m.Run()
	if built.dir != "" {
		_ = os.RemoveAll(built.dir)
	}
	os.Exit(code)
}

// errRe matches a diagnostic however Terraform wraps its lines: each space in pattern
// matches any run of white space.
func errRe(pattern string) *regexp.Regexp {
	return regexp.MustCompile("(?s)" + strings.ReplaceAll(pattern, " ", `\s+`))
}

// factories serves the provider in-process, reading environment fallbacks from env only.
func factories(env mapEnv) map[string]func() (tfprotov6.ProviderServer, error) {
	return tunedFactories(env, nil)
}

// tunedFactories is factories with the client's configuration adjusted by tune.
func tunedFactories(env mapEnv, tune func(*hss.Config)) map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		"hss": providerserver.NewProtocol6WithError(&hssProvider{version: "test", env: env, tune: tune}),
	}
}

// emu is one emulator per test, so request counts belong to that test alone.
type emu struct {
	*emulator.Emulator
	url string
	// env is added to the environment of Terraform commands a test runs against it.
	env []string
}

func newEmu(t *testing.T) *emu {
	t.Helper()
	e, url := emutest.Serve(t)
	return &emu{Emulator: e, url: url}
}

// Authentication snippets for the provider block.
var (
	authAKSK = fmt.Sprintf("access_key = %q\n  secret_key = %q", emulator.AccessKeyID, emulator.SecretAccessKey)
	authTemp = fmt.Sprintf("access_key = %q\n  secret_key = %q\n  security_token = %q",
		emulator.TempAccessKeyID, emulator.TempSecretKey, emulator.TempSecurityTok)
	authPassword = fmt.Sprintf("user_name = %q\n  password = %q\n  domain_name = %q",
		emulator.UserName, emulator.UserPassword, emulator.DomainName)
	// authForeign are another account's keys, which see this account only through its agency.
	authForeign = fmt.Sprintf("access_key = %q\n  secret_key = %q", emulator.ForeignAK, emulator.ForeignSK)
)

// writeIDToken puts an ID token in a file, as CI runners do.
func writeIDToken(t *testing.T, idToken string) string {
	t.Helper()
	f := filepath.Join(t.TempDir(), "id-token")
	if err := os.WriteFile(f, []byte(idToken+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return f
}

// writeProfile writes a Huawei Cloud CLI config file whose "emulator" profile holds the
// emulator's keys.
func writeProfile(t *testing.T) string {
	t.Helper()
	f := filepath.Join(t.TempDir(), "config.json")
	content := fmt.Sprintf(`{"current":"other","profiles":[{"name":"other","mode":"AKSK","accessKeyId":"x","secretAccessKey":"y"},`+
		`{"name":"emulator","mode":"AKSK","accessKeyId":%q,"secretAccessKey":%q,"region":%q}]}`,
		emulator.AccessKeyID, emulator.SecretAccessKey, emulator.Region)
	if err := os.WriteFile(f, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return f
}

// dataCICD111 reads the API page's example CI/CD image.
const dataCICD111 = `
data "hss_image_basic_image" "test" {
  image_id   = "111"
  image_type = "cicd"
}`

// provider renders a provider block that points every service, the metadata service
// included, at the emulator.
func (e *emu) provider(lines ...string) string {
	return fmt.Sprintf(`
provider "hss" {
  region    = %q
  endpoints = { hss = %q, iam = %q, sts = %q, metadata = %q }
  %s
}
`, emulator.Region, e.url, e.url, e.url, e.url, strings.Join(lines, "\n  "))
}

// assumeRoleBlock assumes the fixture's agency of the default domain.
var assumeRoleBlock = fmt.Sprintf("assume_role {\n    agency_name = %q\n    domain_name = %q\n  }", emulator.AgencyName, emulator.DomainName)

// oidcBlock authenticates with an ID token for the fixture's identity provider.
func oidcBlock(idToken string) string {
	return fmt.Sprintf("assume_role_with_oidc {\n    idp_id    = %q\n    id_token  = %q\n    domain_id = %q\n  }", emulator.IdpID, idToken, emulator.DomainID)
}

// Every attribute and block has a description in the schema Terraform sees, which registries
// and `terraform providers schema -json` show.
func TestEveryAttributeIsDescribed(t *testing.T) {
	s, err := providerserver.NewProtocol6WithError(New("test")())()
	if err != nil {
		t.Fatal(err)
	}
	resp, err := s.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil || len(resp.Diagnostics) > 0 {
		t.Fatalf("%v %v", err, resp.Diagnostics)
	}
	var walk func(string, *tfprotov6.SchemaBlock)
	walk = func(name string, b *tfprotov6.SchemaBlock) {
		for _, a := range b.Attributes {
			if strings.TrimSpace(a.Description) == "" {
				t.Errorf("%s.%s has no description", name, a.Name)
			}
			if a.NestedType != nil {
				walk(name+"."+a.Name, &tfprotov6.SchemaBlock{Attributes: a.NestedType.Attributes})
			}
		}
		for _, nb := range b.BlockTypes {
			if strings.TrimSpace(nb.Block.Description) == "" {
				t.Errorf("block %s.%s has no description", name, nb.TypeName)
			}
			walk(name+"."+nb.TypeName, nb.Block)
		}
	}
	walk("provider", resp.Provider.Block)
	for n, ds := range resp.DataSourceSchemas {
		walk(n, ds.Block)
	}
}
