package datasources

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// The model codec reads and writes what the framework's Config.Get and State.Set do: embedded
// structs, null, unknown and set values, and refuses a model that does not match the schema.
func TestModelCodec(t *testing.T) {
	ctx := context.Background()
	d := NewImageBasicImageDataSource()
	var resp datasource.SchemaResponse
	d.Schema(ctx, datasource.SchemaRequest{}, &resp)
	attrTypes := map[string]attr.Type{}
	for n, a := range resp.Schema.Attributes {
		attrTypes[n] = a.GetType()
	}
	obj, _ := resp.Schema.Type().TerraformType(ctx).(tftypes.Object)
	vals := map[string]tftypes.Value{}
	for n, at := range obj.AttributeTypes {
		vals[n] = tftypes.NewValue(at, nil)
	}
	vals["image_id"] = tftypes.NewValue(tftypes.String, "111")
	vals["image_type"] = tftypes.NewValue(tftypes.String, tftypes.UnknownValue)
	raw := tftypes.NewValue(obj, vals)

	var m imageBasicImageModel
	if err := decodeModel(ctx, raw, attrTypes, &m); err != nil {
		t.Fatal(err)
	}
	if m.ImageID != types.StringValue("111") || !m.ImageType.IsUnknown() || !m.Namespace.IsNull() || !m.DataList.IsNull() || !m.DataList.Type().Is(obj.AttributeTypes["data_list"]) || !m.Timeouts.IsNull() {
		t.Fatalf("%+v", m)
	}
	m.Region, m.TotalNum = types.StringValue("cn-north-4"), types.Int64Value(3)
	// A raw value is written as it is; one never set is null.
	m.DataList = tftypes.Value{}
	m.ImageType = types.StringValue("cicd")
	out, err := encodeModel(ctx, &m, obj)
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]tftypes.Value
	if err := out.As(&got); err != nil {
		t.Fatal(err)
	}
	for n, want := range map[string]tftypes.Value{"region": tftypes.NewValue(tftypes.String, "cn-north-4"), "image_id": vals["image_id"],
		"image_type": tftypes.NewValue(tftypes.String, "cicd"), "namespace": vals["namespace"], "total_num": tftypes.NewValue(tftypes.Number, 3),
		"data_list": tftypes.NewValue(obj.AttributeTypes["data_list"], nil)} {
		if !got[n].Equal(want) {
			t.Errorf("%s = %v, want %v", n, got[n], want)
		}
	}
	// A schema attribute the model lacks, and a model field the schema lacks, are errors.
	if _, err := encodeModel(ctx, &struct{ listCommon }{}, obj); err == nil {
		t.Fatal("a model without the schema's attributes was encoded")
	}
	if err := decodeModel(ctx, raw, map[string]attr.Type{"image_id": types.StringType}, &m); err == nil {
		t.Fatal("a model with attributes the schema lacks was decoded")
	}
}
