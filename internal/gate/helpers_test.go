package gate

import "time"

// known is the SDK's set of repair necessities, as the adapter passes it.
var known = []string{"immediate_repair", "delay_repair", "not_needed_repair"}

// at is the time every case is judged at: noon UTC.
var at = time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)

func ptr[T any](v T) *T { return &v }

func date(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d
}

func expiry(s string) time.Time {
	t, err := ParseExpiry(s)
	if err != nil {
		panic(err)
	}
	return t
}

// clean is an image the default policy lets through.
func clean() Facts {
	return Facts{
		Key: "api", Reference: "swr.cn-north-4.myhuaweicloud.com/team/api:1.4.2", Resolved: true,
		ScanStatus: "success", LatestScan: at.Add(-time.Hour),
		BaseOS:          []OS{debian12(200, 900)},
		Vulnerabilities: []Vulnerability{{VulID: "CVE-2023-1", RepairNecessity: "delay_repair", AppName: "zlib", Version: "1.2.13", CVSS: ptr(5.3)}},
		MaliciousFiles:  ptr(0), UnsafeSettings: ptr(0),
	}
}

func urgent(id string) Vulnerability {
	return Vulnerability{VulID: id, RepairNecessity: "immediate_repair", AppName: "openssh", Version: "9.2p1", CVSS: ptr(8.1)}
}

// debian12 is a known release with standard support ending in std days and extended in ext.
func debian12(std, ext int64) OS {
	e := supported(ext)
	return OS{Name: "Debian GNU/Linux", Version: "12", Known: true, Release: "Debian 12", Standard: supported(std), Extended: &e}
}

// supported is a support level ending days after at's day.
func supported(days int64) Support {
	return Support{Supported: days > 0, DaysLeft: days, HasDaysLeft: true, End: date("2026-12-06").AddDate(0, 0, int(days))}
}
