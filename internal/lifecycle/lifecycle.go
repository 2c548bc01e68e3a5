// Package lifecycle answers whether an operating-system release is still supported on a given
// day, from a reviewed table embedded in the binary: the endoflife.date product files of the
// distributions container images are built on (data/endoflife-date.csv, generated), and vendor
// rows with their sources (data/vendor.csv). A release the table does not hold is unknown, and
// unknown is never supported.
package lifecycle

import (
	"bytes"
	"embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
)

//go:embed data/*.csv
var files embed.FS

// Snapshot is the date of the endoflife.date product files data/endoflife-date.csv was made from.
const Snapshot = "2026-08-22"

// Covered names, for people, the distributions the table has rows for.
const Covered = "AlmaLinux, Alpine Linux, Amazon Linux, CentOS, CentOS Stream, Debian, Fedora, openSUSE Leap, Oracle Linux, " +
	"Red Hat Enterprise Linux, Rocky Linux, SUSE Linux Enterprise Server and Ubuntu"

// Files are the table's data files, in the order they are read.
var Files = []string{"data/endoflife-date.csv", "data/vendor.csv"}

// Columns of every data file, in order.
var Columns = []string{"distribution", "release", "release_date", "eol_date", "extended_support_until", "source"}

// Row is one release cycle of a distribution.
type Row struct {
	Distribution string
	Release      string
	Released     time.Time
	// EOL is the end of standard (security) support; zero when none is announced yet.
	EOL time.Time
	// Extended is the end of extended support (Debian LTS, Ubuntu ESM, RHEL ELS, …); zero when
	// there is none.
	Extended time.Time
	Source   string
}

// Table is every row, indexed by distribution and release.
type Table struct {
	Rows  []Row
	index map[string]map[string]*Row
}

var (
	releasePattern = regexp.MustCompile(`^[0-9]+(\.[0-9]+)*$`)
	leadingVersion = regexp.MustCompile(`^[0-9]+(\.[0-9]+)*`)
	servicePack    = regexp.MustCompile(`^([0-9]+)[\s._-]*sp([0-9]+)`)
)

// Load returns the embedded table, parsed once.
var Load = sync.OnceValues(func() (*Table, error) {
	t := &Table{index: map[string]map[string]*Row{}}
	for _, name := range Files {
		b, err := files.ReadFile(name)
		if err != nil {
			return nil, err
		}
		if err := t.read(name, b); err != nil {
			return nil, err
		}
	}
	for i := range t.Rows {
		r := &t.Rows[i]
		if t.index[r.Distribution] == nil {
			t.index[r.Distribution] = map[string]*Row{}
		}
		t.index[r.Distribution][r.Release] = r
	}
	return t, nil
})

// read parses one data file, checking every row: the columns, well-formed dates, a release not
// ending before it began, a known distribution, a source, and no release twice.
func (t *Table) read(name string, b []byte) error {
	cr := csv.NewReader(bytes.NewReader(b))
	cr.Comment = '#'
	cr.FieldsPerRecord = len(Columns)
	header, err := cr.Read()
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if !slices.Equal(header, Columns) {
		return fmt.Errorf("%s: columns %v, want %v", name, header, Columns)
	}
	seen := map[string]bool{}
	for _, r := range t.Rows {
		seen[r.Distribution+" "+r.Release] = true
	}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		line, _ := cr.FieldPos(0)
		row, err := parseRow(rec)
		if err != nil {
			return fmt.Errorf("%s:%d: %w", name, line, err)
		}
		key := row.Distribution + " " + row.Release
		if seen[key] {
			return fmt.Errorf("%s:%d: %s %s is listed twice", name, line, row.Distribution, row.Release)
		}
		seen[key] = true
		t.Rows = append(t.Rows, row)
	}
}

func parseRow(rec []string) (Row, error) {
	r := Row{Distribution: rec[0], Release: rec[1], Source: rec[5]}
	if !slices.Contains(Distributions, r.Distribution) {
		return r, fmt.Errorf("unknown distribution %q", r.Distribution)
	}
	if !releasePattern.MatchString(r.Release) {
		return r, fmt.Errorf("release %q is not a version such as 9 or 22.04", r.Release)
	}
	var err error
	if r.Released, err = time.Parse(time.DateOnly, rec[2]); err != nil {
		return r, fmt.Errorf("release_date %q is not a date (YYYY-MM-DD)", rec[2])
	}
	for _, d := range []struct {
		to   *time.Time
		name string
		s    string
	}{{&r.EOL, "eol_date", rec[3]}, {&r.Extended, "extended_support_until", rec[4]}} {
		if d.s == "" {
			continue
		}
		if *d.to, err = time.Parse(time.DateOnly, d.s); err != nil {
			return r, fmt.Errorf("%s %q is not a date (YYYY-MM-DD)", d.name, d.s)
		}
		if d.to.Before(r.Released) {
			return r, fmt.Errorf("%s %s is before release_date %s", d.name, d.s, rec[2])
		}
	}
	if !r.Extended.IsZero() && (r.EOL.IsZero() || r.Extended.Before(r.EOL)) {
		return r, fmt.Errorf("extended_support_until %s does not follow eol_date %q", rec[4], rec[3])
	}
	if !strings.Contains(r.Source, "https://") {
		return r, errors.New("source names no https:// page")
	}
	return r, nil
}

// Answer is what the table says of a release on a day.
type Answer struct {
	// Known is set when the release is in the table.
	Known bool
	// Distribution is the normalised distribution ID, set whenever the name is recognised,
	// even when the release is not; Release is the table's release cycle, "" when unknown.
	Distribution, Release string
	EOL, Extended         time.Time
	// EndOfLife is Known and at on or after EOL; Supported is Known and at before EOL (or no
	// end announced). An unknown release is neither, and never supported.
	EndOfLife, Supported bool
	// DaysLeft are the whole days from at's date (UTC) to EOL, negative after it; HasDaysLeft
	// is false when there is no EOL to count to.
	DaysLeft    int64
	HasDaysLeft bool
	Source      string
}

// Lookup answers for the OS osName at version osVersion, as HSS or /etc/os-release name them,
// on the day of at.
func (t *Table) Lookup(osName, osVersion string, at time.Time) Answer {
	var a Answer
	a.Distribution = Distribution(osName)
	if a.Distribution == "" {
		return a
	}
	row := t.cycle(a.Distribution, osVersion)
	if row == nil {
		return a
	}
	a.Known, a.Release, a.EOL, a.Extended, a.Source = true, row.Release, row.EOL, row.Extended, row.Source
	if row.EOL.IsZero() {
		a.Supported = true
		return a
	}
	a.EndOfLife = !at.Before(row.EOL)
	a.Supported = !a.EndOfLife
	y, m, d := at.UTC().Date()
	day := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	a.DaysLeft, a.HasDaysLeft = int64(row.EOL.Sub(day)/(24*time.Hour)), true
	return a
}

// cycle is the release cycle version falls in: the longest leading run of its dot-separated
// numbers that names a cycle, so that 7.9.2009 is 7, 3.18.4 is 3.18 and 22.04.3 is 22.04.
func (t *Table) cycle(dist, version string) *Row {
	v := strings.ToLower(strings.TrimSpace(version))
	v = strings.TrimPrefix(v, "v")
	if dist == "sles" {
		// SUSE names service packs "15-SP6", "15 SP6"; the table, as os-release, 15.6.
		v = servicePack.ReplaceAllString(v, "$1.$2")
	}
	parts := strings.Split(leadingVersion.FindString(v), ".")
	releases := t.index[dist]
	for n := len(parts); n >= 1; n-- {
		if r, ok := releases[strings.Join(parts[:n], ".")]; ok {
			return r
		}
	}
	if dist == "sles" && len(parts) == 1 {
		// A first release without a service pack: os-release says 15, the table 15.0.
		return releases[parts[0]+".0"]
	}
	return nil
}

// Distributions are the normalised IDs Distribution returns.
var Distributions = []string{
	"almalinux", "alpine", "amazon", "centos", "centos-stream", "debian", "fedora", "opensuse", "oracle", "rhel", "rocky", "sles", "ubuntu",
	"euleros", "hce", "openeuler", "kylin", "uos", "ctyunos",
}

// names maps an OS name, lower-cased with runs of white space made one, to its distribution:
// the names HSS reports, and the NAME and ID fields of /etc/os-release.
var names = map[string]string{
	"almalinux": "almalinux", "alma linux": "almalinux", "almalinux os": "almalinux",
	"alpine": "alpine", "alpine linux": "alpine",
	"amazon": "amazon", "amazon linux": "amazon", "amazon linux ami": "amazon", "amzn": "amazon", "amazonlinux": "amazon",
	"centos": "centos", "centos linux": "centos",
	"centos stream": "centos-stream", "centos-stream": "centos-stream",
	"debian": "debian", "debian gnu/linux": "debian",
	"fedora": "fedora", "fedora linux": "fedora",
	"opensuse": "opensuse", "opensuse leap": "opensuse", "opensuse-leap": "opensuse",
	"oracle": "oracle", "oracle linux": "oracle", "oracle linux server": "oracle", "ol": "oracle", "oraclelinux": "oracle",
	"rhel": "rhel", "red hat enterprise linux": "rhel", "red hat enterprise linux server": "rhel", "redhat": "rhel",
	"rocky": "rocky", "rocky linux": "rocky",
	"sles": "sles", "sle": "sles", "suse linux enterprise server": "sles", "suse linux enterprise": "sles",
	"ubuntu":  "ubuntu",
	"euleros": "euleros",
	"hce":     "hce", "huawei cloud euleros": "hce", "hce os": "hce",
	"openeuler": "openeuler",
	"kylin":     "kylin", "kylin linux": "kylin", "kylin linux advanced server": "kylin",
	"uos": "uos", "uniontech os": "uos", "uniontech os server": "uos",
	"ctyunos": "ctyunos",
}

// Distribution is the normalised ID of the OS osName names, "" when it is none the table knows.
func Distribution(osName string) string {
	return names[strings.Join(strings.Fields(strings.ToLower(osName)), " ")]
}
