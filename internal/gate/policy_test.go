package gate

import (
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

var keys = []string{"api", "worker"}

// Nothing written is the default policy, and the default policy judges with.
func TestParseWrittenEmptyIsDefault(t *testing.T) {
	p, probs := ParseWritten(Written{}, keys, known)
	if len(probs) != 0 {
		t.Fatal(probs)
	}
	want := Policy{OSSupport: "standard", RefuseRepairNecessity: []string{"immediate_repair"}, RefuseMaliciousFiles: true}
	if !reflect.DeepEqual(p, want) || !reflect.DeepEqual(Default(), want) {
		t.Errorf("ParseWritten(Written{}) = %+v\nDefault() = %+v\nwant %+v", p, Default(), want)
	}
	// Default hands out its own list each time.
	Default().RefuseRepairNecessity[0] = "x"
	if DefaultRefuseRepairNecessity[0] != "immediate_repair" || Default().RefuseRepairNecessity[0] != "immediate_repair" {
		t.Error("Default shares its list")
	}
}

func TestParseWritten(t *testing.T) {
	empty := []string{}
	cases := map[string]struct {
		w    Written
		want func(*Policy)
	}{
		"os_min_days_left":           {Written{OSMinDaysLeft: ptr(int64(90))}, func(p *Policy) { p.OSMinDaysLeft = 90 }},
		"os_allow":                   {Written{OSAllow: []string{"Huawei Cloud EulerOS 2.0"}}, func(p *Policy) { p.OSAllow = []string{"Huawei Cloud EulerOS 2.0"} }},
		"os_support":                 {Written{OSSupport: ptr("extended")}, func(p *Policy) { p.OSSupport = "extended" }},
		"max_scan_age in hours":      {Written{MaxScanAge: ptr("168h")}, func(p *Policy) { p.MaxScanAge = 168 * time.Hour }},
		"max_scan_age in days":       {Written{MaxScanAge: ptr("7d")}, func(p *Policy) { p.MaxScanAge = 168 * time.Hour }},
		"refuse_repair_necessity":    {Written{RefuseRepairNecessity: &[]string{"immediate_repair", "delay_repair"}}, func(p *Policy) { p.RefuseRepairNecessity = []string{"immediate_repair", "delay_repair"} }},
		"refuse_repair_necessity []": {Written{RefuseRepairNecessity: &empty}, func(p *Policy) { p.RefuseRepairNecessity = []string{} }},
		"max_cvss":                   {Written{MaxCVSS: ptr(8.9)}, func(p *Policy) { p.MaxCVSS = ptr(8.9) }},
		"max_cvss 0":                 {Written{MaxCVSS: ptr(0.0)}, func(p *Policy) { p.MaxCVSS = ptr(0.0) }},
		"refuse_malicious_files":     {Written{RefuseMaliciousFiles: ptr(false)}, func(p *Policy) { p.RefuseMaliciousFiles = false }},
		"refuse_unsafe_settings":     {Written{RefuseUnsafeSettings: ptr(true)}, func(p *Policy) { p.RefuseUnsafeSettings = true }},
		"require_digest":             {Written{RequireDigest: ptr(true)}, func(p *Policy) { p.RequireDigest = true }},
		"defaults written": {Written{OSMinDaysLeft: ptr(int64(0)), OSSupport: ptr("standard"), RefuseRepairNecessity: &[]string{"immediate_repair"},
			RefuseMaliciousFiles: ptr(true), RefuseUnsafeSettings: ptr(false), RequireDigest: ptr(false)}, func(*Policy) {}},
		"exceptions": {Written{Exceptions: []WrittenException{
			{VulID: "CVE-2024-6387", Reason: "no sshd", Expires: "2027-01-31", Images: &[]string{"api"}},
			{VulID: "CVE-2023-1", Reason: "unused", Expires: "2027-01-31T08:00:00+08:00"},
		}}, func(p *Policy) {
			p.Exceptions = []Exception{
				{VulID: "CVE-2024-6387", Reason: "no sshd", Expires: time.Date(2027, 1, 31, 23, 59, 59, 999999999, time.UTC), Images: []string{"api"}},
				{VulID: "CVE-2023-1", Reason: "unused", Expires: time.Date(2027, 1, 31, 0, 0, 0, 0, time.UTC)},
			}
		}},
	}
	for name, c := range cases {
		p, probs := ParseWritten(c.w, keys, known)
		want := Default()
		c.want(&want)
		if len(probs) != 0 || !reflect.DeepEqual(p, want) {
			t.Errorf("%s: %+v %v\nwant %+v", name, p, probs, want)
		}
	}
}

// Every problem, at its attribute, once, naming what is allowed.
func TestParseWrittenProblems(t *testing.T) {
	long := strings.Repeat("C", MaxVulIDBytes+1)
	cases := map[string]struct {
		w    Written
		want []string // path: message
	}{
		"negative days": {Written{OSMinDaysLeft: ptr(int64(-1))}, []string{"policy.os_min_days_left: must be 0 or more days, got -1"}},
		"os_allow empty entry": {Written{OSAllow: []string{"Ubuntu 26.10", " \t"}},
			[]string{`policy.os_allow[1]: is empty: name a release as "<os_name> <os_version>", e.g. "Huawei Cloud EulerOS 2.0"`}},
		"os_support":      {Written{OSSupport: ptr("Extended")}, []string{`policy.os_support: must be "standard" or "extended", got "Extended"`}},
		"os_support none": {Written{OSSupport: ptr("")}, []string{`policy.os_support: must be "standard" or "extended", got ""`}},
		"max_scan_age unit": {Written{MaxScanAge: ptr("7x")},
			[]string{`policy.max_scan_age: "7x" is not a duration; write hours such as "168h" or days such as "7d"`}},
		"max_scan_age zero":  {Written{MaxScanAge: ptr("0d")}, []string{"policy.max_scan_age: must be more than zero; leave max_scan_age out for no limit"}},
		"max_scan_age 0s":    {Written{MaxScanAge: ptr("0s")}, []string{"policy.max_scan_age: must be more than zero; leave max_scan_age out for no limit"}},
		"max_scan_age empty": {Written{MaxScanAge: ptr("")}, []string{`policy.max_scan_age: "" is not a duration; write hours such as "168h" or days such as "7d"`}},
		"max_scan_age negative": {Written{MaxScanAge: ptr("-1h")},
			[]string{`policy.max_scan_age: "-1h" is negative; write hours such as "168h" or days such as "7d"`}},
		"max_scan_age too many days": {Written{MaxScanAge: ptr("999999999999d")},
			[]string{`policy.max_scan_age: "999999999999d" is more days than a duration holds; write hours such as "168h" or days such as "7d"`}},
		"repair necessity": {Written{RefuseRepairNecessity: &[]string{"immediate_repair", "immediate", "IMMEDIATE_REPAIR"}}, []string{
			`policy.refuse_repair_necessity[1]: "immediate" is not a repair necessity: use immediate_repair, delay_repair, not_needed_repair`,
			`policy.refuse_repair_necessity[2]: "IMMEDIATE_REPAIR" is not a repair necessity: use immediate_repair, delay_repair, not_needed_repair`}},
		"max_cvss above 10": {Written{MaxCVSS: ptr(10.1)}, []string{"policy.max_cvss: must be a CVSS score from 0 to 10, got 10.1"}},
		"max_cvss negative": {Written{MaxCVSS: ptr(-0.1)}, []string{"policy.max_cvss: must be a CVSS score from 0 to 10, got -0.1"}},
		"max_cvss NaN":      {Written{MaxCVSS: ptr(math.NaN())}, []string{"policy.max_cvss: must be a CVSS score from 0 to 10, got NaN"}},
		"max_cvss infinite": {Written{MaxCVSS: ptr(math.Inf(1))}, []string{"policy.max_cvss: must be a CVSS score from 0 to 10, got +Inf"}},
		"exception, nothing written": {Written{Exceptions: []WrittenException{{}}}, []string{
			"policy.exceptions[0].vul_id: is required: the ID of the vulnerability, e.g. CVE-2024-6387",
			"policy.exceptions[0].reason: is required: say why this vulnerability may be deployed",
			"policy.exceptions[0].expires: is required: every exception ends (a date YYYY-MM-DD or an RFC 3339 time)"}},
		"exception, blank reason": {Written{Exceptions: []WrittenException{{VulID: "CVE-1", Reason: " \n\t", Expires: "2027-01-31"}}},
			[]string{"policy.exceptions[0].reason: is required: say why this vulnerability may be deployed"}},
		"exception, bad date, reported once": {Written{Exceptions: []WrittenException{{VulID: "CVE-1", Reason: "r", Expires: "2027-13-01"}}},
			[]string{`policy.exceptions[0].expires: "2027-13-01" is not a date (YYYY-MM-DD, the end of that day UTC) or an RFC 3339 time such as 2027-01-31T12:00:00Z`}},
		"exception, date with spaces": {Written{Exceptions: []WrittenException{{VulID: "CVE-1", Reason: "r", Expires: " 2027-01-31"}}},
			[]string{`policy.exceptions[0].expires: " 2027-01-31" is not a date (YYYY-MM-DD, the end of that day UTC) or an RFC 3339 time such as 2027-01-31T12:00:00Z`}},
		"exception, vul_id with white space": {Written{Exceptions: []WrittenException{{VulID: "CVE-1 ", Reason: "r", Expires: "2027-01-31"}}},
			[]string{`policy.exceptions[0].vul_id: "CVE-1 " holds white space or a control character; write the ID alone, e.g. CVE-2024-6387`}},
		"exception, vul_id with a control character": {Written{Exceptions: []WrittenException{{VulID: "CVE\x1b1", Reason: "r", Expires: "2027-01-31"}}},
			[]string{`policy.exceptions[0].vul_id: "CVE\x1b1" holds white space or a control character; write the ID alone, e.g. CVE-2024-6387`}},
		"exception, vul_id with a bidi override": {Written{Exceptions: []WrittenException{{VulID: "CVE\u202e1", Reason: "r", Expires: "2027-01-31"}}},
			[]string{`policy.exceptions[0].vul_id: "CVE\u202e1" holds white space or a control character; write the ID alone, e.g. CVE-2024-6387`}},
		"exception, vul_id too long": {Written{Exceptions: []WrittenException{{VulID: long, Reason: "r", Expires: "2027-01-31"}}},
			[]string{"policy.exceptions[0].vul_id: is 257 bytes; a vulnerability ID has at most 256"}},
		"exception, unknown images": {Written{Exceptions: []WrittenException{{VulID: "CVE-1", Reason: "r", Expires: "2027-01-31", Images: &[]string{"worker", "apx", "", "API"}}}}, []string{
			`policy.exceptions[0].images[1]: "apx" is not a key of images ("api", "worker")`,
			`policy.exceptions[0].images[2]: "" is not a key of images ("api", "worker")`,
			`policy.exceptions[0].images[3]: "API" is not a key of images ("api", "worker")`}},
		"exception, images written empty": {Written{Exceptions: []WrittenException{{VulID: "CVE-1", Reason: "r", Expires: "2027-01-31", Images: &[]string{}}}},
			[]string{"policy.exceptions[0].images: is empty: name at least one key of images, or leave images out for every image"}},
		"second exception": {Written{Exceptions: []WrittenException{{VulID: "CVE-1", Reason: "r", Expires: "2027-01-31"}, {VulID: "CVE-2", Expires: "2027-01-31"}}},
			[]string{"policy.exceptions[1].reason: is required: say why this vulnerability may be deployed"}},
	}
	for name, c := range cases {
		p, probs := ParseWritten(c.w, keys, known)
		var got []string
		for _, pr := range probs {
			got = append(got, pr.String())
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%s:\n got %q\nwant %q", name, got, c.want)
		}
		// With a problem, the policy is one New refuses.
		if _, err := New(p, known); !reflect.DeepEqual(p, Policy{}) || err == nil {
			t.Errorf("%s: policy %+v, New: %v", name, p, err)
		}
	}
}

// Image keys unknown (plan time) leave exception images unchecked; many keys are named boundedly.
func TestValidateImageKeys(t *testing.T) {
	p := Default()
	p.Exceptions = []Exception{{VulID: "CVE-1", Reason: "r", Expires: expiry("2027-01-31"), Images: []string{"nope"}}}
	if probs := Validate(p, nil, known); len(probs) != 0 {
		t.Errorf("keys not known: %v", probs)
	}
	many := make([]string, 30)
	for i := range many {
		many[i] = strings.Repeat("k", 300) + string(rune('a'+i%26))
	}
	probs := Validate(p, many, known)
	if len(probs) != 1 || !strings.HasSuffix(probs[0].Message, " and 16 more)") || len(probs[0].Message) > 2500 {
		t.Errorf("%d: %v", len(probs[0].Message), probs)
	}
}

// Problems as an error: one line each; none is no error.
func TestProblemsErr(t *testing.T) {
	if Problems(nil).Err() != nil {
		t.Error("no problems is an error")
	}
	err := Problems{{Path{"max_cvss"}, "a"}, {Path{"exceptions", 2, "images", 0}, "b"}}.Err()
	if err == nil || err.Error() != "policy.max_cvss: a\npolicy.exceptions[2].images[0]: b" {
		t.Errorf("%v", err)
	}
	// To never writes into the path it extends.
	base := make(Path, 2, 8)
	base[0], base[1] = "exceptions", 0
	a, b := base.To("vul_id"), base.To("reason")
	if a.String() != "policy.exceptions[0].vul_id" || b.String() != "policy.exceptions[0].reason" {
		t.Errorf("%s %s", a, b)
	}
}

func TestParseDuration(t *testing.T) {
	for in, want := range map[string]time.Duration{
		"168h": 168 * time.Hour, "7d": 168 * time.Hour, "1d": 24 * time.Hour, "90m": 90 * time.Minute, "1h30m": 90 * time.Minute,
		"0d": 0, "0s": 0, "007d": 168 * time.Hour, "106751d": 106751 * 24 * time.Hour,
	} {
		if got, err := ParseDuration(in); err != nil || got != want {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "d", "7", "7 d", "7D", "-7d", "+7d", "1.5d", "7d12h", "1w", "106752d", "99999999999999999999d", "-1h", " 1h", "1h\n", "٧d", strings.Repeat("9", 100000) + "d"} {
		if got, err := ParseDuration(in); err == nil {
			t.Errorf("ParseDuration(%q) = %v", in, got)
		} else if len(err.Error()) > 400 || strings.ContainsAny(err.Error(), "\n\x1b") {
			t.Errorf("ParseDuration(%.20q): error of %d bytes: %.100q", in, len(err.Error()), err)
		}
	}
}

func TestFormatDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		168 * time.Hour: "7d", 24 * time.Hour: "1d", 25 * time.Hour: "25h0m0s", 90 * time.Minute: "1h30m0s", 0: "0s", time.Nanosecond: "1ns",
	} {
		if got := FormatDuration(d); got != want {
			t.Errorf("FormatDuration(%v) = %q, want %q", d, got, want)
		}
		if back, err := ParseDuration(FormatDuration(d)); err != nil || back != d {
			t.Errorf("FormatDuration(%v) reads back as %v, %v", d, back, err)
		}
	}
}

func TestParseExpiry(t *testing.T) {
	for in, want := range map[string]time.Time{
		"2027-01-31":                time.Date(2027, 1, 31, 23, 59, 59, 999999999, time.UTC),
		"2028-02-29":                time.Date(2028, 2, 29, 23, 59, 59, 999999999, time.UTC),
		"2027-01-31T12:00:00Z":      time.Date(2027, 1, 31, 12, 0, 0, 0, time.UTC),
		"2027-01-31T08:00:00+08:00": time.Date(2027, 1, 31, 0, 0, 0, 0, time.UTC),
		"2027-01-31T12:00:00.5Z":    time.Date(2027, 1, 31, 12, 0, 0, 5e8, time.UTC),
	} {
		got, err := ParseExpiry(in)
		if err != nil || !got.Equal(want) || got.Location() != time.UTC {
			t.Errorf("ParseExpiry(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "2027-02-29", "2027-1-31", "31/01/2027", "2027-01-31T12:00:00", "2027-01-31 12:00:00Z", "tomorrow", "2027-01-31\x1b", strings.Repeat("2", 1<<20)} {
		if got, err := ParseExpiry(in); err == nil {
			t.Errorf("ParseExpiry(%.20q) = %v", in, got)
		} else if len(err.Error()) > 400 || strings.ContainsAny(err.Error(), "\n\x1b") {
			t.Errorf("ParseExpiry(%.20q): error of %d bytes", in, len(err.Error()))
		}
	}
}

// An expiry writes as it was given: a date as the date, an instant as RFC 3339.
func TestFormatExpiry(t *testing.T) {
	for _, in := range []string{"2027-01-31", "2027-01-31T12:00:00Z", "2027-01-31T23:59:59Z", "2027-01-31T23:59:59.999999998Z", "2027-02-01T00:00:00Z"} {
		exp, err := ParseExpiry(in)
		if err != nil {
			t.Fatal(err)
		}
		if got := FormatExpiry(exp); got != in {
			t.Errorf("FormatExpiry(ParseExpiry(%q)) = %q", in, got)
		}
	}
	// The end of a day in another zone is an instant, not a UTC date.
	if got := FormatExpiry(time.Date(2027, 1, 31, 23, 59, 59, 999999999, time.FixedZone("CST", 8*3600))); got != "2027-01-31T15:59:59.999999999Z" {
		t.Errorf("got %q", got)
	}
}

func TestAllowKey(t *testing.T) {
	for _, c := range []struct{ name, version, want string }{
		{"Huawei Cloud EulerOS", "2.0", "huawei cloud euleros 2.0"},
		{"  HUAWEI\tCloud\n EulerOS ", " 2.0 ", "huawei cloud euleros 2.0"},
		{"Huawei Cloud EulerOS 2.0", "", "huawei cloud euleros 2.0"},
		{"", "", ""},
		// Only ASCII folds: the Kelvin sign and Cyrillic letters stay themselves.
		{"\u212aylin", "10", "\u212aylin 10"},
		{"\u0415ulerOS", "2", "\u0415uleros 2"},
		{"a\xffB", "1", "a\xffb 1"},
	} {
		if got := AllowKey(c.name, c.version); got != c.want {
			t.Errorf("AllowKey(%q, %q) = %q, want %q", c.name, c.version, got, c.want)
		}
	}
}
