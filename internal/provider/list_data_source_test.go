package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

type testEntry struct {
	name  string
	count int64
}

// Entries reach state typed as the spec declares them, strings made valid UTF-8 the way
// Terraform would store them.
func TestSetEntriesFollowsTheFieldTypes(t *testing.T) {
	ctx := context.Background()
	ds := &listDataSource[struct{ listCommon }, *struct{ listCommon }, testEntry]{spec: &listSpec[struct{ listCommon }, testEntry]{
		typeName:   "test",
		attributes: func(context.Context) map[string]schema.Attribute { return map[string]schema.Attribute{} },
		entry: []entryField[testEntry]{
			stringField("name", "a name", func(e testEntry) string { return e.name }),
			int64Field("count", "a count", func(e testEntry) int64 { return e.count }),
		},
	}}
	var sr datasource.SchemaResponse
	ds.Schema(ctx, datasource.SchemaRequest{}, &sr)
	typ := sr.Schema.Type().TerraformType(ctx).(tftypes.Object)
	nulls := map[string]tftypes.Value{}
	for name, at := range typ.AttributeTypes {
		nulls[name] = tftypes.NewValue(at, nil)
	}
	state := tfsdk.State{Schema: sr.Schema, Raw: tftypes.NewValue(typ, nulls)}
	if d := setEntries(ctx, &state, ds.spec.entry, []testEntry{{"a\xffb", 7}, {"c", -1 << 40}}); d.HasError() {
		t.Fatal(d)
	}
	var got types.List
	if d := state.GetAttribute(ctx, path.Root("data_list"), &got); d.HasError() {
		t.Fatal(d)
	}
	want := types.ListValueMust(ds.entryType(), []attr.Value{
		types.ObjectValueMust(ds.entryType().AttrTypes, map[string]attr.Value{"name": types.StringValue("a\uFFFDb"), "count": types.Int64Value(7)}),
		types.ObjectValueMust(ds.entryType().AttrTypes, map[string]attr.Value{"name": types.StringValue("c"), "count": types.Int64Value(-1 << 40)}),
	})
	if !got.Equal(want) {
		t.Fatalf("data_list %s, want %s", got, want)
	}
}
