// Package gate is the deployment gate's policy: facts about an image, a policy and a time in,
// a verdict with its reasons out. It knows nothing of Terraform, the HSS SDK or the lifecycle
// table: the caller reads those and passes their answers in, so every rule here is a pure
// function and tested as one.
package gate

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// The support levels a policy can judge a base OS by.
const (
	SupportStandard = "standard"
	SupportExtended = "extended"
)

// Supports are the values of Policy.OSSupport.
var Supports = []string{SupportStandard, SupportExtended}

// MaxVulIDBytes bounds an exception's vul_id; HSS's IDs (CVE-2024-6387, USN-…) are far shorter.
const MaxVulIDBytes = 256

// Policy is what an image must satisfy to be deployed. Default gives the strict defaults;
// ParseWritten builds one from configuration.
type Policy struct {
	// OSMinDaysLeft refuses a base OS whose support (at OSSupport's level) ends in fewer days.
	OSMinDaysLeft int64
	// OSAllow names releases accepted although the lifecycle table does not know them, as
	// "<os_name> <os_version>", compared by AllowKey. A release the table knows is never
	// rescued by it.
	OSAllow []string
	// OSSupport is SupportStandard or SupportExtended: which end of support is judged.
	OSSupport string
	// MaxScanAge refuses a scan older than this, and an image with no scan time; 0 is no limit.
	MaxScanAge time.Duration
	// RefuseRepairNecessity refuses unhandled vulnerabilities of these repair necessities.
	RefuseRepairNecessity []string
	// MaxCVSS refuses an unhandled vulnerability scoring above it, or with no known score;
	// nil is no limit.
	MaxCVSS *float64
	// RefuseMaliciousFiles refuses an image with malicious files, or whose files were not read.
	RefuseMaliciousFiles bool
	// RefuseUnsafeSettings refuses an image with unsafe settings, or whose settings were not read.
	RefuseUnsafeSettings bool
	// RequireDigest refuses a reference that carries no digest.
	RequireDigest bool
	// Exceptions let named vulnerabilities through until they expire.
	Exceptions []Exception
}

// Exception lets one vulnerability through until Expires (inclusive), for Images (keys of the
// images judged; empty for every image).
type Exception struct {
	VulID   string
	Reason  string
	Expires time.Time
	Images  []string
}

// DefaultRefuseRepairNecessity is what RefuseRepairNecessity defaults to.
var DefaultRefuseRepairNecessity = []string{"immediate_repair"}

// Default is the policy with nothing written: strict where a mistake ships a vulnerable image
// (immediate repairs and malicious files refused, an ended OS refused), silent where the check
// needs a choice only the user can make (scan age, CVSS, digests, unsafe settings).
func Default() Policy {
	return Policy{
		OSSupport:             SupportStandard,
		RefuseRepairNecessity: slices.Clone(DefaultRefuseRepairNecessity),
		RefuseMaliciousFiles:  true,
	}
}

// Written is a policy as configuration states it: nil for an argument not written, which
// takes its default, and the textual forms of durations and dates. Lists are pointers because
// an empty list written ([]) is not the same as none written.
type Written struct {
	OSMinDaysLeft         *int64
	OSAllow               []string
	OSSupport             *string
	MaxScanAge            *string
	RefuseRepairNecessity *[]string
	MaxCVSS               *float64
	RefuseMaliciousFiles  *bool
	RefuseUnsafeSettings  *bool
	RequireDigest         *bool
	Exceptions            []WrittenException
}

// WrittenException is an exception as configuration states it.
type WrittenException struct {
	VulID   string
	Reason  string
	Expires string
	// Images nil: every image; written but empty is a problem, as a list computed empty
	// would otherwise widen an exception to every image.
	Images *[]string
}

// ParseWritten is the policy w states, defaults filled in, and every problem with it: its
// textual forms, then Validate's checks (imageKeys and known as Validate takes them), one
// problem per attribute at most. With any problem the policy is the zero Policy, which New
// refuses, so half a policy is never judged with.
func ParseWritten(w Written, imageKeys, known []string) (Policy, Problems) {
	p, probs := parseWritten(w)
	seen := map[string]bool{}
	for _, pr := range probs {
		seen[pr.Path.String()] = true
	}
	for _, pr := range Validate(p, imageKeys, known) {
		if !seen[pr.Path.String()] {
			probs = append(probs, pr)
		}
	}
	if len(probs) > 0 {
		return Policy{}, probs
	}
	return p, nil
}

func parseWritten(w Written) (Policy, Problems) {
	p := Default()
	var probs Problems
	if w.OSMinDaysLeft != nil {
		p.OSMinDaysLeft = *w.OSMinDaysLeft
	}
	p.OSAllow = slices.Clone(w.OSAllow)
	if w.OSSupport != nil {
		p.OSSupport = *w.OSSupport
	}
	if w.MaxScanAge != nil {
		d, err := ParseDuration(*w.MaxScanAge)
		switch {
		case err != nil:
			probs.add(Path{"max_scan_age"}, err.Error())
		case d == 0:
			probs.add(Path{"max_scan_age"}, "must be more than zero; leave max_scan_age out for no limit")
		default:
			p.MaxScanAge = d
		}
	}
	if w.RefuseRepairNecessity != nil {
		p.RefuseRepairNecessity = slices.Clone(*w.RefuseRepairNecessity)
	}
	if w.MaxCVSS != nil {
		v := *w.MaxCVSS
		p.MaxCVSS = &v
	}
	for _, b := range []struct {
		from *bool
		to   *bool
	}{{w.RefuseMaliciousFiles, &p.RefuseMaliciousFiles}, {w.RefuseUnsafeSettings, &p.RefuseUnsafeSettings}, {w.RequireDigest, &p.RequireDigest}} {
		if b.from != nil {
			*b.to = *b.from
		}
	}
	for i, we := range w.Exceptions {
		e := Exception{VulID: we.VulID, Reason: we.Reason}
		at := Path{"exceptions", i}
		// None written stays zero, which Validate reports.
		if we.Expires != "" {
			exp, err := ParseExpiry(we.Expires)
			if err != nil {
				probs.add(at.To("expires"), err.Error())
			}
			e.Expires = exp
		}
		if we.Images != nil {
			if len(*we.Images) == 0 {
				probs.add(at.To("images"), "is empty: name at least one key of images, or leave images out for every image")
			}
			e.Images = slices.Clone(*we.Images)
		}
		p.Exceptions = append(p.Exceptions, e)
	}
	return p, probs
}

// ParseDuration reads a duration as Go writes it ("168h", "90m", "1h30m") or a whole number of
// days ("7d", as Kyverno and Trivy users write it).
func ParseDuration(s string) (time.Duration, error) {
	const form = `write hours such as "168h" or days such as "7d"`
	if days, ok := strings.CutSuffix(s, "d"); ok && days != "" && strings.Trim(days, "0123456789") == "" {
		n, err := strconv.ParseInt(days, 10, 64)
		if err != nil || n > int64(math.MaxInt64/(24*time.Hour)) {
			return 0, fmt.Errorf("%s is more days than a duration holds; %s", quoteWritten(s), form)
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("%s is not a duration; %s", quoteWritten(s), form)
	}
	if d < 0 {
		return 0, fmt.Errorf("%s is negative; %s", quoteWritten(s), form)
	}
	return d, nil
}

// FormatDuration writes d in whole days when it is some ("7d"), as Go does otherwise.
func FormatDuration(d time.Duration) string {
	const day = 24 * time.Hour
	if d >= day && d%day == 0 {
		return strconv.FormatInt(int64(d/day), 10) + "d"
	}
	return d.String()
}

// ParseExpiry reads an exception's end: a date (YYYY-MM-DD), which ends at the end of that day
// UTC, or an RFC 3339 time, which is the last instant the exception applies.
func ParseExpiry(s string) (time.Time, error) {
	if d, err := time.Parse(time.DateOnly, s); err == nil {
		return d.Add(24*time.Hour - time.Nanosecond), nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%s is not a date (YYYY-MM-DD, the end of that day UTC) or an RFC 3339 time such as 2027-01-31T12:00:00Z", quoteWritten(s))
	}
	return t.UTC(), nil
}

// FormatExpiry writes an expiry as ParseExpiry reads it: the date alone when it is the end of a
// UTC day, an RFC 3339 time otherwise.
func FormatExpiry(t time.Time) string {
	t = t.UTC()
	if t.Hour() == 23 && t.Minute() == 59 && t.Second() == 59 && t.Nanosecond() == int(time.Second-time.Nanosecond) {
		return t.Format(time.DateOnly)
	}
	return t.Format(time.RFC3339Nano)
}

// AllowKey is the form OSAllow entries and a base OS are compared in: ASCII letters lower-cased
// (no Unicode folding, so a look-alike never matches) and runs of white space made one space.
func AllowKey(osName, osVersion string) string {
	return strings.Join(strings.Fields(asciiLower(osName+" "+osVersion)), " ")
}

// Validate lists every problem of p: values outside their ranges, repair necessities outside
// known (the SDK's set), and exceptions without a vul_id or reason, without an expiry, or
// naming an image that is not among imageKeys. With no imageKeys (not known yet) exception
// images are not checked against them.
func Validate(p Policy, imageKeys, known []string) Problems {
	var probs Problems
	if p.OSMinDaysLeft < 0 {
		probs.add(Path{"os_min_days_left"}, fmt.Sprintf("must be 0 or more days, got %d", p.OSMinDaysLeft))
	}
	for i, a := range p.OSAllow {
		if AllowKey(a, "") == "" {
			probs.add(Path{"os_allow", i}, `is empty: name a release as "<os_name> <os_version>", e.g. "Huawei Cloud EulerOS 2.0"`)
		}
	}
	if !slices.Contains(Supports, p.OSSupport) {
		probs.add(Path{"os_support"}, fmt.Sprintf("must be %q or %q, got %s", SupportStandard, SupportExtended, quoteWritten(p.OSSupport)))
	}
	if p.MaxScanAge < 0 {
		probs.add(Path{"max_scan_age"}, fmt.Sprintf("must be positive, got %s", p.MaxScanAge))
	}
	for i, r := range p.RefuseRepairNecessity {
		if !slices.Contains(known, r) {
			probs.add(Path{"refuse_repair_necessity", i}, fmt.Sprintf("%s is not a repair necessity: use %s", quoteWritten(r), strings.Join(known, ", ")))
		}
	}
	if p.MaxCVSS != nil && !(*p.MaxCVSS >= 0 && *p.MaxCVSS <= 10) {
		probs.add(Path{"max_cvss"}, fmt.Sprintf("must be a CVSS score from 0 to 10, got %v", *p.MaxCVSS))
	}
	keys := make(map[string]bool, len(imageKeys))
	for _, k := range imageKeys {
		keys[k] = true
	}
	for i, e := range p.Exceptions {
		at := Path{"exceptions", i}
		switch {
		case strings.TrimSpace(e.VulID) == "":
			probs.add(at.To("vul_id"), "is required: the ID of the vulnerability, e.g. CVE-2024-6387")
		case len(e.VulID) > MaxVulIDBytes:
			probs.add(at.To("vul_id"), fmt.Sprintf("is %d bytes; a vulnerability ID has at most %d", len(e.VulID), MaxVulIDBytes))
		case strings.IndexFunc(e.VulID, func(r rune) bool { return unicode.IsSpace(r) || !unicode.IsPrint(r) }) >= 0:
			probs.add(at.To("vul_id"), fmt.Sprintf("%s holds white space or a control character; write the ID alone, e.g. CVE-2024-6387", quoteWritten(e.VulID)))
		}
		if strings.TrimSpace(e.Reason) == "" {
			probs.add(at.To("reason"), "is required: say why this vulnerability may be deployed")
		}
		if e.Expires.IsZero() {
			probs.add(at.To("expires"), "is required: every exception ends (a date YYYY-MM-DD or an RFC 3339 time)")
		}
		if len(imageKeys) == 0 {
			continue
		}
		for j, k := range e.Images {
			if !keys[k] {
				probs.add(at.To("images", j), fmt.Sprintf("%s is not a key of images (%s)", quoteWritten(k), keyList(imageKeys)))
			}
		}
	}
	return probs
}

// quoteWritten quotes a value from configuration as written, white space kept and control
// characters escaped, cut to maxValue bytes.
func quoteWritten(s string) string {
	if len(s) <= maxValue {
		return strconv.Quote(s)
	}
	n := maxValue
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return strconv.Quote(s[:n]) + "…"
}

// keyList names the image keys for a message, sorted and bounded.
func keyList(keys []string) string {
	const most = 10
	s := slices.Sorted(slices.Values(keys))
	s = slices.Compact(s)
	more := len(s) - most
	if more > 0 {
		s = s[:most]
	}
	q := make([]string, len(s))
	for i, k := range s {
		q[i] = quoteWritten(k)
	}
	out := strings.Join(q, ", ")
	if more > 0 {
		out += fmt.Sprintf(" and %d more", more)
	}
	return out
}

// Path is where in the policy a problem is: attribute names (string) and list indexes (int),
// from the policy attribute down.
type Path []any

// To is the path of an attribute or index below p.
func (p Path) To(steps ...any) Path {
	return append(slices.Clip(p), steps...)
}

// String writes the path as Terraform shows it, e.g. policy.exceptions[0].images[1].
func (p Path) String() string {
	var b strings.Builder
	b.WriteString("policy")
	for _, s := range p {
		switch s := s.(type) {
		case int:
			fmt.Fprintf(&b, "[%d]", s)
		default:
			fmt.Fprintf(&b, ".%v", s)
		}
	}
	return b.String()
}

// Problem is one thing wrong with a policy, at its attribute.
type Problem struct {
	Path    Path
	Message string
}

func (p Problem) String() string { return p.Path.String() + ": " + p.Message }

// Problems are every problem of a policy; as an error, one line each.
type Problems []Problem

func (ps *Problems) add(p Path, msg string) { *ps = append(*ps, Problem{p, msg}) }

func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// Err is ps as an error, nil when there are none.
func (ps Problems) Err() error {
	if len(ps) == 0 {
		return nil
	}
	return ps
}

var _ error = Problems(nil)
