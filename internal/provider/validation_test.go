package provider

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// Bad input fails at plan time with the attribute and what is allowed, before any request.
func TestAccValidation(t *testing.T) {
	e := newEmu(t)
	cases := map[string]struct {
		config string
		env    mapEnv
		want   string
	}{
		"unknown_image_type": {
			config: e.provider(authAKSK) + `
data "hss_image_basic_image" "test" {
  image_id   = "111"
  image_type = "docker"
}`,
			want: `image_type.*value must be one of:.*"private_image".*"shared_image".*"instance_image".*"cicd".*"harbor"`,
		},
		"repository_image_without_tag": {
			config: e.provider(authAKSK) + `
data "hss_image_basic_image" "test" {
  image_id   = "5f7c3b2a19e04d8c"
  image_type = "private_image"
  namespace  = "scc_hss_container"
  image_name = "proxy-agent"
}`,
			want: `repository image, identified by its organization, name and tag.*image_version is missing`,
		},
		"repository_image_without_namespace": {
			config: e.provider(authAKSK) + `
data "hss_image_basic_image" "test" {
  image_id      = "x"
  image_type    = "harbor"
  image_name    = "proxy-agent"
  image_version = "1"
}`,
			want: `namespace is missing`,
		},
		"image_reference_with_namespace": {
			config: e.provider(authAKSK) + `
data "hss_image_basic_image" "test" {
  image_id        = "x"
  image_type      = "harbor"
  image_reference = "harbor.example.com/team/app:1.2"
  namespace       = "team"
}`,
			want: `Invalid Attribute Combination.*image_reference.*namespace`,
		},
		"image_reference_digest_only": {
			config: e.provider(authAKSK) + `
data "hss_image_basic_image" "test" {
  image_id        = "x"
  image_type      = "harbor"
  image_reference = "harbor.example.com/team/app@sha256:0000000000000000000000000000000000000000000000000000000000000000"
}`,
			want: `Invalid image reference.*by digest only.*expected \[registry/\]organization/name:tag`,
		},
		"image_reference_malformed": {
			config: e.provider(authAKSK) + `
data "hss_image_basic_image" "test" {
  image_id        = "x"
  image_type      = "harbor"
  image_reference = "Harbor Example/app:1"
}`,
			want: `Invalid image reference.*not a valid image reference.*expected`,
		},
		"image_reference_without_tag": {
			config: e.provider(authAKSK) + `
data "hss_image_basic_image" "test" {
  image_id        = "x"
  image_type      = "private_image"
  image_reference = "swr.cn-north-4.myhuaweicloud.com/scc_hss_container/proxy-agent"
}`,
			want: `has no tag; expected`,
		},
		"empty_image_id": {
			config: e.provider(authAKSK) + `
data "hss_image_basic_image" "test" {
  image_id   = ""
  image_type = "cicd"
}`,
			want: `Invalid image ID.*"" is not an image ID`,
		},
		"image_id_with_slash": {
			config: e.provider(authAKSK) + `
data "hss_image_basic_image" "test" {
  image_id   = "a/b"
  image_type = "cicd"
}`,
			want: `Invalid image ID.*image_id.*single path segment`,
		},
		"unknown_endpoint_key": {
			config: fmt.Sprintf(`
provider "hss" {
  region     = "cn-north-4"
  access_key = "a"
  secret_key = "b"
  endpoints  = { hss = %q, ecs = %q }
}`, e.url, e.url) + dataCICD111,
			want: `endpoints.*value must be one of:.*"hss".*"iam"`,
		},
		"endpoint_not_url": {
			config: `
provider "hss" {
  region     = "cn-north-4"
  access_key = "a"
  secret_key = "b"
  endpoints  = { hss = "ftp://hss.local" }
}` + dataCICD111,
			want: `endpoints .*"ftp://hss.local" must be an absolute https:// or http:// URL: scheme must be https or http`,
		},
		"max_retries_out_of_range": {
			config: e.provider(authAKSK, "max_retries = -1") + dataCICD111,
			want:   `max_retries.*between 0 and 20`,
		},
		"max_retries_env_not_a_number": {
			config: e.provider(authAKSK) + dataCICD111,
			env:    mapEnv{EnvMaxRetries: "many"},
			want:   `HW_MAX_RETRIES="many" must be an integer from 0 to 20`,
		},
		"rate_limit_negative": {
			config: e.provider(authAKSK, "rate_limit = -1") + dataCICD111,
			want:   `rate_limit.*between 0.*1000`,
		},
		"page_concurrency_zero": {
			config: e.provider(authAKSK, "page_concurrency = 0") + dataCICD111,
			want:   `page_concurrency.*between 1 and 32`,
		},
		"page_concurrency_env": {
			config: e.provider(authAKSK) + dataCICD111,
			env:    mapEnv{EnvPageConcurrency: "2.5"},
			want:   `HW_PAGE_CONCURRENCY="2.5" must be an integer from 1 to 32`,
		},
		"missing_region": {
			config: fmt.Sprintf(`
provider "hss" {
  %s
}`, authAKSK) + dataCICD111,
			want: `Missing region.*HW_REGION_NAME`,
		},
		"missing_credentials_off_cloud": {
			config: `
provider "hss" {
  region    = "cn-north-4"
  endpoints = { metadata = "http://127.0.0.1:1" }
}` + dataCICD111,
			want: `no credentials are configured, and the ECS metadata service at http://127.0.0.1:1 gave none.*` +
				`configure one of:.*token \(HW_AUTH_TOKEN\).*access_key and secret_key \(HW_ACCESS_KEY, HW_SECRET_KEY\).*assume_role_with_oidc.*\(HW_SHARED_CONFIG_FILE, HW_PROFILE\)`,
		},
		"incomplete_aksk": {
			config: e.provider(`access_key = "AK"`) + dataCICD111,
			want:   `Incomplete credentials.*AK/SK authentication needs access_key and secret_key; set: access_key\.`,
		},
		"incomplete_password": {
			config: e.provider(`user_name = "u"`, `password = "p"`) + dataCICD111,
			want:   `password authentication needs password, and user_id or user_name with domain_name or domain_id; set: user_name, password`,
		},
		"security_token_alone": {
			config: e.provider(`security_token = "st"`) + dataCICD111,
			want:   `AK/SK authentication needs access_key and secret_key; set: security_token`,
		},
		"assume_role_without_domain": {
			config: e.provider(authAKSK, "assume_role {\n    agency_name = \"a\"\n  }") + dataCICD111,
			want:   `Incomplete assume_role.*needs the domain that owns it: domain_name \(HW_ASSUME_ROLE_DOMAIN_NAME\) or domain_id`,
		},
		"assume_role_without_agency": {
			config: e.provider(authAKSK, "assume_role {\n    domain_name = \"d\"\n  }") + dataCICD111,
			want:   `Incomplete assume_role.*assume_role\[0\] names no agency: set agency_name \(HW_ASSUME_ROLE_AGENCY_NAME\)`,
		},
		"oidc_agency_without_domain": {
			config: e.provider("assume_role_with_oidc {\n    idp_id = \"i\"\n    id_token = \"t\"\n    agency_name = \"a\"\n  }") + dataCICD111,
			want:   `Incomplete assume_role_with_oidc.*Assuming agency "a" needs domain_id`,
		},
		"assume_role_duration": {
			config: e.provider(authAKSK, "assume_role {\n    agency_name = \"a\"\n    domain_name = \"d\"\n    duration = 60\n  }") + dataCICD111,
			want:   `assume_role\[0\].duration.*between 900 and 86400`,
		},
		"oidc_duration_env": {
			config: e.provider(authAKSK) + dataCICD111,
			env:    mapEnv{EnvAssumeRoleAgency: "a", EnvAssumeRoleDomain: "d", EnvAssumeRoleDuration: "forever"},
			want:   `HW_ASSUME_ROLE_DURATION="forever" must be an integer from 900 to 86400`,
		},
		"profile_missing_file": {
			config: e.provider(`shared_config_file = "/nonexistent/config.json"`) + dataCICD111,
			want:   `Unusable shared config profile.*the shared config file: cannot read /nonexistent/config.json: no such file or directory`,
		},
		"bad_auth_url_env": {
			config: e.provider(authAKSK) + dataCICD111,
			env:    mapEnv{EnvAuthURL: "iam.local"},
			want:   `HW_AUTH_URL="iam.local" cannot be used for auth_url: scheme must be https or http`,
		},
		"region_becomes_host": {
			config: `
provider "hss" {
  region     = "cn-north-4@attacker.example:443/"
  access_key = "a"
  secret_key = "b"
}` + dataCICD111,
			want: `Invalid region.*region = "cn-north-4@attacker.example:443/".*is not a region name: use lower-case letters, digits and single hyphens`,
		},
		"region_env_becomes_host": {
			config: "\nprovider \"hss\" {\n  " + authAKSK + "\n}\n" + dataCICD111,
			env:    mapEnv{EnvRegion: "cn-north-4.attacker.example"},
			want:   `HW_REGION_NAME="cn-north-4.attacker.example" cannot be used for region: .* is not a region name`,
		},
		"data_source_region": {
			config: e.provider(authAKSK) + `
data "hss_image_basic_image" "test" {
  image_id   = "111"
  image_type = "cicd"
  region     = "attacker.example/x"
}`,
			want: `Invalid region.*data.hss_image_basic_image.test.*"attacker.example/x" is not a region name`,
		},
		"cloud_not_dns": {
			config: e.provider(authAKSK, `cloud = "attacker.example/"`) + dataCICD111,
			want:   `Invalid cloud.*"attacker.example/" is not a DNS name`,
		},
		"cloud_env": {
			config: e.provider(authAKSK) + dataCICD111,
			env:    mapEnv{EnvCloud: "a@b.example"},
			want:   `HW_CLOUD="a@b.example" cannot be used for cloud`,
		},
		"project_id_path": {
			config: e.provider(authAKSK, `project_id = "../../v3"`) + dataCICD111,
			want:   `Invalid project ID.*"../../v3" is not a project ID`,
		},
		"project_id_env": {
			config: e.provider(authAKSK) + dataCICD111,
			env:    mapEnv{EnvProjectID: "{project_id}"},
			want:   `HW_PROJECT_ID="\{project_id\}" cannot be used for project_id`,
		},
		"endpoint_user_info": {
			config: e.provider(authAKSK, `auth_url = "https://iam.example.com@attacker.example/v3"`) + dataCICD111,
			want:   `Invalid endpoint URL.*auth_url.*must not carry user information`,
		},
		"endpoint_query": {
			config: fmt.Sprintf(`
provider "hss" {
  region     = "cn-north-4"
  access_key = "a"
  secret_key = "b"
  endpoints  = { hss = "%s?x=1" }
}`, e.url) + dataCICD111,
			want: `Invalid endpoint URL.*must not have a query or fragment`,
		},
		"image_id_dot_dot": {
			config: e.provider(authAKSK) + `
data "hss_image_basic_image" "test" {
  image_id   = ".."
  image_type = "cicd"
}`,
			want: `Invalid image ID.*"\.\." is not an image ID`,
		},
		"image_id_template": {
			config: e.provider(authAKSK) + `
data "hss_image_basic_image" "test" {
  image_id   = "{project_id}"
  image_type = "cicd"
}`,
			want: `Invalid image ID.*"\{project_id\}" is not an image ID`,
		},
		"rate_limit_env_nan": {
			config: e.provider(authAKSK) + dataCICD111,
			env:    mapEnv{EnvRateLimit: "NaN"},
			want:   `HW_RATE_LIMIT="NaN" must be a finite number from 0 to 1000`,
		},
		"rate_limit_env_inf": {
			config: e.provider(authAKSK) + dataCICD111,
			env:    mapEnv{EnvRateLimit: "+Inf"},
			want:   `HW_RATE_LIMIT="\+Inf" must be a finite number`,
		},
	}
	// The group returns once its parallel cases have finished.
	t.Run("cases", func(t *testing.T) {
		for name, c := range cases {
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				resource.Test(t, resource.TestCase{
					ProtoV6ProviderFactories: factories(c.env),
					Steps: []resource.TestStep{{
						Config:      c.config,
						ExpectError: errRe(c.want),
					}},
				})
			})
		}
	})
	if n := len(e.Requests()); n != 0 {
		t.Fatalf("invalid configurations reached the API %d times", n)
	}
}

// A typo in image_type gets the "must be one of" error alone, not repository-image errors that
// would only apply to a valid repository type.
func TestImageTypeTypoReportsOnlyItself(t *testing.T) {
	ctx := context.Background()
	ds := NewImageBasicImageDataSource().(datasource.DataSourceWithValidateConfig)
	var sr datasource.SchemaResponse
	ds.Schema(ctx, datasource.SchemaRequest{}, &sr)
	typ := sr.Schema.Type().TerraformType(ctx).(tftypes.Object)
	for imageType, wantErrors := range map[string]int{"cidc": 0, "harbor": 3} {
		raw := nullsExcept(typ, map[string]tftypes.Value{
			"image_id": tftypes.NewValue(tftypes.String, "x"), "image_type": tftypes.NewValue(tftypes.String, imageType),
		})
		var resp datasource.ValidateConfigResponse
		ds.ValidateConfig(ctx, datasource.ValidateConfigRequest{Config: tfsdk.Config{Schema: sr.Schema, Raw: raw}}, &resp)
		if n := resp.Diagnostics.ErrorsCount(); n != wantErrors {
			t.Fatalf("image_type %q: %d errors, want %d: %v", imageType, n, wantErrors, resp.Diagnostics)
		}
	}
}
