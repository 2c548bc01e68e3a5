package validators

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestSentence(t *testing.T) {
	for in, want := range map[string]string{"bad": "bad.", "bad.": "bad.", `did you mean "x"?`: `did you mean "x"?`, "": ".", "a!": "a!."} {
		if got := Sentence(in); got != want {
			t.Errorf("Sentence(%q) = %q, want %q", in, got, want)
		}
	}
}

// validate is the diagnostics of v for value at path "x".
func validate(v Check, value types.String) (summary, detail string, errors int) {
	var resp validator.StringResponse
	v.ValidateString(context.Background(), validator.StringRequest{Path: path.Root("x"), ConfigValue: value}, &resp)
	if len(resp.Diagnostics) == 0 {
		return "", "", 0
	}
	return resp.Diagnostics[0].Summary(), resp.Diagnostics[0].Detail(), resp.Diagnostics.ErrorsCount()
}

// Each check accepts what the client accepts and refuses the rest at its attribute, in a
// sentence; a value not known yet, or not set, is not checked.
func TestChecks(t *testing.T) {
	for _, c := range []struct {
		name   string
		v      Check
		ok     []string
		bad    []string
		detail string
	}{
		{"region", Region, []string{"cn-north-4"}, []string{"cn north 4", "", "cn-north-4\x00"}, ""},
		{"signing", SigningAlgorithm, []string{"HmacSHA256", "HmacSM3"}, []string{"hmacsha256", "SHA256"}, ""},
		{"tagged reference", ImageReference, []string{"swr.cn-north-4.myhuaweicloud.com/team/app:1.4.2"},
			[]string{"swr.cn-north-4.myhuaweicloud.com/team/app@sha256:" + strings.Repeat("a", 64), "nginx"}, ""},
		{"any reference", AnyImageReference, []string{"swr.cn-north-4.myhuaweicloud.com/team/app:1.4.2",
			"swr.cn-north-4.myhuaweicloud.com/team/app@sha256:" + strings.Repeat("a", 64)}, []string{"nginx", ""}, ""},
		{"timestamp", Timestamp, []string{"2026-12-06T00:00:00Z", "2026-12-06T08:00:00+08:00"}, []string{"2026-12-06", "yesterday", ""},
			"plantimestamp() gives one."},
		{"endpoint", Endpoint, []string{"https://hss.example.com", "http://127.0.0.1:8080"}, []string{"hss.example.com", "https://u:p4ss@hss.example.com"}, ""},
		{"schemeless endpoint", SchemelessEndpoint, []string{"hss.example.com", "https://hss.example.com"}, []string{"https://u:p4ss@hss.example.com"}, ""},
		{"one of", OneOf("scan status", []string{"success", "failed"}), []string{"success"}, []string{"succes", "SUCCESS"}, ""},
	} {
		for _, s := range c.ok {
			if _, d, n := validate(c.v, types.StringValue(s)); n != 0 || c.v.Err(s) != nil {
				t.Errorf("%s: %q refused: %s", c.name, s, d)
			}
		}
		for _, s := range c.bad {
			summary, d, n := validate(c.v, types.StringValue(s))
			if n != 1 || c.v.Err(s) == nil || !strings.HasPrefix(summary, "Invalid ") || !strings.HasSuffix(d, ".") && !strings.HasSuffix(d, "?") ||
				!strings.HasSuffix(d, c.detail) || strings.Contains(d, "p4ss") {
				t.Errorf("%s: %q: %d errors: %s: %s", c.name, s, n, summary, d)
			}
		}
		for _, v := range []types.String{types.StringNull(), types.StringUnknown()} {
			if _, _, n := validate(c.v, v); n != 0 {
				t.Errorf("%s: %v checked", c.name, v)
			}
		}
		if c.v.Description(context.Background()) == "" || c.v.MarkdownDescription(context.Background()) != c.v.Description(context.Background()) {
			t.Errorf("%s: undescribed", c.name)
		}
	}
	if summary, d, _ := validate(OneOf("scan status", []string{"success", "failed"}), types.StringValue("succes")); summary != "Invalid scan status" ||
		!strings.Contains(d, `did you mean "success"?`) {
		t.Errorf("%s: %s", summary, d)
	}
}
