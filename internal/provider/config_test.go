package provider

import (
	"context"
	"testing"

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
	if cfg.Credentials.Method != hss.AuthToken || cfg.MaxRetries != DefaultMaxRetries || cfg.RateLimit != hss.DefaultRateLimit {
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
