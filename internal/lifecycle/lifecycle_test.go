package lifecycle

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

// Every row of the data files loads, and is what a lookup of its own release answers.
func TestEveryRowAnswers(t *testing.T) {
	tb := table(t)
	if len(tb.Rows) < 200 {
		t.Fatalf("%d rows", len(tb.Rows))
	}
	if tb.Date.Format(time.DateOnly) != Snapshot {
		t.Fatalf("table date %s, snapshot %s", tb.Date, Snapshot)
	}
	dists := map[string]int{}
	read := regexp.MustCompile(`\bread 20[0-9]{2}-[0-9]{2}-[0-9]{2}: https://`)
	for _, r := range tb.Rows {
		dists[r.Distribution]++
		a := tb.Lookup(r.Distribution, r.Release, r.Released)
		if !a.Known || a.Distribution != r.Distribution || a.Release != r.Release || a.Source != r.Source || !a.EOL.Equal(r.EOL) ||
			!a.Extended.Equal(r.Extended) || !a.TableDate.Equal(tb.Date) {
			t.Errorf("%s %s: %+v", r.Distribution, r.Release, a)
		}
		// On its release day a release is supported, unless it was released already ended.
		if !r.EOL.IsZero() && r.EOL.After(r.Released) && !a.Supported {
			t.Errorf("%s %s is not supported on its release day", r.Distribution, r.Release)
		}
		if !strings.HasPrefix(r.Source, "endoflife.date "+Snapshot+": https://endoflife.date/") && !read.MatchString(r.Source) {
			t.Errorf("%s %s: source %q names neither the snapshot %s nor the day it was read", r.Distribution, r.Release, r.Source, Snapshot)
		}
	}
	for d, s := range supports {
		if (dists[d] > 0) != (s.Standard != "") {
			t.Errorf("%s: %d rows, but its note says standard support is %q", d, dists[d], s.Standard)
		}
		if dists[d] > 0 && !strings.Contains(Covered, s.Name) {
			t.Errorf("Covered does not name %s", s.Name)
		}
	}
	for _, d := range []string{"almalinux", "alpine", "amazon", "centos", "centos-stream", "debian", "fedora", "openeuler", "opensuse", "oracle", "photon", "rhel", "rocky", "sl-micro", "sles", "ubuntu"} {
		if dists[d] == 0 {
			t.Errorf("no rows for %s", d)
		}
	}
	// Families without a dated public lifecycle stay without rows: unknown, never guessed.
	for _, d := range []string{"hce", "euleros", "kylin", "uos", "ctyunos", "azurelinux", "mariner", "wolfi", "chainguard", "opensuse-tumbleweed"} {
		if dists[d] != 0 {
			t.Errorf("%d rows for %s", dists[d], d)
		}
	}
}

const header = "distribution,release,release_date,eol_date,extended_support_until,source\n"

func mapFS(snapshot, vendor string) fstest.MapFS {
	return fstest.MapFS{
		Files[0]: {Data: []byte("# generated\n" + header + snapshot)},
		Files[1]: {Data: []byte("# by hand\n" + header + vendor)},
	}
}

// A vendor row for a release the snapshot holds replaces the snapshot's row, and its source says
// what it replaced; other rows are added.
func TestCorrections(t *testing.T) {
	const eold = "endoflife.date 2026-08-22: https://endoflife.date/debian"
	const deb = "debian.org read 2026-12-01: https://www.debian.org/security/faq"
	tb, err := build(mapFS(
		"debian,12,2023-06-10,2026-07-11,2028-06-30,"+eold+"\ndebian,11,2021-08-14,2024-08-14,2026-08-31,"+eold+"\n",
		"debian,12,2023-06-10,2026-06-10,2028-06-30,"+deb+"\nopeneuler,22.03-lts-sp3,2023-12-31,2025-12-31,,openeuler.org read 2026-12-01: https://www.openeuler.org/\n",
	), "2026-08-22")
	if err != nil {
		t.Fatal(err)
	}
	if len(tb.Rows) != 3 {
		t.Fatalf("%d rows: %+v", len(tb.Rows), tb.Rows)
	}
	at := day("2026-06-10T12:00:00Z")
	a := tb.Lookup("Debian", "12", at)
	if a.EOL.Format(time.DateOnly) != "2026-06-10" || a.Supported || !a.ExtendedSupported ||
		a.Source != deb+"; corrects "+eold+" (release_date 2023-06-10, eol_date 2026-07-11, extended_support_until 2028-06-30)" {
		t.Fatalf("%+v", a)
	}
	if a := tb.Lookup("Debian", "11", at); a.Source != eold || a.EOL.Format(time.DateOnly) != "2024-08-14" {
		t.Fatalf("%+v", a)
	}
	if a := tb.Lookup("openEuler", "22.03 (LTS-SP3)", at); !a.Known || a.Release != "22.03-lts-sp3" || a.Supported {
		t.Fatalf("%+v", a)
	}
	// A correction of the extended end alone is a correction.
	tb2, err := build(mapFS("debian,11,2021-08-14,2024-08-14,2026-08-31,"+eold+"\n", "debian,11,2021-08-14,2024-08-14,2026-09-30,"+deb+"\n"), "2026-08-22")
	if err != nil || tb2.Rows[0].Extended.Format(time.DateOnly) != "2026-09-30" || !strings.Contains(tb2.Rows[0].Source, "corrects") {
		t.Fatalf("%v %+v", err, tb2)
	}
	if !tb.Date.Equal(day("2026-08-22T00:00:00Z")) {
		t.Fatalf("date %s", tb.Date)
	}

	for _, c := range []struct{ vendor, want string }{
		// After a refresh brings a row in, the vendor copy is refused.
		{"debian,11,2021-08-14,2024-08-14,2026-08-31," + deb + "\n", "vendor.csv:3: debian 11 repeats the row of " + eold + "; delete it"},
		{"debian,12,2023-06-10,2026-06-10,2028-06-30,https://www.debian.org/security/faq\n", `does not say the day it was read`},
		{"debian,12,2023-06-10,2026-06-10,2028-06-30,read 2026-13-01: https://www.debian.org/\n", `read date "2026-13-01" is not a date`},
		{"debian,12,2023-06-10,2026-06-10,2028-06-30," + deb + "\ndebian,12,2023-06-10,2026-06-11,2028-06-30," + deb + "\n", "vendor.csv:4: debian 12 is listed twice"},
	} {
		if _, err := build(mapFS("debian,11,2021-08-14,2024-08-14,2026-08-31,"+eold+"\n", c.vendor), "2026-08-22"); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: %v, want %q", c.vendor, err, c.want)
		}
	}
	if _, err := build(mapFS("", ""), "22 August"); err == nil || !strings.Contains(err.Error(), "snapshot") {
		t.Errorf("a snapshot that is no date: %v", err)
	}
	if _, err := build(fstest.MapFS{}, "2026-08-22"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("no files: %v", err)
	}
}

// A data file with a malformed row does not load, and the error names the file, line and fault.
func TestMalformedRows(t *testing.T) {
	const src = "https://example.com/lifecycle"
	for _, c := range []struct{ body, want string }{
		{"debian,9,2017-06-17,2020-07-18,2022-07-01," + src + "\ndebian,9,2017-06-17,2020-07-18,," + src + "\n", "x.csv:4: debian 9 is listed twice"},
		{"debian,9,2017-6-17,2020-07-18,," + src + "\n", `release_date "2017-6-17" is not a date`},
		{"debian,9,2017-06-17,2020-13-18,," + src + "\n", `eol_date "2020-13-18" is not a date`},
		{"debian,9,2017-06-17,2020-07-18,2022-02-30," + src + "\n", `extended_support_until "2022-02-30" is not a date`},
		{"debian,9,2017-06-17,2016-07-18,," + src + "\n", "eol_date 2016-07-18 is before release_date 2017-06-17"},
		{"debian,9,2017-06-17,2020-07-18,2019-01-01," + src + "\n", "does not follow eol_date"},
		{"debian,9,2017-06-17,,2019-01-01," + src + "\n", "does not follow eol_date"},
		{"debain,9,2017-06-17,2020-07-18,," + src + "\n", `unknown distribution "debain"`},
		{"debian,nine,2017-06-17,2020-07-18,," + src + "\n", `release "nine" is not a version`},
		{"openeuler,22.03-LTS-SP3,2023-12-31,2025-12-31,," + src + "\n", `release "22.03-LTS-SP3" is not a version`},
		{"openeuler,22.03-lts-sp,2023-12-31,2025-12-31,," + src + "\n", `release "22.03-lts-sp" is not a version`},
		{"openeuler,22.03-sp3,2023-12-31,2025-12-31,," + src + "\n", `release "22.03-sp3" is not a version`},
		{"debian,9,2017-06-17,2020-07-18,,\n", "source names no https:// page"},
		{"debian,9,2017-06-17,2020-07-18,,http://example.com/\n", "source names no https:// page"},
		{"debian,9,2017-06-17,2020-07-18," + src + "\n", "wrong number of fields"},
	} {
		var tb Table
		err := tb.read("x.csv", []byte("# comment\n"+header+c.body), false)
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "x.csv") {
			t.Errorf("%q: %v", c.body, err)
		}
	}
	var tb Table
	if err := tb.read("x.csv", []byte("distribution,release,release_date,eol,extended_support_until,source\n"), false); err == nil || !strings.Contains(err.Error(), "columns") {
		t.Errorf("header: %v", err)
	}
	if err := tb.read("x.csv", []byte(header+"openeuler,24.03-lts-sp1,2024-12-31,2026-12-31,,"+src+"\nopeneuler,24.03-lts,2024-06-04,2026-05-31,,"+src+"\n"), false); err != nil {
		t.Errorf("openEuler releases: %v", err)
	}
}

// A table is stale once at is more than 180 calendar days (UTC) after its date.
func TestStale(t *testing.T) {
	date := day("2026-08-22T00:00:00Z")
	for _, c := range []struct {
		at    string
		stale bool
	}{
		{"2026-08-01T00:00:00Z", false}, // before the table
		{"2026-08-22T00:00:00Z", false},
		{"2027-02-18T23:59:59Z", false}, // 180 days
		{"2027-02-19T07:59:59+08:00", false},
		{"2027-02-19T00:00:00Z", true}, // 181 days
		{"2027-02-18T20:00:00-04:00", true},
		{"2036-01-01T00:00:00Z", true},
		{"9999-12-31T23:59:59Z", true},
	} {
		if got := Stale(date, day(c.at)); got != c.stale {
			t.Errorf("at %s: stale %v", c.at, got)
		}
	}
	tb := table(t)
	if tb.Stale(tb.Date.AddDate(0, 0, StaleAfterDays)) || !tb.Stale(tb.Date.AddDate(0, 0, StaleAfterDays+1)) {
		t.Error("the table's own date is not what Stale counts from")
	}
}

// The function's docs page lists every distribution, by name and ID, the snapshot's date and
// the staleness bound.
func TestDocsListEveryDistribution(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "templates", "functions", "os_lifecycle.md.tmpl"))
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	for _, d := range Distributions {
		if !strings.Contains(doc, supports[d].Name) || !strings.Contains(doc, "`"+d+"`") {
			t.Errorf("the docs do not list %s (`%s`)", supports[d].Name, d)
		}
	}
	for _, s := range []string{"product files of " + Snapshot, strconv.Itoa(StaleAfterDays) + " days", strconv.Itoa(MaxInputBytes) + " bytes"} {
		if !strings.Contains(doc, s) {
			t.Errorf("the docs do not say %q", s)
		}
	}
}
