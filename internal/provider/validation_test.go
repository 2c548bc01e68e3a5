package provider

import (
	"testing"

	"github.com/hsslabs/terraform-provider-hss/internal/emulator"
)

// Bad input fails at validate or plan time with the attribute and what is allowed, before any
// request: the schema validators and Configure, through the provider server in-process.
func TestValidation(t *testing.T) {
	e := newEmu(t)
	aksk := map[string]any{"access_key": emulator.AccessKeyID, "secret_key": emulator.SecretAccessKey}
	with := func(extra map[string]any) map[string]any {
		out := map[string]any{}
		for k, v := range aksk {
			out[k] = v
		}
		for k, v := range extra {
			out[k] = v
		}
		return e.Config(out)
	}
	cicd := map[string]any{"image_id": "111", "image_type": "cicd"}
	repo := func(extra map[string]any) map[string]any {
		out := map[string]any{"image_id": "x", "image_type": "harbor"}
		for k, v := range extra {
			out[k] = v
		}
		return out
	}
	cases := map[string]struct {
		provider map[string]any
		data     map[string]any
		env      mapEnv
		want     string
	}{
		"unknown_image_type": {data: map[string]any{"image_id": "111", "image_type": "docker"},
			want: `image_type: Invalid image type.*"docker" is not an image type: use one of "private_image", "shared_image", "instance_image", "cicd", "harbor"\.`},
		"image_type_typo": {data: map[string]any{"image_id": "111", "image_type": "cicdd"},
			want: `image_type: Invalid image type.*"cicdd" is not an image type: did you mean "cicd"\? The image types are "private_image"`},
		"image_type_case": {data: map[string]any{"image_id": "111", "image_type": "Private_Image"},
			want: `did you mean "private_image"\?`},
		"image_type_prefix": {data: map[string]any{"image_id": "111", "image_type": "instance"},
			want: `did you mean "instance_image"\?`},
		"image_type_dash": {data: map[string]any{"image_id": "111", "image_type": "shared-image"},
			want: `did you mean "shared_image"\?`},
		"repository_image_without_tag": {data: map[string]any{"image_id": "5f7c3b2a19e04d8c", "image_type": "private_image", "namespace": "scc_hss_container", "image_name": "proxy-agent"},
			want: `image_version: .*repository image, identified by its organization, name and tag.*image_version is missing`},
		"repository_image_without_namespace": {data: repo(map[string]any{"image_name": "proxy-agent", "image_version": "1"}), want: `namespace is missing`},
		"image_reference_with_namespace": {data: repo(map[string]any{"image_reference": "harbor.example.com/team/app:1.2", "namespace": "team"}),
			want: `image_reference: Invalid Attribute Combination.*namespace`},
		"image_reference_digest_only": {data: repo(map[string]any{"image_reference": "harbor.example.com/team/app@sha256:0000000000000000000000000000000000000000000000000000000000000000"}),
			want: `image_reference: Invalid image reference.*by digest only.*expected \[registry/\]organization/name:tag`},
		"image_reference_malformed": {data: repo(map[string]any{"image_reference": "Harbor Example/app:1"}), want: `Invalid image reference.*not a valid image reference.*expected`},
		"image_reference_without_tag": {data: repo(map[string]any{"image_type": "private_image", "image_reference": "swr.cn-north-4.myhuaweicloud.com/scc_hss_container/proxy-agent"}),
			want: `has no tag; expected`},
		"image_reference_without_organization": {data: repo(map[string]any{"image_type": "private_image", "image_reference": "proxy-agent:24.5.0-x86_64"}),
			want: `image_reference: Invalid image reference.*names no organization.*expected \[registry/\]organization/name:tag, e.g. swr.cn-north-4`},
		"empty_image_id":      {data: map[string]any{"image_id": "", "image_type": "cicd"}, want: `image_id: Invalid image ID.*"" is not an image ID`},
		"image_id_with_slash": {data: map[string]any{"image_id": "a/b", "image_type": "cicd"}, want: `image_id: Invalid image ID.*single path segment`},
		"image_id_dot_dot":    {data: map[string]any{"image_id": "..", "image_type": "cicd"}, want: `Invalid image ID.*"\.\." is not an image ID`},
		"image_id_template":   {data: map[string]any{"image_id": "{project_id}", "image_type": "cicd"}, want: `Invalid image ID.*"\{project_id\}" is not an image ID`},
		"data_source_region": {data: map[string]any{"image_id": "111", "image_type": "cicd", "region": "attacker.example/x"},
			want: `region: Invalid region.*"attacker.example/x" is not a region name`},
		"unknown_endpoint_key": {provider: map[string]any{"region": "cn-north-4", "access_key": "a", "secret_key": "b", "endpoints": map[string]string{"hss": e.URL, "ecs": e.URL}},
			want: `endpoints.*value must be one of:.*"hss".*"iam".*"sts".*"metadata"`},
		"endpoint_not_url": {provider: map[string]any{"region": "cn-north-4", "access_key": "a", "secret_key": "b", "endpoints": map[string]string{"hss": "ftp://hss.local"}},
			want: `endpoints\["hss"\]: .*"ftp://hss.local" must be an absolute https:// or http:// URL: scheme must be https or http`},
		"max_retries_out_of_range": {provider: with(map[string]any{"max_retries": -1}), want: `max_retries: .*between 0 and 20`},
		"max_retries_env_not_a_number": {provider: with(nil), env: mapEnv{EnvMaxRetries: "many"},
			want: `max_retries: Invalid environment variable: HW_MAX_RETRIES="many" must be an integer from 0 to 20`},
		"rate_limit_negative":   {provider: with(map[string]any{"rate_limit": -1}), want: `rate_limit: .*between 0.*1000`},
		"page_concurrency_zero": {provider: with(map[string]any{"page_concurrency": 0}), want: `page_concurrency: .*between 1 and 32`},
		"page_concurrency_env": {provider: with(nil), env: mapEnv{EnvPageConcurrency: "2.5"},
			want: `HW_PAGE_CONCURRENCY="2.5" must be an integer from 1 to 32`},
		"missing_region": {provider: aksk, want: `Missing region: The hss provider has no region.*HW_REGION_NAME`},
		"missing_credentials_off_cloud": {provider: map[string]any{"region": "cn-north-4", "endpoints": map[string]string{"metadata": "http://127.0.0.1:1"}},
			want: `no credentials are configured, and the ECS metadata service at http://127.0.0.1:1 gave none.*` +
				`configure one of:.*token \(HW_AUTH_TOKEN\).*access_key and secret_key \(HW_ACCESS_KEY, HW_SECRET_KEY\).*assume_role_with_oidc.*\(HW_SHARED_CONFIG_FILE, HW_PROFILE\).*HC_CONTAINER_CREDENTIALS_FULL_URI`},
		"incomplete_aksk": {provider: e.Config(map[string]any{"access_key": "AK"}),
			want: `access_key: Incomplete credentials.*AK/SK authentication needs access_key and secret_key, but only access_key is set\.`},
		"incomplete_password": {provider: e.Config(map[string]any{"user_name": "u", "password": "p"}),
			want: `password authentication needs password, and user_id or user_name with domain_name or domain_id, but only user_name and password are set`},
		"security_token_alone": {provider: e.Config(map[string]any{"security_token": "st"}), want: `AK/SK authentication needs access_key and secret_key, but only security_token is set`},
		"assume_role_without_domain": {provider: with(map[string]any{"assume_role": []map[string]any{{"agency_name": "a"}}}),
			want: `assume_role\[0\]: Incomplete assume_role.*needs the domain that owns it: domain_name \(HW_ASSUME_ROLE_DOMAIN_NAME\) or domain_id`},
		"assume_role_without_agency": {provider: with(map[string]any{"assume_role": []map[string]any{{"domain_name": "d"}}}),
			want: `Incomplete assume_role.*assume_role\[0\] names no agency: set agency_name \(HW_ASSUME_ROLE_AGENCY_NAME\)`},
		"oidc_agency_without_domain": {provider: e.Config(map[string]any{"assume_role_with_oidc": map[string]any{"idp_id": "i", "id_token": "t", "agency_name": "a"}}),
			want: `Incomplete assume_role_with_oidc.*Assuming agency "a" needs domain_id`},
		"assume_role_duration": {provider: with(map[string]any{"assume_role": []map[string]any{{"agency_name": "a", "domain_name": "d", "duration": 60}}}),
			want: `assume_role\[0\].duration: .*between 900 and 86400`},
		"assume_role_duration_env": {provider: with(nil), env: mapEnv{EnvAssumeRoleAgency: "a", EnvAssumeRoleDomain: "d", EnvAssumeRoleDuration: "forever"},
			want: `HW_ASSUME_ROLE_DURATION="forever" must be an integer from 900 to 86400`},
		"profile_missing_file": {provider: e.Config(map[string]any{"shared_config_file": "/nonexistent/config.json"}),
			want: `Unusable shared config profile.*the shared config file: cannot read "/nonexistent/config.json": no such file or directory`},
		"bad_auth_url_env": {provider: with(nil), env: mapEnv{EnvAuthURL: "iam.local"},
			want: `auth_url: Invalid environment variable: HW_AUTH_URL="iam.local" cannot be used for auth_url: scheme must be https or http`},
		"region_becomes_host": {provider: map[string]any{"region": "cn-north-4@attacker.example:443/", "access_key": "a", "secret_key": "b"},
			want: `region: Invalid region.*"cn-north-4@attacker.example:443/".*is not a region name: use lower-case letters, digits and single hyphens`},
		"region_env_becomes_host": {provider: aksk, env: mapEnv{EnvRegion: "cn-north-4.attacker.example"},
			want: `HW_REGION_NAME="cn-north-4.attacker.example" cannot be used for region: .* is not a region name`},
		"cloud_not_dns":   {provider: with(map[string]any{"cloud": "attacker.example/"}), want: `cloud: Invalid cloud.*"attacker.example/" is not a DNS name`},
		"cloud_env":       {provider: with(nil), env: mapEnv{EnvCloud: "a@b.example"}, want: `HW_CLOUD="a@b.example" cannot be used for cloud`},
		"project_id_path": {provider: with(map[string]any{"project_id": "../../v3"}), want: `project_id: Invalid project ID.*"../../v3" is not a project ID`},
		"project_id_env":  {provider: with(nil), env: mapEnv{EnvProjectID: "{project_id}"}, want: `HW_PROJECT_ID="\{project_id\}" cannot be used for project_id`},
		"endpoint_user_info": {provider: with(map[string]any{"auth_url": "https://iam.example.com@attacker.example/v3"}),
			want: `auth_url: Invalid endpoint URL.*must not carry user information`},
		"endpoint_query": {provider: map[string]any{"region": "cn-north-4", "access_key": "a", "secret_key": "b", "endpoints": map[string]string{"hss": e.URL + "?x=1"}},
			want: `Invalid endpoint URL.*must not have a query or fragment`},
		"rate_limit_env_nan": {provider: with(nil), env: mapEnv{EnvRateLimit: "NaN"}, want: `HW_RATE_LIMIT="NaN" must be a finite number from 0 to 1000`},
		"rate_limit_env_inf": {provider: with(nil), env: mapEnv{EnvRateLimit: "+Inf"}, want: `HW_RATE_LIMIT="\+Inf" must be a finite number`},
		"signing_algorithm_asymmetric": {provider: with(map[string]any{"signing_algorithm": "SM2SM3"}),
			want: `signing_algorithm: Invalid signing algorithm: "SM2SM3" is not supported yet: use HmacSHA256 or HmacSM3`},
		"cert_without_key": {provider: with(map[string]any{"cert": "-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----"}),
			want: `cert: Unusable client certificate: a client certificate needs its private key \(key\)`},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			p := newInproc(t, c.env)
			pcfg := c.provider
			if pcfg == nil {
				pcfg = with(nil)
			}
			d := p.Configure(pcfg)
			if d.Errors() == 0 {
				data := c.data
				if data == nil {
					data = cicd
				}
				_, d = p.Read(data)
			}
			if d.Errors() == 0 || !errRe(c.want).MatchString(d.String()) {
				t.Fatalf("diagnostics do not match %q:\n%s", c.want, d)
			}
		})
	}
	if n := len(e.Requests()); n != 0 {
		t.Fatalf("invalid configurations reached the API %d times", n)
	}
}
