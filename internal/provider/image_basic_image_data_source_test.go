package provider

import (
	"cmp"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/hsslabs/terraform-provider-hss/internal/emulator"
)

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

// Query values with reserved characters survive the round trip, signature included.
func TestAccImageBasicImage_encoding(t *testing.T) {
	e := newEmu(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(nil),
		Steps: []resource.TestStep{{
			Config: e.provider(authAKSK) + `
data "hss_image_basic_image" "test" {
  image_id      = "harbor-0001"
  image_type    = "harbor"
  namespace     = "team a&b/x+y"
  image_name    = "web app"
  image_version = "1.2 beta"
}`,
			ConfigStateChecks: []statecheck.StateCheck{
				dsAttr("total_num", knownvalue.Int64Exact(1)),
				dsAttr("data_list", knownvalue.ListExact([]knownvalue.Check{entry(emulator.BasicImage{
					OSName: "Alpine", OSVersion: "3.19", LayerDigest: "sha256:1111111111111111111111111111111111111111111111111111111111111111",
				})})),
				dsAttr("namespace", knownvalue.StringExact("team a&b/x+y")),
				dsAttr("enterprise_project_id", knownvalue.StringExact("0")),
			},
		}},
	})
}

// A result of 450 entries arrives whole, in order, in exactly ceil(450/200) = 3 requests per read.
func TestAccImageBasicImage_multiPage(t *testing.T) {
	e := newEmu(t)
	want := make([]knownvalue.Check, emulator.ManyEntries)
	for i := range want {
		want[i] = entry(emulator.ManyEntry(i))
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(nil),
		Steps: []resource.TestStep{{
			Config: e.provider(authAKSK, fmt.Sprintf("project_id = %q", emulator.ProjectID)) + fmt.Sprintf(`
data "hss_image_basic_image" "test" {
  image_id   = %q
  image_type = "cicd"
}`, emulator.ManyImageID),
			ConfigStateChecks: []statecheck.StateCheck{
				dsAttr("total_num", knownvalue.Int64Exact(emulator.ManyEntries)),
				dsAttr("data_list", knownvalue.ListExact(want)),
			},
		}},
	})
	reads, perRead := e.requestsPerRead(t, emulator.ManyImageID)
	if perRead != 3 {
		t.Fatalf("%d HSS requests per read, want 3", perRead)
	}
	t.Logf("%d reads, %d HSS requests each", reads, perRead)
	var offsets []string
	for _, r := range e.Requests() {
		if r.Kind == emulator.KindHSS && len(offsets) < 3 {
			offsets = append(offsets, r.Query.Get("offset"))
		}
	}
	// The first page comes first; the other two are fetched together, in any order.
	sort.Strings(offsets[1:])
	if fmt.Sprint(offsets) != "[0 200 400]" {
		t.Fatalf("offsets of the first read = %v", offsets)
	}
	if n := e.Count(emulator.KindIAMProjects); n != 0 {
		t.Fatalf("%d project lookups with project_id configured", n)
	}
}

func TestAccImageBasicImage_osNameAndEmpty(t *testing.T) {
	e := newEmu(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(nil),
		Steps: []resource.TestStep{{
			Config: e.provider(authAKSK) + `
data "hss_image_basic_image" "test" {
  image_id   = "multi-os-0001"
  image_type = "cicd"
  os_name    = "Ubuntu"
}
data "hss_image_basic_image" "none" {
  image_id   = "multi-os-0001"
  image_type = "cicd"
  os_name    = "Windows"
}`,
			ConfigStateChecks: []statecheck.StateCheck{
				dsAttr("total_num", knownvalue.Int64Exact(2)),
				dsAttr("data_list", knownvalue.ListExact([]knownvalue.Check{
					entry(emulator.BasicImage{OSName: "Ubuntu", OSVersion: "22.04", LayerDigest: "sha256:2222222222222222222222222222222222222222222222222222222222222222"}),
					entry(emulator.BasicImage{OSName: "Ubuntu", OSVersion: "20.04", LayerDigest: "sha256:4444444444444444444444444444444444444444444444444444444444444444"}),
				})),
				statecheck.ExpectKnownValue("data.hss_image_basic_image.none", tfjsonpath.New("total_num"), knownvalue.Int64Exact(0)),
				// No match is an empty list, never null.
				statecheck.ExpectKnownValue("data.hss_image_basic_image.none", tfjsonpath.New("data_list"), knownvalue.ListExact([]knownvalue.Check{})),
			},
		}},
	})
	// Two reads with project_id unset resolved the project once per provider process.
	if n := e.Count(emulator.KindIAMProjects); n < 1 {
		t.Fatal("project ID was not resolved through IAM")
	}
}

func TestAccImageBasicImage_enterpriseProjects(t *testing.T) {
	e := newEmu(t)
	granted := emulator.BasicImage{OSName: "CentOS", OSVersion: "7", LayerDigest: "sha256:5555555555555555555555555555555555555555555555555555555555555555"}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(nil),
		Steps: []resource.TestStep{
			{
				// A user granted one enterprise project sees it through all_granted_eps and by ID.
				Config: e.provider(authLimited) + fmt.Sprintf(`
data "hss_image_basic_image" "test" {
  image_id              = "ep-granted-0001"
  image_type            = "cicd"
  enterprise_project_id = %q
}
data "hss_image_basic_image" "all" {
  image_id              = "ep-granted-0001"
  image_type            = "cicd"
  enterprise_project_id = "all_granted_eps"
}
data "hss_image_basic_image" "refused_via_all" {
  image_id              = "ep-refused-0001"
  image_type            = "cicd"
  enterprise_project_id = "all_granted_eps"
}`, emulator.GrantedEP),
				ConfigStateChecks: []statecheck.StateCheck{
					dsAttr("data_list", knownvalue.ListExact([]knownvalue.Check{entry(granted)})),
					dsAttr("enterprise_project_id", knownvalue.StringExact(emulator.GrantedEP)),
					statecheck.ExpectKnownValue("data.hss_image_basic_image.all", tfjsonpath.New("data_list"), knownvalue.ListExact([]knownvalue.Check{entry(granted)})),
					statecheck.ExpectKnownValue("data.hss_image_basic_image.refused_via_all", tfjsonpath.New("total_num"), knownvalue.Int64Exact(0)),
				},
			},
			{
				// Naming an enterprise project the user is not granted is an API error with its details.
				Config: e.provider(authLimited) + fmt.Sprintf(`
data "hss_image_basic_image" "test" {
  image_id              = "ep-refused-0001"
  image_type            = "cicd"
  enterprise_project_id = %q
}`, emulator.RefusedEP),
				ExpectError: errRe(`Unable to read HSS basic image information.*HTTP status 400.*error_code: HSS\.0013.*Insufficient permission.*request ID: [0-9a-f]{32}.*grant an HSS read policy`),
			},
		},
	})
}

// Every credential method reads the same data: the API page's example image of the default
// account.
func TestAccImageBasicImage_credentialMethods(t *testing.T) {
	e := newEmu(t)
	token := e.IssueToken(emulator.UserName, emulator.ProjectID, time.Hour)
	idToken := e.SignIDToken("repo:hsslabs/app:ref:refs/heads/main", time.Hour, nil)
	idTokenFile, profileFile := writeIDToken(t, idToken), writeProfile(t)
	podTokenFile := filepath.Join(t.TempDir(), "pod-token")
	if err := os.WriteFile(podTokenFile, []byte(emulator.PodToken), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := map[string]struct {
		auth string
		env  mapEnv
		// want is the base image read, the default account's unless a chain ends elsewhere.
		want *emulator.BasicImage
	}{
		"aksk":        {auth: authAKSK},
		"sm3_signing": {auth: authAKSK + "\n  signing_algorithm = \"HmacSM3\""},
		"temporary":   {auth: authTemp},
		"token":       {auth: fmt.Sprintf("token = %q", token)},
		"password":    {auth: authPassword},
		"env_aksk":    {env: mapEnv{EnvAccessKey: emulator.AccessKeyID, EnvSecretKey: emulator.SecretAccessKey}},
		"env_passwrd": {env: mapEnv{EnvUserName: emulator.UserName, EnvPassword: emulator.UserPassword, EnvDomainName: emulator.DomainName}},
		// The environment a Huawei Cloud provider user already has: AK/SK plus the user and
		// domain their IAM resources need. The leftovers are ignored with a warning.
		"mixed_env":  {auth: authAKSK, env: mapEnv{EnvDomainName: emulator.DomainName, EnvUserName: emulator.UserName, "OS_PASSWORD": "x"}},
		"os_aliases": {env: mapEnv{"OS_ACCESS_KEY": emulator.AccessKeyID, "OS_SECRET_KEY": emulator.SecretAccessKey}},
		// Another account's keys assume this account's agency, in the block or the environment.
		"assume_role": {auth: authForeign + "\n  " + assumeRoleBlock},
		"assume_role_env": {env: mapEnv{EnvAccessKey: emulator.ForeignAK, EnvSecretKey: emulator.ForeignSK,
			EnvAssumeRoleAgency: emulator.AgencyName, EnvAssumeRoleDomain: emulator.DomainName}},
		"oidc": {auth: oidcBlock(idToken)},
		// An ID token file from the environment, then an agency on top of the federated keys.
		"oidc_file_env_agency": {env: mapEnv{EnvIdpID: emulator.IdpID, EnvIDTokenFile: idTokenFile,
			EnvAssumeRoleAgency: emulator.AgencyName, EnvAssumeRoleDomainID: emulator.DomainID}},
		"ecs_metadata": {},
		"profile":      {auth: fmt.Sprintf("shared_config_file = %q\n  profile = \"emulator\"", profileFile)},
		// CI keys into the audit account (IAM v3) into the workload account (IAM v5).
		"agency_chain": {auth: authForeign + "\n  " + assumeRoleBlock + fmt.Sprintf("\n  assume_role {\n    agency_name = %q\n    domain_id   = %q\n  }",
			emulator.WorkloadAgencyName, emulator.WorkloadDomainID), want: &emulator.WorkloadBase},
		"pod_identity": {env: mapEnv{EnvPodIdentityURI: e.url + emulator.PodIdentityPath, EnvPodIdentityTokenFile: podTokenFile}},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: factories(c.env),
				Steps: []resource.TestStep{{
					Config: e.provider(c.auth) + dataCICD111,
					ConfigStateChecks: []statecheck.StateCheck{
						dsAttr("data_list", knownvalue.ListExact([]knownvalue.Check{entry(*cmp.Or(c.want, &emulator.SpecDebian))})),
					},
				}},
			})
		})
	}
}

func TestAccImageBasicImage_passwordTokenReuse(t *testing.T) {
	e := newEmu(t)
	var blocks string
	for i := 0; i < 5; i++ {
		blocks += fmt.Sprintf(`
data "hss_image_basic_image" "img%d" {
  image_id   = "synthetic-%d"
  image_type = "cicd"
}`, i, i+1)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(nil),
		Steps: []resource.TestStep{{
			Config: e.provider(authPassword) + blocks,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.hss_image_basic_image.img4", tfjsonpath.New("total_num"), knownvalue.Int64Exact(5)),
			},
		}},
	})
	// Five parallel reads per Terraform command share one token fetch per provider process.
	tokens, hssReads := e.Count(emulator.KindIAMToken), e.Count(emulator.KindHSS)
	if tokens == 0 || hssReads < 5*tokens {
		t.Fatalf("%d token requests for %d HSS requests: tokens are not shared", tokens, hssReads)
	}
	if e.Count(emulator.KindIAMProjects) != 0 {
		t.Fatal("password auth learns the project from the token; no project lookup expected")
	}
}

func TestAccImageBasicImage_wrongCredentials(t *testing.T) {
	e := newEmu(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(nil),
		Steps: []resource.TestStep{
			{
				Config:      e.provider(fmt.Sprintf("access_key = %q\n  secret_key = \"wrong-secret\"\n  project_id = %q", emulator.AccessKeyID, emulator.ProjectID)) + dataCICD111,
				ExpectError: errRe(`HTTP status 401.*APIGW\.0301.*signature.*request ID: [0-9a-f]{32}.*access_key/secret_key`),
			},
			{
				Config:      e.provider(fmt.Sprintf("access_key = %q\n  secret_key = %q\n  security_token = \"stale\"", emulator.TempAccessKeyID, emulator.TempSecretKey)) + dataCICD111,
				ExpectError: errRe(`HTTP status 401.*security token`),
			},
			{
				Config:      e.provider(`token = "MIInot-a-token"`) + dataCICD111,
				ExpectError: errRe(`HTTP status 401.*APIGW\.0307.*token is invalid`),
			},
			{
				Config:      e.provider(fmt.Sprintf("user_name = %q\n  password = \"wrong\"\n  domain_name = %q", emulator.UserName, emulator.DomainName)) + dataCICD111,
				ExpectError: errRe(`POST /v3/auth/tokens failed with HTTP status 401.*IAM\.0004`),
			},
			{
				// A project that belongs to another account is refused.
				Config:      e.provider(authAKSK, fmt.Sprintf("project_id = %q", emulator.ForeignProjID)) + dataCICD111,
				ExpectError: errRe(`HTTP status 400.*error_code: HSS\.0010.*Access denied.*HSS denied access: check that project_id belongs to the account`),
			},
		},
	})
}

// Project IDs are resolved through IAM once per region and provider process, including for
// a data source that names another region.
func TestAccImageBasicImage_projectResolutionAndRegion(t *testing.T) {
	e := newEmu(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(nil),
		Steps: []resource.TestStep{{
			Config: e.provider(authAKSK) + fmt.Sprintf(`
data "hss_image_basic_image" "test" {
  image_id   = "111"
  image_type = "cicd"
}
data "hss_image_basic_image" "again" {
  image_id   = "111"
  image_type = "cicd"
  os_name    = "Debian"
}
data "hss_image_basic_image" "other" {
  region     = %q
  image_id   = "111"
  image_type = "cicd"
}`, emulator.OtherRegion),
			ConfigStateChecks: []statecheck.StateCheck{
				dsAttr("data_list", knownvalue.ListExact([]knownvalue.Check{entry(emulator.SpecDebian)})),
				statecheck.ExpectKnownValue("data.hss_image_basic_image.other", tfjsonpath.New("region"), knownvalue.StringExact(emulator.OtherRegion)),
				statecheck.ExpectKnownValue("data.hss_image_basic_image.other", tfjsonpath.New("data_list"), knownvalue.ListExact([]knownvalue.Check{
					entry(emulator.BasicImage{OSName: "openEuler", OSVersion: "22.03", LayerDigest: "sha256:7777777777777777777777777777777777777777777777777777777777777777"}),
				})),
			},
		}},
	})
	projectByRegion := map[string]int{}
	for _, r := range e.Requests() {
		if r.Kind == emulator.KindIAMProjects {
			projectByRegion[r.Query.Get("name")]++
		}
	}
	hssReads := e.Count(emulator.KindHSS)
	// Each Terraform command is one provider process; it may look each region up once.
	if projectByRegion[emulator.Region] == 0 || projectByRegion[emulator.OtherRegion] == 0 ||
		hssReads < 2*projectByRegion[emulator.Region] {
		t.Fatalf("project lookups %v for %d HSS requests", projectByRegion, hssReads)
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

// timeouts.read bounds the whole read and the diagnostic names the request in flight.
func TestAccImageBasicImage_readTimeout(t *testing.T) {
	e := newEmu(t)
	e.AddFault(emulator.Fault{Latency: 30 * time.Second})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(nil),
		Steps: []resource.TestStep{{
			Config: e.provider(authAKSK, fmt.Sprintf("project_id = %q", emulator.ProjectID)) + `
data "hss_image_basic_image" "test" {
  image_id   = "111"
  image_type = "cicd"
  timeouts = {
    read = "1s"
  }
}`,
			ExpectError: errRe(`did not finish within its timeout \(timeouts.read = 1s\): GET /v5/\{project_id\}/image/\{image_id\}/basic-image page 1 \(offset 0\) was in flight after 1 attempt`),
		}},
	})
}

// Throttling and outages are retried within the plan; max_retries = 0 turns retries off.
func TestAccImageBasicImage_retries(t *testing.T) {
	e := newEmu(t)
	// Pacing is off: after a throttle it would slow the retries down, and it is tested elsewhere.
	cfg := func(extra ...string) string {
		return e.provider(append([]string{authAKSK, fmt.Sprintf("project_id = %q", emulator.ProjectID), "rate_limit = 0"}, extra...)...) + dataCICD111
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(nil),
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					e.AddFault(emulator.Fault{Times: 3, Status: 429, RetryAfter: "0"})
					e.AddFault(emulator.Fault{Times: 1, Status: 503, RetryAfter: "0"})
				},
				Config:            cfg(),
				ConfigStateChecks: []statecheck.StateCheck{dsAttr("total_num", knownvalue.Int64Exact(1))},
			},
			{
				PreConfig:   func() { e.AddFault(emulator.Fault{Times: 1, Status: 429, RetryAfter: "0"}) },
				Config:      cfg("max_retries = 0"),
				ExpectError: errRe(`HTTP status 429.*APIGW\.0308`),
			},
		},
	})
	throttled := 0
	for _, r := range e.Requests() {
		if r.Status == 429 || r.Status == 503 {
			throttled++
		}
	}
	if throttled != 5 {
		t.Fatalf("%d throttled answers seen, want 5", throttled)
	}
}

// An image reference as users have it fills organization, name and tag, visible in state.
func TestAccImageBasicImage_imageReference(t *testing.T) {
	e := newEmu(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(nil),
		Steps: []resource.TestStep{{
			Config: e.provider(authAKSK) + `
data "hss_image_basic_image" "test" {
  image_id        = "5f7c3b2a19e04d8c"
  image_type      = "private_image"
  image_reference = "swr.cn-north-4.myhuaweicloud.com/scc_hss_container/proxy-agent:24.5.0-x86_64"
}`,
			ConfigStateChecks: []statecheck.StateCheck{
				dsAttr("namespace", knownvalue.StringExact("scc_hss_container")),
				dsAttr("image_name", knownvalue.StringExact("proxy-agent")),
				dsAttr("image_version", knownvalue.StringExact("24.5.0-x86_64")),
				dsAttr("data_list", knownvalue.ListExact([]knownvalue.Check{entry(emulator.ProxyAgentBase)})),
			},
		}},
	})
	for _, r := range e.Requests() {
		if r.Kind == emulator.KindHSS && (r.Query.Get("namespace") != "scc_hss_container" || r.Query.Get("image_name") != "proxy-agent" || r.Query.Get("image_version") != "24.5.0-x86_64") {
			t.Fatalf("query %v", r.Query)
		}
	}
}

// A precondition on the end-of-life list stops the plan for an image built on Debian 9.
func TestAccImageBasicImage_endOfLifePrecondition(t *testing.T) {
	e := newEmu(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(nil),
		Steps: []resource.TestStep{{
			Config: e.provider(authAKSK) + `
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

// Configuring the provider costs no request: a plan whose only read is deferred to apply
// configures the provider but never reaches IAM, HSS or the metadata service, whatever the
// authentication method.
func TestAccProviderConfigureIsOffline(t *testing.T) {
	e := newEmu(t)
	deferred := `
resource "terraform_data" "image" {
  input = "111"
}

data "hss_image_basic_image" "test" {
  image_id   = terraform_data.image.output
  image_type = "cicd"
}`
	idToken := e.SignIDToken("ci", time.Hour, nil)
	for name, auth := range map[string]string{
		"aksk":        authAKSK,
		"password":    authPassword,
		"assume_role": authAKSK + "\n  " + assumeRoleBlock,
		"oidc":        oidcBlock(idToken),
		"metadata":    "",
	} {
		t.Run(name, func(t *testing.T) {
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: factories(nil),
				Steps: []resource.TestStep{{
					Config:             e.provider(auth) + deferred,
					PlanOnly:           true,
					ExpectNonEmptyPlan: true,
				}},
			})
		})
	}
	// The same plan with a bad setting fails in Configure, so Configure did run above.
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(mapEnv{EnvMaxRetries: "many"}),
		Steps: []resource.TestStep{{
			Config:      e.provider(authAKSK) + deferred,
			PlanOnly:    true,
			ExpectError: errRe(`HW_MAX_RETRIES="many" must be an integer`),
		}},
	})
	if n := len(e.Requests()); n != 0 {
		t.Fatalf("configuring the provider made %d requests", n)
	}
}
