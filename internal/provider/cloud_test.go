package provider

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
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
	if os.Getenv(EnvRegion) == "" {
		missing = append(missing, EnvRegion)
	}
	creds := (os.Getenv(EnvAccessKey) != "" && os.Getenv(EnvSecretKey) != "") || os.Getenv(EnvToken) != "" ||
		(os.Getenv(EnvUserName) != "" && os.Getenv(EnvPassword) != "" && os.Getenv(EnvDomainName) != "")
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
		"hss": providerserver.NewProtocol6WithError(New("test")()),
	}
}

var entryShape = knownvalue.ObjectExact(map[string]knownvalue.Check{
	"os_name":      knownvalue.NotNull(),
	"os_version":   knownvalue.NotNull(),
	"layer_digest": knownvalue.NotNull(),
})

func TestAccCloud_cicdImage(t *testing.T) {
	cloudPreCheck(t, envCloudCICDImage)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: cloudFactories(),
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
provider "hss" {}

data "hss_image_basic_image" "test" {
  image_id              = %q
  image_type            = "cicd"
  enterprise_project_id = "all_granted_eps"
}

output "base" {
  value = data.hss_image_basic_image.test.data_list
}`, os.Getenv(envCloudCICDImage)),
			ConfigStateChecks: []statecheck.StateCheck{
				dsAttr("total_num", knownvalue.NotNull()),
				dsAttr("region", knownvalue.StringExact(os.Getenv(EnvRegion))),
				dsAttr("data_list", knownvalue.NotNull()),
				statecheck.ExpectKnownOutputValue("base", knownvalue.NotNull()),
			},
		}},
	})
}

func TestAccCloud_repositoryImage(t *testing.T) {
	cloudPreCheck(t, envCloudRepoImage, envCloudRepoType, envCloudRepoNS, envCloudRepoName, envCloudRepoVersion)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: cloudFactories(),
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
provider "hss" {}

data "hss_image_basic_image" "test" {
  image_id              = %q
  image_type            = %q
  namespace             = %q
  image_name            = %q
  image_version         = %q
  enterprise_project_id = "all_granted_eps"
}`, os.Getenv(envCloudRepoImage), os.Getenv(envCloudRepoType), os.Getenv(envCloudRepoNS), os.Getenv(envCloudRepoName), os.Getenv(envCloudRepoVersion)),
			ConfigStateChecks: []statecheck.StateCheck{
				dsAttr("data_list", knownvalue.ListPartial(map[int]knownvalue.Check{0: entryShape})),
			},
		}},
	})
}

func TestAccCloud_unknownAtPlan(t *testing.T) {
	cloudPreCheck(t, envCloudCICDImage)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: cloudFactories(),
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
provider "hss" {}

resource "terraform_data" "image" {
  input = %q
}

data "hss_image_basic_image" "test" {
  image_id              = terraform_data.image.output
  image_type            = "cicd"
  enterprise_project_id = "all_granted_eps"
}

resource "terraform_data" "count" {
  input = data.hss_image_basic_image.test.total_num
}`, os.Getenv(envCloudCICDImage)),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(dsAddr, plancheck.ResourceActionRead)},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("terraform_data.count", tfjsonpath.New("output"), knownvalue.NotNull()),
			},
		}},
	})
}

func TestAccCloud_wrongSecret(t *testing.T) {
	cloudPreCheck(t, EnvAccessKey)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: map[string]func() (tfprotov6.ProviderServer, error){
			"hss": providerserver.NewProtocol6WithError(newWithEnv("test", mapEnv{
				EnvRegion: os.Getenv(EnvRegion), EnvAccessKey: os.Getenv(EnvAccessKey), EnvSecretKey: "not-the-secret-key",
			})()),
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
