package provider

import (
	"context"
	"encoding/pem"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/hsslabs/terraform-provider-hss/internal/emulator"
)

// TLS is verified by default; a private CA can be trusted through cacert_file, and
// insecure = true skips verification.
func TestAccTLS(t *testing.T) {
	fake := emulator.New(nil)
	srv := httptest.NewTLSServer(fake)
	t.Cleanup(srv.Close)
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	if err := os.WriteFile(caFile, certPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	e := &emu{Emulator: fake, url: srv.URL}
	ok := []statecheck.StateCheck{dsAttr("data_list", knownvalue.ListExact([]knownvalue.Check{entry(emulator.SpecDebian)}))}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(nil),
		Steps: []resource.TestStep{
			{
				Config:      e.provider(authAKSK) + dataCICD111,
				ExpectError: errRe(`TLS certificate could not be verified.*cacert_file \(HW_CACERT_FILE\)`),
			},
			{
				Config:            e.provider(authAKSK, fmt.Sprintf("cacert_file = %q", caFile)) + dataCICD111,
				ConfigStateChecks: ok,
			},
			{
				Config:            e.provider(authAKSK, "insecure = true") + dataCICD111,
				ConfigStateChecks: ok,
			},
		},
	})
	// OS_CACERT is honoured like HW_CACERT_FILE.
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(mapEnv{EnvOSCACert: caFile}),
		Steps:                    []resource.TestStep{{Config: e.provider(authAKSK) + dataCICD111, ConfigStateChecks: ok}},
	})
}

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
