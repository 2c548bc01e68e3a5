package datasources_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/hsslabs/terraform-provider-hss/internal/emulator"
	"github.com/hsslabs/terraform-provider-hss/internal/emulator/emutest"
	"github.com/hsslabs/terraform-provider-hss/internal/provider"
)

// BenchmarkReadDataSource is one read of a large result through the provider's protocol
// server, as Terraform drives it: configure, read, and the state encoded for the wire.
func BenchmarkReadDataSource(b *testing.B) {
	for _, n := range []int{1, 20000} {
		b.Run(fmt.Sprintf("entries=%d", n), func(b *testing.B) {
			ctx := context.Background()
			s, schemas, str := benchProvider(b, nil)
			dt := schemas.DataSourceSchemas["hss_image_basic_image"].ValueType()
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				b.StopTimer()
				// A new query each time, of n entries: the namespace makes it distinct, and the
				// client keeps results of identical ones.
				cfg := nullsExcept(dt.(tftypes.Object), map[string]tftypes.Value{"image_id": str(fmt.Sprintf("synthetic-%d", n)), "image_type": str("cicd"),
					"namespace": str(fmt.Sprintf("ns-%d", i))})
				dv, _ := tfprotov6.NewDynamicValue(dt, cfg)
				i++
				b.StartTimer()
				resp, err := s.ReadDataSource(ctx, &tfprotov6.ReadDataSourceRequest{TypeName: "hss_image_basic_image", Config: &dv})
				if err != nil || len(resp.Diagnostics) > 0 || resp.State == nil {
					b.Fatalf("%v %v", err, resp.Diagnostics)
				}
			}
		})
	}
}

// benchProvider is the provider's protocol server configured against an emulator of its own,
// with the provider arguments extra on top of region, AK/SK, project and endpoints.
func benchProvider(b *testing.B, extra map[string]tftypes.Value) (tfprotov6.ProviderServer, *tfprotov6.GetProviderSchemaResponse, func(string) tftypes.Value) {
	b.Helper()
	_, url := emutest.Serve(b)
	ctx := context.Background()
	s, err := providerserver.NewProtocol6WithError(provider.NewWith("bench", nil, nil)())()
	if err != nil {
		b.Fatal(err)
	}
	schemas, err := s.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		b.Fatal(err)
	}
	str := func(v string) tftypes.Value { return tftypes.NewValue(tftypes.String, v) }
	set := map[string]tftypes.Value{
		"region": str(emulator.Region), "access_key": str(emulator.AccessKeyID), "secret_key": str(emulator.SecretAccessKey),
		"project_id": str(emulator.ProjectID),
		"endpoints":  tftypes.NewValue(tftypes.Map{ElementType: tftypes.String}, map[string]tftypes.Value{"hss": str(url), "iam": str(url)}),
	}
	for k, v := range extra {
		set[k] = v
	}
	pt := schemas.Provider.ValueType()
	pdv, _ := tfprotov6.NewDynamicValue(pt, nullsExcept(pt.(tftypes.Object), set))
	if resp, err := s.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{Config: &pdv}); err != nil || len(resp.Diagnostics) > 0 {
		b.Fatalf("%v %v", err, resp.Diagnostics)
	}
	return s, schemas, str
}

// BenchmarkReadBatch is one hss_image_basic_images read of 1,000 distinct one-entry images
// through the protocol server, HTTP to the emulator included.
func BenchmarkReadBatch(b *testing.B) {
	ctx := context.Background()
	s, schemas, str := benchProvider(b, map[string]tftypes.Value{"rate_limit": tftypes.NewValue(tftypes.Number, 0)})
	dt := schemas.DataSourceSchemas["hss_image_basic_images"].ValueType().(tftypes.Object)
	it := dt.AttributeTypes["images"].(tftypes.Map).ElementType.(tftypes.Object)
	run := 0
	for b.Loop() {
		b.StopTimer()
		images := map[string]tftypes.Value{}
		for i := range 1000 {
			images[fmt.Sprintf("image-%d", i)] = nullsExcept(it, map[string]tftypes.Value{"image_id": str("synthetic-1"), "image_type": str("cicd"),
				"namespace": str(fmt.Sprintf("ns-%d-%d", run, i))})
		}
		run++
		cfg := nullsExcept(dt, map[string]tftypes.Value{"images": tftypes.NewValue(dt.AttributeTypes["images"], images)})
		dv, _ := tfprotov6.NewDynamicValue(dt, cfg)
		b.StartTimer()
		resp, err := s.ReadDataSource(ctx, &tfprotov6.ReadDataSourceRequest{TypeName: "hss_image_basic_images", Config: &dv})
		if err != nil || len(resp.Diagnostics) > 0 || resp.State == nil {
			b.Fatalf("%v %v", err, resp.Diagnostics)
		}
	}
}

// BenchmarkValidateBatch is the validation Terraform asks for twice per plan (validate, then
// plan) of one hss_image_basic_images of 1,000 images.
func BenchmarkValidateBatch(b *testing.B) {
	ctx := context.Background()
	s, schemas, str := benchProvider(b, nil)
	dt := schemas.DataSourceSchemas["hss_image_basic_images"].ValueType().(tftypes.Object)
	it := dt.AttributeTypes["images"].(tftypes.Map).ElementType.(tftypes.Object)
	images := map[string]tftypes.Value{}
	for i := range 1000 {
		images[fmt.Sprintf("image-%d", i)] = nullsExcept(it, map[string]tftypes.Value{"image_id": str("synthetic-1"), "image_type": str("cicd"),
			"namespace": str(fmt.Sprintf("ns-%d", i))})
	}
	cfg := nullsExcept(dt, map[string]tftypes.Value{"images": tftypes.NewValue(dt.AttributeTypes["images"], images)})
	dv, _ := tfprotov6.NewDynamicValue(dt, cfg)
	for b.Loop() {
		resp, err := s.ValidateDataResourceConfig(ctx, &tfprotov6.ValidateDataResourceConfigRequest{TypeName: "hss_image_basic_images", Config: &dv})
		if err != nil || len(resp.Diagnostics) > 0 {
			b.Fatalf("%v %v", err, resp.Diagnostics)
		}
	}
}
