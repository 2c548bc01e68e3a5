// Package lifecycle answers whether an operating-system release is still supported on a given
// day, from a reviewed table embedded in the binary: the endoflife.date product files of the
// distributions container images are built on (data/endoflife-date.csv, generated), and rows
// from other sources, each with its page and the day it was read (data/vendor.csv). A release
// the table does not hold is unknown, and unknown is never supported.
package lifecycle

import (
	"bytes"
	"embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
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
const Covered = "AlmaLinux, Alpine Linux, Amazon Linux, CentOS Linux, CentOS Stream, Debian, Fedora, openEuler, openSUSE Leap, " +
	"Oracle Linux, Red Hat Enterprise Linux, Rocky Linux, SUSE Linux Enterprise Server, SUSE Linux Micro, Ubuntu and VMware Photon OS"

// Files are the table's data files, in the order they are read: the generated snapshot first,
// then the rows that add to it or correct it.
var Files = []string{"data/endoflife-date.csv", "data/vendor.csv"}

// Columns of every data file, in order.
var Columns = []string{"distribution", "release", "release_date", "eol_date", "extended_support_until", "source"}

// StaleAfterDays is how old a table may be before Stale says so: about two release cycles of
// the fastest distributions, after which new releases are missing and so refused.
const StaleAfterDays = 180

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
	Rows []Row
	// Date is the snapshot's date: the age of the bulk of the table, which decides which new
	// releases it cannot know. Rows of vendor.csv carry their own read date in Source.
	Date  time.Time
	index map[string]map[string]*Row
	// lines holds, per distribution, the rows of releases with a suffix ("22.03-lts-sp3") under
	// their base version ("22.03"), for a version that names only the base.
	lines map[string]map[string][]*Row
}

var (
	releasePattern = regexp.MustCompile(`^[0-9]+(\.[0-9]+)*(-lts(-sp[0-9]+)?)?$`)
	readPattern    = regexp.MustCompile(`\bread ([0-9]{4}-[0-9]{2}-[0-9]{2})\b`)
)

// Load returns the embedded table, parsed once.
var Load = sync.OnceValues(func() (*Table, error) { return build(files, Snapshot) })

// build reads Files from fsys: the first as the snapshot of the given date, the rest as rows
// that add to it or correct it.
func build(fsys fs.FS, snapshot string) (*Table, error) {
	date, err := time.Parse(time.DateOnly, snapshot)
	if err != nil {
		return nil, fmt.Errorf("snapshot %q is not a date (YYYY-MM-DD)", snapshot)
	}
	t := &Table{Date: date, index: map[string]map[string]*Row{}, lines: map[string]map[string][]*Row{}}
	for i, name := range Files {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		if err := t.read(name, b, i > 0); err != nil {
			return nil, err
		}
	}
	for i := range t.Rows {
		r := &t.Rows[i]
		if t.index[r.Distribution] == nil {
			t.index[r.Distribution] = map[string]*Row{}
			t.lines[r.Distribution] = map[string][]*Row{}
		}
		t.index[r.Distribution][r.Release] = r
		if base, _, ok := strings.Cut(r.Release, "-"); ok {
			t.lines[r.Distribution][base] = append(t.lines[r.Distribution][base], r)
		}
	}
	return t, nil
}

// read parses one data file, checking every row: the columns, well-formed dates, a release not
// ending before it began, a known distribution, a source, and no release twice in a file. A row
// of a later file (vendor) names the day its source was read; when the snapshot already holds
// its release, it replaces that row, and its source says so.
func (t *Table) read(name string, b []byte, vendor bool) error {
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
	before := map[string]int{}
	for i, r := range t.Rows {
		before[r.Distribution+" "+r.Release] = i
	}
	seen := map[string]bool{}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		line, _ := cr.FieldPos(0)
		row, err := parseRow(rec, vendor)
		if err != nil {
			return fmt.Errorf("%s:%d: %w", name, line, err)
		}
		key := row.Distribution + " " + row.Release
		if seen[key] {
			return fmt.Errorf("%s:%d: %s %s is listed twice", name, line, row.Distribution, row.Release)
		}
		seen[key] = true
		i, corrects := before[key]
		if !corrects {
			t.Rows = append(t.Rows, row)
			continue
		}
		old := t.Rows[i]
		if old.Released.Equal(row.Released) && old.EOL.Equal(row.EOL) && old.Extended.Equal(row.Extended) {
			return fmt.Errorf("%s:%d: %s %s repeats the row of %s; delete it", name, line, row.Distribution, row.Release, old.Source)
		}
		row.Source += fmt.Sprintf("; corrects %s (release_date %s, eol_date %s, extended_support_until %s)",
			old.Source, dateText(old.Released), dateText(old.EOL), dateText(old.Extended))
		t.Rows[i] = row
	}
}

func dateText(d time.Time) string {
	if d.IsZero() {
		return "none"
	}
	return d.Format(time.DateOnly)
}

func parseRow(rec []string, vendor bool) (Row, error) {
	r := Row{Distribution: rec[0], Release: rec[1], Source: rec[5]}
	if !slices.Contains(Distributions, r.Distribution) {
		return r, fmt.Errorf("unknown distribution %q", r.Distribution)
	}
	if !releasePattern.MatchString(r.Release) {
		return r, fmt.Errorf("release %q is not a version such as 9, 22.04 or 24.03-lts-sp1", r.Release)
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
	if vendor {
		m := readPattern.FindStringSubmatch(r.Source)
		if m == nil {
			return r, errors.New(`source does not say the day it was read ("read YYYY-MM-DD")`)
		}
		if _, err := time.Parse(time.DateOnly, m[1]); err != nil {
			return r, fmt.Errorf("source's read date %q is not a date", m[1])
		}
	}
	return r, nil
}

// Stale says whether a table of tableDate is more than StaleAfterDays calendar days (UTC)
// older than at: its distributions' newer releases are then likely missing, and refused.
func Stale(tableDate, at time.Time) bool {
	return -daysUntil(at, tableDate) > StaleAfterDays
}
