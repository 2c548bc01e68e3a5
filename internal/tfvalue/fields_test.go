package tfvalue

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

type testEntry struct {
	name  string
	count int64
}

// Entries reach state typed as the spec declares them, strings made valid UTF-8 the way
// Terraform would store them.
func TestSetEntriesFollowsTheFieldTypes(t *testing.T) {
	ctx := context.Background()
	fields := []Field[testEntry]{
		String("name", "a name", func(e testEntry) string { return e.name }),
		Int64("count", "a count", func(e testEntry) int64 { return e.count }),
		Bool("odd", "whether count is odd", func(e testEntry) bool { return e.count%2 != 0 }),
	}
	raw := ListValue(fields, []testEntry{{"a\xffb", 7}, {"c", -1 << 40}})
	et := ObjectType(fields)
	got, err := types.ListType{ElemType: et}.ValueFromTerraform(ctx, raw)
	if err != nil {
		t.Fatal(err)
	}
	want := types.ListValueMust(et, []attr.Value{
		types.ObjectValueMust(et.AttrTypes, map[string]attr.Value{"name": types.StringValue("a\uFFFDb"), "count": types.Int64Value(7), "odd": types.BoolValue(true)}),
		types.ObjectValueMust(et.AttrTypes, map[string]attr.Value{"name": types.StringValue("c"), "count": types.Int64Value(-1 << 40), "odd": types.BoolValue(false)}),
	})
	if !got.Equal(want) {
		t.Fatalf("data_list %s, want %s", got, want)
	}
}
