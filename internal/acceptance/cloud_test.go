package acceptance

import (
	"os"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"

	"github.com/hsslabs/terraform-provider-hss/internal/emulator"
	"github.com/hsslabs/terraform-provider-hss/internal/provider"
)

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

func TestAccCloud_wrongSecret(t *testing.T) {
	cloudPreCheck(t, provider.EnvAccessKey)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: map[string]func() (tfprotov6.ProviderServer, error){
			"hss": providerserver.NewProtocol6WithError(provider.NewWith("test", map[string]string{
				provider.EnvRegion: os.Getenv(provider.EnvRegion), provider.EnvAccessKey: os.Getenv(provider.EnvAccessKey), provider.EnvSecretKey: "not-the-secret-key",
			}, nil)()),
		},
		Steps: []resource.TestStep{{
			Config: `
provider "hss" {}

data "hss_image_basic_image" "test" {
  image_id   = "111"
  image_type = "cicd"
}`,
			ExpectError: errRe(`HTTP status 401.*request ID`),
		}},
	})
}
