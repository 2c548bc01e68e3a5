package gate

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hsslabs/terraform-provider-hss/internal/termsafe"
)

// ScanSuccess is the one scan status that lets an image through.
const ScanSuccess = "success"

// MaxLinesPerRule bounds the refusals one rule adds for one image (vulnerabilities, base
// OSes): past it, one line counts the rest, which Verdict.Vulnerabilities still lists.
const MaxLinesPerRule = 100

// maxValue bounds each value a reason quotes, server text included.
const maxValue = 200

// maxResolveError bounds the resolver's reason, longer than a value: it shows both digests of a
// mismatch, or the candidates of an ambiguous reference, and is bounded where it is made.
const maxResolveError = 2000

// Gate is a policy ready to judge images: validated, its exceptions indexed by vulnerability.
// It is never changed after New, so images may be judged concurrently.
type Gate struct {
	p Policy
	// refused and known are repair necessities; allow holds AllowKey of each OSAllow entry.
	refused, known, allow map[string]bool
	// The latest-expiring exception (index into p.Exceptions) per vulnerability (ASCII
	// upper case) and image key, and per vulnerability for exceptions naming no image.
	forImage map[[2]string]int
	forAll   map[string]int
}

// New makes p ready to judge with. known are the repair necessities the SDK documents; a value
// outside them is judged as the most severe. A policy Validate finds problems with is refused
// (the error is Problems), so no image is ever judged by half a policy.
func New(p Policy, known []string) (*Gate, error) {
	if err := Validate(p, nil, known).Err(); err != nil {
		return nil, err
	}
	g := &Gate{p: p, refused: set(p.RefuseRepairNecessity), known: set(known), allow: map[string]bool{},
		forImage: map[[2]string]int{}, forAll: map[string]int{}}
	g.p.Exceptions = slices.Clone(p.Exceptions)
	if p.MaxCVSS != nil {
		limit := *p.MaxCVSS
		g.p.MaxCVSS = &limit
	}
	for _, a := range p.OSAllow {
		g.allow[AllowKey(a, "")] = true
	}
	later := func(i int, cur int, ok bool) bool {
		return !ok || g.p.Exceptions[i].Expires.After(g.p.Exceptions[cur].Expires)
	}
	for i, e := range g.p.Exceptions {
		v := asciiUpper(e.VulID)
		if len(e.Images) == 0 {
			if cur, ok := g.forAll[v]; later(i, cur, ok) {
				g.forAll[v] = i
			}
		}
		for _, k := range e.Images {
			if cur, ok := g.forImage[[2]string{v, k}]; later(i, cur, ok) {
				g.forImage[[2]string{v, k}] = i
			}
		}
	}
	return g, nil
}

// Verdict is the gate's answer for one image.
type Verdict struct {
	// Allowed is set exactly when there are no Refusals.
	Allowed bool
	// Refusals are the reasons, one line each, in the order of the rules and sorted within.
	Refusals []string
	// Suppressed are the exceptions that hid a refusal, by vul_id.
	Suppressed []Suppression
	// Vulnerabilities are the unhandled vulnerabilities considered, sorted by vul_id, app and
	// version.
	Vulnerabilities []Considered
}

// Suppression is an exception that applied to an image.
type Suppression struct {
	// Exception is its index in the policy's exceptions.
	Exception     int
	VulID, Reason string
	Expires       time.Time
	// Image is the key of the image it applied to.
	Image string
}

// Considered is one vulnerability as the gate judged it.
type Considered struct {
	VulID, RepairNecessity, AppName, Version string
	CVSS                                     *float64
	// Refuses is set when the policy refuses it; Excepted when a live exception covers it. It
	// refuses the image when Refuses and not Excepted.
	Refuses, Excepted bool
}

// Judge is the verdict on the image f describes, at the time at. Every rule fails closed: a
// fact missing or outside what HSS documents is refused, and an exception hides only the
// vulnerability it names, never an unresolved reference, a failed scan or an ended OS.
func (g *Gate) Judge(f Facts, at time.Time) Verdict {
	var v Verdict
	var r lines
	ref := quote(f.Reference)
	if !f.Resolved {
		r.add(fmt.Sprintf("reference %s did not resolve: %s", ref, orNone(termsafe.Text(f.ResolveError, maxResolveError), "no reason given")))
	}
	if g.p.RequireDigest && !f.Digested {
		r.add(fmt.Sprintf("reference %s carries no digest (require_digest)", ref))
	}
	if !f.Resolved {
		// Nothing else was read of an image that is not there.
		return v.done(r)
	}
	g.judgeScan(&r, f, at)
	g.judgeOS(&r, f)
	g.judgeVulnerabilities(&r, &v, f, at)
	for _, c := range []struct {
		refuse bool
		n      *int
		what   string
		rule   string
	}{{g.p.RefuseMaliciousFiles, f.MaliciousFiles, "malicious file", "refuse_malicious_files"},
		{g.p.RefuseUnsafeSettings, f.UnsafeSettings, "unsafe setting", "refuse_unsafe_settings"}} {
		switch {
		case !c.refuse:
		case c.n == nil:
			r.add(fmt.Sprintf("%ss were not read (%s)", c.what, c.rule))
		case *c.n < 0:
			r.add(fmt.Sprintf("%s count %d is not a count (%s)", c.what, *c.n, c.rule))
		case *c.n == 1:
			r.add(fmt.Sprintf("1 %s found (%s)", c.what, c.rule))
		case *c.n > 1:
			r.add(fmt.Sprintf("%d %ss found (%s)", *c.n, c.what, c.rule))
		}
	}
	return v.done(r)
}

func (v Verdict) done(r lines) Verdict {
	v.Refusals = r.list
	v.Allowed = len(v.Refusals) == 0
	return v
}

func (g *Gate) judgeScan(r *lines, f Facts, at time.Time) {
	if f.ScanStatus != ScanSuccess {
		s := fmt.Sprintf("scan status %s is not %q", quote(f.ScanStatus), ScanSuccess)
		if f.ScanFailedCode != "" || f.ScanFailedDesc != "" {
			s += fmt.Sprintf(" (scan_failed_code %s: %s)", quote(f.ScanFailedCode), orNone(text(f.ScanFailedDesc), "no description"))
		}
		r.add(s)
	}
	if g.p.MaxScanAge <= 0 {
		return
	}
	limit := FormatDuration(g.p.MaxScanAge)
	if f.LatestScan.IsZero() {
		r.add(fmt.Sprintf("no scan time, so its age cannot be held to max_scan_age %s", limit))
		return
	}
	// A scan stamped after at is as fresh as a scan can be.
	if age := at.Sub(f.LatestScan); age > g.p.MaxScanAge {
		r.add(fmt.Sprintf("latest scan %s is %s old, older than max_scan_age %s", f.LatestScan.UTC().Format(time.RFC3339), ageText(age), limit))
	}
}

func (g *Gate) judgeOS(r *lines, f Facts) {
	if len(f.BaseOS) == 0 {
		r.add("no base image answer, so the base OS cannot be judged")
		return
	}
	oses := slices.Clone(f.BaseOS)
	slices.SortStableFunc(oses, func(a, b OS) int { return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.Version, b.Version)) })
	var o lines
	for _, b := range oses {
		shown := strings.Join(strings.Fields(b.Name+" "+b.Version), " ")
		if !b.Known {
			if !g.allow[AllowKey(b.Name, b.Version)] {
				o.add(fmt.Sprintf("base OS %s is not in the lifecycle table and not in os_allow", quote(shown)))
			}
			continue
		}
		name := text(cmp.Or(b.Release, shown))
		level, s, suffix := g.p.OSSupport, b.Standard, ""
		if level == SupportExtended {
			if b.Extended != nil {
				s = *b.Extended
			} else {
				level, suffix = SupportStandard, " (it has no extended support)"
			}
		}
		var line string
		switch {
		case !s.HasDaysLeft && !s.End.IsZero():
			line = fmt.Sprintf("base OS %s: the lifecycle table gives an end of %s support (%s) but no days left", name, level, s.End.Format(time.DateOnly))
		case !s.Supported || s.HasDaysLeft && s.DaysLeft <= 0:
			line = fmt.Sprintf("base OS %s is past its end of %s support", name, level)
			if !s.End.IsZero() {
				line = fmt.Sprintf("base OS %s ended %s support on %s", name, level, s.End.Format(time.DateOnly))
			}
		case s.HasDaysLeft && s.DaysLeft < g.p.OSMinDaysLeft:
			line = fmt.Sprintf("base OS %s ends %s support in %d days", name, level, s.DaysLeft)
			if !s.End.IsZero() {
				line = fmt.Sprintf("base OS %s ends %s support on %s, in %d days", name, level, s.End.Format(time.DateOnly), s.DaysLeft)
			}
			line += fmt.Sprintf(", fewer than os_min_days_left %d", g.p.OSMinDaysLeft)
		default:
			// Supported, with enough days left or no announced end.
			continue
		}
		line += suffix
		if b.Note != "" {
			line += "; " + text(b.Note)
		}
		o.add(line)
	}
	r.merge(o, "base OS")
}

func (g *Gate) judgeVulnerabilities(r *lines, v *Verdict, f Facts, at time.Time) {
	v.Vulnerabilities = make([]Considered, len(f.Vulnerabilities))
	for i, u := range f.Vulnerabilities {
		v.Vulnerabilities[i] = Considered{VulID: u.VulID, RepairNecessity: u.RepairNecessity, AppName: u.AppName, Version: u.Version, CVSS: u.CVSS}
	}
	slices.SortStableFunc(v.Vulnerabilities, func(a, b Considered) int {
		return cmp.Or(cmp.Compare(a.VulID, b.VulID), cmp.Compare(a.AppName, b.AppName), cmp.Compare(a.Version, b.Version),
			cmp.Compare(a.RepairNecessity, b.RepairNecessity), cmpScore(a.CVSS, b.CVSS))
	})
	applied := map[int]bool{}
	var o lines
	for i := range v.Vulnerabilities {
		c := &v.Vulnerabilities[i]
		necessity, cvss := g.why(*c)
		c.Refuses = necessity != 0 || cvss != 0
		e, found := g.exception(c.VulID, f.Key)
		c.Excepted = found && !at.After(g.p.Exceptions[e].Expires)
		switch {
		case !c.Refuses:
		case c.Excepted:
			applied[e] = true
		case o.full():
			// Counted, not written: the line would be dropped.
			o.more++
		default:
			reasons := g.reasons(*c, necessity, cvss)
			if found {
				reasons = append(reasons, fmt.Sprintf("exception %s expired %s", Path{"exceptions", e}, FormatExpiry(g.p.Exceptions[e].Expires)))
			}
			what := text(c.VulID)
			if what == "" {
				what = quote(c.VulID)
			}
			if in := strings.TrimSpace(text(c.AppName) + " " + text(c.Version)); in != "" {
				what += " in " + in
			}
			o.add(fmt.Sprintf("vulnerability %s: %s", what, strings.Join(reasons, "; ")))
		}
	}
	for _, e := range slices.Sorted(maps.Keys(applied)) {
		x := g.p.Exceptions[e]
		v.Suppressed = append(v.Suppressed, Suppression{Exception: e, VulID: x.VulID, Reason: x.Reason, Expires: x.Expires, Image: f.Key})
	}
	slices.SortStableFunc(v.Suppressed, func(a, b Suppression) int { return cmp.Compare(a.VulID, b.VulID) })
	r.merge(o, "vulnerabilities")
}

// Why the policy refuses a vulnerability, exceptions aside, by rule; 0 is not at all.
const (
	unknownNecessity = 1 + iota
	refusedNecessity
	noScore
	notAScore
	aboveScore
)

// why says which rules refuse c: one of repair necessity, one of score, each 0 when it does not.
func (g *Gate) why(c Considered) (necessity, cvss int) {
	switch {
	case len(g.refused) == 0:
	case !g.known[c.RepairNecessity]:
		necessity = unknownNecessity
	case g.refused[c.RepairNecessity]:
		necessity = refusedNecessity
	}
	switch {
	case g.p.MaxCVSS == nil:
	case c.CVSS == nil:
		cvss = noScore
	case !(*c.CVSS >= 0 && *c.CVSS <= 10):
		cvss = notAScore
	case *c.CVSS > *g.p.MaxCVSS:
		cvss = aboveScore
	}
	return necessity, cvss
}

// reasons writes why's answer.
func (g *Gate) reasons(c Considered, necessity, cvss int) []string {
	var out []string
	switch necessity {
	case unknownNecessity:
		out = append(out, fmt.Sprintf("unknown repair necessity %s, judged as the most severe", quote(c.RepairNecessity)))
	case refusedNecessity:
		out = append(out, fmt.Sprintf("repair necessity %s is refused (refuse_repair_necessity)", c.RepairNecessity))
	}
	switch cvss {
	case noScore:
		out = append(out, fmt.Sprintf("no CVSS score, counted as above max_cvss %s", score(*g.p.MaxCVSS)))
	case notAScore:
		out = append(out, fmt.Sprintf("CVSS %s is not a score from 0 to 10, counted as above max_cvss %s", score(*c.CVSS), score(*g.p.MaxCVSS)))
	case aboveScore:
		out = append(out, fmt.Sprintf("CVSS %s is above max_cvss %s", score(*c.CVSS), score(*g.p.MaxCVSS)))
	}
	return out
}

// exception is the exception that decides for vulnerability vulID in image key: of those
// naming it, for this image or for every image, the one expiring last (the first written on a
// tie). Whether it is live is the caller's question.
func (g *Gate) exception(vulID, key string) (int, bool) {
	v := asciiUpper(vulID)
	i, forImage := g.forImage[[2]string{v, key}]
	j, forAll := g.forAll[v]
	switch {
	case !forAll:
		return i, forImage
	case !forImage:
		return j, true
	}
	ei, ej := g.p.Exceptions[i].Expires, g.p.Exceptions[j].Expires
	if ej.After(ei) || ej.Equal(ei) && j < i {
		return j, true
	}
	return i, true
}

// lines are one rule's refusals: consecutive repeats dropped, at most MaxLinesPerRule kept.
type lines struct {
	list []string
	more int
}

func (l *lines) full() bool { return len(l.list) >= MaxLinesPerRule }

func (l *lines) add(s string) {
	switch {
	case len(l.list) > 0 && l.list[len(l.list)-1] == s:
	case l.full():
		l.more++
	default:
		l.list = append(l.list, s)
	}
}

// merge adds o's lines to l, and one line counting those o left out.
func (l *lines) merge(o lines, what string) {
	l.list = append(l.list, o.list...)
	switch {
	case o.more == 1:
		l.list = append(l.list, "and 1 more refusal of "+what)
	case o.more > 1:
		l.list = append(l.list, fmt.Sprintf("and %d more refusals of %s", o.more, what))
	}
}

func set(values []string) map[string]bool {
	m := make(map[string]bool, len(values))
	for _, v := range values {
		m[v] = true
	}
	return m
}

// text is server or user text made one safe, bounded line.
func text(s string) string { return termsafe.Text(s, maxValue) }

// quote is text in double quotes, so an empty or odd value shows as one.
func quote(s string) string { return `"` + text(s) + `"` }

func orNone(s, none string) string { return cmp.Or(s, none) }

func score(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// cmpScore orders scores with none first; NaN sorts as cmp.Compare puts it.
func cmpScore(a, b *float64) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return -1
	case b == nil:
		return 1
	}
	return cmp.Compare(*a, *b)
}

// ageText writes an age in days and the rest, rounded up to the second (so an age past a limit
// never reads as the limit): 16d2h0m5s.
func ageText(d time.Duration) string {
	const day = 24 * time.Hour
	d = (d + time.Second - 1).Truncate(time.Second)
	if d < day {
		return d.String()
	}
	s := strconv.FormatInt(int64(d/day), 10) + "d"
	if rest := d % day; rest != 0 {
		s += rest.String()
	}
	return s
}

// asciiLower and asciiUpper change ASCII letters only, byte by byte, so no two different
// strings (invalid UTF-8 and look-alikes included) become one unless they differ in ASCII case.
func asciiLower(s string) string { return asciiCase(s, 'A', 'Z') }

func asciiUpper(s string) string { return asciiCase(s, 'a', 'z') }

// asciiCase flips the case of the letters from lo to hi: ASCII upper and lower case differ in
// the one bit 0x20.
func asciiCase(s string, lo, hi byte) string {
	i := 0
	for i < len(s) && (s[i] < lo || s[i] > hi) {
		i++
	}
	if i == len(s) {
		return s
	}
	b := []byte(s)
	for ; i < len(b); i++ {
		if lo <= b[i] && b[i] <= hi {
			b[i] ^= 0x20
		}
	}
	return string(b)
}
