package lifecycle

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// MaxInputBytes bounds os_name and os_version: an os-release value is one short line, and a
// lookup's work grows with its input, which comes from the image.
const MaxInputBytes = 256

// InputError is an argument too long to be an os-release value; the lookup does no work on it.
type InputError struct {
	// Argument is "os_name" or "os_version".
	Argument string
	Length   int
}

func (e *InputError) Error() string {
	return fmt.Sprintf("%s is %d bytes long; an OS name or version is at most %d", e.Argument, e.Length, MaxInputBytes)
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

	// NoAnnouncedEnd is Known without an EOL: the release is Supported and ExtendedSupported,
	// with no days to count, until its vendor announces an end.
	NoAnnouncedEnd bool
	// ExtendedSupported is Known and at before Extended. A release without extended support is
	// judged by its standard end instead, so it equals Supported then: asking for extended
	// support never refuses what standard support accepts.
	ExtendedSupported bool
	// ExtendedDaysLeft are the whole days from at's date (UTC) to Extended, negative after it;
	// HasExtendedDaysLeft is false when there is no Extended to count to.
	ExtendedDaysLeft    int64
	HasExtendedDaysLeft bool
	// SupportNote says, in one line, what standard and extended support are for the
	// distribution, whether extended support is free, and how a release the table cannot know is
	// allowed; "" when the name is not recognised.
	SupportNote string
	// Ambiguous is set when the name and version fit more than one row; the answer is then for
	// the row whose standard support ends first, the safest for a gate, and Note names the others.
	Ambiguous bool
	// Note says why an answer is unknown or ambiguous, in one line; "" otherwise.
	Note string
	// TableDate is the table's Date.
	TableDate time.Time
}

// Lookup answers for the OS osName at version osVersion, as HSS or /etc/os-release name them,
// on the day of at. An input longer than MaxInputBytes is unknown, its Note says why; Query
// reports it as an error instead.
func (t *Table) Lookup(osName, osVersion string, at time.Time) Answer {
	a, _ := t.Query(osName, osVersion, at)
	return a
}

// Stale says whether the table is more than StaleAfterDays older than at.
func (t *Table) Stale(at time.Time) bool { return Stale(t.Date, at) }

// Query is Lookup, with an *InputError for an input longer than MaxInputBytes. Its work is
// linear in the inputs' length.
func (t *Table) Query(osName, osVersion string, at time.Time) (Answer, error) {
	a := Answer{TableDate: t.Date}
	for _, in := range []struct{ arg, s string }{{"os_name", osName}, {"os_version", osVersion}} {
		if len(in.s) > MaxInputBytes {
			err := &InputError{Argument: in.arg, Length: len(in.s)}
			a.Note = err.Error()
			return a, err
		}
	}
	if malformed(osName) || malformed(osVersion) {
		a.Note = "os_name or os_version holds a control character or is not UTF-8, as no OS name or version does"
		return a, nil
	}
	dists, rest := parseName(tokens(osName))
	if len(dists) == 0 {
		a.Note = fmt.Sprintf("os_name %q names no distribution the table knows", osName)
		return a, nil
	}
	a.Distribution, a.SupportNote = dists[0], supportNote(dists[0], nil)
	fromName := t.candidates(dists, rest)
	fromVersion := t.candidates(dists, tokens(osVersion))
	var rows []*Row
	switch {
	case !fromName.given && !fromVersion.given:
		a.Note = "neither os_version nor os_name gives a version"
	case !fromName.given:
		rows, a.Note = fromVersion.rows, fromVersion.note
	case !fromVersion.given:
		rows, a.Note = fromName.rows, fromName.note
	default:
		for _, r := range fromVersion.rows {
			if slices.Contains(fromName.rows, r) {
				rows = append(rows, r)
			}
		}
		switch {
		case len(rows) > 0:
		case fromVersion.note != "":
			a.Note = fromVersion.note
		case fromName.note != "":
			a.Note = fromName.note
		default:
			a.Note = fmt.Sprintf("os_name says %s, os_version %s", releases(fromName.rows), releases(fromVersion.rows))
		}
	}
	if len(rows) == 0 {
		return a, nil
	}
	// The safest row for a gate: the one whose standard support ends first.
	slices.SortStableFunc(rows, func(x, y *Row) int {
		if c := endOrder(x.EOL).Compare(endOrder(y.EOL)); c != 0 {
			return c
		}
		return strings.Compare(x.Distribution+" "+x.Release, y.Distribution+" "+y.Release)
	})
	if len(rows) > 1 {
		a.Ambiguous = true
		a.Note = fmt.Sprintf("the name and version fit %s; the answer is for %s %s, whose standard support ends first",
			releases(rows), rows[0].Distribution, rows[0].Release)
	}
	a.judge(rows[0], at)
	return a, nil
}

// endOrder places a release with no announced end after every dated one.
func endOrder(eol time.Time) time.Time {
	if eol.IsZero() {
		return time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)
	}
	return eol
}

// releases names rows for a note: "centos 8 (eol 2021-12-31), centos-stream 8 (eol 2024-05-31)".
func releases(rows []*Row) string {
	if len(rows) == 0 {
		return "no release in the table"
	}
	s := make([]string, len(rows))
	for i, r := range rows {
		s[i] = fmt.Sprintf("%s %s (eol %s)", r.Distribution, r.Release, dateText(r.EOL))
	}
	return strings.Join(s, ", ")
}

// judge fills a from row r on the day of at.
func (a *Answer) judge(r *Row, at time.Time) {
	a.Known, a.Distribution, a.Release, a.EOL, a.Extended, a.Source = true, r.Distribution, r.Release, r.EOL, r.Extended, r.Source
	a.SupportNote = supportNote(r.Distribution, r)
	if r.EOL.IsZero() {
		a.NoAnnouncedEnd, a.Supported, a.ExtendedSupported = true, true, true
		return
	}
	a.DaysLeft, a.HasDaysLeft = daysUntil(at, r.EOL), true
	a.EndOfLife = a.DaysLeft <= 0
	a.Supported = !a.EndOfLife
	if r.Extended.IsZero() {
		a.ExtendedSupported = a.Supported
		return
	}
	a.ExtendedDaysLeft, a.HasExtendedDaysLeft = daysUntil(at, r.Extended), true
	a.ExtendedSupported = a.ExtendedDaysLeft > 0
}

// daysUntil is the number of calendar days of UTC from the date of at to the date end (a date
// at 00:00 UTC): the table's one day-count rule. A date has passed when it is 0 or less, so a
// release is supported until the end of the day before its end date.
func daysUntil(at, end time.Time) int64 {
	y, m, d := at.UTC().Date()
	// Unix seconds, not Sub: a Duration saturates 292 years out.
	return (end.Unix() - time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix()) / (24 * 60 * 60)
}
