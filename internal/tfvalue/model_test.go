package tfvalue

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

type embedded struct {
	Region types.String `tfsdk:"region"`
}

type testModel struct {
	embedded
	ImageID   types.String  `tfsdk:"image_id"`
	ImageType types.String  `tfsdk:"image_type"`
	Namespace types.String  `tfsdk:"namespace"`
	TotalNum  types.Int64   `tfsdk:"total_num"`
	DataList  tftypes.Value `tfsdk:"data_list"`
	ignored   string
}

// The model codec reads and writes what the framework's Config.Get and State.Set do: embedded
// structs, null, unknown and set values, raw values as they are, and refuses a model that does
// not match the schema.
func TestModelCodec(t *testing.T) {
	ctx := context.Background()
	listType := types.ListType{ElemType: types.StringType}
	attrTypes := map[string]attr.Type{"region": types.StringType, "image_id": types.StringType, "image_type": types.StringType,
		"namespace": types.StringType, "total_num": types.Int64Type, "data_list": listType}
	obj := tftypes.Object{AttributeTypes: map[string]tftypes.Type{}}
	for n, at := range attrTypes {
		obj.AttributeTypes[n] = at.TerraformType(ctx)
	}
	vals := map[string]tftypes.Value{}
	for n, at := range obj.AttributeTypes {
		vals[n] = tftypes.NewValue(at, nil)
	}
	vals["image_id"] = tftypes.NewValue(tftypes.String, "111")
	vals["image_type"] = tftypes.NewValue(tftypes.String, tftypes.UnknownValue)
	raw := tftypes.NewValue(obj, vals)

	var m testModel
	if err := Decode(ctx, raw, attrTypes, &m); err != nil {
		t.Fatal(err)
	}
	if m.ImageID != types.StringValue("111") || !m.ImageType.IsUnknown() || !m.Namespace.IsNull() || !m.DataList.IsNull() ||
		!m.DataList.Type().Is(obj.AttributeTypes["data_list"]) || !m.Region.IsNull() || m.ignored != "" {
		t.Fatalf("%+v", m)
	}
	m.Region, m.TotalNum = types.StringValue("cn-north-4"), types.Int64Value(3)
	m.ImageType = types.StringValue("cicd")
	// A raw value is written as it is; one never set is null.
	m.DataList = tftypes.Value{}
	out, err := Encode(ctx, &m, obj)
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
	m.DataList = tftypes.NewValue(obj.AttributeTypes["data_list"], []tftypes.Value{tftypes.NewValue(tftypes.String, "a")})
	if out, err = Encode(ctx, &m, obj); err != nil || out.As(&got) != nil || !got["data_list"].Equal(m.DataList) {
		t.Fatalf("%v %v", got["data_list"], err)
	}
	// A schema attribute the model lacks, and a model field the schema lacks, are errors.
	if _, err := Encode(ctx, &struct{ embedded }{}, obj); err == nil {
		t.Fatal("a model without the schema's attributes was encoded")
	}
	if err := Decode(ctx, raw, map[string]attr.Type{"image_id": types.StringType}, &m); err == nil {
		t.Fatal("a model with attributes the schema lacks was decoded")
	}
}

// Only tagged fields and the fields of embedded structs are the model's: a field tagged "-",
// an untagged one and a named struct's fields are not. A field of the wrong type, a value not
// of the schema's type and a field that is not a Terraform value are errors, never a zero value.
func TestModelCodecRefuses(t *testing.T) {
	ctx := context.Background()
	attrTypes := map[string]attr.Type{"region": types.StringType}
	obj := tftypes.Object{AttributeTypes: map[string]tftypes.Type{"region": tftypes.String}}
	raw := tftypes.NewValue(obj, map[string]tftypes.Value{"region": tftypes.NewValue(tftypes.String, "cn-north-4")})
	type skipped struct {
		embedded
		Skipped types.String `tfsdk:"-"`
		Named   struct {
			Inner types.String `tfsdk:"inner"`
		}
	}
	var s skipped
	if err := Decode(ctx, raw, attrTypes, &s); err != nil || s.Region.ValueString() != "cn-north-4" || !s.Skipped.IsNull() {
		t.Fatalf("%+v %v", s, err)
	}
	if out, err := Encode(ctx, &s, obj); err != nil || !out.Equal(raw) {
		t.Fatalf("%v %v", out, err)
	}
	var wrongField struct {
		Region types.Int64 `tfsdk:"region"`
	}
	if err := Decode(ctx, raw, attrTypes, &wrongField); err == nil || !strings.Contains(err.Error(), "region: a basetypes.StringValue does not go into a basetypes.Int64Value") {
		t.Fatalf("a string decoded into an Int64: %v", err)
	}
	var m struct {
		Region types.String `tfsdk:"region"`
	}
	if err := Decode(ctx, raw, map[string]attr.Type{"region": types.Int64Type}, &m); err == nil || !strings.HasPrefix(err.Error(), "region: ") {
		t.Fatalf("a string decoded as a number: %v %+v", err, m)
	}
	notValue := struct {
		Region string `tfsdk:"region"`
	}{"cn-north-4"}
	if _, err := Encode(ctx, &notValue, obj); err == nil || err.Error() != "region is not a Terraform value" {
		t.Fatalf("a Go string encoded: %v", err)
	}
}
