package gate

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// maxLine bounds a refusal: a fixed sentence around a few values of at most maxValue bytes each.
const maxLine = 8 * maxValue

// Judge never panics, allows exactly when it refuses nothing, refuses what must be refused
// whatever the policy says, and writes every refusal as one bounded, printable line.
func FuzzJudge(f *testing.F) {
	f.Add("swr.example.com/team/api:1", true, false, "success", int64(3600), "Debian", "12", true, int64(200), true, true,
		"CVE-2024-6387", "immediate_repair", 8.1, true, "CVE-2024-6387", int64(86400), 0, int64(0), 8.9, true, int64(0), false, "")
	f.Add("", false, true, "failed", int64(-1), "hce", "2.0", false, int64(0), false, false,
		"", "urgent", -1.0, false, "cve-1", int64(-1), -1, int64(7*86400), 11.0, false, int64(-5), true, "hce 2.0")
	f.Add("\x1b]0;x\x07", true, true, "success", int64(1<<40), "\u202e", "\xff", true, int64(-3), true, true,
		"\x00", "", 0.0, true, "", int64(0), 3, int64(1), 0.0, true, int64(1<<40), true, "\u212a")
	f.Fuzz(func(t *testing.T, ref string, resolved, digested bool, status string, scanAgo int64,
		osName, osVersion string, osKnown bool, daysLeft int64, hasDays, osSupported bool,
		vulID, rn string, cvss float64, hasCVSS bool, excVul string, excLeft int64, malicious int,
		maxAgeSecs int64, maxCVSS float64, hasMaxCVSS bool, minDays int64, extended bool, allow string) {
		// Durations in seconds within ±136 years, so none overflows.
		scanAgo, excLeft, maxAgeSecs = scanAgo%(1<<32), excLeft%(1<<32), maxAgeSecs%(1<<32)
		p := Default()
		p.RequireDigest = digested
		p.MaxScanAge = time.Duration(maxAgeSecs) * time.Second
		if hasMaxCVSS {
			p.MaxCVSS = &maxCVSS
		}
		p.OSMinDaysLeft = minDays
		if extended {
			p.OSSupport = SupportExtended
		}
		p.OSAllow = []string{allow}
		p.Exceptions = []Exception{{VulID: excVul, Reason: "r", Expires: at.Add(time.Duration(excLeft) * time.Second)}}
		g, err := New(p, known)
		if err != nil {
			if len(Validate(p, nil, known)) == 0 {
				t.Fatalf("New refused a policy Validate accepts: %v", err)
			}
			return
		}
		s := Support{Supported: osSupported, DaysLeft: daysLeft, HasDaysLeft: hasDays}
		if hasDays {
			s.End = at.AddDate(0, 0, int(daysLeft%100000))
		}
		v := Vulnerability{VulID: vulID, RepairNecessity: rn, AppName: osName, Version: osVersion}
		if hasCVSS {
			v.CVSS = &cvss
		}
		fa := Facts{Key: "api", Reference: ref, Digested: !digested, Resolved: resolved, ResolveError: ref, ScanStatus: status,
			LatestScan:      at.Add(-time.Duration(scanAgo) * time.Second),
			BaseOS:          []OS{{Name: osName, Version: osVersion, Known: osKnown, Release: osVersion, Standard: s, Note: rn}},
			Vulnerabilities: []Vulnerability{v, v}, MaliciousFiles: &malicious, UnsafeSettings: &malicious}
		got := g.Judge(fa, at)
		if got.Allowed != (len(got.Refusals) == 0) {
			t.Fatalf("allowed %v with %q", got.Allowed, got.Refusals)
		}
		mustRefuse := map[string]bool{
			"unresolved":          !resolved,
			"undigested":          digested, // the facts carry the opposite
			"scan status":         status != ScanSuccess,
			"malicious files":     malicious != 0,
			"unknown OS":          !osKnown && AllowKey(osName, osVersion) != AllowKey(allow, ""),
			"ended OS":            osKnown && (!osSupported || hasDays && daysLeft <= 0),
			"too few days":        osKnown && hasDays && daysLeft < minDays,
			"end with no days":    false,
			"unknown necessity":   rn != "immediate_repair" && rn != "delay_repair" && rn != "not_needed_repair",
			"immediate necessity": rn == "immediate_repair",
			"no score":            hasMaxCVSS && (!hasCVSS || !(cvss >= 0 && cvss <= 10) || cvss > maxCVSS),
		}
		excepted := asciiUpper(excVul) == asciiUpper(vulID) && excLeft >= 0
		for what, refuse := range mustRefuse {
			switch what {
			case "unknown necessity", "immediate necessity", "no score":
				refuse = refuse && !excepted
			}
			if refuse && got.Allowed {
				t.Errorf("allowed despite %s: %+v", what, fa)
			}
		}
		for _, r := range got.Refusals {
			if r == "" || len(r) > maxLine || !utf8.ValidString(r) || strings.ContainsFunc(r, func(c rune) bool {
				return c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f) || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069)
			}) {
				t.Errorf("refusal of %d bytes is not one safe line: %.300q", len(r), r)
			}
		}
		if !resolved && (len(got.Vulnerabilities) != 0 || len(got.Suppressed) != 0) {
			t.Errorf("an unresolved image was judged further: %+v", got)
		}
		if len(got.Vulnerabilities) != 2 && resolved {
			t.Errorf("considered %d of 2 vulnerabilities", len(got.Vulnerabilities))
		}
	})
}
