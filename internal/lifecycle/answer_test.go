package lifecycle

import (
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestLookup(t *testing.T) {
	tb := table(t)
	at := day("2026-12-02T10:00:00Z")
	for _, c := range []struct {
		name, version, dist, release string
		eol                          string
		supported                    bool
	}{
		{"Debian", "9", "debian", "9", "2020-07-18", false},
		{"Debian GNU/Linux", "12.5", "debian", "12", "2026-07-11", false},
		{"debian", "13", "debian", "13", "2028-08-09", true},
		{"  DEBIAN  ", "13.1", "debian", "13", "2028-08-09", true},
		{"Debian", "9 (stretch)", "debian", "9", "2020-07-18", false},
		{"CentOS", "7.9.2009", "centos", "7", "2024-06-30", false},
		{"CentOS Stream", "9", "centos-stream", "9", "2027-05-31", true},
		{"Alpine", "3.18.4", "alpine", "3.18", "2025-05-09", false},
		{"Alpine Linux", "3.23.1", "alpine", "3.23", "2027-11-01", true},
		{"Ubuntu", "22.04 LTS", "ubuntu", "22.04", "2027-04-01", true},
		{"Ubuntu", "20.04", "ubuntu", "20.04", "2025-05-31", false},
		{"Amazon Linux", "2.0.20260817.0", "amazon", "2", "2026-06-30", false},
		{"SLES", "15 SP7", "sles", "15.7", "2031-07-31", true},
		{"openSUSE Leap", "15.6", "opensuse", "15.6", "2026-04-30", false},
		{"Fedora Linux", "43", "fedora", "43", "2026-12-09", true},
		{"Fedora", "v41", "fedora", "41", "2025-12-15", false},
		{"openEuler", "22.03 (LTS-SP3)", "openeuler", "22.03-lts-sp3", "2025-12-31", false},
		{"openEuler", "22.03 (LTS-SP4)", "openeuler", "22.03-lts-sp4", "2026-06-30", false},
		{"openEuler", "24.03 (LTS-SP1)", "openeuler", "24.03-lts-sp1", "2026-12-31", true},
		{"openEuler", "24.03 (LTS-SP3)", "openeuler", "24.03-lts-sp3", "2027-12-31", true},
		{"SUSE Linux Micro", "6.0", "sl-micro", "6.0", "2028-06-30", true},
	} {
		a := tb.Lookup(c.name, c.version, at)
		if !a.Known || a.Distribution != c.dist || a.Release != c.release || a.EOL.Format(time.DateOnly) != c.eol || a.Supported != c.supported ||
			a.EndOfLife == c.supported || !a.HasDaysLeft || a.NoAnnouncedEnd {
			t.Errorf("%q %q: %+v", c.name, c.version, a)
		}
	}
}

// The last supported moment is the end of the day before eol_date, in UTC; days_left counts
// calendar days of UTC.
func TestEndOfLifeBoundary(t *testing.T) {
	tb := table(t)
	for _, c := range []struct {
		at        string
		supported bool
		days      int64
	}{
		{"2020-07-16T12:00:00Z", true, 2},
		{"2020-07-17T00:00:00Z", true, 1},
		{"2020-07-17T23:59:59Z", true, 1},
		{"2020-07-18T00:00:00Z", false, 0},
		{"2020-07-18T07:59:59+08:00", true, 1}, // 2020-07-17T23:59:59Z
		{"2020-07-18T08:00:00+08:00", false, 0},
		{"2020-07-19T00:00:00Z", false, -1},
		{"2026-12-02T10:00:00Z", false, -2328},
		{"0001-01-01T00:00:00Z", true, 737623},
		{"9999-12-31T23:59:59Z", false, -2914435},
	} {
		a := tb.Lookup("Debian", "9", day(c.at))
		if a.Supported != c.supported || a.EndOfLife == c.supported || !a.HasDaysLeft || a.DaysLeft != c.days {
			t.Errorf("at %s: %+v", c.at, a)
		}
	}
}

// Extended support is judged by extended_support_until, with the same day rule; a release
// without it is judged by its standard end, and the note says so.
func TestSupportLevels(t *testing.T) {
	tb := table(t)
	for _, c := range []struct {
		name, version, at   string
		supported, extended bool
		days, extendedDays  string // "" when absent
		note                string
	}{
		// Debian LTS is free: Debian 12 is past standard support, within extended.
		{"Debian", "12", "2026-12-02T10:00:00Z", false, true, "-144", "576", "Debian LTS, free, through the same security archive"},
		{"Debian", "12", "2028-06-29T23:59:59Z", false, true, "-719", "1", ""},
		{"Debian", "12", "2028-06-30T00:00:00Z", false, false, "-720", "0", ""},
		{"Debian", "12", "2026-07-10T12:00:00+02:00", true, true, "1", "721", ""},
		{"Ubuntu", "22.04", "2026-12-02T10:00:00Z", true, true, "120", "1955", "paid"},
		{"Ubuntu", "20.04", "2026-12-02T10:00:00Z", false, true, "-550", "1217", "Ubuntu Pro"},
		// An interim Ubuntu release has no ESM: extended is its standard end.
		{"Ubuntu", "25.10", "2026-06-30T23:59:59Z", true, true, "1", "", "this release has none, so extended is judged by the standard end"},
		{"Ubuntu", "25.10", "2026-07-01T00:00:00Z", false, false, "0", "", "this release has none"},
		{"Red Hat Enterprise Linux", "7", "2026-12-02T10:00:00Z", false, true, "-885", "911", "(ELS) add-on, paid"},
		{"SLES", "15 SP6", "2026-12-02T10:00:00Z", false, true, "-336", "760", "(LTSS), paid"},
		{"Oracle Linux", "7", "2026-12-02T10:00:00Z", false, true, "-701", "576", "Oracle Extended Support, paid"},
		// No extended support for the distribution at all.
		{"Alpine", "3.21", "2026-10-31T23:00:00Z", true, true, "1", "", "no extended support in the table, so extended is judged by the standard end"},
		{"Alpine", "3.21", "2026-11-01T00:00:00Z", false, false, "0", "", ""},
		{"openEuler", "22.03 (LTS-SP4)", "2026-12-02T10:00:00Z", false, false, "-155", "", "last day of its end month"},
	} {
		a := tb.Lookup(c.name, c.version, day(c.at))
		days, ext := "", ""
		if a.HasDaysLeft {
			days = strconv.FormatInt(a.DaysLeft, 10)
		}
		if a.HasExtendedDaysLeft {
			ext = strconv.FormatInt(a.ExtendedDaysLeft, 10)
		}
		if !a.Known || a.Supported != c.supported || a.ExtendedSupported != c.extended || days != c.days || ext != c.extendedDays ||
			!strings.Contains(a.SupportNote, c.note) || (ext != "") != !a.Extended.IsZero() {
			t.Errorf("%s %s at %s: supported %v extended %v days %q extended days %q, note %q", c.name, c.version, c.at, a.Supported, a.ExtendedSupported, days, ext, a.SupportNote)
		}
	}
}

// A release with no announced end is supported at both levels, with nothing to count down to,
// and says so in NoAnnouncedEnd.
func TestNoAnnouncedEnd(t *testing.T) {
	tb := table(t)
	for _, c := range [][2]string{{"Oracle Linux", "10.0"}, {"ol", "10"}, {"photon", "5.0"}} {
		a := tb.Lookup(c[0], c[1], day("2026-12-02T10:00:00Z"))
		if !a.Known || !a.NoAnnouncedEnd || !a.Supported || !a.ExtendedSupported || a.EndOfLife || a.HasDaysLeft || a.HasExtendedDaysLeft ||
			!a.EOL.IsZero() || !a.Extended.IsZero() || a.Note != "" {
			t.Errorf("%v: %+v", c, a)
		}
	}
	if a := tb.Lookup("Oracle Linux", "9", day("2026-12-02T10:00:00Z")); a.NoAnnouncedEnd {
		t.Errorf("%+v", a)
	}
	if a := tb.Lookup("hce", "2.0", day("2026-12-02T10:00:00Z")); a.NoAnnouncedEnd || a.Supported {
		t.Errorf("unknown: %+v", a)
	}
}

// Every distribution's note is one line, and says of each level with rows whether it is free.
func TestSupportNotes(t *testing.T) {
	for _, d := range Distributions {
		s := supports[d]
		n := supportNote(d, nil)
		if n == "" || strings.ContainsAny(n, "\n\r") || !strings.HasPrefix(n, s.Name+": ") || !strings.HasSuffix(n, ".") {
			t.Errorf("%s: %q", d, n)
		}
		if s.Standard == "" && !strings.Contains(n, "os_allow") {
			t.Errorf("%s: %q does not say how to allow it", d, n)
		}
		for _, level := range []string{s.Standard, s.Extended} {
			if level != "" && !strings.Contains(level, "free") && !strings.Contains(level, "paid") && !strings.Contains(level, "subscription") &&
				!strings.Contains(level, "support") {
				t.Errorf("%s: %q says nothing of its cost", d, level)
			}
		}
	}
}

func benchmark(b *testing.B, name, version string) {
	tb := table(b)
	at := day("2026-12-02T10:00:00Z")
	b.ReportAllocs()
	for b.Loop() {
		_, _ = tb.Query(name, version, at)
	}
}

// BenchmarkLookup is a lookup at the largest inputs accepted: 256-byte names and versions of the
// costliest shapes (most tokens, most dot-separated parts, a PRETTY_NAME to parse).
func BenchmarkLookup(b *testing.B) {
	pretty := "Debian GNU/Linux 12 (bookworm)"
	pretty += strings.Repeat(" x", (MaxInputBytes-len(pretty))/2)
	for _, c := range []struct{ name, os, version string }{
		{"typical", "Debian GNU/Linux", "12.5"},
		{"dots", "Debian", "1" + strings.Repeat(".1", (MaxInputBytes-1)/2)},
		{"tokens", "Debian", strings.Repeat("a ", MaxInputBytes/2)},
		{"pretty-name", pretty, "12 " + strings.Repeat("a ", (MaxInputBytes-3)/2)},
		{"digits", "Debian", strings.Repeat("9", MaxInputBytes)},
	} {
		b.Run(c.name, func(b *testing.B) { benchmark(b, c.os, c.version) })
	}
}

// BenchmarkLookupOverLong is the refusal of a 4 MB version, as a hostile image could carry.
func BenchmarkLookupOverLong(b *testing.B) {
	benchmark(b, "Debian", strings.Repeat("1.", 2<<20))
}
