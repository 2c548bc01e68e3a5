package lifecycle

import (
	"strings"
	"testing"
	"time"
)

func table(t *testing.T) *Table {
	t.Helper()
	tb, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	return tb
}

func day(s string) time.Time {
	d, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return d
}

// Every row of the data files loads, and is what a lookup of its own release answers.
func TestEveryRowAnswers(t *testing.T) {
	tb := table(t)
	if len(tb.Rows) < 200 {
		t.Fatalf("%d rows", len(tb.Rows))
	}
	dists := map[string]int{}
	for _, r := range tb.Rows {
		dists[r.Distribution]++
		a := tb.Lookup(r.Distribution, r.Release, r.Released)
		if !a.Known || a.Distribution != r.Distribution || a.Release != r.Release || a.Source != r.Source || !a.EOL.Equal(r.EOL) || !a.Extended.Equal(r.Extended) {
			t.Errorf("%s %s: %+v", r.Distribution, r.Release, a)
		}
		// On its release day a release is supported, unless it was released already ended.
		if !r.EOL.IsZero() && r.EOL.After(r.Released) && !a.Supported {
			t.Errorf("%s %s is not supported on its release day", r.Distribution, r.Release)
		}
		if strings.HasPrefix(r.Source, "endoflife.date") && !strings.HasPrefix(r.Source, "endoflife.date "+Snapshot+": https://endoflife.date/") {
			t.Errorf("%s %s: source %q does not name the snapshot %s", r.Distribution, r.Release, r.Source, Snapshot)
		}
	}
	for _, d := range []string{"almalinux", "alpine", "amazon", "centos", "centos-stream", "debian", "fedora", "opensuse", "oracle", "rhel", "rocky", "sles", "ubuntu"} {
		if dists[d] == 0 {
			t.Errorf("no rows for %s", d)
		}
	}
}

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
		{"CentOS Linux", "7", "centos", "7", "2024-06-30", false},
		{"CentOS Stream", "9", "centos-stream", "9", "2027-05-31", true},
		{"Alpine", "3.18.4", "alpine", "3.18", "2025-05-09", false},
		{"Alpine Linux", "3.23.1", "alpine", "3.23", "2027-11-01", true},
		{"Ubuntu", "22.04.3", "ubuntu", "22.04", "2027-04-01", true},
		{"Ubuntu", "22.04 LTS", "ubuntu", "22.04", "2027-04-01", true},
		{"Ubuntu", "20.04", "ubuntu", "20.04", "2025-05-31", false},
		{"Red Hat Enterprise Linux", "8.10", "rhel", "8", "2029-05-31", true},
		{"Rocky Linux", "9.4", "rocky", "9", "2032-05-31", true},
		{"AlmaLinux", "9.4", "almalinux", "9", "2032-05-31", true},
		{"Amazon Linux", "2023.5.20240805", "amazon", "2023", "2029-06-30", true},
		{"Amazon Linux", "2.0.20260817.0", "amazon", "2", "2026-06-30", false},
		{"SUSE Linux Enterprise Server", "15-SP6", "sles", "15.6", "2025-12-31", false},
		{"SLES", "15 SP7", "sles", "15.7", "2031-07-31", true},
		{"sles", "15", "sles", "15.0", "2019-12-31", false},
		{"openSUSE Leap", "15.6", "opensuse", "15.6", "2026-04-30", false},
		{"Oracle Linux Server", "9.4", "oracle", "9", "2032-06-30", true},
		{"Fedora Linux", "43", "fedora", "43", "2026-12-09", true},
		{"Fedora", "v41", "fedora", "41", "2025-12-15", false},
	} {
		a := tb.Lookup(c.name, c.version, at)
		if !a.Known || a.Distribution != c.dist || a.Release != c.release || a.EOL.Format(time.DateOnly) != c.eol || a.Supported != c.supported || a.EndOfLife == c.supported {
			t.Errorf("%q %q: %+v", c.name, c.version, a)
		}
	}
}

// An unknown name or version is never supported, and says what it recognised.
func TestUnknownIsNeverSupported(t *testing.T) {
	tb := table(t)
	at := day("2026-12-02T10:00:00Z")
	for _, c := range []struct{ name, version, dist string }{
		{"Huawei Cloud EulerOS", "2.0", "hce"},
		{"EulerOS", "2.10", "euleros"},
		{"openEuler", "22.03 LTS SP4", "openeuler"},
		{"Kylin Linux Advanced Server", "V10", "kylin"},
		{"UnionTech OS Server", "20", "uos"},
		{"CTyunOS", "23.01", "ctyunos"},
		{"Debian", "", "debian"},
		{"Debian", "bookworm", "debian"},
		{"Debian", "99", "debian"},
		{"Ubuntu", "22", "ubuntu"},
		{"Ubuntu", "22.4", "ubuntu"},
		{"Alpine", "3", "alpine"},
		{"Alpine", "edge", "alpine"},
		{"openSUSE Leap", "15", "opensuse"},
		{"Windows Server", "2019", ""},
		{"", "9", ""},
		{"Debian 9", "9", ""},
		{"Deb", "9", ""},
	} {
		a := tb.Lookup(c.name, c.version, at)
		if a.Known || a.Supported || a.EndOfLife || a.HasDaysLeft || a.Release != "" || a.Source != "" || a.Distribution != c.dist {
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
	} {
		a := tb.Lookup("Debian", "9", day(c.at))
		if a.Supported != c.supported || a.EndOfLife == c.supported || !a.HasDaysLeft || a.DaysLeft != c.days {
			t.Errorf("at %s: %+v", c.at, a)
		}
	}
}

// A release with no announced end is supported, with nothing to count down to.
func TestNoEndAnnounced(t *testing.T) {
	a := table(t).Lookup("Oracle Linux", "10.0", day("2026-12-02T10:00:00Z"))
	if !a.Known || !a.Supported || a.EndOfLife || a.HasDaysLeft || !a.EOL.IsZero() {
		t.Fatalf("%+v", a)
	}
}

func TestExtendedSupport(t *testing.T) {
	a := table(t).Lookup("Debian", "11", day("2026-12-02T10:00:00Z"))
	if a.Extended.Format(time.DateOnly) != "2026-08-31" || a.EOL.Format(time.DateOnly) != "2024-08-14" || a.Supported {
		t.Fatalf("%+v", a)
	}
	if a := table(t).Lookup("Alpine", "3.20", day("2026-12-02T10:00:00Z")); !a.Extended.IsZero() {
		t.Fatalf("%+v", a)
	}
}

// A data file with a malformed row does not load, and the error names the file, line and fault.
func TestMalformedRows(t *testing.T) {
	const header = "distribution,release,release_date,eol_date,extended_support_until,source\n"
	const src = "https://example.com/lifecycle"
	for _, c := range []struct{ body, want string }{
		{"debian,9,2017-06-17,2020-07-18,2022-07-01," + src + "\ndebian,9,2017-06-17,2020-07-18,," + src + "\n", "x.csv:4: debian 9 is listed twice"},
		{"debian,9,2017-6-17,2020-07-18,," + src + "\n", `release_date "2017-6-17" is not a date`},
		{"debian,9,2017-06-17,2020-13-18,," + src + "\n", `eol_date "2020-13-18" is not a date`},
		{"debian,9,2017-06-17,2016-07-18,," + src + "\n", "eol_date 2016-07-18 is before release_date 2017-06-17"},
		{"debian,9,2017-06-17,2020-07-18,2019-01-01," + src + "\n", "does not follow eol_date"},
		{"debian,9,2017-06-17,,2019-01-01," + src + "\n", "does not follow eol_date"},
		{"debain,9,2017-06-17,2020-07-18,," + src + "\n", `unknown distribution "debain"`},
		{"debian,nine,2017-06-17,2020-07-18,," + src + "\n", `release "nine" is not a version`},
		{"debian,9,2017-06-17,2020-07-18,,\n", "source names no https:// page"},
		{"debian,9,2017-06-17,2020-07-18," + src + "\n", "wrong number of fields"},
	} {
		var tb Table
		err := tb.read("x.csv", []byte("# comment\n"+header+c.body))
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "x.csv") {
			t.Errorf("%q: %v", c.body, err)
		}
	}
	var tb Table
	if err := tb.read("x.csv", []byte("distribution,release,release_date,eol,extended_support_until,source\n")); err == nil || !strings.Contains(err.Error(), "columns") {
		t.Errorf("header: %v", err)
	}
}

// Every distribution a name maps to is one the table may hold, and each has a name.
func TestNames(t *testing.T) {
	has := map[string]bool{}
	for name, d := range names {
		has[d] = true
		if Distribution(name) != d {
			t.Errorf("%q is not its own key", name)
		}
		found := false
		for _, x := range Distributions {
			found = found || x == d
		}
		if !found {
			t.Errorf("%q maps to %q, which is not a distribution", name, d)
		}
	}
	for _, d := range Distributions {
		if !has[d] || Distribution(d) != d {
			t.Errorf("no name for %s", d)
		}
	}
}

func BenchmarkLookup(b *testing.B) {
	tb, err := Load()
	if err != nil {
		b.Fatal(err)
	}
	at := day("2026-12-02T10:00:00Z")
	b.ReportAllocs()
	for b.Loop() {
		tb.Lookup("Debian GNU/Linux", "12.5", at)
	}
}
