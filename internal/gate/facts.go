package gate

import "time"

// Facts are what was learnt about one image. Their zero value is refused on every count the
// policy judges: nothing unread ever passes for clean.
type Facts struct {
	// Key is the image's key in the gate's images; exceptions name images by it.
	Key string
	// Reference is the reference as the user gave it; Digested is set when it carried a digest.
	Reference string
	Digested  bool
	// Resolved is set when the reference resolved to one image; otherwise ResolveError says
	// why, as the resolver put it (unknown host, not found, ambiguous, digest mismatch).
	Resolved     bool
	ResolveError string
	// ScanStatus, ScanFailedCode and ScanFailedDesc are HSS's, as received.
	ScanStatus, ScanFailedCode, ScanFailedDesc string
	// LatestScan is the time of the latest scan; zero when HSS gave none.
	LatestScan time.Time
	// BaseOS are the base images' operating systems; none is no base-image answer.
	BaseOS []OS
	// Vulnerabilities are the image's unhandled vulnerabilities, as received.
	Vulnerabilities []Vulnerability
	// MaliciousFiles and UnsafeSettings are counts found; nil when not read.
	MaliciousFiles, UnsafeSettings *int
}

// OS is one base OS with what the lifecycle table says of it on the day judged.
type OS struct {
	// Name and Version are as HSS reports them.
	Name, Version string
	// Known is set when the lifecycle table holds the release.
	Known bool
	// Release names the release in messages (e.g. "Debian 12"); Name and Version stand in
	// when it is empty.
	Release string
	// Standard is standard support; Extended is extended support, nil when the release has
	// no extended phase (the extended level then judges standard support).
	Standard Support
	Extended *Support
	// Note says what the support levels mean for this distribution; refusals quote it.
	Note string
}

// Support is one level of support on the day judged.
type Support struct {
	Supported bool
	// DaysLeft are whole days to End; HasDaysLeft is false when no end is announced.
	DaysLeft    int64
	HasDaysLeft bool
	// End is the day support ends; zero when no end is announced.
	End time.Time
}

// Vulnerability is one unhandled vulnerability of an image, as received.
type Vulnerability struct {
	VulID, RepairNecessity, AppName, Version string
	// CVSS is the highest score of the vulnerability's CVEs; nil when none is known.
	CVSS *float64
}
