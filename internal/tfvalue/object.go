package tfvalue

import (
	"fmt"
	"math/big"

	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// FrameworkString is a Terraform string as a framework value: null, unknown or known.
func FrameworkString(v tftypes.Value) types.String {
	var s string
	switch {
	case !v.IsKnown():
		return types.StringUnknown()
	case v.IsNull() || v.As(&s) != nil:
		return types.StringNull()
	}
	return types.StringValue(s)
}

// Object reads the attributes of an object value as configuration wrote them: nil for one not
// written, noting whether all were known.
type Object struct {
	attrs map[string]tftypes.Value
	// Known is false once an attribute read was not known yet; Err is the first that could not be read.
	Known bool
	Err   error
}

// NewObject reads the attributes of attrs.
func NewObject(attrs map[string]tftypes.Value) *Object { return &Object{attrs: attrs, Known: true} }

// get is name's value when it is known and written; nil otherwise.
func (r *Object) get(name string, into any) bool {
	v, ok := r.attrs[name]
	switch {
	case !ok || v.IsNull():
		return false
	case !v.IsKnown():
		r.Known = false
		return false
	}
	if err := v.As(into); err != nil {
		if r.Err == nil {
			r.Err = fmt.Errorf("%s: %w", name, err)
		}
		return false
	}
	return true
}

// String is a string attribute.
func (r *Object) String(name string) *string {
	var s string
	if !r.get(name, &s) {
		return nil
	}
	return &s
}

// Bool is a true-or-false attribute.
func (r *Object) Bool(name string) *bool {
	var b bool
	if !r.get(name, &b) {
		return nil
	}
	return &b
}

// Int64 is a whole-number attribute; one that is not a whole number reads as -1, which no
// count or day may be.
func (r *Object) Int64(name string) *int64 {
	var f big.Float
	if !r.get(name, &f) {
		return nil
	}
	n, acc := f.Int64()
	if acc != big.Exact {
		// A number no whole day count is: out of range, as the policy's checks will say.
		n = -1
	}
	return &n
}

// Float64 is a number attribute.
func (r *Object) Float64(name string) *float64 {
	var f big.Float
	if !r.get(name, &f) {
		return nil
	}
	x, _ := f.Float64()
	return &x
}

// Strings is a list of strings; an element not known makes the whole not known, one that is not
// a string is the error.
func (r *Object) Strings(name string) *[]string {
	var list []tftypes.Value
	if !r.get(name, &list) {
		return nil
	}
	out := make([]string, 0, len(list))
	for _, v := range list {
		var s string
		switch {
		case !v.IsKnown():
			r.Known = false
			return nil
		case v.IsNull():
			s = ""
		default:
			if err := v.As(&s); err != nil {
				if r.Err == nil {
					r.Err = fmt.Errorf("%s: element %d: %w", name, len(out), err)
				}
				return nil
			}
		}
		out = append(out, s)
	}
	return &out
}
