package provider

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/hsslabs/terraform-provider-hss/internal/credentials"
	"github.com/hsslabs/terraform-provider-hss/internal/emulator"
	"github.com/hsslabs/terraform-provider-hss/internal/hss"
	"github.com/hsslabs/terraform-provider-hss/internal/transport"
	"github.com/hsslabs/terraform-provider-hss/internal/validators"
)

func TestResolveConfigPrecedenceAndDefaults(t *testing.T) {
	env := mapEnv{
		EnvRegion: "env-region", EnvProjectID: "env-project", EnvAccessKey: "env-ak", EnvSecretKey: "env-sk",
		EnvMaxRetries: "7", EnvRateLimit: "2.5", EnvAuthURL: "https://iam.example.com/v3", EnvCloud: "example.com",
		EnvEnterpriseProjectID: "all_granted_eps",
	}
	m := hssProviderModel{Region: types.StringValue("cfg-region"), SecretKey: types.StringValue("cfg-sk")}
	var d diag.Diagnostics
	res := resolveConfig(context.Background(), m, env, &d)
	cfg, eps := res.cfg, res.eps
	if d.HasError() {
		t.Fatal(d)
	}
	// The block wins per argument; the environment fills the rest.
	if cfg.Region != "cfg-region" || cfg.ProjectID != "env-project" || cfg.Credentials.AccessKey != "env-ak" || cfg.Credentials.SecretKey != "cfg-sk" {
		t.Fatalf("%+v", cfg)
	}
	if cfg.Credentials.Method != credentials.AuthAKSK || cfg.MaxRetries != 7 || cfg.RateLimit != 2.5 || eps != "all_granted_eps" ||
		cfg.Endpoints.AuthURL != "https://iam.example.com/v3" || cfg.Endpoints.Cloud != "example.com" || cfg.PageConcurrency != hss.DefaultPageConcurrency {
		t.Fatalf("%+v", cfg)
	}

	cfg = resolveConfig(context.Background(), hssProviderModel{}, mapEnv{EnvRegion: "r", EnvToken: "tok"}, &d).cfg
	if cfg.Credentials.Method != credentials.AuthToken || cfg.MaxRetries != transport.DefaultMaxRetries || cfg.RateLimit != 0 {
		t.Fatalf("%+v", cfg)
	}
}

// Region, project and enterprise project: the block beats the environment, tenant_id in the
// block beats it as project_id does, and among variables the provider's own comes first, then
// the OpenStack names, then the SDK's; a blank variable is not set.
func TestRegionAndProjectPrecedence(t *testing.T) {
	all := mapEnv{EnvRegion: "cn-north-4", "OS_REGION_NAME": "ap-southeast-1", EnvProjectID: "p_hw", "OS_PROJECT_ID": "p_os",
		"OS_TENANT_ID": "p_tenant", EnvSDKProjectID: "p_sdk", EnvEnterpriseProjectID: "all_granted_eps", EnvToken: "t"}
	without := func(names ...string) mapEnv {
		env := maps.Clone(all)
		for _, n := range names {
			env[n] = " "
		}
		return env
	}
	for _, c := range []struct {
		name                   string
		block                  func(m *hssProviderModel)
		env                    mapEnv
		region, project, entEP string
	}{
		{"environment", nil, all, "cn-north-4", "p_hw", "all_granted_eps"},
		{"OpenStack names", nil, without(EnvRegion, EnvProjectID), "ap-southeast-1", "p_os", "all_granted_eps"},
		{"tenant", nil, without(EnvProjectID, "OS_PROJECT_ID"), "cn-north-4", "p_tenant", "all_granted_eps"},
		{"SDK", nil, without(EnvProjectID, "OS_PROJECT_ID", "OS_TENANT_ID"), "cn-north-4", "p_sdk", "all_granted_eps"},
		{"block", func(m *hssProviderModel) {
			m.Region, m.ProjectID, m.EnterpriseProjectID = types.StringValue("eu-west-101"), types.StringValue("p_block"), types.StringValue("0")
		}, all, "eu-west-101", "p_block", "0"},
		{"tenant_id in the block", func(m *hssProviderModel) { m.TenantID = types.StringValue("p_alias") }, all, "cn-north-4", "p_alias", "all_granted_eps"},
		{"project_id beats tenant_id", func(m *hssProviderModel) {
			m.ProjectID, m.TenantID = types.StringValue("p_block"), types.StringValue("p_alias")
		},
			all, "cn-north-4", "p_block", "all_granted_eps"},
		// A block value is the schema validators' to check, not blamed on the environment.
		{"block values unchecked here", func(m *hssProviderModel) { m.Region = types.StringValue("Not A Region!") }, all, "Not A Region!", "p_hw", "all_granted_eps"},
	} {
		m := nullModel()
		if c.block != nil {
			c.block(&m)
		}
		var d diag.Diagnostics
		res := resolveConfig(context.Background(), m, c.env, &d)
		if d.HasError() || res.cfg.Region != c.region || res.cfg.ProjectID != c.project || res.eps != c.entEP {
			t.Errorf("%s: region %q, project %q, enterprise project %q: %v", c.name, res.cfg.Region, res.cfg.ProjectID, res.eps, d)
		}
	}
}

// An environment variable's value is checked as the schema checks the block's, and a URL's
// credentials never show in the error.
func TestEnvironmentValuesChecked(t *testing.T) {
	var d diag.Diagnostics
	resolveConfig(context.Background(), nullModel(), mapEnv{EnvRegion: "cn-north-4", EnvToken: "t", EnvAuthURL: "https://admin:S3cret@iam.example.com/v3"}, &d)
	if d.ErrorsCount() != 1 || !strings.Contains(fmt.Sprint(d), "cannot be used for auth_url") || strings.Contains(fmt.Sprint(d), "S3cret") {
		t.Fatalf("%v", d)
	}
}

func TestUnknownProviderArgument(t *testing.T) {
	m := hssProviderModel{Region: types.StringUnknown(), AccessKey: types.StringValue("a"), SecretKey: types.StringValue("b")}
	var d diag.Diagnostics
	res := resolveConfig(context.Background(), m, mapEnv{}, &d)
	if d.HasError() || len(res.unknown) != 1 || res.unknown[0] != "region" || res.missingRegion {
		t.Fatalf("%v %+v", d, res)
	}
}

// The memory budget: the client's default when unset, the block's or the environment's in MiB,
// refused outside its bounds with the argument named.
func TestMaxMemory(t *testing.T) {
	for _, c := range []struct {
		block types.Int64
		env   string
		want  int
		err   string
	}{
		{types.Int64Null(), "", 0, ""},
		{types.Int64Value(64), "", 64 << 20, ""},
		{types.Int64Null(), "512", 512 << 20, ""},
		{types.Int64Value(128), "512", 128 << 20, ""},
		{types.Int64Null(), "15", 0, "max_memory_mb"},
		{types.Int64Null(), "lots", 0, "max_memory_mb"},
		{types.Int64Null(), "16", 16 << 20, ""},
		{types.Int64Null(), "1048576", 1048576 << 20, ""},
		{types.Int64Null(), "1048577", 0, "HW_HSS_MAX_MEMORY_MB=\"1048577\" must be an integer from 16 to 1.048576e+06"},
		{types.Int64Null(), " 64\t", 64 << 20, ""},
		{types.Int64Null(), "1e2", 100 << 20, ""},
		{types.Int64Null(), "64.5", 0, "must be an integer"},
		{types.Int64Null(), "Inf", 0, "max_memory_mb"},
		{types.Int64Null(), "NaN", 0, "max_memory_mb"},
		{types.Int64Null(), " ", 0, ""},
		{types.Int64Unknown(), "512", 0, ""},
	} {
		m := nullModel()
		m.Region, m.AccessKey, m.SecretKey, m.MaxMemoryMB = types.StringValue("cn-north-4"), types.StringValue("a"), types.StringValue("b"), c.block
		env := mapEnv{}
		if c.env != "" {
			env[EnvMaxMemoryMB] = c.env
		}
		cfg, d := resolve(t, m, env)
		if cfg.MaxMemoryBytes != c.want || d.HasError() != (c.err != "") || (c.err != "" && !strings.Contains(fmt.Sprint(d), c.err)) {
			t.Errorf("%v %q: %d %v", c.block, c.env, cfg.MaxMemoryBytes, d)
		}
	}
}

func warnings(d diag.Diagnostics) string {
	var out []string
	for _, w := range d.Warnings() {
		out = append(out, w.Summary()+": "+w.Detail())
	}
	return strings.Join(out, "\n")
}

// The Huawei Cloud provider's users keep their environment: leftovers of other methods are
// ignored, warned of when written in the provider block and logged when they come from the
// environment; the block beats the environment; among complete methods token beats AK/SK
// beats password beats OIDC beats a profile.
func TestCredentialSelection(t *testing.T) {
	block := func(f func(*hssProviderModel)) hssProviderModel {
		m := nullModel()
		m.Region = types.StringValue("cn-north-4")
		f(&m)
		return m
	}
	aksk := block(func(m *hssProviderModel) { m.AccessKey, m.SecretKey = types.StringValue("AK"), types.StringValue("SK") })
	cases := []struct {
		name string
		m    hssProviderModel
		env  mapEnv
		want credentials.AuthMethod
		// warned are ignored arguments of the block; logged ones from the environment.
		warned, logged []string
	}{
		{name: "AK/SK in the block, user and domain exported for IAM resources", m: aksk,
			env: mapEnv{EnvDomainName: "acme", EnvUserName: "ops"}, want: credentials.AuthAKSK, logged: []string{"user_name (from HW_USER_NAME)", "domain_name (from HW_DOMAIN_NAME)"}},
		{name: "all from the environment", m: block(func(*hssProviderModel) {}),
			env: mapEnv{EnvAccessKey: "AK", EnvSecretKey: "SK", EnvDomainName: "acme"}, want: credentials.AuthAKSK, logged: []string{"domain_name (from HW_DOMAIN_NAME)"}},
		{name: "token beats AK/SK", m: block(func(*hssProviderModel) {}),
			env: mapEnv{EnvAccessKey: "AK", EnvSecretKey: "SK", EnvToken: "MIItok"}, want: credentials.AuthToken, logged: []string{"access_key (from HW_ACCESS_KEY)", "secret_key (from HW_SECRET_KEY)"}},
		{name: "the block beats the environment", m: aksk,
			env: mapEnv{EnvToken: "MIItok"}, want: credentials.AuthAKSK, logged: []string{"token (from HW_AUTH_TOKEN)"}},
		{name: "a lower method written in the block is warned of", m: block(func(m *hssProviderModel) {
			m.Token, m.UserName, m.Password, m.DomainName = types.StringValue("MIItok"), types.StringValue("u"), types.StringValue("p"), types.StringValue("d")
		}), want: credentials.AuthToken, warned: []string{"user_name", "password", "domain_name"}},
		{name: "OpenStack aliases", m: nullModel(),
			env: mapEnv{"OS_REGION_NAME": "cn-north-4", "OS_ACCESS_KEY": "AK", "OS_SECRET_KEY": "SK"}, want: credentials.AuthAKSK},
		{name: "password by user ID", m: block(func(*hssProviderModel) {}),
			env: mapEnv{"OS_USER_ID": "u-1", "OS_PASSWORD": "pw"}, want: credentials.AuthPassword},
		{name: "password by user name and domain ID", m: block(func(*hssProviderModel) {}),
			env: mapEnv{EnvUserName: "ops", EnvDomainID: "d-1", EnvPassword: "pw"}, want: credentials.AuthPassword},
		{name: "password beats OIDC", m: block(func(*hssProviderModel) {}),
			env: mapEnv{EnvUserID: "u-1", EnvPassword: "pw", EnvIdpID: "idp", EnvIDTokenFile: "/t"}, want: credentials.AuthPassword,
			logged: []string{"assume_role_with_oidc.idp_id (from HW_ASSUME_ROLE_IDP_ID)"}},
		{name: "OIDC from the environment", m: block(func(*hssProviderModel) {}),
			env: mapEnv{EnvIdpID: "idp", EnvIDTokenFile: "/t"}, want: credentials.AuthOIDC},
		{name: "nothing: the ECS metadata service", m: block(func(*hssProviderModel) {}), want: credentials.AuthMetadata},
		{name: "only leftovers: the ECS metadata service", m: block(func(*hssProviderModel) {}),
			env: mapEnv{EnvUserName: "ops", EnvSecurityToken: "st"}, want: credentials.AuthMetadata, logged: []string{"security_token (from HW_SECURITY_TOKEN)", "user_name (from HW_USER_NAME)"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg, d, logs := resolveLogged(t, c.m, c.env)
			if d.HasError() {
				t.Fatal(d.Errors())
			}
			if cfg.Credentials.Method != c.want {
				t.Fatalf("method %v, want %v", cfg.Credentials.Method, c.want)
			}
			w := warnings(d)
			for _, s := range c.warned {
				if !strings.Contains(w, s) {
					t.Errorf("warnings lack %q:\n%s", s, w)
				}
			}
			if len(c.warned) == 0 && w != "" {
				t.Errorf("unexpected warnings:\n%s", w)
			}
			for _, s := range c.logged {
				if !strings.Contains(logs, s) || strings.Contains(w, s) {
					t.Errorf("%q is not logged, or is warned of:\nlogs %s\nwarnings %s", s, logs, w)
				}
			}
			if len(c.logged) == 0 && strings.Contains(logs, "ignored credentials") {
				t.Errorf("unexpected log:\n%s", logs)
			}
		})
	}
	// HW_* wins over its OS_* alias.
	cfg, _ := resolve(t, nullModel(), mapEnv{EnvRegion: "cn-north-4", "OS_REGION_NAME": "ap-southeast-1", EnvToken: "t"})
	if cfg.Region != "cn-north-4" {
		t.Fatalf("region %q", cfg.Region)
	}
}

// A method written in the provider block is used with what the block says: a security
// token, user ID or domain ID left in the environment for other credentials is not attached to
// it. Arguments the block leaves out still fall back to the environment one by one.
func TestBlockMethodTakesNothingStaleFromTheEnvironment(t *testing.T) {
	m := nullModel()
	m.Region, m.AccessKey, m.SecretKey = types.StringValue("cn-north-4"), types.StringValue("AK"), types.StringValue("SK")
	cfg, d, logs := resolveLogged(t, m, mapEnv{EnvSecurityToken: "stale-token"})
	if d.HasError() || cfg.Credentials.SecurityToken != "" || !strings.Contains(logs, "security_token (from HW_SECURITY_TOKEN)") {
		t.Fatalf("security token %q, %v\n%s", cfg.Credentials.SecurityToken, d, logs)
	}
	m = nullModel()
	m.Region, m.UserName, m.Password, m.DomainName = types.StringValue("cn-north-4"), types.StringValue("u"), types.StringValue("p"), types.StringValue("d")
	cfg, _, _ = resolveLogged(t, m, mapEnv{EnvUserID: "someone-else", EnvDomainID: "other-domain"})
	if c := cfg.Credentials; c.Method != credentials.AuthPassword || c.UserID != "" || c.DomainID != "" || c.DomainName != "d" {
		t.Fatalf("%+v", c)
	}
	// The block names the key, the environment its secret: the method is made of both.
	m = nullModel()
	m.Region, m.AccessKey = types.StringValue("cn-north-4"), types.StringValue("AK")
	cfg, d, _ = resolveLogged(t, m, mapEnv{EnvSecretKey: "SK", EnvSecurityToken: "ST"})
	if c := cfg.Credentials; d.HasError() || c.Method != credentials.AuthAKSK || c.SecretKey != "SK" || c.SecurityToken != "ST" {
		t.Fatalf("%+v %v", c, d)
	}
}

// An incomplete method in the provider block is an error naming what it lacks, whatever
// complete method the environment holds.
func TestIncompleteBlockMethodIsAnError(t *testing.T) {
	incomplete := map[string]struct {
		set  func(*hssProviderModel)
		want string
	}{
		"access_key alone":     {func(m *hssProviderModel) { m.AccessKey = types.StringValue("AK") }, "AK/SK authentication needs access_key and secret_key, but only access_key is set."},
		"secret_key alone":     {func(m *hssProviderModel) { m.SecretKey = types.StringValue("SK") }, "but only secret_key is set."},
		"security_token alone": {func(m *hssProviderModel) { m.SecurityToken = types.StringValue("ST") }, "but only security_token is set."},
		"user without domain": {func(m *hssProviderModel) { m.UserName, m.Password = types.StringValue("u"), types.StringValue("p") },
			"password authentication needs password, and user_id or user_name with domain_name or domain_id, but only user_name and password are set."},
		"password alone": {func(m *hssProviderModel) { m.Password = types.StringValue("p") }, "but only password is set."},
		"OIDC without a token": {func(m *hssProviderModel) {
			m.AssumeRoleWithOIDC = oidcObject(t, oidcModel{IdpID: types.StringValue("idp"), IDToken: types.StringNull(), IDTokenFile: types.StringNull(),
				AgencyName: types.StringNull(), DomainID: types.StringNull(), Duration: types.Int64Null()})
		}, "OIDC (assume_role_with_oidc) authentication needs idp_id, and id_token or id_token_file, but only assume_role_with_oidc.idp_id is set."},
	}
	complete := map[string]mapEnv{
		"token":            {EnvToken: "MIItok"},
		"AK/SK":            {EnvAccessKey: "AK", EnvSecretKey: "SK"},
		"password by name": {EnvUserName: "u", EnvPassword: "p", EnvDomainName: "d"},
		"password by ID":   {EnvUserID: "u-1", EnvPassword: "p"},
		"OIDC":             {EnvIdpID: "idp", EnvIDToken: "jwt"},
		"profile":          {EnvProfile: "dev"},
	}
	// An environment method of the same kind completes the block's one argument by argument.
	sameKind := map[string]string{"access_key alone": "AK/SK", "secret_key alone": "AK/SK", "security_token alone": "AK/SK",
		"user without domain": "password", "password alone": "password", "OIDC without a token": "OIDC"}
	for bn, b := range incomplete {
		for en, env := range complete {
			if strings.HasPrefix(en, sameKind[bn]) {
				continue
			}
			t.Run(bn+" with "+en+" in the environment", func(t *testing.T) {
				m := nullModel()
				m.Region = types.StringValue("cn-north-4")
				b.set(&m)
				_, d := resolve(t, m, env)
				if d.ErrorsCount() != 1 || d.Errors()[0].Summary() != "Incomplete credentials" || !strings.Contains(d.Errors()[0].Detail(), b.want) {
					t.Fatalf("diagnostics %v", d)
				}
			})
		}
	}
}

func TestAssumeRoleAndEndpointsFromConfiguration(t *testing.T) {
	m := nullModel()
	m.Region, m.Token = types.StringValue("eu-west-101"), types.StringValue("t")
	m.Endpoints = types.MapValueMust(types.StringType, map[string]attr.Value{"hss": types.StringValue("hss.internal.example:8443"),
		"iam": types.StringValue("iam.internal.example"), "sts": types.StringValue("http://sts.internal.example:8080/"),
		"metadata": types.StringValue("169.254.169.254")})
	cfg, d := resolve(t, m, mapEnv{EnvAssumeRoleAgency: "ops", EnvAssumeRoleDomainID: "d-1", EnvAssumeRoleDuration: "3600"})
	if d.HasError() {
		t.Fatal(d.Errors())
	}
	if c := cfg.Credentials.AssumeRoles; len(c) != 1 || c[0].AgencyName != "ops" || c[0].DomainID != "d-1" || c[0].Duration != time.Hour {
		t.Fatalf("%+v", c)
	}
	// Without a scheme, https:// is added, http:// to the metadata service, which speaks only
	// that; a scheme written is kept.
	if cfg.Endpoints.HSS != "https://hss.internal.example:8443" || cfg.Endpoints.IAM != "https://iam.internal.example" ||
		!strings.HasPrefix(cfg.Endpoints.STS, "http://sts.internal.example:8080") || cfg.Endpoints.Metadata != "http://169.254.169.254" {
		t.Fatalf("endpoints %q %q %q %q", cfg.Endpoints.HSS, cfg.Endpoints.IAM, cfg.Endpoints.STS, cfg.Endpoints.Metadata)
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
 {"name":"agency","mode":"AKSK","accessKeyId":"AK3","secretAccessKey":"SK3","agencyName":"ops","agencyDomainName":"acme"},
 {"name":"agency-nodomain","mode":"AKSK","accessKeyId":"AK3","secretAccessKey":"SK3","agencyName":"ops"}]}`
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
	// The block's region beats the profile's, and the profile's project, of another region, is not taken.
	if cfg, d = resolve(t, m, nil); d.HasError() || cfg.Credentials.AccessKey != "AK1" || cfg.Region != "cn-north-4" || cfg.ProjectID != "" {
		t.Fatalf("%+v %v", cfg, d)
	}
	cfg, _ = resolve(t, m, mapEnv{EnvProfile: "sso"})
	if cfg.Credentials.SecurityToken != "ST2" || cfg.Region != "cn-north-4" || cfg.ProjectID != "" {
		t.Fatalf("%+v", cfg)
	}
	if cfg, _ = resolve(t, m, mapEnv{EnvProfile: "host"}); cfg.Credentials.Method != credentials.AuthMetadata {
		t.Fatalf("%+v", cfg)
	}
	if cfg, _ = resolve(t, m, mapEnv{EnvProfile: "agency"}); len(cfg.Credentials.AssumeRoles) != 1 || cfg.Credentials.AssumeRoles[0].AgencyName != "ops" ||
		cfg.Credentials.AssumeRoles[0].DomainName != "acme" {
		t.Fatalf("%+v", cfg)
	}
	for profile, want := range map[string]string{"cipher": "no accessKeyId and secretAccessKey in plain text", "nobody": `profile "nobody" is not in`,
		"agency-nodomain": `Profile "agency-nodomain" names agency "ops" but not the domain that owns it`} {
		_, d = resolve(t, m, mapEnv{EnvProfile: profile})
		if !d.HasError() || !strings.Contains(d.Errors()[0].Detail(), want) {
			t.Fatalf("%s: %v", profile, d)
		}
	}
}

// Files named in the configuration are read only when they are regular files of a sensible
// size: /dev/zero as a CLI config file, a directory as a CA bundle and a bundle one byte over
// the cap are refused with the file and the reason.
func TestConfigFilesAreReadSafely(t *testing.T) {
	big := filepath.Join(t.TempDir(), "big.pem")
	if err := os.WriteFile(big, make([]byte, maxConfigFileBytes+1), 0o600); err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]struct {
		env  mapEnv
		want string
	}{
		"shared config /dev/zero": {mapEnv{EnvSharedConfigFile: "/dev/zero"}, `cannot read "/dev/zero": it is a character device, not a regular file`},
		"CA bundle directory":     {mapEnv{EnvAccessKey: "a", EnvSecretKey: "b", EnvCACertFile: t.TempDir()}, "it is a directory, not a regular file"},
		"CA bundle over the cap": {mapEnv{EnvAccessKey: "a", EnvSecretKey: "b", EnvCACertFile: big},
			fmt.Sprintf("it is %d bytes, more than the %d allowed", maxConfigFileBytes+1, maxConfigFileBytes)},
	} {
		m := nullModel()
		m.Region = types.StringValue("cn-north-4")
		_, d := resolve(t, m, c.env)
		if !d.HasError() || !strings.Contains(d.Errors()[0].Detail(), c.want) {
			t.Errorf("%s: %v", name, d)
		}
	}
}

// An endpoint with a password in it is refused without echoing the password.
func TestEndpointPasswordIsNotEchoed(t *testing.T) {
	m := nullModel()
	m.Region = types.StringValue("cn-north-4")
	_, d := resolve(t, m, mapEnv{EnvAccessKey: "a", EnvSecretKey: "b", EnvAuthURL: "https://admin:S3cret@iam.example.com/v3"})
	if !d.HasError() || strings.Contains(d.Errors()[0].Detail(), "S3cret") || !strings.Contains(d.Errors()[0].Detail(), "https://***@iam.example.com/v3") {
		t.Fatalf("%v", d)
	}
	if err := validators.Endpoint.Err("https://admin:S3cret@iam.example.com/v3"); err == nil || strings.Contains(err.Error(), "S3cret") {
		t.Fatalf("validator: %v", err)
	}
}

// The transport and identity arguments of the Huawei Cloud provider: a chain of assume_role
// blocks, a pod identity from the environment, a client certificate and the signing algorithm.
func TestChainPodIdentityCertAndSigning(t *testing.T) {
	m := nullModel()
	m.Region, m.AccessKey, m.SecretKey = types.StringValue("cn-north-4"), types.StringValue("AK"), types.StringValue("SK")
	hop := func(agency, domainName, domainID string, duration int64) assumeRoleModel {
		h := assumeRoleModel{AgencyName: types.StringValue(agency), DomainName: types.StringNull(), DomainID: types.StringNull(), Duration: types.Int64Null()}
		if domainName != "" {
			h.DomainName = types.StringValue(domainName)
		}
		if domainID != "" {
			h.DomainID = types.StringValue(domainID)
		}
		if duration > 0 {
			h.Duration = types.Int64Value(duration)
		}
		return h
	}
	m.AssumeRole = assumeRoleList(t, hop("audit", "audit-account", "", 0), hop("workload", "", "d-3", 3600))
	// A block written, the environment's one agency is not a hop of the chain.
	cfg, d := resolve(t, m, mapEnv{EnvAssumeRoleAgency: "stale", EnvAssumeRoleDomain: "x"})
	c := cfg.Credentials.AssumeRoles
	if d.HasError() || len(c) != 2 || c[0].AgencyName != "audit" || c[0].DomainName != "audit-account" || c[1].DomainID != "d-3" || c[1].Duration != time.Hour {
		t.Fatalf("%+v %v", c, d)
	}
	m.AssumeRole = assumeRoleList(t, hop("workload", "", "d-3", 50000))
	if _, d = resolve(t, m, nil); !d.HasError() || !strings.Contains(d.Errors()[0].Detail(), "through IAM v5") {
		t.Fatalf("%v", d)
	}
	m.AssumeRole = types.ListNull(types.ObjectType{AttrTypes: assumeRoleAttrTypes})

	// The pod identity ranks below every configured method, above the metadata service.
	token := filepath.Join(t.TempDir(), "token")
	pod := mapEnv{EnvPodIdentityURI: "http://169.254.170.2/v1/credentials", EnvPodIdentityTokenFile: token}
	cfg, _ = resolve(t, nullModel(), mapEnv{EnvRegion: "cn-north-4", EnvPodIdentityURI: pod[EnvPodIdentityURI], EnvPodIdentityTokenFile: token})
	if cfg.Credentials.Method != credentials.AuthPodIdentity || cfg.Credentials.PodIdentity.TokenFile != token {
		t.Fatalf("%+v", cfg.Credentials)
	}
	if cfg, _ = resolve(t, m, pod); cfg.Credentials.Method != credentials.AuthAKSK {
		t.Fatalf("%+v", cfg.Credentials)
	}
	if _, d = resolve(t, nullModel(), mapEnv{EnvRegion: "cn-north-4", EnvPodIdentityURI: "http://169.254.170.2/v1/credentials?cluster=c1", EnvPodIdentityTokenFile: token}); d.HasError() {
		t.Fatalf("a query is refused: %v", d)
	}
	for uri, want := range map[string]string{"http://user:pw@169.254.170.2/x": "user information", "file:///etc/passwd": "scheme must be https or http",
		"http://169.254.170.2/x#pw": "fragment"} {
		_, d = resolve(t, nullModel(), mapEnv{EnvRegion: "cn-north-4", EnvPodIdentityURI: uri, EnvPodIdentityTokenFile: token})
		if !d.HasError() || !strings.Contains(d.Errors()[0].Detail(), want) || strings.Contains(d.Errors()[0].Detail(), "pw@") {
			t.Fatalf("%s: %v", uri, d)
		}
	}

	for alg, want := range map[string]string{"SM2SM3": "not supported yet", "HMAC-SHA1": "is not a signing algorithm"} {
		_, d = resolve(t, m, mapEnv{EnvSigningAlgorithm: alg})
		if !d.HasError() || !strings.Contains(d.Errors()[0].Detail(), want) {
			t.Fatalf("%s: %v", alg, d)
		}
	}
	if cfg, d = resolve(t, m, mapEnv{EnvSigningAlgorithm: transport.SigningHMACSM3}); d.HasError() || cfg.SigningAlgorithm != transport.SigningHMACSM3 {
		t.Fatalf("%v", d)
	}

	mtls, err := emulator.ServeMutualTLS(http.NotFoundHandler())
	if err != nil {
		t.Fatal(err)
	}
	mtls.Server.Close()
	certFile := filepath.Join(t.TempDir(), "cert.pem")
	if err := os.WriteFile(certFile, mtls.CertPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	m.Key = types.StringValue(string(mtls.KeyPEM)) // inline PEM, as the Huawei Cloud provider accepts
	cfg, d = resolve(t, m, mapEnv{EnvCert: certFile})
	if d.HasError() || string(cfg.ClientCertPEM) != string(mtls.CertPEM) || string(cfg.ClientKeyPEM) != string(mtls.KeyPEM) {
		t.Fatalf("%v", d)
	}
	m.Key = types.StringValue(string(mtls.CAPEM))
	if _, d = resolve(t, m, mapEnv{EnvCert: certFile}); !d.HasError() || d.Errors()[0].Summary() != "Unusable client certificate" {
		t.Fatalf("%v", d)
	}
}

// Configure accepts arguments not known until apply, and a block that configures nothing: reads
// deferred to apply, and functions, need none of it. A read that runs now says what is missing.
func TestConfigureDefersWhatAReadNeeds(t *testing.T) {
	e := newEmu(t)
	for name, c := range map[string]struct {
		cfg  map[string]any
		env  mapEnv
		want string
	}{
		"unknown_region": {cfg: e.Config(map[string]any{"region": unknown, "access_key": emulator.AccessKeyID, "secret_key": emulator.SecretAccessKey}),
			want: `Unknown provider argument: The provider cannot read data because "region" is not known until apply. Set it to values known at plan time`},
		"unknown_keys": {cfg: e.Config(map[string]any{"access_key": unknown, "secret_key": unknown}),
			want: `because "access_key" and "secret_key" are not known until apply. Set them`},
		"unknown_endpoints": {cfg: map[string]any{"region": "cn-north-4", "endpoints": unknown, "token": "t"},
			want: `because "endpoints" is not known until apply`},
		"unknown_number": {cfg: e.Config(map[string]any{"max_retries": unknown, "token": "t"}), want: `"max_retries" is not known until apply`},
		"unknown_assume_role": {cfg: e.Config(map[string]any{"access_key": emulator.AccessKeyID, "secret_key": emulator.SecretAccessKey, "assume_role": unknown}),
			want: `because "assume_role" is not known until apply`},
		"unknown_oidc": {cfg: e.Config(map[string]any{"assume_role_with_oidc": unknown}), want: `because "assume_role_with_oidc" is not known until apply`},
		"nothing":      {cfg: map[string]any{}, want: `Missing region: The hss provider has no region, so it cannot read data. Set the provider argument "region" or the HW_REGION_NAME`},
		"credentials_only": {cfg: map[string]any{"access_key": "a", "secret_key": "b"}, env: mapEnv{EnvSecurityToken: "x"},
			want: `Missing region: The hss provider has no region`},
	} {
		t.Run(name, func(t *testing.T) {
			p := newInproc(t, c.env)
			if d := p.Configure(c.cfg); d.Errors() > 0 {
				t.Fatalf("Configure failed: %s", d)
			}
			_, d := p.Read(map[string]any{"image_id": "111", "image_type": "cicd"})
			if d.Errors() != 1 || !errRe(c.want).MatchString(d.String()) {
				t.Fatalf("read: %s\nwant %s", d, c.want)
			}
			if n := len(e.Requests()); n != 0 {
				t.Fatalf("%d requests", n)
			}
		})
	}
	// With another error, the missing region is reported at Configure as well, against the argument.
	p := newInproc(t, mapEnv{})
	d := p.Configure(map[string]any{"access_key": "a"})
	if !strings.Contains(d.String(), "region: Missing region") || !strings.Contains(d.String(), "Incomplete credentials") {
		t.Fatalf("%s", d)
	}
}

// assumeRoleList is assume_role blocks as the provider reads them.
func assumeRoleList(t *testing.T, hops ...assumeRoleModel) types.List {
	t.Helper()
	l, d := types.ListValueFrom(context.Background(), types.ObjectType{AttrTypes: assumeRoleAttrTypes}, hops)
	if d.HasError() {
		t.Fatal(d)
	}
	return l
}

// oidcObject is an assume_role_with_oidc block as the provider reads it.
func oidcObject(t *testing.T, o oidcModel) types.Object {
	t.Helper()
	v, d := types.ObjectValueFrom(context.Background(), oidcAttrTypes, o)
	if d.HasError() {
		t.Fatal(d)
	}
	return v
}

// IAM v5 grants an hour at most to a hop signed with temporary keys, and takes the agency name
// as a session name of 2 to 128 characters: refused before any request, naming the hop.
func TestV5HopLimits(t *testing.T) {
	hop := func(agency, domainID string, duration int64) assumeRoleModel {
		h := assumeRoleModel{AgencyName: types.StringValue(agency), DomainName: types.StringNull(), DomainID: types.StringValue(domainID), Duration: types.Int64Null()}
		if domainID == "" {
			h.DomainID, h.DomainName = types.StringNull(), types.StringValue("other-account")
		}
		if duration > 0 {
			h.Duration = types.Int64Value(duration)
		}
		return h
	}
	oidc := func(agency string, duration int64) types.Object {
		o := oidcModel{IdpID: types.StringValue("idp"), IDToken: types.StringValue("jwt"), IDTokenFile: types.StringNull(),
			AgencyName: types.StringNull(), DomainID: types.StringValue("d-1"), Duration: types.Int64Null()}
		if agency != "" {
			o.AgencyName = types.StringValue(agency)
		}
		if duration > 0 {
			o.Duration = types.Int64Value(duration)
		}
		return oidcObject(t, o)
	}
	aksk := func(m *hssProviderModel) { m.AccessKey, m.SecretKey = types.StringValue("AK"), types.StringValue("SK") }
	cases := map[string]struct {
		set  func(*hssProviderModel)
		env  mapEnv
		want string // "" when accepted
		path string
	}{
		"first hop on AK/SK, 12 h": {set: func(m *hssProviderModel) { aksk(m); m.AssumeRole = assumeRoleList(t, hop("ops", "d-2", 43200)) }},
		"first hop on AK/SK, over 12 h": {set: func(m *hssProviderModel) { aksk(m); m.AssumeRole = assumeRoleList(t, hop("ops", "d-2", 43201)) },
			want: "IAM v5 grants those at most 43200 seconds, and assume_role[0].duration is 43201", path: "assume_role[0].duration"},
		"second hop, 1 h": {set: func(m *hssProviderModel) {
			aksk(m)
			m.AssumeRole = assumeRoleList(t, hop("ops", "d-2", 43200), hop("app", "d-3", 3600))
		}},
		"second hop, over 1 h": {set: func(m *hssProviderModel) {
			aksk(m)
			m.AssumeRole = assumeRoleList(t, hop("ops", "d-2", 0), hop("app", "d-3", 3601))
		}, want: `Agency "app" (hop 2 of 2 in the chain, assume_role[1]) is assumed through IAM v5, as it is named with domain_id and signed with temporary keys (sent with a security token) that the hop before it obtained; IAM v5 grants those at most 3600 seconds, and assume_role[1].duration is 3601`,
			path: "assume_role[1].duration"},
		"second hop through IAM v3 first": {set: func(m *hssProviderModel) {
			aksk(m)
			m.AssumeRole = assumeRoleList(t, hop("ops", "", 86400), hop("app", "d-3", 7200))
		}, want: "at most 3600 seconds", path: "assume_role[1].duration"},
		"a hop through IAM v3 is not limited": {set: func(m *hssProviderModel) {
			aksk(m)
			m.AssumeRole = assumeRoleList(t, hop("ops", "d-2", 0), hop("app", "", 86400))
		}},
		"AK/SK with a security token": {set: func(m *hssProviderModel) {
			aksk(m)
			m.SecurityToken = types.StringValue("ST")
			m.AssumeRole = assumeRoleList(t, hop("ops", "d-2", 7200))
		}, want: "temporary keys (sent with a security token) that the security_token with AK/SK gives", path: "assume_role[0].duration"},
		"token": {set: func(m *hssProviderModel) {
			m.Token = types.StringValue("MIItok")
			m.AssumeRole = assumeRoleList(t, hop("ops", "d-2", 3601))
		}, want: "that the token gives", path: "assume_role[0].duration"},
		"password": {set: func(m *hssProviderModel) {
			m.UserID, m.Password = types.StringValue("u-1"), types.StringValue("p")
			m.AssumeRole = assumeRoleList(t, hop("ops", "d-2", 3601))
		}, want: "that the password gives", path: "assume_role[0].duration"},
		"ECS metadata": {set: func(m *hssProviderModel) { m.AssumeRole = assumeRoleList(t, hop("ops", "d-2", 3601)) }, want: "that the ECS metadata service gives", path: "assume_role[0].duration"},
		"pod identity": {env: mapEnv{EnvPodIdentityURI: "http://169.254.170.2/v1/credentials", EnvPodIdentityTokenFile: "/run/token"},
			set: func(m *hssProviderModel) { m.AssumeRole = assumeRoleList(t, hop("ops", "d-2", 3601)) }, want: "that the CCE pod identity gives", path: "assume_role[0].duration"},
		"OIDC agency over 1 h": {set: func(m *hssProviderModel) { m.AssumeRoleWithOIDC = oidc("ci", 7200) },
			want: "hop 1 of 1 in the chain, assume_role_with_oidc", path: "assume_role_with_oidc.duration"},
		"OIDC without an agency, 24 h": {set: func(m *hssProviderModel) { m.AssumeRoleWithOIDC = oidc("", 86400) }},
		"OIDC agency then a hop at its default": {set: func(m *hssProviderModel) {
			m.AssumeRoleWithOIDC = oidc("ci", 3600)
			m.AssumeRole = assumeRoleList(t, hop("app", "d-3", 0))
		}},
		"environment hop": {set: func(*hssProviderModel) {}, env: mapEnv{EnvAccessKey: "AK", EnvSecretKey: "SK", EnvSecurityToken: "ST", EnvAssumeRoleAgency: "ops", EnvAssumeRoleDomainID: "d-2", EnvAssumeRoleDuration: "7200"},
			want: "assume_role.duration (from " + EnvAssumeRoleDuration + ") is 7200"},
		"one-character agency": {set: func(m *hssProviderModel) { aksk(m); m.AssumeRole = assumeRoleList(t, hop("a", "d-2", 0)) },
			want: `it must be 2 to 128 characters, and "a" is 1`, path: "assume_role[0].agency_name"},
		"one-character agency through IAM v3": {set: func(m *hssProviderModel) { aksk(m); m.AssumeRole = assumeRoleList(t, hop("a", "", 0)) }},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			m := nullModel()
			m.Region = types.StringValue("cn-north-4")
			tc.set(&m)
			_, d := resolve(t, m, tc.env)
			if tc.want == "" {
				if d.HasError() {
					t.Fatal(d.Errors())
				}
				return
			}
			if d.ErrorsCount() != 1 || !strings.Contains(d.Errors()[0].Detail(), tc.want) {
				t.Fatalf("want %q in %v", tc.want, d.Errors())
			}
			got := ""
			if ad, ok := d.Errors()[0].(diag.DiagnosticWithPath); ok {
				got = ad.Path().String()
			}
			if got != tc.path {
				t.Fatalf("reported at %q, want %q", got, tc.path)
			}
		})
	}
}

// domain_id names the account of keys from the host or the pod too, without a warning.
func TestDomainIDWithHostKeys(t *testing.T) {
	for name, env := range map[string]mapEnv{
		"ECS metadata": {},
		"pod identity": {EnvPodIdentityURI: "http://169.254.170.2/v1/credentials", EnvPodIdentityTokenFile: "/run/token"},
	} {
		m := nullModel()
		m.Region, m.DomainID = types.StringValue("cn-north-4"), types.StringValue("d-1")
		cfg, d := resolve(t, m, env)
		if d.HasError() || d.WarningsCount() != 0 || cfg.Credentials.DomainID != "d-1" {
			t.Fatalf("%s: %+v %v", name, cfg.Credentials, d)
		}
	}
}

// A variable exported blank ("export HW_REGION_NAME=") is not set: the next name of the same
// argument, or the default, applies; it never completes a method or fails a number.
func TestBlankEnvironmentIsUnset(t *testing.T) {
	cfg, d := resolve(t, nullModel(), mapEnv{EnvRegion: "  ", "OS_REGION_NAME": "ap-southeast-1", EnvAccessKey: "", "OS_ACCESS_KEY": "AK",
		EnvSecretKey: "SK", EnvMaxRetries: "", EnvRateLimit: " ", EnvToken: ""})
	if d.HasError() || cfg.Region != "ap-southeast-1" || cfg.Credentials.Method != credentials.AuthAKSK || cfg.Credentials.AccessKey != "AK" ||
		cfg.MaxRetries != transport.DefaultMaxRetries || cfg.RateLimit != 0 {
		t.Fatalf("%+v %v", cfg, d)
	}
	// Blank keys complete nothing: the metadata service is the method left.
	cfg, d = resolve(t, nullModel(), mapEnv{EnvRegion: "cn-north-4", EnvAccessKey: " ", EnvSecretKey: "\t"})
	if d.HasError() || cfg.Credentials.Method != credentials.AuthMetadata {
		t.Fatalf("%+v %v", cfg.Credentials, d)
	}
}
