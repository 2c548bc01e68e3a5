package resolve

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/distribution/reference"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/hss/v5/model"
	"golang.org/x/sync/errgroup"

	"github.com/hsslabs/terraform-provider-hss/internal/endpoints"
	"github.com/hsslabs/terraform-provider-hss/internal/hss"
	"github.com/hsslabs/terraform-provider-hss/internal/transport"
)

// Resolution binds an image reference, as a deployment pulls it, to the one image HSS
// scanned: found by the registry host of the reference, matched exactly on organization, name
// and tag, and held to its digest. Nothing is matched by name alone.
//
//   - swr.<region>.<cloud> is SWR: a private or shared image, in the region of the read;
//   - the host of an SWR Enterprise instance: an image whose instance_url has that host;
//   - any other host: the registry connected to HSS whose registry_addr has that host, then
//     its images by registry_name; a host no registry has is refused.

// MaxReferences bounds the references of one call.
const MaxReferences = 5000

// Concurrency bounds the references resolved at once; reads share the connection
// pool and the rate limiter beneath, as every read does.
const Concurrency = transport.MaxConnsPerHost

// dockerHub is the registry of a reference that names none.
const dockerHub = "docker.io"

// maxListed bounds the candidates, digests or registries a failure lists.
const maxListed = 10

// Query is references to resolve in one region and enterprise project.
type Query struct {
	// Region is where HSS is read, "" for the client's.
	Region string
	// EnterpriseProjectID is sent as is, "" for none (the API's default project).
	EnterpriseProjectID string
	References          []string
}

// Resolution is what one reference resolved to, or why it did not.
type Resolution struct {
	// Reference is the reference as given.
	Reference string
	// Failure says why the reference did not resolve; nil when it did. A failure is an
	// answer about the reference, not an error of the service.
	Failure *Failure
	// Image is the entry the reference bound.
	Image hss.RegistryImage
	// Child is the platform image of a multi-arch Image that the reference's digest named,
	// nil otherwise: its scan is the one that applies.
	Child *hss.AssociationImage
	// Host is the registry host, normalised (NormalizeRegistryHost).
	Host string
	// Digest is what the reference binds: the child's digest, else the image's; "" when HSS
	// reports none.
	Digest string
	// Pinned is host/organization/name@digest: what a deployment pulls to run exactly the
	// image HSS scanned; "" without a digest.
	Pinned string
}

// FailureKind says why a reference did not resolve.
type FailureKind string

// The ways a reference fails to resolve.
const (
	// FailureInvalidReference: not a reference, or one without an organization.
	FailureInvalidReference FailureKind = "invalid_reference"
	// FailureUnknownHost: no registry connected to HSS has the reference's host.
	FailureUnknownHost FailureKind = "unknown_host"
	// FailureRegionMismatch: an SWR host of another region; Region says where to read.
	FailureRegionMismatch FailureKind = "region_mismatch"
	// FailureNotFound: the registry has no such image in HSS.
	FailureNotFound FailureKind = "not_found"
	// FailureAmbiguous: more than one image matches; Candidates lists them.
	FailureAmbiguous FailureKind = "ambiguous"
	// FailureDigestMismatch: the tag's image has another digest; Want and Got show both.
	FailureDigestMismatch FailureKind = "digest_mismatch"
)

// Failure is a reference that did not resolve, and why.
type Failure struct {
	Kind      FailureKind
	Reference string
	// Host is the reference's registry host, normalised; "" for an invalid reference.
	Host string
	// Region is the region to read in, for FailureRegionMismatch.
	Region string
	// Registries are the registries HSS has, "name (address)", for FailureUnknownHost.
	Registries []string
	// Candidates are the images that matched, for FailureAmbiguous, or the digests HSS has,
	// for FailureDigestMismatch.
	Candidates []string
	// Want is the reference's digest and Got the image's, for FailureDigestMismatch.
	Want, Got string
	// Message says all of it in a sentence, safe to print.
	Message string
}

func (f *Failure) Error() string { return f.Message }

// ErrMalformedEntry is returned when an entry HSS reports for a reference cannot be pinned.
var ErrMalformedEntry = errors.New("HSS reported an image that cannot be pinned")

// Resolve resolves every reference of q. A reference that does not resolve has its Failure;
// the error is for what the service did (unreachable, refused, an answer that does not add
// up), and fails the whole call: a gate never decides on half an answer. Results are in the
// order of q.References. Each distinct organization, name and tag is read once
// (ListRegistryImages), shared with every identical read of the client; the registry list
// (ListRegistry) is read only for a host that is not SWR's, once per call.
func Resolve(ctx context.Context, c *hss.Client, q Query) ([]Resolution, error) {
	region := q.Region
	if region == "" {
		region = c.Region()
	}
	if err := endpoints.ValidateRegion(region); err != nil {
		return nil, fmt.Errorf("region: %w", err)
	}
	if q.EnterpriseProjectID != "" {
		if err := hss.ValidateEnterpriseProjectID(q.EnterpriseProjectID); err != nil {
			return nil, fmt.Errorf("enterprise_project_id: %w", err)
		}
	}
	if len(q.References) > MaxReferences {
		return nil, fmt.Errorf("%d image references, more than the %d one call resolves", len(q.References), MaxReferences)
	}
	index := map[string]int{}
	var distinct []string
	for _, ref := range q.References {
		if _, seen := index[ref]; !seen {
			index[ref] = len(distinct)
			distinct = append(distinct, ref)
		}
	}
	resolved := make([]Resolution, len(distinct))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(Concurrency)
	r := &resolver{c: c, region: region, ep: q.EnterpriseProjectID}
	for i, ref := range distinct {
		g.Go(func() error {
			res, err := r.resolve(gctx, ref)
			if err != nil {
				return fmt.Errorf("resolving %s: %w", quote(ref), err)
			}
			resolved[i] = res
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, c.RedactError(err)
	}
	out := make([]Resolution, len(q.References))
	for i, ref := range q.References {
		out[i] = resolved[index[ref]]
	}
	return out, nil
}

// resolver is one Resolve call.
type resolver struct {
	c          *hss.Client
	region, ep string

	// The registry list, read by the first reference that needs it; the others wait on done,
	// each on its own context.
	mu      sync.Mutex
	done    chan struct{}
	regs    []hss.Registry
	regsErr error
}

// registries is the registry list of the call's region and enterprise project, read once.
func (r *resolver) registries(ctx context.Context) ([]hss.Registry, error) {
	r.mu.Lock()
	first := r.done == nil
	if first {
		r.done = make(chan struct{})
	}
	done := r.done
	r.mu.Unlock()
	if first {
		r.regs, r.regsErr = r.listRegistries(ctx)
		close(done)
	}
	select {
	case <-done:
		return r.regs, r.regsErr
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (r *resolver) listRegistries(ctx context.Context) ([]hss.Registry, error) {
	res, err := hss.List(ctx, r.c, hss.Registries, r.region, model.ListRegistryRequest{EnterpriseProjectId: opt(r.ep)})
	if err != nil {
		return nil, err
	}
	if len(res.Warnings) > 0 {
		return nil, fmt.Errorf("%s: %s", hss.OpListRegistries, strings.Join(res.Warnings, " "))
	}
	return res.Items, nil
}

func (r *resolver) resolve(ctx context.Context, ref string) (Resolution, error) {
	out := Resolution{Reference: ref}
	fail := func(f Failure) (Resolution, error) {
		f.Reference, f.Host = ref, out.Host
		out.Failure = &f
		return out, nil
	}
	img, err := ParseImageReference(ref)
	if err != nil {
		return fail(Failure{Kind: FailureInvalidReference, Message: err.Error()})
	}
	out.Host = img.Registry
	swr := r.c.Endpoints().SWRRegion(img.Registry)
	if swr != "" && swr != r.region {
		return fail(Failure{Kind: FailureRegionMismatch, Region: swr, Message: fmt.Sprintf(
			"%s is in SWR of region %s, and this read is in region %s: read it in region %q", quote(ref), swr, r.region, swr)})
	}

	entries, err := r.read(ctx, img)
	if err != nil {
		return out, err
	}
	// The registry of the host, and its images among those read.
	var where string
	var mine []hss.RegistryImage
	switch {
	case swr != "":
		where = "SWR of region " + swr + " (private and shared images)"
		mine = filter(entries, func(e hss.RegistryImage) bool {
			return e.ImageType == hss.ImageTypePrivate || e.ImageType == hss.ImageTypeShared
		})
	default:
		mine = filter(entries, func(e hss.RegistryImage) bool {
			h, ok := registryHostOf(e.InstanceURL)
			return e.ImageType == hss.ImageTypeEnterprise && ok && h == img.Registry
		})
		where = "the SWR Enterprise instance at " + img.Registry
		if len(mine) > 0 {
			break
		}
		regs, err := r.registries(ctx)
		if err != nil {
			return out, err
		}
		var names []string
		var ids []string
		for _, reg := range regs {
			if h, ok := registryHostOf(reg.Addr); ok && h == img.Registry {
				names, ids = append(names, reg.Name), append(ids, reg.ID)
			}
		}
		if len(names) == 0 {
			listed := r.describeRegistries(regs)
			at := "is at host " + quote(img.Registry)
			if img.Registry == dockerHub && !strings.HasPrefix(strings.TrimSpace(ref), dockerHub+"/") {
				at = "names no registry host, which means Docker Hub (" + dockerHub + "),"
			}
			return fail(Failure{Kind: FailureUnknownHost, Registries: listed, Message: fmt.Sprintf(
				"%s %s and no registry connected to HSS is there, so HSS never scanned it (an image is never matched by name alone); "+
					"HSS has %s", quote(ref), at, strings.Join(listed, ", "))})
		}
		quoted := make([]string, len(names))
		for i, n := range names {
			quoted[i] = quote(n)
		}
		where = fmt.Sprintf("registry %s at %s", strings.Join(quoted, ", "), img.Registry)
		mine = filter(entries, func(e hss.RegistryImage) bool {
			i := slices.Index(names, e.RegistryName)
			return i >= 0 && (e.RegistryID == "" || ids[i] == "" || e.RegistryID == ids[i])
		})
	}
	if len(mine) == 0 {
		msg := fmt.Sprintf("HSS has no image %s in %s", quote(repository(img)), where)
		if elsewhere := listed(entries, describeImage); len(elsewhere) > 0 {
			msg += "; the same name is in " + strings.Join(elsewhere, ", ")
		}
		return fail(Failure{Kind: FailureNotFound, Message: msg})
	}

	type match struct {
		e     hss.RegistryImage
		child *hss.AssociationImage
	}
	var matches []match
	for _, e := range mine {
		switch {
		case img.Digest == "" || e.ImageDigest == img.Digest:
			matches = append(matches, match{e: e})
		default:
			for _, ch := range e.AssociationImages() {
				if ch.ImageDigest == img.Digest {
					matches = append(matches, match{e: e, child: &ch})
					break
				}
			}
		}
	}
	switch {
	case len(matches) == 0 && img.Version == "":
		return fail(Failure{Kind: FailureNotFound, Message: fmt.Sprintf(
			"HSS has no image of %s with digest %s in %s", quote(repository(img)), img.Digest, where)})
	case len(matches) == 0:
		got := listed(mine, func(e hss.RegistryImage) string { return digestsOf(e) })
		return fail(Failure{Kind: FailureDigestMismatch, Want: img.Digest, Got: mine[0].ImageDigest, Candidates: got, Message: fmt.Sprintf(
			"%s names digest %s, but the image HSS scanned as %s in %s has %s", quote(ref), img.Digest, quote(repository(img)), where,
			strings.Join(got, "; "))})
	case len(matches) > 1:
		cands := make([]hss.RegistryImage, len(matches))
		for i, m := range matches {
			cands[i] = m.e
		}
		names := listed(cands, describeImage)
		return fail(Failure{Kind: FailureAmbiguous, Candidates: names, Message: fmt.Sprintf(
			"%s matches %d images in %s, so none is bound: %s", quote(ref), len(matches), where, strings.Join(names, "; "))})
	}
	m := matches[0]
	out.Image, out.Child, out.Digest = m.e, m.child, m.e.ImageDigest
	if m.child != nil {
		out.Digest = m.child.ImageDigest
	}
	if out.Digest != "" {
		out.Pinned = out.Host + "/" + m.e.Namespace + "/" + m.e.ImageName + "@" + out.Digest
		// The pin is what a deployment pulls: it must be a reference, and this one.
		if p, err := reference.ParseNamed(out.Pinned); err != nil || p.String() != out.Pinned {
			return out, fmt.Errorf("%s: %w: image %s has digest %s", hss.OpListRegistryImages, ErrMalformedEntry, quote(m.e.ImageID), quote(out.Digest))
		}
	}
	return out, nil
}

// read lists the images named organization/name:tag, or every tag of the repository for a
// reference by digest alone, keeping only those that match exactly.
func (r *resolver) read(ctx context.Context, img RepositoryImage) ([]hss.RegistryImage, error) {
	req := model.ListRegistryImagesRequest{EnterpriseProjectId: opt(r.ep), Namespace: opt(img.Namespace), ImageName: opt(img.Name),
		ImageVersion: opt(img.Version)}
	// The engine proves the list complete and drops every entry that does not match exactly.
	res, err := hss.List(ctx, r.c, hss.RegistryImages, r.region, req)
	if err != nil {
		return nil, err
	}
	return res.Items, nil
}

// describeRegistries lists regs for a message, with this region's SWR first.
func (r *resolver) describeRegistries(regs []hss.Registry) []string {
	return append([]string{"SWR at " + r.c.Endpoints().SWRHost(r.region)},
		listed(regs, func(reg hss.Registry) string { return fmt.Sprintf("%s (%s)", quote(reg.Name), quote(reg.Addr)) })...)
}

// repository is the organization, name and tag or digest of a reference.
func repository(img RepositoryImage) string {
	s := img.Namespace + "/" + img.Name
	if img.Version != "" {
		s += ":" + img.Version
	}
	return s
}

func describeImage(e hss.RegistryImage) string {
	where := e.RegistryName
	if e.InstanceURL != "" {
		where += " " + e.InstanceURL
	}
	return fmt.Sprintf("%s (%s in %s, image_id %s, digest %s)", quote(e.Namespace+"/"+e.ImageName+":"+e.ImageVersion), quote(e.ImageType),
		quote(where), quote(e.ImageID), quote(e.ImageDigest))
}

// digestsOf is an image's digest and its platform images'.
func digestsOf(e hss.RegistryImage) string {
	s := quote(e.ImageDigest)
	children := e.AssociationImages()
	if len(children) == 0 {
		return s
	}
	ds := listed(children, func(ch hss.AssociationImage) string { return quote(ch.ImageDigest) })
	return s + " (platform images " + strings.Join(ds, ", ") + ")"
}

// listed describes up to maxListed items.
func listed[T any](items []T, describe func(T) string) []string {
	var out []string
	for i, it := range items {
		if i == maxListed {
			out = append(out, fmt.Sprintf("and %d more", len(items)-maxListed))
			break
		}
		out = append(out, describe(it))
	}
	return out
}

func filter[T any](items []T, keep func(T) bool) []T {
	var out []T
	for _, it := range items {
		if keep(it) {
			out = append(out, it)
		}
	}
	return out
}

func opt(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
