package provider

import (
	"strings"
	"testing"

	"github.com/hsslabs/terraform-provider-hss/internal/credentials"
	"github.com/hsslabs/terraform-provider-hss/internal/emulator"
)

func TestHuaweiCloudProviderNames(t *testing.T) {
	m := nullModel()
	m.Region, m.Token, m.TenantID, m.TenantName = stringValue("cn-north-4"), stringValue("t"), stringValue("p-1"), stringValue("cn-north-4_sub")
	cfg, d := resolve(t, m, mapEnv{EnvProjectID: "p-env"})
	if d.HasError() || cfg.ProjectID != "p-1" || cfg.ProjectName != "cn-north-4_sub" {
		t.Fatalf("%+v %v", cfg, d)
	}
	e := newEmu(t)
	if d := newInproc(t, nil).Validate(e.Config(map[string]any{"project_id": "a", "tenant_id": "b"})); d.Errors() != 1 || !strings.Contains(d.String(), "Invalid Attribute Combination") {
		t.Fatalf("%s", d)
	}

	sdk := mapEnv{EnvRegion: "cn-north-4", EnvSDKAccessKey: "AK-SDK", EnvSDKSecretKey: "SK-SDK", EnvSDKSecurityToken: "ST-SDK", EnvSDKProjectID: "p-sdk", EnvSDKDomainID: "d-sdk"}
	cfg, d = resolve(t, nullModel(), sdk)
	if c := cfg.Credentials; d.HasError() || c.Method != credentials.AuthAKSK || c.AccessKey != "AK-SDK" || c.SecurityToken != "ST-SDK" || c.DomainID != "d-sdk" || cfg.ProjectID != "p-sdk" {
		t.Fatalf("%+v %v", cfg, d)
	}
	sdk[EnvAccessKey], sdk[EnvSecretKey] = "AK-HW", "SK-HW"
	if cfg, _ = resolve(t, nullModel(), sdk); cfg.Credentials.AccessKey != "AK-HW" || cfg.Credentials.SecretKey != "SK-HW" {
		t.Fatalf("the SDK's names must come last: %+v", cfg.Credentials)
	}
}

func TestCloudSDKSampleVariables(t *testing.T) {
	p := newInproc(t, mapEnv{EnvSampleAccessKey: emulator.AccessKeyID, EnvSampleSecretKey: emulator.SecretAccessKey})
	if d := p.Configure(map[string]any{"region": "cn-north-4", "endpoints": map[string]string{"metadata": "http://127.0.0.1:1"}}); d.Errors() != 0 {
		t.Fatalf("%s", d)
	}
	_, d := p.Read(map[string]any{"image_id": "111", "image_type": "cicd"})
	if d.Errors() != 1 || !strings.Contains(d.String(), "CLOUD_SDK_AK and CLOUD_SDK_SK are set, but only the API pages' code samples read them. Export the same keys as HW_ACCESS_KEY and HW_SECRET_KEY") {
		t.Fatalf("%s", d)
	}
}
