package gate

import (
	"fmt"
	"testing"
	"time"
)

// benchGate is a gate of `exceptions` exceptions, half for every image and half for one, and
// `images` images of `vulns` unhandled vulnerabilities each, a tenth of them excepted.
func benchGate(b *testing.B, images, vulns, exceptions int) (*Gate, []Facts) {
	b.Helper()
	p := Default()
	p.MaxCVSS, p.MaxScanAge, p.OSMinDaysLeft = ptr(7.0), 7*24*time.Hour, 90
	for i := range exceptions {
		e := Exception{VulID: fmt.Sprintf("CVE-2026-%05d", i*10), Reason: "not reachable", Expires: expiry("2027-01-31")}
		if i%2 == 1 {
			e.Images = []string{fmt.Sprintf("image-%d", i)}
		}
		p.Exceptions = append(p.Exceptions, e)
	}
	g, err := New(p, known)
	if err != nil {
		b.Fatal(err)
	}
	facts := make([]Facts, images)
	for i := range facts {
		f := clean()
		f.Key = fmt.Sprintf("image-%d", i)
		f.Vulnerabilities = make([]Vulnerability, vulns)
		for j := range f.Vulnerabilities {
			f.Vulnerabilities[j] = Vulnerability{VulID: fmt.Sprintf("CVE-2026-%05d", (vulns-j)%(exceptions*10+1)), RepairNecessity: known[j%3],
				AppName: "openssl", Version: "3.0.13", CVSS: ptr(float64(j%101) / 10)}
		}
		facts[i] = f
	}
	return g, facts
}

// One read's policy over its images: images × vulnerabilities × exceptions.
func BenchmarkJudge(b *testing.B) {
	for _, c := range []struct{ images, vulns, exceptions int }{
		{1000, 50, 20},
		// One image at the list engine's ceiling of entries, under a large policy.
		{1, 200000, 10000},
	} {
		b.Run(fmt.Sprintf("images=%d/vulns=%d/exceptions=%d", c.images, c.vulns, c.exceptions), func(b *testing.B) {
			g, facts := benchGate(b, c.images, c.vulns, c.exceptions)
			b.ReportAllocs()
			for b.Loop() {
				for _, f := range facts {
					g.Judge(f, at)
				}
			}
		})
	}
}

// Making a gate of many exceptions is linear in them.
func BenchmarkNew(b *testing.B) {
	p := Default()
	for i := range 100000 {
		p.Exceptions = append(p.Exceptions, Exception{VulID: fmt.Sprintf("CVE-2026-%06d", i), Reason: "r", Expires: expiry("2027-01-31"),
			Images: []string{"api", "worker"}})
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := New(p, known); err != nil {
			b.Fatal(err)
		}
	}
}
