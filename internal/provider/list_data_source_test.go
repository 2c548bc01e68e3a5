package provider

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/hsslabs/terraform-provider-hss/internal/emulator"
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

func TestEmptyResultWarns(t *testing.T) {
	e := newEmu(t)
	p := newInproc(t, nil)
	if d := p.configure(e.config(map[string]any{"access_key": emulator.AccessKeyID, "secret_key": emulator.SecretAccessKey})); d.errors() != 0 {
		t.Fatalf("%s", d)
	}
	for id, want := range map[string]string{"does-not-exist": "warning", "111": ""} {
		state, d := p.read(map[string]any{"image_id": id, "image_type": "cicd"})
		s := d.String()
		if want == "" {
			if len(d) != 0 || !strings.HasPrefix(str(t, state, "id"), "cn-north-4/111/") {
				t.Fatalf("%s: %s", id, s)
			}
			continue
		}
		if len(d) != 1 || d[0].Summary != "HSS knows no base image for this query" ||
			!strings.Contains(s, `The query for image_id "does-not-exist" (image_type "cicd") in enterprise project "0" of region cn-north-4 matched nothing`) ||
			!strings.Contains(s, "HSS has not scanned the image yet") || !strings.Contains(s, "condition     = length(self.data_list) > 0") {
			t.Fatalf("%s", s)
		}
	}
}

func TestAccEmptyResults(t *testing.T) {
	plugins := buildProvider(t)
	e := newEmu(t)
	dir := t.TempDir()
	config := requiredProviders + e.provider(authAKSK, fmt.Sprintf("project_id = %q", emulator.ProjectID)) + `
data "hss_image_basic_image" "typo" {
  for_each   = toset([for i in range(200) : tostring(i)])
  image_id   = "does-not-exist-${each.key}"
  image_type = "cicd"
}
`
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	out := terraformRun(t, dir, plugins, nil, "plan", "-input=false", "-lock=false", "-no-color")
	if n := strings.Count(out, "Warning: HSS knows no base image for this query"); n != 1 || !strings.Contains(out, "(and 199 more similar warnings elsewhere)") {
		t.Fatalf("%d warning blocks:\n%s", n, out)
	}
	gate := requiredProviders + e.provider(authAKSK, fmt.Sprintf("project_id = %q", emulator.ProjectID)) + `
data "hss_image_basic_image" "typo" {
  image_id   = "does-not-exist"
  image_type = "cicd"

  lifecycle {
    postcondition {
      condition     = length(self.data_list) > 0
      error_message = "HSS knows no base image for ${self.image_id}."
    }
  }
}
`
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(gate), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := terraformExec(t, dir, plugins, nil, "plan", "-input=false", "-lock=false", "-no-color")
	if err == nil || !strings.Contains(out, "Resource postcondition failed") || !strings.Contains(out, "HSS knows no base image for does-not-exist.") {
		t.Fatalf("err %v\n%s", err, out)
	}
}
