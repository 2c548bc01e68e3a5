package acceptance

import (
	"cmp"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/hsslabs/terraform-provider-hss/internal/emulator"
	"github.com/hsslabs/terraform-provider-hss/internal/provider"
)

// The spec's second example request: a CI/CD image by ID across all granted enterprise
// projects. Runs on the emulator and, with HW_* set, on Huawei Cloud.
func TestAccImageBasicImage_specCICD(t *testing.T) {
	for _, tg := range accTargets(t) {
		t.Run(tg.name, func(t *testing.T) {
			tg.need(t, envCloudCICDImage)
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: tg.factories,
				Steps: []resource.TestStep{{
					Config: tg.provider() + fmt.Sprintf(`
data "hss_image_basic_image" "test" {
  image_id              = %q
  image_type            = "cicd"
  enterprise_project_id = "all_granted_eps"
}`, tg.cicdImage),
					ConfigStateChecks: []statecheck.StateCheck{
						dsAttr("total_num", tg.expect(knownvalue.Int64Exact(1), knownvalue.NotNull())),
						dsAttr("data_list", tg.expect(knownvalue.ListExact([]knownvalue.Check{entry(emulator.SpecDebian)}), knownvalue.NotNull())),
						dsAttr("region", knownvalue.StringExact(tg.region)),
						dsAttr("enterprise_project_id", knownvalue.StringExact("all_granted_eps")),
						dsAttr("id", knownvalue.StringRegexp(regexp.MustCompile(
							`^`+regexp.QuoteMeta(tg.region+"/"+tg.cicdImage+"/")+`[0-9a-f]{16}$`))),
					},
				}},
			})
			if tg.emu == nil {
				return
			}
			ua := regexp.MustCompile(`terraform-provider-hss/test \(terraform/\d+\.\d+\.\d+\)`)
			for _, r := range tg.emu.Requests() {
				if r.Kind == emulator.KindHSS && (r.Query.Get("limit") != "200" || r.Query.Get("image_type") != "cicd" || r.Query.Get("enterprise_project_id") != "all_granted_eps") {
					t.Fatalf("unexpected query %v", r.Query)
				}
				// API-side logs can tell this provider and the Terraform version apart.
				if !ua.MatchString(r.UserAgent) {
					t.Fatalf("User-Agent %q", r.UserAgent)
				}
			}
		})
	}
}

// The spec's first example request: a private repository image by organization, name and tag.
func TestAccImageBasicImage_repositoryImage(t *testing.T) {
	for _, tg := range accTargets(t) {
		t.Run(tg.name, func(t *testing.T) {
			tg.need(t, envCloudRepoImage, envCloudRepoType, envCloudRepoNS, envCloudRepoName, envCloudRepoVersion)
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: tg.factories,
				Steps: []resource.TestStep{{
					Config: tg.provider(`enterprise_project_id = "all_granted_eps"`) + fmt.Sprintf(`
data "hss_image_basic_image" "test" {
  image_id      = %q
  image_type    = %q
  namespace     = %q
  image_name    = %q
  image_version = %q
}`, tg.repo.id, tg.repo.typ, tg.repo.namespace, tg.repo.name, tg.repo.version),
					ConfigStateChecks: []statecheck.StateCheck{
						dsAttr("total_num", tg.expect(knownvalue.Int64Exact(1), knownvalue.NotNull())),
						dsAttr("data_list", tg.expect(knownvalue.ListExact([]knownvalue.Check{entry(emulator.ProxyAgentBase)}), knownvalue.ListPartial(map[int]knownvalue.Check{0: entryShape}))),
						// The provider's default enterprise project applies and is recorded.
						dsAttr("enterprise_project_id", knownvalue.StringExact("all_granted_eps")),
					},
				}},
			})
		})
	}
}

// Credentials reach the provider through Terraform from the provider block and from the
// environment: an agency chain written in the block, and a CCE pod identity found in the
// environment. Every method is read in-process (TestCredentialMethods), and the ways of giving
// each method's arguments too (TestCredentialVariants).
func TestAccImageBasicImage_credentialMethods(t *testing.T) {
	e := newEmu(t)
	podTokenFile := filepath.Join(t.TempDir(), "pod-token")
	if err := os.WriteFile(podTokenFile, []byte(emulator.PodToken), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := map[string]struct {
		auth string
		env  map[string]string
		// want is the base image read, the default account's unless a chain ends elsewhere.
		want *emulator.BasicImage
	}{
		// CI keys into the audit account (IAM v3) into the workload account (IAM v5).
		"agency_chain": {auth: authForeign + "\n  " + assumeRoleBlock + fmt.Sprintf("\n  assume_role {\n    agency_name = %q\n    domain_id   = %q\n  }",
			emulator.WorkloadAgencyName, emulator.WorkloadDomainID), want: &emulator.WorkloadBase},
		"pod_identity": {env: map[string]string{provider.EnvPodIdentityURI: e.URL + emulator.PodIdentityPath, provider.EnvPodIdentityTokenFile: podTokenFile}},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: factories(c.env),
				Steps: []resource.TestStep{{
					Config: e.Provider(c.auth) + dataCICD111,
					ConfigStateChecks: []statecheck.StateCheck{
						dsAttr("data_list", knownvalue.ListExact([]knownvalue.Check{entry(*cmp.Or(c.want, &emulator.SpecDebian))})),
					},
				}},
			})
		})
	}
}

// An image ID unknown until apply defers the read; the result feeds a resource, an output and
// a check block.
func TestAccImageBasicImage_unknownAtPlanAndReferences(t *testing.T) {
	for _, tg := range accTargets(t) {
		t.Run(tg.name, func(t *testing.T) {
			tg.need(t, envCloudCICDImage)
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: tg.factories,
				TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_5_0)},
				Steps: []resource.TestStep{{
					Config: tg.provider() + fmt.Sprintf(`
resource "terraform_data" "image" {
  input = %q
}

data "hss_image_basic_image" "test" {
  image_id              = terraform_data.image.output
  image_type            = "cicd"
  enterprise_project_id = "all_granted_eps"
}

resource "terraform_data" "base" {
  input = {
    os     = data.hss_image_basic_image.test.data_list[0].os_name
    digest = data.hss_image_basic_image.test.data_list[0].layer_digest
  }
}

output "base_os" {
  value = "${data.hss_image_basic_image.test.data_list[0].os_name} ${data.hss_image_basic_image.test.data_list[0].os_version}"
}

check "supported_base" {
  assert {
    condition     = alltrue([for b in data.hss_image_basic_image.test.data_list : b.os_name != "CentOS"])
    error_message = "The image is built on CentOS."
  }
}`, tg.cicdImage),
					ConfigPlanChecks: resource.ConfigPlanChecks{
						PreApply: []plancheck.PlanCheck{
							plancheck.ExpectResourceAction(dsAddr, plancheck.ResourceActionRead),
							plancheck.ExpectUnknownOutputValue("base_os"),
						},
					},
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownOutputValue("base_os", tg.expect(knownvalue.StringExact("Debian 9"), knownvalue.NotNull())),
						statecheck.ExpectKnownValue("terraform_data.base", tfjsonpath.New("output").AtMapKey("digest"),
							tg.expect(knownvalue.StringExact(emulator.SpecDebian.LayerDigest), knownvalue.NotNull())),
						dsAttr("image_id", knownvalue.StringExact(tg.cicdImage)),
					},
				}},
			})
		})
	}
}

// A precondition on the end-of-life list stops the plan for an image built on Debian 9.
func TestAccImageBasicImage_endOfLifePrecondition(t *testing.T) {
	e := newEmu(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(nil),
		Steps: []resource.TestStep{{
			Config: e.Provider(authAKSK) + `
locals {
  end_of_life = toset(["CentOS 7", "Debian 9"])
  base_os     = [for b in data.hss_image_basic_image.test.data_list : "${b.os_name} ${b.os_version}"]
}

data "hss_image_basic_image" "test" {
  image_id   = "111"
  image_type = "cicd"
}

resource "terraform_data" "deployment" {
  input = data.hss_image_basic_image.test.id
  lifecycle {
    precondition {
      condition     = length(setintersection(local.end_of_life, local.base_os)) == 0
      error_message = "Refusing to deploy an image built on an end-of-life OS: ${join(", ", local.base_os)}."
    }
  }
}`,
			ExpectError: errRe(`Resource precondition failed.*Refusing to deploy an image built on an end-of-life OS: Debian 9`),
		}},
	})
}
