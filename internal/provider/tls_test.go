package provider

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestConfigInsecureWarnsAndBadCAFails(t *testing.T) {
	m := hssProviderModel{
		Region: types.StringValue("cn-north-4"), AccessKey: types.StringValue("a"), SecretKey: types.StringValue("b"),
		Insecure: types.BoolValue(true),
	}
	var d diag.Diagnostics
	resolveConfig(context.Background(), m, mapEnv{}, &d)
	if d.HasError() || d.WarningsCount() != 1 || d.Warnings()[0].Summary() != "TLS verification is disabled" {
		t.Fatalf("diags %v", d)
	}

	notPEM := filepath.Join(t.TempDir(), "x.pem")
	_ = os.WriteFile(notPEM, []byte("hello"), 0o600)
	for env, want := range map[string]string{notPEM: "Invalid CA certificate file", notPEM + ".missing": "Unreadable CA certificate file"} {
		m.Insecure = types.BoolNull()
		var d diag.Diagnostics
		resolveConfig(context.Background(), m, mapEnv{EnvCACertFile: env}, &d)
		if d.ErrorsCount() != 1 || d.Errors()[0].Summary() != want {
			t.Fatalf("%s: diags %v", env, d)
		}
	}
}
