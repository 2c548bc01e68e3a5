package functions_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/hsslabs/terraform-provider-hss/internal/functions"
	"github.com/hsslabs/terraform-provider-hss/internal/lifecycle"
	"github.com/hsslabs/terraform-provider-hss/internal/provider"
	"github.com/hsslabs/terraform-provider-hss/internal/providertest"
)

// runFunc runs f with string arguments as Terraform would, and returns the result's attributes.
func runFunc(t *testing.T, f function.Function, args ...string) (map[string]attr.Value, *function.FuncError) {
	t.Helper()
	ctx := context.Background()
	var def function.DefinitionResponse
	f.Definition(ctx, function.DefinitionRequest{}, &def)
	if len(def.Definition.Parameters) != len(args) {
		t.Fatalf("%d arguments for %d parameters", len(args), len(def.Definition.Parameters))
	}
	vals := make([]attr.Value, len(args))
	for i, a := range args {
		vals[i] = types.StringValue(a)
	}
	ret, ok := def.Definition.Return.(function.ObjectReturn)
	if !ok {
		t.Fatalf("return %T", def.Definition.Return)
	}
	resp := &function.RunResponse{Result: function.NewResultData(types.ObjectUnknown(ret.AttributeTypes))}
	f.Run(ctx, function.RunRequest{Arguments: function.NewArgumentsData(vals)}, resp)
	if resp.Error != nil {
		return nil, resp.Error
	}
	obj, ok := resp.Result.Value().(types.Object)
	if !ok || obj.IsUnknown() || obj.IsNull() {
		t.Fatalf("result %v", resp.Result.Value())
	}
	// Every declared attribute is set, and no other.
	got := obj.Attributes()
	if len(got) != len(ret.AttributeTypes) {
		t.Fatalf("attributes %v, declared %v", got, ret.AttributeTypes)
	}
	return got, nil
}

// lifecycleOf runs os_lifecycle and renders each attribute as a string, null as "null".
func lifecycleOf(t *testing.T, name, version, at string) map[string]string {
	t.Helper()
	got, ferr := runFunc(t, functions.NewOSLifecycleFunction(), name, version, at)
	if ferr != nil {
		t.Fatalf("%q %q %q: %v", name, version, at, ferr)
	}
	out := map[string]string{}
	for k, v := range got {
		switch v := v.(type) {
		case types.String:
			out[k] = v.ValueString()
		case types.Bool:
			out[k] = map[bool]string{true: "true", false: "false"}[v.ValueBool()]
		case types.Int64:
			out[k] = v.String()
		default:
			t.Fatalf("%s is a %T", k, v)
		}
		if v.IsNull() {
			out[k] = "null"
		}
	}
	return out
}

func TestOSLifecycle(t *testing.T) {
	const at = "2026-12-02T10:00:00Z"
	snapshot := "endoflife.date " + lifecycle.Snapshot + ": https://endoflife.date/"
	for _, c := range []struct {
		name, version string
		want          map[string]string
	}{
		{"Debian GNU/Linux", "9", map[string]string{
			"known": "true", "distribution": "debian", "release": "9", "eol_date": "2020-07-18", "extended_support_until": "2022-07-01",
			"end_of_life": "true", "supported": "false", "days_left": "-2328", "source": snapshot + "debian",
		}},
		{"Ubuntu", "22.04.3", map[string]string{
			"known": "true", "distribution": "ubuntu", "release": "22.04", "eol_date": "2027-04-01", "extended_support_until": "2032-04-09",
			"end_of_life": "false", "supported": "true", "days_left": "120", "source": snapshot + "ubuntu",
		}},
		{"alpine", "3.18.4", map[string]string{
			"known": "true", "distribution": "alpine", "release": "3.18", "eol_date": "2025-05-09", "extended_support_until": "null",
			"end_of_life": "true", "supported": "false", "days_left": "-572", "source": snapshot + "alpine-linux",
		}},
		{"CentOS Linux", "7.9.2009", map[string]string{"release": "7", "eol_date": "2024-06-30", "supported": "false"}},
		// Debian LTS, free through the same security archive, runs on after standard support.
		{"Debian", "12.5", map[string]string{"release": "12", "eol_date": "2026-07-11", "supported": "false", "end_of_life": "true",
			"extended_support_until": "2028-06-30", "extended_supported": "true", "extended_days_left": "576", "no_announced_end": "false",
			"ambiguous": "false", "note": "", "table_date": lifecycle.Snapshot}},
		{"Debian GNU/Linux 12 (bookworm)", "", map[string]string{"known": "true", "release": "12"}},
		{"debian", "bookworm", map[string]string{"known": "true", "release": "12"}},
		// Without extended support, the extended level is the standard one.
		{"alpine", "3.22", map[string]string{"known": "true", "extended_support_until": "null", "extended_days_left": "null",
			"extended_supported": "true", "supported": "true"}},
		{"Oracle Linux", "10", map[string]string{
			"known": "true", "release": "10", "eol_date": "null", "extended_support_until": "null", "end_of_life": "false", "supported": "true", "days_left": "null",
			"no_announced_end": "true", "extended_supported": "true", "extended_days_left": "null",
		}},
		// CentOS 8 may be CentOS Linux 8 or CentOS Stream 8: the answer is the one that ended first.
		{"centos", "8", map[string]string{"known": "true", "ambiguous": "true", "eol_date": "2021-12-31"}},
		// Unknown is not an error, and never supported.
		{"Huawei Cloud EulerOS", "2.0", map[string]string{
			"known": "false", "distribution": "hce", "release": "", "eol_date": "null", "extended_support_until": "null",
			"end_of_life": "false", "supported": "false", "days_left": "null", "source": "", "extended_supported": "false",
			"table_date": lifecycle.Snapshot,
		}},
		{"Windows", "11", map[string]string{"known": "false", "distribution": "", "supported": "false", "end_of_life": "false", "days_left": "null"}},
		{"", "", map[string]string{"known": "false", "distribution": "", "supported": "false"}},
	} {
		got := lifecycleOf(t, c.name, c.version, at)
		for k, v := range c.want {
			if got[k] != v {
				t.Errorf("%q %q: %s = %q, want %q (all: %v)", c.name, c.version, k, got[k], v, got)
			}
		}
	}
}

// An os-release value is one short line: a longer argument is refused by name, before any work.
func TestOSLifecycleBoundsItsInput(t *testing.T) {
	long := strings.Repeat("1.", 4<<20)
	for i, args := range [][]string{{"Debian" + strings.Repeat(" ", lifecycle.MaxInputBytes), "12"}, {"Debian", long}} {
		_, ferr := runFunc(t, functions.NewOSLifecycleFunction(), args[0], args[1], "2026-12-02T10:00:00Z")
		if ferr == nil || ferr.FunctionArgument == nil || *ferr.FunctionArgument != int64(i) || !strings.Contains(ferr.Text, "at most 256") ||
			strings.HasSuffix(ferr.Text, "..") {
			t.Errorf("argument %d: %v", i, ferr)
		}
	}
	if got := lifecycleOf(t, strings.Repeat("d", lifecycle.MaxInputBytes), "12", "2026-12-02T10:00:00Z"); got["known"] != "false" {
		t.Errorf("%v", got)
	}
}

// The function answers for every row of the table, with the row's own dates.
func TestOSLifecycleEveryRow(t *testing.T) {
	tb, err := lifecycle.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range tb.Rows {
		at := r.Released.Format(time.RFC3339)
		got := lifecycleOf(t, r.Distribution, r.Release, at)
		want := "null"
		if !r.EOL.IsZero() {
			want = r.EOL.Format(time.DateOnly)
		}
		if got["known"] != "true" || got["release"] != r.Release || got["eol_date"] != want || got["source"] != r.Source || got["supported"] != "true" {
			t.Errorf("%s %s: %v", r.Distribution, r.Release, got)
		}
	}
}

// at is the caller's time, in RFC 3339 only: anything else names the argument.
func TestOSLifecycleAt(t *testing.T) {
	for _, at := range []string{"", "2026-12-02", "2026-12-02 10:00:00", "now", "1764669600", "2026-12-02T10:00:00", "2026-13-02T10:00:00Z"} {
		_, ferr := runFunc(t, functions.NewOSLifecycleFunction(), "Debian", "9", at)
		if ferr == nil || ferr.FunctionArgument == nil || *ferr.FunctionArgument != 2 || !strings.Contains(ferr.Text, "RFC 3339") || !strings.Contains(ferr.Text, "at:") {
			t.Errorf("at %q: %v", at, ferr)
		}
	}
	// Any offset is a moment: the same instant, the same answer.
	a := lifecycleOf(t, "Debian", "9", "2020-07-18T07:59:59+08:00")
	b := lifecycleOf(t, "Debian", "9", "2020-07-17T23:59:59.5Z")
	if a["supported"] != "true" || b["supported"] != "true" || a["days_left"] != "1" || b["days_left"] != "1" {
		t.Fatalf("%v %v", a, b)
	}
	if c := lifecycleOf(t, "Debian", "9", "2020-07-18T00:00:00Z"); c["supported"] != "false" || c["end_of_life"] != "true" || c["days_left"] != "0" {
		t.Fatalf("%v", c)
	}
}

func TestParseImageReferenceFunction(t *testing.T) {
	got, ferr := runFunc(t, functions.NewParseImageReferenceFunction(), "swr.cn-north-4.myhuaweicloud.com/scc_hss_container/proxy-agent:24.5.0-x86_64")
	if ferr != nil {
		t.Fatal(ferr)
	}
	want := map[string]string{"registry": "swr.cn-north-4.myhuaweicloud.com", "namespace": "scc_hss_container", "name": "proxy-agent", "tag": "24.5.0-x86_64", "digest": ""}
	for k, v := range want {
		if s, ok := got[k].(types.String); !ok || s.IsNull() || s.ValueString() != v {
			t.Errorf("%s = %v, want %q", k, got[k], v)
		}
	}
	digest := "sha256:" + strings.Repeat("c", 64)
	got, ferr = runFunc(t, functions.NewParseImageReferenceFunction(), "team/sub/app:1.2@"+digest)
	if ferr != nil {
		t.Fatal(ferr)
	}
	for k, v := range map[string]string{"registry": "docker.io", "namespace": "team", "name": "sub/app", "tag": "1.2", "digest": digest} {
		if s := got[k].(types.String); s.ValueString() != v {
			t.Errorf("%s = %v, want %q", k, s, v)
		}
	}
	// A digest alone names an image too, and the registry is given as the resolver compares it.
	got, ferr = runFunc(t, functions.NewParseImageReferenceFunction(), "HARBOR.Example.com:443/team/app@"+digest)
	if ferr != nil {
		t.Fatal(ferr)
	}
	for k, v := range map[string]string{"registry": "harbor.example.com", "namespace": "team", "name": "app", "tag": "", "digest": digest} {
		if s := got[k].(types.String); s.ValueString() != v {
			t.Errorf("%s = %v, want %q", k, s, v)
		}
	}
	for ref, want := range map[string]string{
		"nginx:1.25":                      "names no organization",
		"harbor.example.com/team/app":     "has neither a tag nor a digest",
		"harbor.example.com:0/team/app:1": "is not a registry host",
		"":                                "not a valid image reference",
		"Team/App:1":                      "not a valid image reference",
		"harbor.example.com/team/app:1 ":  "",
	} {
		_, ferr := runFunc(t, functions.NewParseImageReferenceFunction(), ref)
		if want == "" {
			if ferr != nil {
				t.Errorf("%q: %v", ref, ferr)
			}
			continue
		}
		if ferr == nil || ferr.FunctionArgument == nil || *ferr.FunctionArgument != 0 || !strings.Contains(ferr.Text, want) ||
			!strings.Contains(ferr.Text, "[registry/]organization/name:tag") || !strings.HasPrefix(ferr.Text, "ref: ") ||
			!strings.HasSuffix(ferr.Text, ".") || strings.HasSuffix(ferr.Text, "..") {
			t.Errorf("%q: %v, want %q and the expected form", ref, ferr, want)
		}
	}
}

// Through the protocol server, as Terraform calls it: the functions are listed, and a call's
// result is the declared object.
func TestFunctionsThroughTheServer(t *testing.T) {
	s := providertest.New(t, provider.NewWith("test", nil, nil)()).ProtocolServer()
	ctx := context.Background()
	fns, err := s.GetFunctions(ctx, &tfprotov6.GetFunctionsRequest{})
	if err != nil || len(fns.Diagnostics) > 0 {
		t.Fatal(err, fns.Diagnostics)
	}
	for _, name := range []string{"os_lifecycle", "parse_image_reference"} {
		f := fns.Functions[name]
		if f == nil || f.Summary == "" || f.Description == "" || f.Return == nil {
			t.Fatalf("%s: %+v", name, f)
		}
		for _, p := range f.Parameters {
			if p.Description == "" || p.AllowNullValue || p.AllowUnknownValues {
				t.Errorf("%s.%s: %+v", name, p.Name, p)
			}
		}
	}
	arg := func(s string) *tfprotov6.DynamicValue {
		v, err := tfprotov6.NewDynamicValue(tftypes.String, tftypes.NewValue(tftypes.String, s))
		if err != nil {
			t.Fatal(err)
		}
		return &v
	}
	resp, err := s.CallFunction(ctx, &tfprotov6.CallFunctionRequest{Name: "os_lifecycle",
		Arguments: []*tfprotov6.DynamicValue{arg("Debian"), arg("13"), arg("2026-12-02T10:00:00Z")}})
	if err != nil || resp.Error != nil {
		t.Fatal(err, resp.Error)
	}
	typ := fns.Functions["os_lifecycle"].Return.Type
	v, err := resp.Result.Unmarshal(typ)
	if err != nil {
		t.Fatal(err)
	}
	var attrs map[string]tftypes.Value
	if err := v.As(&attrs); err != nil {
		t.Fatal(err)
	}
	var supported bool
	var eol string
	if err := attrs["supported"].As(&supported); err != nil || !supported {
		t.Fatalf("supported %v %v", supported, err)
	}
	if err := attrs["eol_date"].As(&eol); err != nil || eol != "2028-08-09" {
		t.Fatalf("eol_date %q %v", eol, err)
	}
	resp, err = s.CallFunction(ctx, &tfprotov6.CallFunctionRequest{Name: "os_lifecycle",
		Arguments: []*tfprotov6.DynamicValue{arg("Debian"), arg("13"), arg("yesterday")}})
	if err != nil || resp.Error == nil || resp.Error.FunctionArgument == nil || *resp.Error.FunctionArgument != 2 {
		t.Fatalf("%v %+v", err, resp.Error)
	}
}

// The function's docs page names the snapshot the table was built from; `make lifecycle-data`
// runs this test after a refresh.
func TestDocsNameTheLifecycleSnapshot(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "templates", "functions", "os_lifecycle.md.tmpl"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), "endoflife.date product files of "+lifecycle.Snapshot) {
		t.Fatalf("templates/functions/os_lifecycle.md.tmpl does not name the snapshot %s", lifecycle.Snapshot)
	}
}
