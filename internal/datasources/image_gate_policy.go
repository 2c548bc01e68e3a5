package datasources

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/hsslabs/terraform-provider-hss/internal/gate"
	"github.com/hsslabs/terraform-provider-hss/internal/tfvalue"
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
	r := tfvalue.NewObject(attrs)
	w.OSMinDaysLeft = r.Int64("os_min_days_left")
	w.OSAllow = deref(r.Strings("os_allow"))
	w.OSSupport = r.String("os_support")
	w.MaxScanAge = r.String("max_scan_age")
	w.RefuseRepairNecessity = r.Strings("refuse_repair_necessity")
	w.MaxCVSS = r.Float64("max_cvss")
	w.RefuseMaliciousFiles = r.Bool("refuse_malicious_files")
	w.RefuseUnsafeSettings = r.Bool("refuse_unsafe_settings")
	w.RequireDigest = r.Bool("require_digest")
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
			er := tfvalue.NewObject(fields)
			w.Exceptions = append(w.Exceptions, gate.WrittenException{VulID: deref(er.String("vul_id")), Reason: deref(er.String("reason")),
				Expires: deref(er.String("expires")), Images: er.Strings("images")})
			if !er.Known || er.Err != nil {
				return w, er.Known, er.Err
			}
		}
	} else if !ex.IsKnown() {
		return w, false, nil
	}
	return w, r.Known, r.Err
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
