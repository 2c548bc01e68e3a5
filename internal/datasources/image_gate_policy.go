package datasources

import (
	"fmt"
	"math/big"

	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/hsslabs/terraform-provider-hss/internal/gate"
)

// writtenPolicy is the policy attribute as configuration states it: nil for what is not
// written. known is false while any of it is not known yet.
func writtenPolicy(raw tftypes.Value) (w gate.Written, known bool, err error) {
	if !raw.IsKnown() {
		return w, false, nil
	}
	if raw.IsNull() {
		return w, true, nil
	}
	var attrs map[string]tftypes.Value
	if err := raw.As(&attrs); err != nil {
		return w, false, fmt.Errorf("policy: %w", err)
	}
	r := &rawReader{attrs: attrs, known: true}
	w.OSMinDaysLeft = r.int64("os_min_days_left")
	w.OSAllow = deref(r.strings("os_allow"))
	w.OSSupport = r.string("os_support")
	w.MaxScanAge = r.string("max_scan_age")
	w.RefuseRepairNecessity = r.strings("refuse_repair_necessity")
	w.MaxCVSS = r.float64("max_cvss")
	w.RefuseMaliciousFiles = r.bool("refuse_malicious_files")
	w.RefuseUnsafeSettings = r.bool("refuse_unsafe_settings")
	w.RequireDigest = r.bool("require_digest")
	if ex := attrs["exceptions"]; ex.IsKnown() && !ex.IsNull() {
		var list []tftypes.Value
		if err := ex.As(&list); err != nil {
			return w, false, fmt.Errorf("policy.exceptions: %w", err)
		}
		for _, e := range list {
			if !e.IsKnown() {
				return w, false, nil
			}
			var fields map[string]tftypes.Value
			if err := e.As(&fields); err != nil {
				return w, false, fmt.Errorf("policy.exceptions: %w", err)
			}
			er := &rawReader{attrs: fields, known: true}
			w.Exceptions = append(w.Exceptions, gate.WrittenException{VulID: deref(er.string("vul_id")), Reason: deref(er.string("reason")),
				Expires: deref(er.string("expires")), Images: er.strings("images")})
			if !er.known || er.err != nil {
				return w, er.known, er.err
			}
		}
	} else if !ex.IsKnown() {
		return w, false, nil
	}
	return w, r.known, r.err
}

// rawReader reads attributes of an object value, noting whether all were known.
type rawReader struct {
	attrs map[string]tftypes.Value
	known bool
	err   error
}

// get is name's value when it is known and written; nil otherwise.
func (r *rawReader) get(name string, into any) bool {
	v, ok := r.attrs[name]
	switch {
	case !ok || v.IsNull():
		return false
	case !v.IsKnown():
		r.known = false
		return false
	}
	if err := v.As(into); err != nil && r.err == nil {
		r.err = fmt.Errorf("%s: %w", name, err)
		return false
	}
	return true
}

func (r *rawReader) string(name string) *string {
	var s string
	if !r.get(name, &s) {
		return nil
	}
	return &s
}

func (r *rawReader) bool(name string) *bool {
	var b bool
	if !r.get(name, &b) {
		return nil
	}
	return &b
}

func (r *rawReader) int64(name string) *int64 {
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

func (r *rawReader) float64(name string) *float64 {
	var f big.Float
	if !r.get(name, &f) {
		return nil
	}
	x, _ := f.Float64()
	return &x
}

// strings is a list of strings; an element not known makes the whole not known.
func (r *rawReader) strings(name string) *[]string {
	var list []tftypes.Value
	if !r.get(name, &list) {
		return nil
	}
	out := make([]string, 0, len(list))
	for _, v := range list {
		var s string
		switch {
		case !v.IsKnown():
			r.known = false
			return nil
		case v.IsNull():
			s = ""
		case v.As(&s) != nil:
			return nil
		}
		out = append(out, s)
	}
	return &out
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
