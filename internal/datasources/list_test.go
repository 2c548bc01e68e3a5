package datasources

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hsslabs/terraform-provider-hss/internal/hss"
)

type testEntry struct {
	name  string
	count int64
}

// Entries reach state typed as the spec declares them, strings made valid UTF-8 the way
// Terraform would store them.
func TestSetEntriesFollowsTheFieldTypes(t *testing.T) {
	ctx := context.Background()
	fields := []entryField[testEntry]{
		stringField("name", "a name", func(e testEntry) string { return e.name }),
		int64Field("count", "a count", func(e testEntry) int64 { return e.count }),
		boolField("odd", "whether count is odd", func(e testEntry) bool { return e.count%2 != 0 }),
	}
	raw := entriesValue(fields, []testEntry{{"a\xffb", 7}, {"c", -1 << 40}})
	et := entryType(fields)
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

// Every image type of every API has a meaning to describe it with, and every meaning an API
// that takes it.
func TestImageTypesHaveMeanings(t *testing.T) {
	used := map[string]bool{}
	for _, list := range [][]string{hss.ImageTypes, hss.VulnerabilityImageTypes, hss.RegistryImageTypes} {
		for _, typ := range list {
			if imageTypeMeanings[typ] == "" {
				t.Errorf("image type %q has no meaning", typ)
			}
			used[typ] = true
		}
	}
	for typ := range imageTypeMeanings {
		if !used[typ] {
			t.Errorf("no API takes image type %q", typ)
		}
	}
}
