package provider

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/hsslabs/terraform-provider-hss/internal/hss"
)

func TestResolveConfigPrecedenceAndDefaults(t *testing.T) {
	env := mapEnv{
		EnvRegion: "env-region", EnvProjectID: "env-project", EnvAccessKey: "env-ak", EnvSecretKey: "env-sk",
		EnvMaxRetries: "7", EnvRateLimit: "2.5", EnvAuthURL: "https://iam.example.com/v3", EnvCloud: "example.com",
		EnvEnterpriseProjectID: "all_granted_eps",
	}
	m := hssProviderModel{Region: types.StringValue("cfg-region"), SecretKey: types.StringValue("cfg-sk")}
	var d diag.Diagnostics
	cfg, eps := resolveConfig(context.Background(), m, env, &d)
	if d.HasError() {
		t.Fatal(d)
	}
	// The block wins per argument; the environment fills the rest.
	if cfg.Region != "cfg-region" || cfg.ProjectID != "env-project" || cfg.Credentials.AccessKey != "env-ak" || cfg.Credentials.SecretKey != "cfg-sk" {
		t.Fatalf("%+v", cfg)
	}
	if cfg.Credentials.Method != hss.AuthAKSK || cfg.MaxRetries != 7 || cfg.RateLimit != 2.5 || eps != "all_granted_eps" ||
		cfg.AuthURL != "https://iam.example.com/v3" || cfg.Cloud != "example.com" || cfg.PageConcurrency != hss.DefaultPageConcurrency {
		t.Fatalf("%+v", cfg)
	}

	cfg, _ = resolveConfig(context.Background(), hssProviderModel{}, mapEnv{EnvRegion: "r", EnvToken: "tok"}, &d)
	if cfg.Credentials.Method != hss.AuthToken || cfg.MaxRetries != hss.DefaultMaxRetries || cfg.RateLimit != 0 {
		t.Fatalf("%+v", cfg)
	}
}

func TestUnknownProviderArgument(t *testing.T) {
	m := hssProviderModel{Region: types.StringUnknown(), AccessKey: types.StringValue("a"), SecretKey: types.StringValue("b")}
	var d diag.Diagnostics
	resolveConfig(context.Background(), m, mapEnv{}, &d)
	if d.ErrorsCount() != 1 || d.Errors()[0].Summary() != "Unknown provider argument" {
		t.Fatalf("%v", d)
	}
}

// resolve runs the provider's configuration merge on a block and an environment.
func resolve(t *testing.T, m hssProviderModel, env mapEnv) (hss.Config, diag.Diagnostics) {
	t.Helper()
	var d diag.Diagnostics
	cfg, _ := resolveConfig(context.Background(), m, env, &d)
	return cfg, d
}

func nullModel() hssProviderModel {
	var m hssProviderModel
	for _, p := range []*types.String{&m.Region, &m.ProjectID, &m.ProjectName, &m.EnterpriseProjectID, &m.AccessKey, &m.SecretKey, &m.SecurityToken,
		&m.Token, &m.UserName, &m.UserID, &m.Password, &m.DomainName, &m.DomainID, &m.SharedConfigFile, &m.Profile, &m.AuthURL, &m.Cloud, &m.CACertFile} {
		*p = types.StringNull()
	}
	m.Endpoints, m.Insecure = types.MapNull(types.StringType), types.BoolNull()
	m.MaxRetries, m.RateLimit, m.PageConcurrency = types.Int64Null(), types.Float64Null(), types.Int64Null()
	return m
}

func warnings(d diag.Diagnostics) string {
	var out []string
	for _, w := range d.Warnings() {
		out = append(out, w.Summary()+": "+w.Detail())
	}
	return strings.Join(out, "\n")
}

// The Huawei Cloud provider's users keep their environment: leftovers of other methods are
// ignored with a warning naming them, never an error; the block beats the environment;
// among complete methods token beats AK/SK beats password beats OIDC beats a profile.
func TestCredentialSelection(t *testing.T) {
	block := func(f func(*hssProviderModel)) hssProviderModel {
		m := nullModel()
		m.Region = types.StringValue("cn-north-4")
		f(&m)
		return m
	}
	aksk := block(func(m *hssProviderModel) { m.AccessKey, m.SecretKey = types.StringValue("AK"), types.StringValue("SK") })
	cases := []struct {
		name     string
		m        hssProviderModel
		env      mapEnv
		want     hss.AuthMethod
		warnings []string
	}{
		{"AK/SK in the block, user and domain exported for IAM resources", aksk,
			mapEnv{EnvDomainName: "acme", EnvUserName: "ops"}, hss.AuthAKSK, []string{"user_name (from HW_USER_NAME)", "domain_name (from HW_DOMAIN_NAME)"}},
		{"all from the environment", block(func(*hssProviderModel) {}),
			mapEnv{EnvAccessKey: "AK", EnvSecretKey: "SK", EnvDomainName: "acme"}, hss.AuthAKSK, []string{"domain_name (from HW_DOMAIN_NAME)"}},
		{"token beats AK/SK", block(func(*hssProviderModel) {}),
			mapEnv{EnvAccessKey: "AK", EnvSecretKey: "SK", EnvToken: "MIItok"}, hss.AuthToken, []string{"access_key (from HW_ACCESS_KEY)", "secret_key (from HW_SECRET_KEY)"}},
		{"the block beats the environment", aksk,
			mapEnv{EnvToken: "MIItok"}, hss.AuthAKSK, []string{"token (from HW_AUTH_TOKEN)"}},
		{"OpenStack aliases", nullModel(),
			mapEnv{"OS_REGION_NAME": "cn-north-4", "OS_ACCESS_KEY": "AK", "OS_SECRET_KEY": "SK"}, hss.AuthAKSK, nil},
		{"password by user ID", block(func(*hssProviderModel) {}),
			mapEnv{"OS_USER_ID": "u-1", "OS_PASSWORD": "pw"}, hss.AuthPassword, nil},
		{"password by user name and domain ID", block(func(*hssProviderModel) {}),
			mapEnv{EnvUserName: "ops", EnvDomainID: "d-1", EnvPassword: "pw"}, hss.AuthPassword, nil},
		{"password beats OIDC", block(func(*hssProviderModel) {}),
			mapEnv{EnvUserID: "u-1", EnvPassword: "pw", EnvIdpID: "idp", EnvIDTokenFile: "/t"}, hss.AuthPassword,
			[]string{"assume_role_with_oidc.idp_id (from HW_ASSUME_ROLE_IDP_ID)"}},
		{"OIDC from the environment", block(func(*hssProviderModel) {}),
			mapEnv{EnvIdpID: "idp", EnvIDTokenFile: "/t"}, hss.AuthOIDC, nil},
		{"nothing: the ECS metadata service", block(func(*hssProviderModel) {}), nil, hss.AuthMetadata, nil},
		{"only leftovers: the ECS metadata service", block(func(*hssProviderModel) {}),
			mapEnv{EnvUserName: "ops", EnvSecurityToken: "st"}, hss.AuthMetadata, []string{"security_token (from HW_SECURITY_TOKEN)", "user_name (from HW_USER_NAME)"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg, d := resolve(t, c.m, c.env)
			if d.HasError() {
				t.Fatal(d.Errors())
			}
			if cfg.Credentials.Method != c.want {
				t.Fatalf("method %v, want %v", cfg.Credentials.Method, c.want)
			}
			w := warnings(d)
			for _, s := range c.warnings {
				if !strings.Contains(w, s) {
					t.Errorf("warnings lack %q:\n%s", s, w)
				}
			}
			if len(c.warnings) == 0 && w != "" {
				t.Errorf("unexpected warnings:\n%s", w)
			}
		})
	}
	// HW_* wins over its OS_* alias.
	cfg, _ := resolve(t, nullModel(), mapEnv{EnvRegion: "cn-north-4", "OS_REGION_NAME": "ap-southeast-1", EnvToken: "t"})
	if cfg.Region != "cn-north-4" {
		t.Fatalf("region %q", cfg.Region)
	}
}

func TestAssumeRoleAndEndpointsFromConfiguration(t *testing.T) {
	m := nullModel()
	m.Region, m.Token = types.StringValue("eu-west-101"), types.StringValue("t")
	m.Endpoints = types.MapValueMust(types.StringType, map[string]attr.Value{"hss": types.StringValue("hss.internal.example:8443")})
	cfg, d := resolve(t, m, mapEnv{EnvAssumeRoleAgency: "ops", EnvAssumeRoleDomainID: "d-1", EnvAssumeRoleDuration: "3600"})
	if d.HasError() {
		t.Fatal(d.Errors())
	}
	ar := cfg.Credentials.AssumeRole
	if ar.AgencyName != "ops" || ar.DomainID != "d-1" || ar.Duration != time.Hour {
		t.Fatalf("%+v", ar)
	}
	if cfg.HSSEndpoint != "https://hss.internal.example:8443" {
		t.Fatalf("endpoint %q", cfg.HSSEndpoint)
	}
}

// Profiles of the Huawei Cloud CLI: AK/SK, SSO temporary keys and the ECS agency mode; the
// file's current profile unless one is named; region and project from the profile only
// where the block and environment set none.
func TestSharedConfigProfiles(t *testing.T) {
	file := filepath.Join(t.TempDir(), "config.json")
	content := `{"current":"dev","profiles":[
 {"name":"dev","mode":"AKSK","accessKeyId":"AK1","secretAccessKey":"SK1","region":"ap-southeast-1","projectId":"p1"},
 {"name":"sso","mode":"SSO","region":"cn-north-4","ssoAuth":{"stsToken":{"accessKeyId":"AK2","secretAccessKey":"SK2","securityToken":"ST2"}}},
 {"name":"host","mode":"ecsAgency","region":"cn-north-4"},
 {"name":"cipher","mode":"AKSK","accessKeyId":"","secretAccessKey":""},
 {"name":"agency","mode":"AKSK","accessKeyId":"AK3","secretAccessKey":"SK3","agencyName":"ops","agencyDomainName":"acme"}]}`
	if err := os.WriteFile(file, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	m := nullModel()
	m.SharedConfigFile = types.StringValue(file)
	cfg, d := resolve(t, m, nil)
	if d.HasError() || cfg.Credentials.AccessKey != "AK1" || cfg.Region != "ap-southeast-1" || cfg.ProjectID != "p1" {
		t.Fatalf("%+v %v", cfg, d)
	}
	m.Region = types.StringValue("cn-north-4")
	cfg, _ = resolve(t, m, mapEnv{EnvProfile: "sso"})
	if cfg.Credentials.SecurityToken != "ST2" || cfg.Region != "cn-north-4" || cfg.ProjectID != "" {
		t.Fatalf("%+v", cfg)
	}
	if cfg, _ = resolve(t, m, mapEnv{EnvProfile: "host"}); cfg.Credentials.Method != hss.AuthMetadata {
		t.Fatalf("%+v", cfg)
	}
	if cfg, _ = resolve(t, m, mapEnv{EnvProfile: "agency"}); cfg.Credentials.AssumeRole.AgencyName != "ops" || cfg.Credentials.AssumeRole.DomainName != "acme" {
		t.Fatalf("%+v", cfg)
	}
	for profile, want := range map[string]string{"cipher": "no accessKeyId and secretAccessKey in plain text", "nobody": `profile "nobody" is not in`} {
		_, d = resolve(t, m, mapEnv{EnvProfile: profile})
		if !d.HasError() || !strings.Contains(d.Errors()[0].Detail(), want) {
			t.Fatalf("%s: %v", profile, d)
		}
	}
}
