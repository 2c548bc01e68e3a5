package gate

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

func judge(t *testing.T, p Policy, f Facts, when time.Time) Verdict {
	t.Helper()
	g, err := New(p, known)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	v := g.Judge(f, when)
	if v.Allowed != (len(v.Refusals) == 0) {
		t.Fatalf("allowed %v with refusals %q", v.Allowed, v.Refusals)
	}
	return v
}

type judgeCase struct {
	policy func(*Policy)
	facts  func(*Facts)
	at     time.Time // zero: at
	want   []string  // the refusals; none: allowed
}

func runJudge(t *testing.T, cases map[string]judgeCase) {
	t.Helper()
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			p, f, when := Default(), clean(), at
			if c.policy != nil {
				c.policy(&p)
			}
			if c.facts != nil {
				c.facts(&f)
			}
			if !c.at.IsZero() {
				when = c.at
			}
			v := judge(t, p, f, when)
			if !slices.Equal(v.Refusals, c.want) {
				t.Errorf("refusals\n got %q\nwant %q", v.Refusals, c.want)
			}
		})
	}
}

func TestJudgeReference(t *testing.T) {
	const ref = `reference "swr.cn-north-4.myhuaweicloud.com/team/api:1.4.2"`
	unresolved := func(f *Facts) {
		f.Resolved, f.ResolveError = false, "not found: no repository image team/api:1.4.2 in SWR"
	}
	runJudge(t, map[string]judgeCase{
		"clean, default policy": {},
		"unresolved":            {facts: unresolved, want: []string{ref + " did not resolve: not found: no repository image team/api:1.4.2 in SWR"}},
		"unresolved, no error given": {facts: func(f *Facts) { f.Resolved = false },
			want: []string{ref + " did not resolve: no reason given"}},
		// Nothing read of an unresolved image counts, and no exception hides it.
		"unresolved with an exception for everything": {
			policy: func(p *Policy) {
				p.Exceptions = []Exception{{VulID: "CVE-2024-6387", Reason: "no sshd", Expires: expiry("2027-01-31")}}
			},
			facts: func(f *Facts) {
				unresolved(f)
				f.Vulnerabilities = []Vulnerability{urgent("CVE-2024-6387")}
			},
			want: []string{ref + " did not resolve: not found: no repository image team/api:1.4.2 in SWR"}},
		"unresolved and undigested under require_digest": {policy: func(p *Policy) { p.RequireDigest = true }, facts: unresolved,
			want: []string{ref + " did not resolve: not found: no repository image team/api:1.4.2 in SWR", ref + " carries no digest (require_digest)"}},
		"no digest, not required":   {},
		"no digest, require_digest": {policy: func(p *Policy) { p.RequireDigest = true }, want: []string{ref + " carries no digest (require_digest)"}},
		"digest, require_digest": {policy: func(p *Policy) { p.RequireDigest = true }, facts: func(f *Facts) {
			f.Reference += "@sha256:" + strings.Repeat("3e", 32)
			f.Digested = true
		}},
		"hostile resolver error": {facts: func(f *Facts) {
			f.Resolved, f.ResolveError = false, "\x1b]0;pwned\x07ambiguous\nError: fake"+strings.Repeat("x", 10000)
		}, want: []string{ref + ` did not resolve: \x1b]0;pwned\x07ambiguous\x0aError: fake` + strings.Repeat("x", maxResolveError-len(`\x1b]0;pwned\x07ambiguous\x0aError: fake`)) + "…"}},
	})
}

func TestJudgeScan(t *testing.T) {
	week := func(p *Policy) { p.MaxScanAge = 7 * 24 * time.Hour }
	onlyUrgent := func(f *Facts) { f.Vulnerabilities = []Vulnerability{urgent("CVE-2024-6387")} }
	runJudge(t, map[string]judgeCase{
		"failed, with code": {facts: func(f *Facts) {
			f.ScanStatus, f.ScanFailedCode, f.ScanFailedDesc = "failed", "SCAN_TIMEOUT", "the scan timed out"
		},
			want: []string{`scan status "failed" is not "success" (scan_failed_code "SCAN_TIMEOUT": the scan timed out)`}},
		"failed, code only": {facts: func(f *Facts) { f.ScanStatus, f.ScanFailedCode = "failed", "E1" },
			want: []string{`scan status "failed" is not "success" (scan_failed_code "E1": no description)`}},
		"never scanned": {facts: func(f *Facts) { f.ScanStatus = "unscan" }, want: []string{`scan status "unscan" is not "success"`}},
		"no status":     {facts: func(f *Facts) { f.ScanStatus = "" }, want: []string{`scan status "" is not "success"`}},
		"another case":  {facts: func(f *Facts) { f.ScanStatus = "Success" }, want: []string{`scan status "Success" is not "success"`}},
		// An exception hides a vulnerability, never the scan that should have found the rest.
		"unscanned with an exception for its vulnerability": {
			policy: func(p *Policy) {
				p.Exceptions = []Exception{{VulID: "CVE-2024-6387", Reason: "no sshd", Expires: expiry("2027-01-31")}}
			},
			facts: func(f *Facts) { onlyUrgent(f); f.ScanStatus = "scanning" },
			want:  []string{`scan status "scanning" is not "success"`}},
		"no limit, no scan time": {facts: func(f *Facts) { f.LatestScan = time.Time{} }},
		"no limit, old scan":     {facts: func(f *Facts) { f.LatestScan = at.AddDate(-3, 0, 0) }},
		"exactly max_scan_age":   {policy: week, facts: func(f *Facts) { f.LatestScan = at.Add(-7 * 24 * time.Hour) }},
		"just over max_scan_age": {policy: week, facts: func(f *Facts) { f.LatestScan = at.Add(-7*24*time.Hour - time.Nanosecond) },
			want: []string{"latest scan 2026-11-29T11:59:59Z is 7d1s old, older than max_scan_age 7d"}},
		"well over max_scan_age": {policy: week, facts: func(f *Facts) { f.LatestScan = at.Add(-16*24*time.Hour - 2*time.Hour - 5*time.Second) },
			want: []string{"latest scan 2026-11-20T09:59:55Z is 16d2h0m5s old, older than max_scan_age 7d"}},
		"max_scan_age in hours": {policy: func(p *Policy) { p.MaxScanAge = 90 * time.Minute }, facts: func(f *Facts) { f.LatestScan = at.Add(-2 * time.Hour) },
			want: []string{"latest scan 2026-12-06T10:00:00Z is 2h0m0s old, older than max_scan_age 1h30m0s"}},
		"max_scan_age, no scan time": {policy: week, facts: func(f *Facts) { f.LatestScan = time.Time{} },
			want: []string{"no scan time, so its age cannot be held to max_scan_age 7d"}},
		"scan stamped after at": {policy: week, facts: func(f *Facts) { f.LatestScan = at.Add(time.Hour) }},
		"scan time in another zone": {policy: week, facts: func(f *Facts) {
			f.LatestScan = at.Add(-7 * 24 * time.Hour).In(time.FixedZone("CST", 8*3600))
		}},
	})
}

func TestJudgeBaseOS(t *testing.T) {
	hce := OS{Name: "Huawei Cloud EulerOS", Version: "2.0"}
	min90 := func(p *Policy) { p.OSMinDaysLeft = 90 }
	extended := func(p *Policy) { p.OSSupport = SupportExtended }
	base := func(oses ...OS) func(*Facts) { return func(f *Facts) { f.BaseOS = oses } }
	ended := debian12(-10, 600)
	ended.Standard.Supported = false
	ended.Note = "Debian LTS is free and comes through the same archive"
	noEnd := OS{Name: "Oracle Linux Server", Version: "10", Known: true, Release: "Oracle Linux 10", Standard: Support{Supported: true}}
	fedora := OS{Name: "Fedora Linux", Version: "38", Known: true, Release: "Fedora 38", Standard: Support{DaysLeft: -929, HasDaysLeft: true, End: date("2024-05-21")}}
	runJudge(t, map[string]judgeCase{
		"no base image answer":       {facts: base(), want: []string{"no base image answer, so the base OS cannot be judged"}},
		"an empty base image answer": {facts: func(f *Facts) { f.BaseOS = []OS{} }, want: []string{"no base image answer, so the base OS cannot be judged"}},
		"bounded": {facts: func(f *Facts) {
			f.BaseOS = nil
			for i := range MaxLinesPerRule + 2 {
				f.BaseOS = append(f.BaseOS, OS{Name: "hce", Version: fmt.Sprintf("%03d", i)})
			}
		}, want: func() []string {
			var w []string
			for i := range MaxLinesPerRule {
				w = append(w, fmt.Sprintf(`base OS "hce %03d" is not in the lifecycle table and not in os_allow`, i))
			}
			return append(w, "and 2 more refusals of base OS")
		}()},
		"unknown, not allowed":                         {facts: base(hce), want: []string{`base OS "Huawei Cloud EulerOS 2.0" is not in the lifecycle table and not in os_allow`}},
		"unknown, allowed":                             {policy: func(p *Policy) { p.OSAllow = []string{"Huawei Cloud EulerOS 2.0"} }, facts: base(hce)},
		"unknown, allowed in another case and spacing": {policy: func(p *Policy) { p.OSAllow = []string{"  huawei   CLOUD euleros\t2.0 "} }, facts: base(hce)},
		"unknown, allowed name split differently": {policy: func(p *Policy) { p.OSAllow = []string{"Huawei Cloud EulerOS 2.0"} },
			facts: base(OS{Name: "Huawei Cloud EulerOS 2.0"})},
		"unknown, another version allowed": {policy: func(p *Policy) { p.OSAllow = []string{"Huawei Cloud EulerOS 2"} }, facts: base(hce),
			want: []string{`base OS "Huawei Cloud EulerOS 2.0" is not in the lifecycle table and not in os_allow`}},
		// Cyrillic Е and О: a look-alike never matches.
		"unknown, look-alike allowed": {policy: func(p *Policy) { p.OSAllow = []string{"Huawei Cloud \u0415uler\u041eS 2.0"} }, facts: base(hce),
			want: []string{`base OS "Huawei Cloud EulerOS 2.0" is not in the lifecycle table and not in os_allow`}},
		"unknown, empty names": {facts: base(OS{}), want: []string{`base OS "" is not in the lifecycle table and not in os_allow`}},
		// os_allow speaks for releases the table does not know, never over one it knows ended.
		"known and ended, named in os_allow": {policy: func(p *Policy) { p.OSAllow = []string{"Fedora Linux 38"} }, facts: base(fedora),
			want: []string{"base OS Fedora 38 ended standard support on 2024-05-21"}},
		"ended standard, with its note": {facts: base(ended),
			want: []string{"base OS Debian 12 ended standard support on 2026-11-26; Debian LTS is free and comes through the same archive"}},
		"ended standard, extended judged": {policy: extended, facts: base(ended)},
		"ended extended": {policy: extended, facts: base(debian12(-900, -5)),
			want: []string{"base OS Debian 12 ended extended support on 2026-12-01"}},
		"extended, release without an extended phase": {policy: extended, facts: base(fedora),
			want: []string{"base OS Fedora 38 ended standard support on 2024-05-21 (it has no extended support)"}},
		"extended, no extended phase, supported": {policy: extended, facts: base(OS{Name: "Alpine Linux", Version: "3.22", Known: true, Release: "Alpine 3.22", Standard: supported(300)})},
		"days_left exactly os_min_days_left":     {policy: min90, facts: base(debian12(90, 900))},
		"days_left one short": {policy: min90, facts: base(debian12(89, 900)),
			want: []string{"base OS Debian 12 ends standard support on 2027-03-05, in 89 days, fewer than os_min_days_left 90"}},
		"extended days judged, standard short": {policy: func(p *Policy) { min90(p); extended(p) }, facts: base(debian12(10, 90))},
		"extended days one short": {policy: func(p *Policy) { min90(p); extended(p) }, facts: base(debian12(10, 89)),
			want: []string{"base OS Debian 12 ends extended support on 2027-03-05, in 89 days, fewer than os_min_days_left 90"}},
		"default minimum, last day":          {facts: base(debian12(1, 900))},
		"default minimum, end day":           {facts: base(debian12(0, 900)), want: []string{"base OS Debian 12 ended standard support on 2026-12-06"}},
		"supported, yet no days left":        {facts: func(f *Facts) { f.BaseOS = []OS{debian12(0, 900)}; f.BaseOS[0].Standard.Supported = true }, want: []string{"base OS Debian 12 ended standard support on 2026-12-06"}},
		"no announced end, default":          {facts: base(noEnd)},
		"no announced end, os_min_days_left": {policy: min90, facts: base(noEnd)},
		"no announced end, extended":         {policy: func(p *Policy) { min90(p); extended(p) }, facts: base(noEnd)},
		"not supported, no end given":        {facts: func(f *Facts) { f.BaseOS = []OS{noEnd}; f.BaseOS[0].Standard.Supported = false }, want: []string{"base OS Oracle Linux 10 is past its end of standard support"}},
		"end date without days": {facts: func(f *Facts) { f.BaseOS = []OS{noEnd}; f.BaseOS[0].Standard.End = date("2035-06-30") },
			want: []string{"base OS Oracle Linux 10: the lifecycle table gives an end of standard support (2035-06-30) but no days left"}},
		"days without an end date": {policy: min90, facts: func(f *Facts) {
			f.BaseOS = []OS{noEnd}
			f.BaseOS[0].Standard.DaysLeft, f.BaseOS[0].Standard.HasDaysLeft = 30, true
		},
			want: []string{"base OS Oracle Linux 10 ends standard support in 30 days, fewer than os_min_days_left 90"}},
		"no release name": {facts: func(f *Facts) { f.BaseOS = []OS{fedora}; f.BaseOS[0].Release = "" },
			want: []string{"base OS Fedora Linux 38 ended standard support on 2024-05-21"}},
		"several, sorted by name": {facts: base(debian12(200, 900), hce, fedora, noEnd),
			want: []string{"base OS Fedora 38 ended standard support on 2024-05-21", `base OS "Huawei Cloud EulerOS 2.0" is not in the lifecycle table and not in os_allow`}},
		"several, one short": {policy: min90, facts: base(noEnd, debian12(30, 900)), want: []string{"base OS Debian 12 ends standard support on 2027-01-05, in 30 days, fewer than os_min_days_left 90"}},
		"the same one twice": {facts: base(fedora, fedora), want: []string{"base OS Fedora 38 ended standard support on 2024-05-21"}},
		"several, all fine":  {facts: base(debian12(200, 900), noEnd)},
		"hostile name and note": {facts: func(f *Facts) {
			f.BaseOS = []OS{{Name: "\x1b[2J" + strings.Repeat("A", 5000), Version: "\u202e1"}}
		}, want: []string{`base OS "\x1b[2J` + strings.Repeat("A", 200-len(`\x1b[2J`)) + `…" is not in the lifecycle table and not in os_allow`}},
	})
}

func TestJudgeVulnerabilities(t *testing.T) {
	ssh := "vulnerability CVE-2024-6387 in openssh 9.2p1: "
	vulns := func(v ...Vulnerability) func(*Facts) { return func(f *Facts) { f.Vulnerabilities = v } }
	withCVSS := func(score *float64) func(*Facts) {
		return func(f *Facts) {
			v := urgent("CVE-2024-6387")
			v.RepairNecessity, v.CVSS = "delay_repair", score
			f.Vulnerabilities = []Vulnerability{v}
		}
	}
	maxCVSS := func(p *Policy) { p.MaxCVSS = ptr(8.9) }
	unknown := func(rn string) func(*Facts) {
		return func(f *Facts) {
			v := urgent("CVE-2024-6387")
			v.RepairNecessity = rn
			f.Vulnerabilities = []Vulnerability{v}
		}
	}
	many := make([]Vulnerability, 250)
	for i := range many {
		many[i] = urgent(fmt.Sprintf("CVE-2026-%05d", i))
	}
	runJudge(t, map[string]judgeCase{
		"immediate, default": {facts: vulns(urgent("CVE-2024-6387")), want: []string{ssh + "repair necessity immediate_repair is refused (refuse_repair_necessity)"}},
		"delay, default":     {facts: vulns(Vulnerability{VulID: "CVE-1", RepairNecessity: "delay_repair"}, Vulnerability{VulID: "CVE-2", RepairNecessity: "not_needed_repair"})},
		"delay, refused": {policy: func(p *Policy) { p.RefuseRepairNecessity = []string{"delay_repair"} }, facts: vulns(Vulnerability{VulID: "CVE-1", RepairNecessity: "delay_repair"}, urgent("CVE-2")),
			want: []string{"vulnerability CVE-1: repair necessity delay_repair is refused (refuse_repair_necessity)"}},
		"none refused":                {policy: func(p *Policy) { p.RefuseRepairNecessity = nil }, facts: vulns(urgent("CVE-2024-6387"), Vulnerability{VulID: "X", RepairNecessity: "urgent"})},
		"unknown value":               {facts: unknown("urgent"), want: []string{ssh + `unknown repair necessity "urgent", judged as the most severe`}},
		"empty value":                 {facts: unknown(""), want: []string{ssh + `unknown repair necessity "", judged as the most severe`}},
		"known value in another case": {facts: unknown("Immediate_Repair"), want: []string{ssh + `unknown repair necessity "Immediate_Repair", judged as the most severe`}},
		"unknown value, only the mildest refused": {policy: func(p *Policy) { p.RefuseRepairNecessity = []string{"not_needed_repair"} }, facts: unknown("critical"),
			want: []string{ssh + `unknown repair necessity "critical", judged as the most severe`}},
		"hostile value": {facts: unknown("\x1b[32mok\x1b[0m" + strings.Repeat("z", 300)),
			want: []string{ssh + `unknown repair necessity "\x1b[32mok\x1b[0m` + strings.Repeat("z", 200-len(`\x1b[32mok\x1b[0m`)) + `…", judged as the most severe`}},
		"max_cvss, exactly":     {policy: maxCVSS, facts: withCVSS(ptr(8.9))},
		"max_cvss, below":       {policy: maxCVSS, facts: withCVSS(ptr(0.0))},
		"max_cvss, just above":  {policy: maxCVSS, facts: withCVSS(ptr(math.Nextafter(8.9, 10))), want: []string{ssh + "CVSS 8.900000000000002 is above max_cvss 8.9"}},
		"max_cvss, above":       {policy: maxCVSS, facts: withCVSS(ptr(9.8)), want: []string{ssh + "CVSS 9.8 is above max_cvss 8.9"}},
		"max_cvss, no score":    {policy: maxCVSS, facts: withCVSS(nil), want: []string{ssh + "no CVSS score, counted as above max_cvss 8.9"}},
		"max_cvss, NaN":         {policy: maxCVSS, facts: withCVSS(ptr(math.NaN())), want: []string{ssh + "CVSS NaN is not a score from 0 to 10, counted as above max_cvss 8.9"}},
		"max_cvss, over 10":     {policy: maxCVSS, facts: withCVSS(ptr(11.0)), want: []string{ssh + "CVSS 11 is not a score from 0 to 10, counted as above max_cvss 8.9"}},
		"max_cvss, negative":    {policy: maxCVSS, facts: withCVSS(ptr(-1.0)), want: []string{ssh + "CVSS -1 is not a score from 0 to 10, counted as above max_cvss 8.9"}},
		"max_cvss 10, score 10": {policy: func(p *Policy) { p.MaxCVSS = ptr(10.0) }, facts: withCVSS(ptr(10.0))},
		"max_cvss 0, score 0.1": {policy: func(p *Policy) { p.MaxCVSS = ptr(0.0) }, facts: withCVSS(ptr(0.1)), want: []string{ssh + "CVSS 0.1 is above max_cvss 0"}},
		"no max_cvss, no score": {facts: withCVSS(nil)},
		"both rules": {policy: maxCVSS, facts: vulns(Vulnerability{VulID: "CVE-2024-6387", RepairNecessity: "immediate_repair", AppName: "openssh", Version: "9.2p1", CVSS: ptr(9.8)}),
			want: []string{ssh + "repair necessity immediate_repair is refused (refuse_repair_necessity); CVSS 9.8 is above max_cvss 8.9"}},
		"sorted by vul_id, app and version; repeats once": {facts: vulns(urgent("CVE-B"), Vulnerability{VulID: "CVE-A", RepairNecessity: "immediate_repair"}, urgent("CVE-B"),
			Vulnerability{VulID: "CVE-B", RepairNecessity: "immediate_repair", AppName: "libssh"}),
			want: []string{"vulnerability CVE-A: repair necessity immediate_repair is refused (refuse_repair_necessity)",
				"vulnerability CVE-B in libssh: repair necessity immediate_repair is refused (refuse_repair_necessity)",
				"vulnerability CVE-B in openssh 9.2p1: repair necessity immediate_repair is refused (refuse_repair_necessity)"}},
		"empty vul_id": {facts: vulns(Vulnerability{RepairNecessity: "immediate_repair"}), want: []string{`vulnerability "": repair necessity immediate_repair is refused (refuse_repair_necessity)`}},
		"bounded": {facts: vulns(many...), want: func() []string {
			var w []string
			for i := range MaxLinesPerRule {
				w = append(w, fmt.Sprintf("vulnerability CVE-2026-%05d in openssh 9.2p1: repair necessity immediate_repair is refused (refuse_repair_necessity)", i))
			}
			return append(w, "and 150 more refusals of vulnerabilities")
		}()},
		"one over the bound": {facts: vulns(many[:MaxLinesPerRule+1]...), want: func() []string {
			var w []string
			for i := range MaxLinesPerRule {
				w = append(w, fmt.Sprintf("vulnerability CVE-2026-%05d in openssh 9.2p1: repair necessity immediate_repair is refused (refuse_repair_necessity)", i))
			}
			return append(w, "and 1 more refusal of vulnerabilities")
		}()},
		"at the bound": {facts: vulns(many[:MaxLinesPerRule]...), want: func() []string {
			var w []string
			for i := range MaxLinesPerRule {
				w = append(w, fmt.Sprintf("vulnerability CVE-2026-%05d in openssh 9.2p1: repair necessity immediate_repair is refused (refuse_repair_necessity)", i))
			}
			return w
		}()},
	})
}

func TestJudgeFilesAndSettings(t *testing.T) {
	runJudge(t, map[string]judgeCase{
		"malicious files not read":          {facts: func(f *Facts) { f.MaliciousFiles = nil }, want: []string{"malicious files were not read (refuse_malicious_files)"}},
		"one malicious file":                {facts: func(f *Facts) { f.MaliciousFiles = ptr(1) }, want: []string{"1 malicious file found (refuse_malicious_files)"}},
		"three malicious files":             {facts: func(f *Facts) { f.MaliciousFiles = ptr(3) }, want: []string{"3 malicious files found (refuse_malicious_files)"}},
		"a negative count":                  {facts: func(f *Facts) { f.MaliciousFiles = ptr(-1) }, want: []string{"malicious file count -1 is not a count (refuse_malicious_files)"}},
		"malicious files allowed":           {policy: func(p *Policy) { p.RefuseMaliciousFiles = false }, facts: func(f *Facts) { f.MaliciousFiles = ptr(3) }},
		"malicious files allowed, not read": {policy: func(p *Policy) { p.RefuseMaliciousFiles = false }, facts: func(f *Facts) { f.MaliciousFiles = nil }},
		"unsafe settings, default":          {facts: func(f *Facts) { f.UnsafeSettings = ptr(2) }},
		"unsafe settings, not read":         {facts: func(f *Facts) { f.UnsafeSettings = nil }},
		"unsafe settings refused":           {policy: func(p *Policy) { p.RefuseUnsafeSettings = true }, facts: func(f *Facts) { f.UnsafeSettings = ptr(2) }, want: []string{"2 unsafe settings found (refuse_unsafe_settings)"}},
		"unsafe settings refused, not read": {policy: func(p *Policy) { p.RefuseUnsafeSettings = true }, facts: func(f *Facts) { f.UnsafeSettings = nil },
			want: []string{"unsafe settings were not read (refuse_unsafe_settings)"}},
		"unsafe settings refused, none": {policy: func(p *Policy) { p.RefuseUnsafeSettings = true }},
	})
}

// Every rule at once: one line each, in the order of the rules.
func TestJudgeOrderOfRules(t *testing.T) {
	p := Default()
	p.RequireDigest, p.MaxScanAge, p.RefuseUnsafeSettings = true, time.Hour, true
	f := Facts{Key: "api", Reference: "team/api:1", Resolved: true, ScanStatus: "failed", Vulnerabilities: []Vulnerability{urgent("CVE-1")}}
	v := judge(t, p, f, at)
	want := []string{`reference "team/api:1" carries no digest (require_digest)`, `scan status "failed" is not "success"`,
		"no scan time, so its age cannot be held to max_scan_age 1h0m0s", "no base image answer, so the base OS cannot be judged",
		"vulnerability CVE-1 in openssh 9.2p1: repair necessity immediate_repair is refused (refuse_repair_necessity)",
		"malicious files were not read (refuse_malicious_files)", "unsafe settings were not read (refuse_unsafe_settings)"}
	if !slices.Equal(v.Refusals, want) {
		t.Errorf("refusals\n got %q\nwant %q", v.Refusals, want)
	}
	// The zero Facts are refused on every count.
	if v := judge(t, p, Facts{}, at); len(v.Refusals) != 2 || !strings.Contains(v.Refusals[0], "did not resolve") {
		t.Errorf("zero facts: %q", v.Refusals)
	}
}

func TestJudgeExceptions(t *testing.T) {
	ssh := "vulnerability CVE-2024-6387 in openssh 9.2p1: repair necessity immediate_repair is refused (refuse_repair_necessity)"
	exc := func(vul, expires string, images ...string) Exception {
		return Exception{VulID: vul, Reason: "no sshd in " + expires, Expires: expiry(expires), Images: images}
	}
	type want struct {
		refusals   []string
		suppressed []int // exception indexes
		excepted   bool
	}
	cases := map[string]struct {
		exceptions []Exception
		at         time.Time
		key        string
		want       want
	}{
		"none":                                   {want: want{refusals: []string{ssh}}},
		"live":                                   {exceptions: []Exception{exc("CVE-2024-6387", "2027-01-31")}, want: want{suppressed: []int{0}, excepted: true}},
		"expiring today, at noon":                {exceptions: []Exception{exc("CVE-2024-6387", "2026-12-06")}, want: want{suppressed: []int{0}, excepted: true}},
		"expiring today, last instant":           {exceptions: []Exception{exc("CVE-2024-6387", "2026-12-06")}, at: date("2026-12-07").Add(-time.Nanosecond), want: want{suppressed: []int{0}, excepted: true}},
		"expired at midnight":                    {exceptions: []Exception{exc("CVE-2024-6387", "2026-12-06")}, at: date("2026-12-07"), want: want{refusals: []string{ssh + "; exception policy.exceptions[0] expired 2026-12-06"}}},
		"expired yesterday":                      {exceptions: []Exception{exc("CVE-2024-6387", "2026-12-05")}, want: want{refusals: []string{ssh + "; exception policy.exceptions[0] expired 2026-12-05"}}},
		"an instant, exactly":                    {exceptions: []Exception{exc("CVE-2024-6387", "2026-12-06T12:00:00Z")}, want: want{suppressed: []int{0}, excepted: true}},
		"an instant, in another zone":            {exceptions: []Exception{exc("CVE-2024-6387", "2026-12-06T20:00:00+08:00")}, want: want{suppressed: []int{0}, excepted: true}},
		"an instant, a second ago":               {exceptions: []Exception{exc("CVE-2024-6387", "2026-12-06T11:59:59Z")}, want: want{refusals: []string{ssh + "; exception policy.exceptions[0] expired 2026-12-06T11:59:59Z"}}},
		"another vulnerability":                  {exceptions: []Exception{exc("CVE-2024-6388", "2027-01-31")}, want: want{refusals: []string{ssh}}},
		"vul_id in lower case":                   {exceptions: []Exception{exc("cve-2024-6387", "2027-01-31")}, want: want{suppressed: []int{0}, excepted: true}},
		"vul_id look-alike (Cyrillic С)":         {exceptions: []Exception{exc("\u0421VE-2024-6387", "2027-01-31")}, want: want{refusals: []string{ssh}}},
		"for this image":                         {exceptions: []Exception{exc("CVE-2024-6387", "2027-01-31", "worker", "api")}, want: want{suppressed: []int{0}, excepted: true}},
		"for another image":                      {exceptions: []Exception{exc("CVE-2024-6387", "2027-01-31", "worker")}, want: want{refusals: []string{ssh}}},
		"for another image, key in another case": {exceptions: []Exception{exc("CVE-2024-6387", "2027-01-31", "API")}, want: want{refusals: []string{ssh}}},
		"two, the expired one first": {exceptions: []Exception{exc("CVE-2024-6387", "2026-12-01"), exc("CVE-2024-6387", "2027-01-31")},
			want: want{suppressed: []int{1}, excepted: true}},
		"two, the expired one last": {exceptions: []Exception{exc("CVE-2024-6387", "2027-01-31"), exc("CVE-2024-6387", "2026-12-01")},
			want: want{suppressed: []int{0}, excepted: true}},
		"two live, the later applies": {exceptions: []Exception{exc("CVE-2024-6387", "2026-12-31"), exc("CVE-2024-6387", "2027-06-30")},
			want: want{suppressed: []int{1}, excepted: true}},
		"two live, same end, the first applies": {exceptions: []Exception{exc("CVE-2024-6387", "2027-06-30", "api"), exc("CVE-2024-6387", "2027-06-30")},
			want: want{suppressed: []int{0}, excepted: true}},
		"same end, every image first": {exceptions: []Exception{exc("CVE-2024-6387", "2027-06-30"), exc("CVE-2024-6387", "2027-06-30", "api")},
			want: want{suppressed: []int{0}, excepted: true}},
		"for this image later than for every image": {exceptions: []Exception{exc("CVE-2024-6387", "2026-12-31"), exc("CVE-2024-6387", "2027-06-30", "api")},
			want: want{suppressed: []int{1}, excepted: true}},
		"for every image later than for this image": {exceptions: []Exception{exc("CVE-2024-6387", "2027-06-30"), exc("CVE-2024-6387", "2026-12-31", "api")},
			want: want{suppressed: []int{0}, excepted: true}},
		"two expired, the latest named": {exceptions: []Exception{exc("CVE-2024-6387", "2026-11-01"), exc("CVE-2024-6387", "2026-12-01", "api"), exc("CVE-2024-6387", "2026-10-01")},
			want: want{refusals: []string{ssh + "; exception policy.exceptions[1] expired 2026-12-01"}}},
		"expired for this image, live for another": {exceptions: []Exception{exc("CVE-2024-6387", "2026-12-01", "api"), exc("CVE-2024-6387", "2027-12-01", "worker")},
			want: want{refusals: []string{ssh + "; exception policy.exceptions[0] expired 2026-12-01"}}},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			p := Default()
			p.Exceptions = c.exceptions
			f := clean()
			f.Vulnerabilities = append(f.Vulnerabilities, urgent("CVE-2024-6387"), urgent("CVE-2024-6387"))
			f.Vulnerabilities[2].AppName = "openssh-server"
			when := at
			if !c.at.IsZero() {
				when = c.at
			}
			v := judge(t, p, f, when)
			refusals := c.want.refusals
			if len(refusals) > 0 {
				refusals = append(refusals, strings.Replace(refusals[0], "openssh 9.2p1", "openssh-server 9.2p1", 1))
			}
			if !slices.Equal(v.Refusals, refusals) {
				t.Errorf("refusals\n got %q\nwant %q", v.Refusals, refusals)
			}
			var got []int
			for _, s := range v.Suppressed {
				e := c.exceptions[s.Exception]
				if s.VulID != e.VulID || s.Reason != e.Reason || !s.Expires.Equal(e.Expires) || s.Image != "api" {
					t.Errorf("suppressed %+v, exception %+v", s, e)
				}
				got = append(got, s.Exception)
			}
			if !slices.Equal(got, c.want.suppressed) {
				t.Errorf("suppressed %v, want %v", got, c.want.suppressed)
			}
			for _, u := range v.Vulnerabilities {
				if u.VulID == "CVE-2024-6387" && (u.Excepted != c.want.excepted || !u.Refuses) {
					t.Errorf("%+v: want excepted %v, refuses", u, c.want.excepted)
				}
				if u.VulID == "CVE-2023-1" && (u.Excepted || u.Refuses) {
					t.Errorf("%+v: neither refused nor excepted", u)
				}
			}
		})
	}
}

// An exception that hides nothing (its vulnerability is not refused) is not reported as applied,
// though the vulnerability shows it is covered.
func TestJudgeExceptionHidingNothing(t *testing.T) {
	p := Default()
	p.Exceptions = []Exception{{VulID: "CVE-2023-1", Reason: "zlib unused", Expires: expiry("2027-01-31")}}
	v := judge(t, p, clean(), at)
	if !v.Allowed || len(v.Suppressed) != 0 || !v.Vulnerabilities[0].Excepted || v.Vulnerabilities[0].Refuses {
		t.Errorf("%+v", v)
	}
}

// Suppressed and Vulnerabilities come out sorted whatever the order of the facts.
func TestJudgeDeterministic(t *testing.T) {
	p := Default()
	p.MaxCVSS = ptr(7.0)
	p.Exceptions = []Exception{
		{VulID: "CVE-C", Reason: "c", Expires: expiry("2027-01-31")},
		{VulID: "CVE-A", Reason: "a", Expires: expiry("2027-01-31")},
	}
	vs := []Vulnerability{urgent("CVE-C"), urgent("CVE-B"), urgent("CVE-A"),
		{VulID: "CVE-A", RepairNecessity: "immediate_repair", AppName: "openssh", Version: "9.2p1"},
		{VulID: "CVE-A", RepairNecessity: "immediate_repair", AppName: "openssh", Version: "9.2p1", CVSS: ptr(1.0)}}
	var first Verdict
	for i := range 20 {
		f := clean()
		f.Vulnerabilities = slices.Clone(vs)
		// Each rotation of the input.
		f.Vulnerabilities = append(f.Vulnerabilities[i%len(vs):], f.Vulnerabilities[:i%len(vs)]...)
		if i >= len(vs) {
			slices.Reverse(f.Vulnerabilities)
		}
		v := judge(t, p, f, at)
		if i == 0 {
			first = v
			continue
		}
		if show(v) != show(first) {
			t.Fatalf("order %d:\n%s\n%s", i, show(v), show(first))
		}
	}
	var ids []string
	for _, u := range first.Vulnerabilities {
		ids = append(ids, u.VulID)
	}
	if !slices.IsSorted(ids) || len(first.Suppressed) != 2 || first.Suppressed[0].VulID != "CVE-A" || first.Suppressed[1].VulID != "CVE-C" {
		t.Errorf("%+v", first)
	}
	if first.Vulnerabilities[0].CVSS != nil || *first.Vulnerabilities[1].CVSS != 1 {
		t.Errorf("scores not sorted with none first: %+v", first.Vulnerabilities[:3])
	}
}

// The gate keeps its own copy: changing the policy after New changes nothing.
func TestNewCopiesPolicy(t *testing.T) {
	p := Default()
	p.MaxCVSS = ptr(9.0)
	p.Exceptions = []Exception{{VulID: "CVE-1", Reason: "r", Expires: expiry("2027-01-31")}}
	g, err := New(p, known)
	if err != nil {
		t.Fatal(err)
	}
	*p.MaxCVSS = 10
	p.Exceptions[0].Expires = expiry("2026-01-01")
	f := clean()
	f.Vulnerabilities = []Vulnerability{{VulID: "CVE-2", RepairNecessity: "delay_repair", CVSS: ptr(9.5)}, urgent("CVE-1")}
	if v := g.Judge(f, at); len(v.Refusals) != 1 || !strings.Contains(v.Refusals[0], "CVSS 9.5 is above max_cvss 9") || len(v.Suppressed) != 1 {
		t.Errorf("%+v", v)
	}
}

// New refuses a policy Validate refuses, and the zero Policy.
func TestNewRefusesInvalid(t *testing.T) {
	for name, p := range map[string]Policy{
		"zero":          {},
		"NaN max_cvss":  func() Policy { p := Default(); p.MaxCVSS = ptr(math.NaN()); return p }(),
		"unknown level": func() Policy { p := Default(); p.RefuseRepairNecessity = []string{"immediate"}; return p }(),
		"no expiry":     func() Policy { p := Default(); p.Exceptions = []Exception{{VulID: "CVE-1", Reason: "r"}}; return p }(),
	} {
		g, err := New(p, known)
		var probs Problems
		if g != nil || !errors.As(err, &probs) || len(probs) == 0 {
			t.Errorf("%s: New = %v, %v", name, g, err)
		}
	}
	// With no known set, every repair necessity named is refused: none is judged unknown-as-mild.
	if _, err := New(Default(), nil); err == nil {
		t.Error("New with no known repair necessities accepted immediate_repair")
	}
}

// show writes a verdict with its scores, not their addresses.
func show(v Verdict) string {
	s := fmt.Sprintf("%v %q %+v", v.Allowed, v.Refusals, v.Suppressed)
	for _, u := range v.Vulnerabilities {
		score := "none"
		if u.CVSS != nil {
			score = fmt.Sprint(*u.CVSS)
		}
		s += fmt.Sprintf(" {%s %s %s %s %s %v %v}", u.VulID, u.RepairNecessity, u.AppName, u.Version, score, u.Refuses, u.Excepted)
	}
	return s
}

// Images judged at once by one gate agree with images judged one by one (run with -race).
func TestJudgeConcurrently(t *testing.T) {
	p := Default()
	p.Exceptions = []Exception{{VulID: "CVE-1", Reason: "r", Expires: expiry("2027-01-31"), Images: []string{"api"}}}
	g, err := New(p, known)
	if err != nil {
		t.Fatal(err)
	}
	facts := make([]Facts, 16)
	want := make([]string, len(facts))
	for i := range facts {
		facts[i] = clean()
		facts[i].Key = []string{"api", "worker"}[i%2]
		facts[i].Vulnerabilities = []Vulnerability{urgent("CVE-1"), urgent(fmt.Sprint("CVE-", i))}
		want[i] = show(g.Judge(facts[i], at))
	}
	got := make([]string, len(facts))
	var wg sync.WaitGroup
	for i := range facts {
		wg.Go(func() { got[i] = show(g.Judge(facts[i], at)) })
	}
	wg.Wait()
	if !slices.Equal(got, want) {
		t.Errorf("concurrent verdicts differ:\n%q\n%q", got, want)
	}
}
