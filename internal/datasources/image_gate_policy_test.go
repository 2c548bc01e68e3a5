package datasources

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// A policy is known only when every part of it is: an attribute, the exceptions list, one
// exception or one of its fields not known yet makes the whole not known, so nothing is judged
// on half a policy; written values are read as written.
func TestWrittenPolicyKnown(t *testing.T) {
	policyType := gatePolicyType(t)
	exList := policyType.AttributeTypes["exceptions"].(tftypes.List) //nolint:forcetypeassert // a list nested attribute
	exType := exList.ElementType.(tftypes.Object)                    //nolint:forcetypeassert // of objects
	unknown := func(t tftypes.Type) tftypes.Value { return tftypes.NewValue(t, tftypes.UnknownValue) }
	exception := func(vulID tftypes.Value) tftypes.Value {
		return nullsExcept(exType, map[string]tftypes.Value{"vul_id": vulID, "reason": tftypes.NewValue(tftypes.String, "r"),
			"expires": tftypes.NewValue(tftypes.String, "2027-01-01")})
	}
	exceptions := func(elems ...tftypes.Value) tftypes.Value { return tftypes.NewValue(exList, elems) }
	for _, c := range []struct {
		name  string
		set   map[string]tftypes.Value
		known bool
	}{
		{"nothing written", nil, true},
		{"an exception", map[string]tftypes.Value{"exceptions": exceptions(exception(tftypes.NewValue(tftypes.String, "CVE-1")))}, true},
		{"no exceptions", map[string]tftypes.Value{"exceptions": exceptions()}, true},
		{"unknown attribute", map[string]tftypes.Value{"max_cvss": unknown(tftypes.Number)}, false},
		{"unknown exceptions", map[string]tftypes.Value{"exceptions": unknown(exList)}, false},
		{"unknown exception", map[string]tftypes.Value{"exceptions": exceptions(exception(tftypes.NewValue(tftypes.String, "CVE-1")), unknown(exType))}, false},
		{"unknown field", map[string]tftypes.Value{"exceptions": exceptions(exception(unknown(tftypes.String)))}, false},
		{"unknown field, then a known exception", map[string]tftypes.Value{"exceptions": exceptions(exception(unknown(tftypes.String)),
			exception(tftypes.NewValue(tftypes.String, "CVE-2")))}, false},
	} {
		w, known, err := writtenPolicy(nullsExcept(policyType, c.set))
		if err != nil || known != c.known {
			t.Errorf("%s: known %t, want %t (%v)", c.name, known, c.known, err)
		}
		if c.name == "an exception" && (len(w.Exceptions) != 1 || w.Exceptions[0].VulID != "CVE-1" || w.Exceptions[0].Expires != "2027-01-01") {
			t.Errorf("%s: %+v", c.name, w)
		}
	}
	if _, known, err := writtenPolicy(unknown(policyType)); known || err != nil {
		t.Fatalf("an unknown policy: known %t, %v", known, err)
	}
}

// images is known only when every reference is.
func TestGateImagesKnown(t *testing.T) {
	mapType := tftypes.Map{ElementType: tftypes.String}
	for _, c := range []struct {
		elems   map[string]tftypes.Value
		unknown bool
	}{
		{map[string]tftypes.Value{"a": tftypes.NewValue(tftypes.String, "x"), "b": tftypes.NewValue(tftypes.String, "y")}, false},
		{map[string]tftypes.Value{"a": tftypes.NewValue(tftypes.String, "x"), "b": tftypes.NewValue(tftypes.String, tftypes.UnknownValue)}, true},
	} {
		images, unknown, err := gateImages(tftypes.NewValue(mapType, c.elems))
		if err != nil || unknown != c.unknown || (!unknown && (images["a"] != "x" || images["b"] != "y")) {
			t.Errorf("%v: %v %t %v", c.elems, images, unknown, err)
		}
	}
	if _, unknown, err := gateImages(tftypes.NewValue(mapType, tftypes.UnknownValue)); !unknown || err != nil {
		t.Fatalf("an unknown map: %t %v", unknown, err)
	}
}

// gatePolicyType is the Terraform type of hss_image_gate's policy.
func gatePolicyType(t *testing.T) tftypes.Object {
	t.Helper()
	ctx := context.Background()
	p, ok := imageGateAttributes(ctx)["policy"].GetType().TerraformType(ctx).(tftypes.Object)
	if !ok {
		t.Fatal("policy is not an object")
	}
	return p
}

// Bad input a read meets, when validation could not see it yet, is blamed on its attribute;
// input not known yet is an error, never a verdict. Nothing is read.
func TestReadGateRefusesBadInput(t *testing.T) {
	images := tftypes.NewValue(tftypes.Map{ElementType: tftypes.String}, map[string]tftypes.Value{"app": tftypes.NewValue(tftypes.String, "swr.cn-north-4.myhuaweicloud.com/team/app:1")})
	policyType := gatePolicyType(t)
	for _, c := range []struct {
		m    imageGateModel
		at   path.Path
		want string
	}{
		{imageGateModel{Images: images, Policy: nullsExcept(policyType, map[string]tftypes.Value{"max_cvss": tftypes.NewValue(tftypes.Number, 11)})},
			path.Root("policy"), "max_cvss"},
		{imageGateModel{Images: images, Policy: tftypes.NewValue(policyType, nil), At: types.StringValue("2026-12-06")}, path.Root("at"), "2026-12-06"},
		{imageGateModel{Images: tftypes.NewValue(images.Type(), tftypes.UnknownValue), Policy: tftypes.NewValue(policyType, nil)}, path.Empty(), "before images was known"},
		{imageGateModel{Images: images, Policy: tftypes.NewValue(policyType, tftypes.UnknownValue)}, path.Empty(), "before its policy was known"},
	} {
		_, err := readImageGate(context.Background(), &Data{}, &c.m)
		var ae *attributeError
		if err == nil || !strings.Contains(err.Error(), c.want) || errors.As(err, &ae) != !c.at.Equal(path.Empty()) || (ae != nil && !ae.path.Equal(c.at)) {
			t.Errorf("%s: %v", c.want, err)
		}
	}
}

// Validation judges a policy only against images that are known: an exception naming a key of
// images not known yet is no error then, and is one once they are known without it.
func TestValidateGateWaitsForImages(t *testing.T) {
	policyType := gatePolicyType(t)
	exList := policyType.AttributeTypes["exceptions"].(tftypes.List) //nolint:forcetypeassert // a list nested attribute
	exType := exList.ElementType.(tftypes.Object)                    //nolint:forcetypeassert // of objects
	policy := nullsExcept(policyType, map[string]tftypes.Value{"exceptions": tftypes.NewValue(exList, []tftypes.Value{
		nullsExcept(exType, map[string]tftypes.Value{"vul_id": tftypes.NewValue(tftypes.String, "CVE-1"), "reason": tftypes.NewValue(tftypes.String, "r"),
			"expires": tftypes.NewValue(tftypes.String, "2027-01-01"),
			"images":  tftypes.NewValue(tftypes.List{ElementType: tftypes.String}, []tftypes.Value{tftypes.NewValue(tftypes.String, "api")})}),
	})})
	mapType := tftypes.Map{ElementType: tftypes.String}
	for images, wantErrors := range map[*tftypes.Value]int{
		ptrTo(tftypes.NewValue(mapType, tftypes.UnknownValue)):                                                                    0,
		ptrTo(tftypes.NewValue(mapType, map[string]tftypes.Value{"api": tftypes.NewValue(tftypes.String, tftypes.UnknownValue)})): 0,
		ptrTo(tftypes.NewValue(mapType, map[string]tftypes.Value{"app": tftypes.NewValue(tftypes.String, "x")})):                  1,
		ptrTo(tftypes.NewValue(mapType, map[string]tftypes.Value{"api": tftypes.NewValue(tftypes.String, "x")})):                  0,
	} {
		var d diag.Diagnostics
		validateImageGate(context.Background(), &imageGateModel{Images: *images, Policy: policy}, &d)
		if d.ErrorsCount() != wantErrors {
			t.Errorf("%v: %v", *images, d)
		}
	}
}

func ptrTo[T any](v T) *T { return &v }
