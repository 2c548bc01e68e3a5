package datasources

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// A policy is known only when every part of it is: an attribute, the exceptions list, one
// exception or one of its fields not known yet makes the whole not known, so nothing is judged
// on half a policy; written values are read as written.
func TestWrittenPolicyKnown(t *testing.T) {
	ctx := context.Background()
	var policyType tftypes.Object
	for name, a := range imageGateAttributes(ctx) {
		if name == "policy" {
			policyType = a.GetType().TerraformType(ctx).(tftypes.Object) //nolint:forcetypeassert // a nested attribute's type is an object
		}
	}
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
