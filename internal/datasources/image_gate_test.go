package datasources_test

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/hsslabs/terraform-provider-hss/internal/emulator"
	"github.com/hsslabs/terraform-provider-hss/internal/providertest"
)

var (
	swrApp        = emulator.SWRHost + "/team/app:1.4.2"
	harborApp     = emulator.HarborHost + "/team/app:1.4.2"
	api           = emulator.EnterpriseHost + "/team/api:2.0.0"
	proxyAgentRef = emulator.SWRHost + "/scc_hss_container/proxy-agent:24.5.0-x86_64"
	unscanned     = emulator.SWRHost + "/scc_hss_container/proxy-agent:24.6.0-x86_64"
	failedScan    = emulator.SWRHost + "/team/web:2.0"
	oversized     = emulator.SWRHost + "/team/big:1.0"
	jfrogTool     = emulator.JfrogHost + "/docker-local/tool:3.0"
	oddSeverity   = emulator.SWRHost + "/team/odd:1.0"
)

// verdict is one value of results, as text.
type verdict struct {
	allowed                             bool
	refusals                            []string
	pinned, imageID, scanStatus         string
	suppressed, baseOS, vulnerabilities []map[string]tftypes.Value
}

// gateRead reads hss_image_gate with enforce = false and the given policy (nil: none), and
// returns each image's verdict and the diagnostics.
func gateRead(t *testing.T, p *inproc, images map[string]string, policy map[string]any) (map[string]verdict, bool, providertest.Diags) {
	t.Helper()
	cfg := map[string]any{"images": images, "at": at, "enforce": false}
	if policy != nil {
		cfg["policy"] = policy
	}
	attrs, d := p.ReadData("hss_image_gate", cfg)
	if d.Errors() > 0 {
		return nil, false, d
	}
	var results map[string]tftypes.Value
	if err := attrs["results"].As(&results); err != nil {
		t.Fatal(err)
	}
	out := map[string]verdict{}
	for k, v := range results {
		var obj map[string]tftypes.Value
		if err := v.As(&obj); err != nil {
			t.Fatal(err)
		}
		var r verdict
		if err := obj["allowed"].As(&r.allowed); err != nil {
			t.Fatal(err)
		}
		var lines []tftypes.Value
		if err := obj["refusals"].As(&lines); err != nil {
			t.Fatal(err)
		}
		for _, l := range lines {
			var s string
			_ = l.As(&s)
			r.refusals = append(r.refusals, s)
		}
		r.pinned, r.imageID, r.scanStatus = str(t, obj, "pinned_reference"), str(t, obj, "image_id"), str(t, obj, "scan_status")
		r.suppressed, r.baseOS, r.vulnerabilities = objects(t, obj["suppressed"]), objects(t, obj["base_os"]), objects(t, obj["vulnerabilities"])
		out[k] = r
	}
	var allowed bool
	if err := attrs["allowed"].As(&allowed); err != nil {
		t.Fatal(err)
	}
	return out, allowed, d
}

func objects(t *testing.T, v tftypes.Value) []map[string]tftypes.Value {
	t.Helper()
	var list []tftypes.Value
	if err := v.As(&list); err != nil {
		t.Fatal(err)
	}
	out := make([]map[string]tftypes.Value, len(list))
	for i, e := range list {
		if err := e.As(&out[i]); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// A clean image passes without a warning, and the gate hands back what HSS scanned.
func TestGateAllowsACleanImage(t *testing.T) {
	e := newEmu(t)
	p := configured(t, e, akskArgs)
	got, allowed, d := gateRead(t, p, map[string]string{"app": swrApp}, nil)
	if len(d) != 0 || !allowed {
		t.Fatalf("allowed %v: %s", allowed, d)
	}
	app := got["app"]
	if !app.allowed || len(app.refusals) != 0 || app.pinned != emulator.SWRHost+"/team/app@"+emulator.AppDigest || app.imageID != emulator.AppImageID ||
		app.scanStatus != "success" {
		t.Fatalf("%+v", app)
	}
	if len(app.baseOS) != 1 || str(t, app.baseOS[0], "os_name") != "AlmaLinux" || str(t, app.baseOS[0], "eol_date") != "2032-05-31" {
		t.Fatalf("base OS %v", app.baseOS)
	}
	if len(app.vulnerabilities) != 1 || str(t, app.vulnerabilities[0], "vul_id") != "CVE-2024-45490" || !app.vulnerabilities[0]["cvss"].IsNull() {
		t.Fatalf("vulnerabilities %v", app.vulnerabilities)
	}
	// enforce defaults to true, and a pass is silent then too.
	if _, d := p.ReadData("hss_image_gate", map[string]any{"images": map[string]string{"app": swrApp}, "at": at}); len(d) != 0 {
		t.Fatalf("%s", d)
	}
}

// Each rule refuses with its own reason, and fails closed.
func TestGateRefusals(t *testing.T) {
	e := newEmu(t)
	p := configured(t, e, akskArgs)
	offByOne := emulator.AppDigest[:len(emulator.AppDigest)-1] + "f"
	for name, c := range map[string]struct {
		ref    string
		policy map[string]any
		want   []string
		absent []string
	}{
		"unknown host":     {ref: "evil.example.com/team/app:1.4.2", want: []string{`did not resolve`, `no registry connected to HSS is there`}},
		"look-alike host":  {ref: emulator.SWRHost + ".evil.example/team/app:1.4.2", want: []string{`did not resolve`}},
		"digest mismatch":  {ref: swrApp + "@" + offByOne, want: []string{`names digest ` + offByOne, `has "` + emulator.AppDigest + `"`}},
		"ambiguous":        {ref: emulator.SWRHost + "/team/dup:1.0", want: []string{`matches 2 images`}},
		"not found":        {ref: emulator.SWRHost + "/team/app:9.9", want: []string{`HSS has no image`}},
		"failed scan":      {ref: failedScan, want: []string{`scan status "failed" is not "success" (scan_failed_code "download_failed"`}},
		"unscanned":        {ref: unscanned, want: []string{`scan status "unscan" is not "success"`}},
		"oversized":        {ref: oversized, want: []string{`scan status "image_oversized"`, `image_over_sized`}},
		"old scan":         {ref: swrApp, policy: map[string]any{"max_scan_age": "168h"}, want: []string{`older than max_scan_age 7d`}},
		"no base image":    {ref: jfrogTool, want: []string{`no base image answer`}},
		"unknown base OS":  {ref: proxyAgentRef, want: []string{`"Huawei Cloud EulerOS 2.0" is not in the lifecycle table and not in os_allow`, "os_allow"}},
		"allowed base OS":  {ref: proxyAgentRef, policy: map[string]any{"os_allow": []string{"huawei cloud  euleros 2.0"}}, absent: []string{"lifecycle table"}, want: []string{"CVE-2024-6387"}},
		"ended":            {ref: harborApp, want: []string{`ended standard support on 2026-07-11`}},
		"extended":         {ref: harborApp, policy: map[string]any{"os_support": "extended"}},
		"days left":        {ref: api, policy: map[string]any{"os_min_days_left": 180}, want: []string{`fewer than os_min_days_left 180`}},
		"repair":           {ref: api, want: []string{`CVE-2023-4911 in libc6 2.35-0ubuntu3.3: repair necessity immediate_repair is refused`}, absent: []string{"CVE-2024-2961"}},
		"repair widened":   {ref: api, policy: map[string]any{"refuse_repair_necessity": []string{"immediate_repair", "delay_repair"}}, want: []string{"CVE-2023-4911", "CVE-2024-2961"}},
		"malicious":        {ref: api, want: []string{`1 malicious file found`}},
		"malicious off":    {ref: api, policy: map[string]any{"refuse_malicious_files": false}, absent: []string{"malicious"}, want: []string{"CVE-2023-4911"}},
		"unsafe":           {ref: proxyAgentRef, policy: map[string]any{"refuse_unsafe_settings": true}, want: []string{`1 unsafe setting found`}},
		"cvss":             {ref: api, policy: map[string]any{"max_cvss": 7.5, "refuse_repair_necessity": []string{}}, want: []string{`CVSS 7.8 is above max_cvss 7.5`}, absent: []string{"CVE-2024-2961"}},
		"cvss unknown":     {ref: swrApp, policy: map[string]any{"max_cvss": 9.9}, want: []string{`no CVSS score, counted as above max_cvss 9.9`}},
		"unknown severity": {ref: oddSeverity, want: []string{`unknown repair necessity "Critical", judged as the most severe`}},
		"no digest":        {ref: swrApp, policy: map[string]any{"require_digest": true}, want: []string{`carries no digest (require_digest)`}},
		"digest given":     {ref: swrApp + "@" + emulator.AppDigest, policy: map[string]any{"require_digest": true}},
		"expired exception": {ref: api, policy: map[string]any{"refuse_malicious_files": false, "exceptions": []map[string]any{
			{"vul_id": "CVE-2023-4911", "reason": "not reachable", "expires": "2026-12-05"}}}, want: []string{`exception policy.exceptions[0] expired 2026-12-05`}},
	} {
		t.Run(name, func(t *testing.T) {
			got, allowed, d := gateRead(t, p, map[string]string{"x": c.ref}, c.policy)
			if got == nil {
				t.Fatalf("%s", d)
			}
			all := strings.Join(got["x"].refusals, "\n")
			if allowed != (len(c.want) == 0) || got["x"].allowed != allowed {
				t.Fatalf("allowed %v: %s", allowed, all)
			}
			for _, w := range c.want {
				if !strings.Contains(all, w) {
					t.Errorf("want %q in:\n%s", w, all)
				}
			}
			for _, a := range c.absent {
				if strings.Contains(all, a) {
					t.Errorf("%q in:\n%s", a, all)
				}
			}
			if len(c.want) > 0 && (len(d) != 1 || d[0].Summary != "Deployment refused" || !strings.Contains(d[0].Detail, "x ("+c.ref+"):\n  - ")) {
				t.Errorf("warning: %s", d)
			}
		})
	}
}

// An exception lets its vulnerability through until it expires, for the images it names, and
// says so; it never hides anything else.
func TestGateExceptions(t *testing.T) {
	e := newEmu(t)
	p := configured(t, e, akskArgs)
	images := map[string]string{"api": api, "api2": api, "unscanned": unscanned}
	got, _, d := gateRead(t, p, images, map[string]any{"refuse_malicious_files": false, "exceptions": []map[string]any{
		{"vul_id": "cve-2023-4911", "reason": "ld.so is not reachable", "expires": "2027-01-31", "images": []string{"api", "unscanned"}}}})
	if got == nil {
		t.Fatalf("%s", d)
	}
	if !got["api"].allowed || len(got["api"].suppressed) != 1 || str(t, got["api"].suppressed[0], "reason") != "ld.so is not reachable" ||
		str(t, got["api"].suppressed[0], "expires") != "2027-01-31" {
		t.Errorf("api: %+v", got["api"])
	}
	if got["api2"].allowed || got["unscanned"].allowed {
		t.Errorf("the exception reached an image it does not name, or hid a scan: %+v %+v", got["api2"], got["unscanned"])
	}
}

// With enforce = true, a refusal fails the read: one error that names every refused image and
// each of its reasons on a line of its own.
func TestGateEnforces(t *testing.T) {
	e := newEmu(t)
	p := configured(t, e, akskArgs)
	_, d := p.ReadData("hss_image_gate", map[string]any{"at": at, "images": map[string]string{"app": swrApp, "web": failedScan, "api": api}})
	if d.Errors() != 1 || d[0].Summary != "Deployment refused" {
		t.Fatalf("%s", d)
	}
	detail := d[0].Detail
	for _, w := range []string{"2 of 3 images may not be deployed", "api (" + api + "):\n  - ", "web (" + failedScan + "):\n  - scan status",
		"\n  - 1 malicious file found (refuse_malicious_files)"} {
		if !strings.Contains(detail, w) {
			t.Errorf("want %q in:\n%s", w, detail)
		}
	}
	if strings.Contains(detail, "app (") {
		t.Errorf("an allowed image is listed:\n%s", detail)
	}
}

// The service failing is an error, never a verdict: the gate does not decide on half an answer.
func TestGateErrorsAreNotRefusals(t *testing.T) {
	e := newEmu(t)
	p := configured(t, e, merged(akskArgs, map[string]any{"max_retries": 0}))
	e.AddFault(emulator.Fault{Status: http.StatusForbidden, Code: "HSS.1041", Message: "no permission to read vulnerabilities",
		Match: func(r *http.Request) bool { return strings.HasSuffix(r.URL.Path, "/vulnerabilities") }})
	_, d := p.ReadData("hss_image_gate", map[string]any{"at": at, "images": map[string]string{"app": swrApp, "api": api}})
	if d.Errors() != 1 || d[0].Summary == "Deployment refused" || !strings.Contains(d[0].Detail, "HSS.1041") ||
		!strings.Contains(d[0].Detail, `2 of 2 images failed: "api" and "app"`) {
		t.Fatalf("%s", d)
	}
}

// What reaches HSS: one registry read per distinct organization, name and tag, one base-image
// and one vulnerability read per image, the registry list once, CVEs only with max_cvss and
// once per distinct vulnerability; a second gate of the same images reads nothing again.
func TestGateCost(t *testing.T) {
	e := newEmu(t)
	p := configured(t, e, akskArgs)
	images := map[string]string{"swr": swrApp, "harbor": harborApp, "api": api, "api-again": api, "web": failedScan}
	count := func() map[string]int {
		n := map[string]int{}
		for _, r := range e.Requests() {
			if r.Kind == emulator.KindHSS {
				_, rest, _ := strings.Cut(r.Path, "/image/")
				if strings.Contains(rest, "/") && !strings.HasPrefix(rest, "registries") {
					rest = rest[strings.LastIndex(rest, "/")+1:]
				}
				n[rest]++
			}
		}
		return n
	}
	e.Reset()
	if got, _, d := gateRead(t, p, images, nil); got == nil {
		t.Fatalf("%s", d)
	}
	want := map[string]int{"registries/images": 3, "registries": 1, "basic-image": 3, "vulnerabilities": 3}
	if got := count(); !mapsEqual(got, want) {
		t.Fatalf("requests %v, want %v", got, want)
	}
	e.Reset()
	if got, _, d := gateRead(t, p, images, map[string]any{"max_cvss": 9}); got == nil {
		t.Fatalf("%s", d)
	}
	// Everything but the scores was read already; CVE-2023-4911, CVE-2024-2961, CVE-2024-45490.
	if got := count(); !mapsEqual(got, map[string]int{"cve": 3}) {
		t.Fatalf("requests %v", got)
	}
}

func mapsEqual(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// The policy is checked at plan time, each problem at its attribute with what is allowed.
func TestGateValidation(t *testing.T) {
	e := newEmu(t)
	p := configured(t, e, akskArgs)
	for name, c := range map[string]struct {
		cfg  map[string]any
		want string
	}{
		"cvss":      {map[string]any{"policy": map[string]any{"max_cvss": 11.0}}, "policy.max_cvss: Invalid policy"},
		"support":   {map[string]any{"policy": map[string]any{"os_support": "ext"}}, "policy.os_support: Invalid policy"},
		"scan age":  {map[string]any{"policy": map[string]any{"max_scan_age": "a week"}}, "policy.max_scan_age: Invalid policy"},
		"days":      {map[string]any{"policy": map[string]any{"os_min_days_left": -1}}, "policy.os_min_days_left: Invalid policy"},
		"necessity": {map[string]any{"policy": map[string]any{"refuse_repair_necessity": []string{"urgent"}}}, "policy.refuse_repair_necessity"},
		"expires":   {map[string]any{"policy": map[string]any{"exceptions": []map[string]any{{"vul_id": "CVE-1", "reason": "r", "expires": "soon"}}}}, "policy.exceptions[0].expires"},
		"reason":    {map[string]any{"policy": map[string]any{"exceptions": []map[string]any{{"vul_id": "CVE-1", "reason": "", "expires": "2027-01-01"}}}}, "policy.exceptions[0].reason"},
		"image key": {map[string]any{"policy": map[string]any{"exceptions": []map[string]any{{"vul_id": "CVE-1", "reason": "r", "expires": "2027-01-01", "images": []string{"apps"}}}}}, "policy.exceptions[0].images[0]"},
		"at":        {map[string]any{"at": "yesterday"}, "at: Invalid timestamp"},
		"reference": {map[string]any{"images": map[string]string{"app": "nginx"}}, `images["app"]: Invalid image reference`},
		"no images": {map[string]any{"images": map[string]string{}}, "images: Invalid Attribute Value"},
	} {
		cfg := merged(map[string]any{"images": map[string]string{"app": swrApp}}, c.cfg)
		if _, d := p.ReadData("hss_image_gate", cfg); d.Errors() != 1 || !strings.Contains(d.String(), c.want) {
			t.Errorf("%s: %s", name, d)
		}
	}
	if n := e.Count(emulator.KindHSS); n != 0 {
		t.Fatalf("%d requests for invalid configurations", n)
	}
}

// A value outside what HSS documents never reads as the mildest: an unknown scan status refuses
// like a failed scan, an unknown repair necessity like the most severe one.
func TestGateUnknownValuesFailClosed(t *testing.T) {
	for _, c := range []struct {
		path, field string
		value       any
		want        string
	}{
		{"/registries/images", "scan_status", "paused", `scan status "paused" is not "success"`},
		{"/registries/images", "scan_status", "", `scan status "" is not "success"`},
		{"/registries/images", "scan_status", "SUCCESS", `scan status "SUCCESS" is not "success"`},
		{"/vulnerabilities", "repair_necessity", "", `unknown repair necessity "", judged as the most severe`},
		{"/vulnerabilities", "repair_necessity", "IMMEDIATE_REPAIR", `unknown repair necessity "IMMEDIATE_REPAIR"`},
		{"/vulnerabilities", "repair_necessity", "not_needed_repair\u200b", `unknown repair necessity "not_needed_repair\u200b"`},
	} {
		t.Run(c.field+"="+fmt.Sprint(c.value), func(t *testing.T) {
			e := newEmu(t)
			e.AddFault(emulator.Fault{Page: emulator.PageFault{Rewrite: map[string]any{c.field: c.value}},
				Match: func(r *http.Request) bool { return strings.HasSuffix(r.URL.Path, c.path) }})
			p := configured(t, e, akskArgs)
			got, allowed, d := gateRead(t, p, map[string]string{"app": swrApp}, nil)
			if got == nil || allowed || !strings.Contains(strings.Join(got["app"].refusals, "\n"), c.want) {
				t.Fatalf("allowed %v: %+v %s", allowed, got, d)
			}
		})
	}
}

// The base OS as judged at `at` for the support level asked: a release the table does not
// know has no end, no days left and no support; standard and extended ends are each shown
// when asked for, and `at` decides what has ended.
func TestGateBaseOSAsJudged(t *testing.T) {
	e := newEmu(t)
	p := configured(t, e, akskArgs)
	for _, c := range []struct {
		name, ref, at string
		policy        map[string]any
		allowed       bool
		eol, daysLeft string // "" for null
		known, supp   bool
	}{
		{"unknown release", proxyAgentRef, at, map[string]any{"os_allow": []string{"Huawei Cloud EulerOS 2.0"}, "refuse_repair_necessity": []string{}}, true, "", "", false, false},
		{"standard ended", harborApp, at, nil, false, "2026-07-11", "-148", true, false},
		{"extended", harborApp, at, map[string]any{"os_support": "extended"}, true, "2028-06-30", "572", true, true},
		{"before the standard end", harborApp, "2026-07-01T00:00:00Z", nil, true, "2026-07-11", "10", true, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg := map[string]any{"images": map[string]string{"x": c.ref}, "at": c.at, "enforce": false}
			if c.policy != nil {
				cfg["policy"] = c.policy
			}
			attrs, d := p.ReadData("hss_image_gate", cfg)
			if d.Errors() > 0 {
				t.Fatalf("%s", d)
			}
			var res map[string]tftypes.Value
			if err := attrs["results"].As(&res); err != nil {
				t.Fatal(err)
			}
			var x map[string]tftypes.Value
			if err := res["x"].As(&x); err != nil {
				t.Fatal(err)
			}
			var allowed bool
			var osList []tftypes.Value
			if err := x["allowed"].As(&allowed); err != nil || x["base_os"].As(&osList) != nil || len(osList) != 1 || allowed != c.allowed {
				t.Fatalf("allowed %t, base OS %v", allowed, osList)
			}
			var os map[string]tftypes.Value
			if err := osList[0].As(&os); err != nil {
				t.Fatal(err)
			}
			r := image(t, osList[0])
			if os["eol_date"].IsNull() != (c.eol == "") || os["days_left"].IsNull() != (c.daysLeft == "") ||
				(c.eol != "" && r["eol_date"] != c.eol) || (c.daysLeft != "" && r["days_left"] != c.daysLeft) ||
				r["known"] != fmt.Sprint(c.known) || r["supported"] != fmt.Sprint(c.supp) {
				t.Fatalf("%v", r)
			}
		})
	}
}

// The same images under the same policy have the same ID; another policy or another image
// under the same key, another ID. A
// lifecycle table far older than `at` warns that new releases are unknown to it.
func TestGateIDAndStaleTable(t *testing.T) {
	e := newEmu(t)
	p := configured(t, e, akskArgs)
	read := func(policy map[string]any, at string, ref ...string) (string, providertest.Diags) {
		cfg := map[string]any{"images": map[string]string{"app": append(ref, swrApp)[0]}, "at": at, "enforce": false}
		if policy != nil {
			cfg["policy"] = policy
		}
		attrs, d := p.ReadData("hss_image_gate", cfg)
		if d.Errors() > 0 {
			t.Fatalf("%s", d)
		}
		return str(t, attrs, "id"), d
	}
	a, _ := read(nil, at)
	b, _ := read(nil, at)
	c, _ := read(map[string]any{"max_scan_age": "9999h"}, at)
	other, _ := read(nil, at, api)
	if a != b || a == c || a == other || c == other || !regexp.MustCompile(`^cn-north-4/[0-9a-f]{16}$`).MatchString(a) {
		t.Fatalf("ids %q %q %q %q", a, b, c, other)
	}
	_, d := read(nil, "2099-01-01T00:00:00Z")
	if !strings.Contains(d.String(), "The OS lifecycle table is old") || !strings.Contains(d.String(), "more than 180 days before 2099-01-01") {
		t.Fatalf("%s", d)
	}
}

// The gate is allowed only when every image is, whichever key sorts last.
func TestGateAllowedNeedsEveryImage(t *testing.T) {
	e := newEmu(t)
	p := configured(t, e, akskArgs)
	for images, want := range map[[2]string]bool{{failedScan, swrApp}: false, {swrApp, failedScan}: false, {swrApp, swrApp}: true} {
		got, allowed, d := gateRead(t, p, map[string]string{"a": images[0], "z": images[1]}, nil)
		if got == nil || allowed != want || allowed != (got["a"].allowed && got["z"].allowed) {
			t.Errorf("%v: allowed %t, want %t: %s", images, allowed, want, d)
		}
	}
}
