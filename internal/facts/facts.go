// Package facts reads what the gate judges of images: each reference bound to the image HSS
// scanned at its registry, its base OS as the lifecycle table sees it on the day judged, its
// unhandled vulnerabilities and, when a policy asks, their CVSS scores. Every read goes
// through the client's engine, so nothing is read twice in a plan; nothing here imports
// Terraform.
package facts

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/hss/v5/model"
	"golang.org/x/sync/errgroup"

	"github.com/hsslabs/terraform-provider-hss/internal/gate"
	"github.com/hsslabs/terraform-provider-hss/internal/hss"
	"github.com/hsslabs/terraform-provider-hss/internal/lifecycle"
	"github.com/hsslabs/terraform-provider-hss/internal/resolve"
)

// Image is one image's facts and the resolution they came from.
type Image struct {
	Bound resolve.Resolution
	Facts gate.Facts
}

// ImageID is the HSS ID of the image bound: a multi-arch image's platform image's when the
// reference's digest named one, as its scan is the one that applies.
func (i *Image) ImageID() string {
	if i.Bound.Child != nil {
		return i.Bound.Child.ImageID
	}
	return i.Bound.Image.ImageID
}

// Reader reads facts in one region and enterprise project, judging base OSes at At.
type Reader struct {
	Client              *hss.Client
	Region              string
	EnterpriseProjectID string
	Table               *lifecycle.Table
	At                  time.Time
}

// Resolve binds each reference of refs, under its key, to the image HSS scanned. A reference
// that does not resolve is a fact (the policy refuses it); what the service did wrong is the
// error.
func (r Reader) Resolve(ctx context.Context, keys, refs []string) ([]Image, error) {
	resolved, err := resolve.Resolve(ctx, r.Client, resolve.Query{Region: r.Region, EnterpriseProjectID: r.EnterpriseProjectID, References: refs})
	if err != nil {
		return nil, err
	}
	out := make([]Image, len(refs))
	for i, res := range resolved {
		out[i] = Image{Bound: res, Facts: gate.Facts{Key: keys[i], Reference: refs[i], Digested: hasDigest(refs[i])}}
		bind(&out[i])
	}
	return out, nil
}

func hasDigest(ref string) bool {
	img, err := resolve.ParseImageReference(ref)
	return err == nil && img.Digest != ""
}

// bind takes the facts the resolution holds: where it failed, or the scan of the image bound.
func bind(img *Image) {
	f := &img.Facts
	if fail := img.Bound.Failure; fail != nil {
		f.ResolveError = fail.Message
		return
	}
	e := img.Bound.Image
	f.Resolved = true
	f.ScanStatus, f.ScanFailedCode, f.ScanFailedDesc = e.ScanStatus, e.ScanFailedCode, e.ScanFailedDesc
	malicious, unsafe := int(e.MaliciousFileNum), int(e.UnsafeSettingNum)
	if c := img.Bound.Child; c != nil {
		f.ScanStatus, malicious, unsafe = c.ScanStatus, int(c.MaliciousFileNum), int(c.UnsafeSettingNum)
	}
	f.MaliciousFiles, f.UnsafeSettings = &malicious, &unsafe
	if t, err := time.Parse(time.RFC3339, e.LatestScanTime); err == nil {
		f.LatestScan = t
	}
}

// Read adds the base OS and the unhandled vulnerabilities of an image HSS scanned; nothing
// HSS holds of one it has not scanned means anything. A JFrog image has no base-image answer:
// the base-image API does not take its type.
func (r Reader) Read(ctx context.Context, img *Image) error {
	f := &img.Facts
	if !f.Resolved || f.ScanStatus != gate.ScanSuccess {
		return nil
	}
	e := img.Bound.Image
	if slices.Contains(hss.ImageTypes, e.ImageType) {
		base, err := r.Client.ListBasicImages(ctx, hss.BasicImageQuery{Region: r.Region, ImageID: img.ImageID(), ImageType: e.ImageType,
			Namespace: e.Namespace, ImageName: e.ImageName, ImageVersion: e.ImageVersion, EnterpriseProjectID: r.EnterpriseProjectID})
		if err != nil {
			return err
		}
		defer base.Release()
		for _, b := range base.Items {
			f.BaseOS = append(f.BaseOS, r.os(b.OSName, b.OSVersion))
		}
	}
	q := hss.VulnerabilityQuery{Region: r.Region, ImageID: img.ImageID(), ImageType: e.ImageType, Namespace: e.Namespace,
		ImageName: e.ImageName, ImageVersion: e.ImageVersion, HandleStatus: "unhandled", EnterpriseProjectID: r.EnterpriseProjectID}
	if e.ImageType == hss.ImageTypeEnterprise {
		q.InstanceID = e.InstanceID
	}
	vulns, err := hss.List(ctx, r.Client, hss.ImageVulnerabilities, r.Region, q.Request())
	if err != nil {
		return err
	}
	defer vulns.Release()
	for _, v := range vulns.Items {
		f.Vulnerabilities = append(f.Vulnerabilities, gate.Vulnerability{VulID: v.VulID, RepairNecessity: v.RepairNecessity, AppName: v.AppName, Version: v.Version})
	}
	return nil
}

// os is what the lifecycle table says of a base OS at the time judged.
func (r Reader) os(name, version string) gate.OS {
	o := gate.OS{Name: name, Version: version}
	a, err := r.Table.Query(name, version, r.At)
	if err != nil {
		o.Note = err.Error()
		return o
	}
	o.Known = a.Known
	o.Standard = gate.Support{Supported: a.Supported, DaysLeft: a.DaysLeft, HasDaysLeft: a.HasDaysLeft, End: a.EOL}
	if !a.Extended.IsZero() {
		o.Extended = &gate.Support{Supported: a.ExtendedSupported, DaysLeft: a.ExtendedDaysLeft, HasDaysLeft: a.HasExtendedDaysLeft, End: a.Extended}
	}
	switch {
	case !a.Known:
		// How to allow what the table cannot know, or why it does not know it.
		o.Note = a.SupportNote
		if o.Note == "" {
			o.Note = a.Note
		}
	case a.Ambiguous:
		o.Note = a.Note
	}
	return o
}

// scoreConcurrency bounds the CVE reads in flight; the connection pool and the pacing bound
// what reaches the service.
const scoreConcurrency = 32

// Score gives every unhandled vulnerability of images its CVSS: the highest of its CVEs',
// read once per distinct vulnerability; none when a CVE has no score, which a policy on
// scores counts as above any limit.
func (r Reader) Score(ctx context.Context, images []Image) error {
	seen := map[string]bool{}
	var ids []string
	for _, img := range images {
		for _, v := range img.Facts.Vulnerabilities {
			if !seen[v.VulID] {
				seen[v.VulID] = true
				ids = append(ids, v.VulID)
			}
		}
	}
	slices.Sort(ids)
	scores := make([]*float64, len(ids))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(scoreConcurrency)
	for i, id := range ids {
		g.Go(func() error {
			cves, err := hss.List(gctx, r.Client, hss.VulnerabilityCVEs, r.Region,
				model.ListVulnerabilityCveRequest{VulId: id, EnterpriseProjectId: opt(r.EnterpriseProjectID)})
			if err != nil {
				return fmt.Errorf("the CVEs of %s: %w", id, err)
			}
			defer cves.Release()
			if s, known := hss.HighestCVSS(cves.Items); known {
				scores[i] = &s
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	for i := range images {
		for j, v := range images[i].Facts.Vulnerabilities {
			if k, ok := slices.BinarySearch(ids, v.VulID); ok {
				images[i].Facts.Vulnerabilities[j].CVSS = scores[k]
			}
		}
	}
	return nil
}

func opt(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
