package emulator

import (
	"fmt"
	"strconv"
	"strings"
)

// Bench images: every private image BenchNamespace/img-<i>:BenchVersion in SWR of Region, for
// i below BenchImages, is scanned, on a supported base OS, with one unhandled delay_repair
// vulnerability and a digest of its own. They are generated when a request names one (by
// image ID, or by namespace and name in the registry image list), so that gates of any size
// resolve and read without a large fixture; a list that names none stays the fixture's.
const (
	BenchNamespace = "bench"
	BenchVersion   = "1.0"
	BenchImages    = 100000
	benchName      = "img-"
	benchIDPrefix  = "bench-img-"
	// benchEntryID is added to i for the registry list's id, beyond the fixture's.
	benchEntryID = 10_000_000
)

// BenchReference is bench image i as a deployment pulls it.
func BenchReference(i int) string {
	return fmt.Sprintf("%s/%s/%s%d:%s", SWRHost, BenchNamespace, benchName, i, BenchVersion)
}

// BenchImageID is bench image i's HSS image ID.
func BenchImageID(i int) string { return benchIDPrefix + strconv.Itoa(i) }

// BenchDigest is bench image i's digest.
func BenchDigest(i int) string { return fmt.Sprintf("sha256:be0c%060x", i) }

// BenchVulnerability is every bench image's vulnerability: delay_repair, unhandled, with a
// CVSS score the CVE route answers (the fixture has it).
var BenchVulnerability = EnterpriseVulnerabilities[1]

// benchIndex is i of "<prefix><i>" when i is a bench image; the routes then match the name or
// ID exactly, so "<prefix>01" finds nothing.
func benchIndex(s, prefix string) (int, bool) {
	digits, ok := strings.CutPrefix(s, prefix)
	if !ok {
		return 0, false
	}
	i, err := strconv.Atoi(digits)
	if err != nil || i < 0 || i >= BenchImages {
		return 0, false
	}
	return i, true
}

func benchImage(i int) Image {
	return Image{ProjectID: ProjectID, EnterpriseProject: "0", Type: "private_image", ID: BenchImageID(i), Namespace: BenchNamespace,
		Name: benchName + strconv.Itoa(i), Version: BenchVersion, Digest: BenchDigest(i), LatestScanTime: ScannedAt, VulNum: 1,
		SeverityLevel: "Medium", RegistryID: SWRPrivateRegistryID, BasicImages: []BasicImage{SupportedBase},
		Vulnerabilities: []Vulnerability{BenchVulnerability}}
}

// benchByID is the bench image an image ID names, as the only candidate for the routes that
// take an image ID; they filter it as they filter the fixture's.
func benchByID(imageID string) ([]Image, bool) {
	i, ok := benchIndex(imageID, benchIDPrefix)
	if !ok {
		return nil, false
	}
	return []Image{benchImage(i)}, true
}

// benchRegistryEntry is the registry image list's entry of the bench image l names by
// namespace and image name, when it is one and passes l's filters; e.mu is held.
func (e *Emulator) benchRegistryEntry(l *imageList) (map[string]any, bool) {
	q := l.query
	if q.Get("namespace") != BenchNamespace {
		return nil, false
	}
	i, ok := benchIndex(q.Get("image_name"), benchName)
	if !ok || l.projectID != ProjectID || (l.granted != nil && !l.granted["0"]) {
		return nil, false
	}
	img := benchImage(i)
	reg := e.registryOf(img)
	if reg == nil {
		return nil, false
	}
	entry := registryEntry(benchEntryID+i, img, reg)
	return entry, matchesEntry(q, entry)
}
