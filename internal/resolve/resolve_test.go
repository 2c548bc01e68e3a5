package resolve_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/hsslabs/terraform-provider-hss/internal/emulator"
	"github.com/hsslabs/terraform-provider-hss/internal/endpoints"
	"github.com/hsslabs/terraform-provider-hss/internal/hss"
	"github.com/hsslabs/terraform-provider-hss/internal/resolve"
	"github.com/hsslabs/terraform-provider-hss/internal/transport"
)

func resolveAll(t testing.TB, c *hss.Client, refs ...string) []resolve.Resolution {
	t.Helper()
	out, err := resolve.Resolve(context.Background(), c, resolve.Query{References: refs})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != len(refs) {
		t.Fatalf("%d resolutions for %d references", len(out), len(refs))
	}
	return out
}

// Every rule of resolution, abused: each reference binds exactly the image of its registry
// and digest, or fails saying why; none is matched by name alone.
func TestResolve(t *testing.T) {
	_, url := newServer(t)
	c := newClient(t, url, aksk())
	one := func(d string) string { // d with its last hex digit changed
		last := d[len(d)-1]
		return d[:len(d)-1] + map[bool]string{true: "0", false: "1"}[last != '0']
	}
	cases := map[string]resolved{
		// SWR: private and shared images, in the read's region.
		swr + "/team/app:1.4.2":                           {imageID: emulator.AppImageID, digest: emulator.AppDigest, host: swr},
		swr + "/team/app:1.4.2@" + emulator.AppDigest:     {imageID: emulator.AppImageID, digest: emulator.AppDigest, host: swr},
		swr + "/team/app@" + emulator.AppDigest:           {imageID: emulator.AppImageID, digest: emulator.AppDigest, host: swr},
		swr + ":443/team/app:1.4.2":                       {imageID: emulator.AppImageID, digest: emulator.AppDigest, host: swr},
		strings.ToUpper(swr) + "/team/app:1.4.2":          {imageID: emulator.AppImageID, digest: emulator.AppDigest, host: swr},
		swr + "/partner/base:3.1":                         {imageID: emulator.SharedImageID, digest: emulator.SharedDigest, host: swr},
		swr + "/team/big:1.0":                             {imageID: emulator.OversizedImageID, digest: emulator.OversizedDigest, host: swr},
		swr + "/team/dup:1.0@" + emulator.DupSharedDigest: {imageID: emulator.DupSharedImageID, digest: emulator.DupSharedDigest, host: swr},
		// An SWR Enterprise instance, by the host of its instance_url.
		emulator.EnterpriseHost + "/team/api:2.0.0":     {imageID: emulator.EnterpriseImageID, digest: emulator.EnterpriseDigest, host: emulator.EnterpriseHost},
		emulator.EnterpriseHost + ":443/team/api:2.0.0": {imageID: emulator.EnterpriseImageID, digest: emulator.EnterpriseDigest, host: emulator.EnterpriseHost},
		// Other registries, by registry_addr (a URL, a host and port, a host): the same tag in
		// SWR and two Harbor registries binds each registry's own.
		emulator.HarborHost + "/team/app:1.4.2":                       {imageID: emulator.HarborAppImageID, digest: emulator.HarborAppDigest, host: emulator.HarborHost},
		"Harbor.Example.COM/team/app:1.4.2":                           {imageID: emulator.HarborAppImageID, digest: emulator.HarborAppDigest, host: emulator.HarborHost},
		emulator.HarborDRHost + "/team/app:1.4.2":                     {imageID: emulator.HarborDRAppImageID, digest: emulator.HarborAppDigest, host: emulator.HarborDRHost},
		emulator.JfrogHost + "/docker-local/tool:3.0":                 {imageID: emulator.JfrogImageID, digest: emulator.JfrogDigest, host: emulator.JfrogHost},
		emulator.HarborHost + "/team/app@" + emulator.HarborAppDigest: {imageID: emulator.HarborAppImageID, digest: emulator.HarborAppDigest, host: emulator.HarborHost},
		// A multi-arch image: its index, or the platform image its digest names.
		swr + "/team/multi:1.0": {imageID: emulator.MultiArchImageID, digest: emulator.MultiArchDigest, host: swr},
		swr + "/team/multi:1.0@" + emulator.MultiArchARM64Digest: {imageID: emulator.MultiArchImageID, digest: emulator.MultiArchARM64Digest,
			child: emulator.MultiArchARM64ID, host: swr},
		swr + "/team/multi@" + emulator.MultiArchAMD64Digest: {imageID: emulator.MultiArchImageID, digest: emulator.MultiArchAMD64Digest,
			child: emulator.MultiArchAMD64ID, host: swr},

		// Digests that differ in one character.
		swr + "/team/app:1.4.2@" + one(emulator.AppDigest): {kind: resolve.FailureDigestMismatch, host: swr,
			contains: []string{one(emulator.AppDigest), emulator.AppDigest}},
		swr + "/team/multi:1.0@" + one(emulator.MultiArchARM64Digest): {kind: resolve.FailureDigestMismatch, host: swr,
			contains: []string{emulator.MultiArchDigest, emulator.MultiArchARM64Digest, emulator.MultiArchAMD64Digest}},
		swr + "/team/app@" + one(emulator.AppDigest): {kind: resolve.FailureNotFound, host: swr, contains: []string{"with digest " + one(emulator.AppDigest)}},
		// The Harbor digest is not SWR's, though the tag is the same.
		swr + "/team/app:1.4.2@" + emulator.HarborAppDigest: {kind: resolve.FailureDigestMismatch, host: swr},
		// Ambiguous: private and shared, with two digests.
		swr + "/team/dup:1.0": {kind: resolve.FailureAmbiguous, host: swr, contains: []string{emulator.DupPrivateImageID, emulator.DupSharedImageID}},
		// Not found, and where else the name is: another registry's image is not SWR's.
		swr + "/team/api:2.0.0":                     {kind: resolve.FailureNotFound, host: swr, contains: []string{emulator.EnterpriseRegistry}},
		swr + "/docker-local/tool:3.0":              {kind: resolve.FailureNotFound, host: swr, contains: []string{emulator.JfrogRegistry}},
		swr + "/team/app:9.9.9":                     {kind: resolve.FailureNotFound, host: swr, contains: []string{"team/app:9.9.9", "SWR of region cn-north-4"}},
		emulator.HarborHost + "/team/api:2.0.0":     {kind: resolve.FailureNotFound, host: emulator.HarborHost, contains: []string{emulator.EnterpriseRegistry}},
		emulator.EnterpriseHost + "/team/app:1.4.2": {kind: resolve.FailureNotFound, host: emulator.EnterpriseHost, contains: []string{emulator.EnterpriseRegistry}},
		// Another region's SWR: read it there.
		"swr.ap-southeast-1.myhuaweicloud.com/team/app:1.4.2": {kind: resolve.FailureRegionMismatch, host: "swr.ap-southeast-1.myhuaweicloud.com",
			contains: []string{`read it in region "ap-southeast-1"`}},
		// Look-alikes and hosts HSS has no registry for: never a match by name.
		swr + ".evil.example/team/app:1.4.2":                           {kind: resolve.FailureUnknownHost, host: swr + ".evil.example", contains: []string{emulator.HarborRegistry, "SWR at " + swr}},
		swr + ":8443/team/app:1.4.2":                                   {kind: resolve.FailureUnknownHost, host: swr + ":8443"},
		"SWR.CN-NORTH-4.MYHUAWEICLOUD.COM.EVIL.EXAMPLE/team/app:1.4.2": {kind: resolve.FailureUnknownHost, host: swr + ".evil.example"},
		"swr.cn-north-4.myhuaweicloud.eu/team/app:1.4.2":               {kind: resolve.FailureUnknownHost},
		"evil.example.com/team/app:1.4.2":                              {kind: resolve.FailureUnknownHost, host: "evil.example.com"},
		"team/app:1.4.2":                                               {kind: resolve.FailureUnknownHost, host: "docker.io", contains: []string{"means Docker Hub"}},
		"docker.io/team/app:1.4.2":                                     {kind: resolve.FailureUnknownHost, host: "docker.io", contains: []string{`at host "docker.io"`}},
		"harbor-dr.example.com/team/app:1.4.2":                         {kind: resolve.FailureUnknownHost, host: "harbor-dr.example.com"},
		emulator.HarborHost + ":8443/team/app:1.4.2":                   {kind: resolve.FailureUnknownHost},
		"xn--swr-9na.cn-north-4.myhuaweicloud.com/team/app:1.4.2":      {kind: resolve.FailureUnknownHost},
		// Not references at all.
		"user@" + swr + "/team/app:1.4.2":                 {kind: resolve.FailureInvalidReference},
		"user:pw@" + swr + "/team/app:1.4.2":              {kind: resolve.FailureInvalidReference},
		"swr.cn-north-4.myhuaweicloud.cöm/team/app:1.4.2": {kind: resolve.FailureInvalidReference},
		swr + "./team/app:1.4.2":                          {kind: resolve.FailureInvalidReference},
		swr + "/team/app":                                 {kind: resolve.FailureInvalidReference, contains: []string{"neither a tag nor a digest"}},
		swr + "/app:1.4.2":                                {kind: resolve.FailureInvalidReference, contains: []string{"needs an organization"}},
		swr + "/team/app:1.4.2\x1b[2J":                    {kind: resolve.FailureInvalidReference, contains: []string{`\x1b[2J`}},
		swr + "/team/app:1.4.2@sha256:abc":                {kind: resolve.FailureInvalidReference},
		"":                                                {kind: resolve.FailureInvalidReference},
		swr + "/team/" + strings.Repeat("a", 5000) + ":1": {kind: resolve.FailureInvalidReference, contains: []string{"5040 bytes"}},
	}
	var refs []string
	for ref := range cases {
		refs = append(refs, ref)
	}
	for i, got := range resolveAll(t, c, refs...) {
		ref, want := refs[i], cases[refs[i]]
		if got.Reference != ref {
			t.Errorf("%q: resolution of %q", ref, got.Reference)
		}
		if want.kind != "" {
			if got.Failure == nil || got.Failure.Kind != want.kind || (want.host != "" && got.Failure.Host != want.host) {
				t.Errorf("%q: %+v, want a failure %s at %s", ref, got, want.kind, want.host)
				continue
			}
			if got.Failure.Reference != ref || got.Failure.Error() == "" || strings.ContainsAny(got.Failure.Message, "\x1b\n") || len(got.Failure.Message) > 4000 {
				t.Errorf("%q: failure %+v", ref, got.Failure)
			}
			for _, s := range want.contains {
				if !strings.Contains(got.Failure.Message, s) {
					t.Errorf("%q: %q does not say %q", ref, got.Failure.Message, s)
				}
			}
			continue
		}
		if got.Failure != nil {
			t.Errorf("%q: %s", ref, got.Failure)
			continue
		}
		img := got.Image
		pinned := want.host + "/" + img.Namespace + "/" + img.ImageName + "@" + want.digest
		if img.ImageID != want.imageID || got.Digest != want.digest || got.Host != want.host || got.Pinned != pinned {
			t.Errorf("%q: bound %s (%s) at %s, pinned %s; want %s (%s) at %s", ref, img.ImageID, got.Digest, got.Host, got.Pinned, want.imageID, want.digest, want.host)
		}
		switch {
		case want.child == "" && got.Child != nil, want.child != "" && (got.Child == nil || got.Child.ImageID != want.child || got.Child.ImageDigest != want.digest):
			t.Errorf("%q: child %+v, want %s", ref, got.Child, want.child)
		}
	}
}

// What a bound entry carries: its registry, scan and counts as HSS reports them, and a
// multi-arch image's platform images with theirs.
func TestResolvedEntry(t *testing.T) {
	_, url := newServer(t)
	c := newClient(t, url, aksk())
	got := resolveAll(t, c, emulator.EnterpriseHost+"/team/api:2.0.0", swr+"/team/multi:1.0", swr+"/team/big:1.0", swr+"/partner/base:3.1")
	ee, multi, big, shared := got[0].Image, got[1].Image, got[2].Image, got[3].Image
	if ee.ImageType != "instance_image" || ee.RegistryType != "SwrEnterprise" || ee.RegistryName != emulator.EnterpriseRegistry ||
		ee.RegistryID != emulator.EnterpriseRegistryID || ee.InstanceID != emulator.EnterpriseInstanceID || ee.InstanceName != emulator.EnterpriseInstance ||
		ee.InstanceURL != emulator.EnterpriseURL || ee.ScanStatus != "success" || ee.SeverityLevel != "Medium" || ee.VulNum != 2 ||
		ee.LatestScanTime != "2025-11-30T08:00:00Z" || !ee.LatestVersion || ee.IsMultipleArch || ee.RecordID == 0 || ee.AssociationImages() != nil {
		t.Errorf("enterprise entry %+v", ee)
	}
	children := multi.AssociationImages()
	if !multi.IsMultipleArch || len(children) != 2 || children[0].ImageDigest != emulator.MultiArchAMD64Digest || children[0].VulNum != 2 ||
		children[1].ScanStatus != "failed" || children[1].ImageID != emulator.MultiArchARM64ID || children[1].ImageType != "private_image" ||
		children[1].Namespace != "team" || children[1].ImageVersion != "1.0" {
		t.Errorf("multi-arch entry %+v %+v", multi, children)
	}
	if big.ScanStatus != "image_oversized" || big.ScanFailedCode != "image_over_sized" || big.ScanFailedDesc == "" || big.LatestScanTime != "" {
		t.Errorf("oversized entry %+v", big)
	}
	if shared.DomainName != emulator.PartnerDomain || shared.SharedStatus != "effective" || shared.RegistryType != "SwrShared" {
		t.Errorf("shared entry %+v", shared)
	}
}

// A service that matches names loosely: the neighbour's entries it returns are dropped, so
// team/app:1.4.2-r never binds the scan of 1.4.2-rc1, nor TEAM/App that of team/app.
func TestResolveMatchesExactly(t *testing.T) {
	emu, url := newServer(t)
	c := newClient(t, url, aksk())
	neighbour := `{"total_num":2,"data_list":[
		{"id":1,"image_id":"n1","namespace":"team","image_name":"app","image_version":"1.4.2-rc1","image_type":"private_image","image_digest":"` + emulator.AppDigest + `"},
		{"id":2,"image_id":"n2","namespace":"team-x","image_name":"app","image_version":"1.4.2-r","image_type":"private_image","image_digest":"` + emulator.AppDigest + `"}]}`
	emu.AddFault(emulator.Fault{Body: neighbour, Match: func(r *http.Request) bool { return r.URL.Query().Get("image_version") == "1.4.2-r" }})
	got := resolveAll(t, c, swr+"/team/app:1.4.2-r")
	if got[0].Failure == nil || got[0].Failure.Kind != resolve.FailureNotFound {
		t.Fatalf("a loose match bound: %+v", got[0])
	}
}

// A registry is known by its address in every form HSS may report it, normalised as a
// reference's host; an address with user information, or of another host or port, is no
// registry's. An entry that names the registry but another registry ID is not its image.
func TestResolveByRegistryAddress(t *testing.T) {
	ref := emulator.HarborHost + "/team/app:1.4.2"
	for addr, binds := range map[string]bool{
		"harbor.example.com": true, "HARBOR.example.com:443": true, "https://harbor.example.com/": true, "https://harbor.example.com:443/v2": true,
		"http://harbor.example.com": true, " harbor.example.com ": true, "harbor.example.com/project": true,
		"https://user@harbor.example.com": false, "https://user:pw@harbor.example.com": false, "harbor.example.com:8443": false,
		"ftp://harbor.example.com": false, "harbor.example.com.": false, "harbor.example.com.evil.example": false, "": false,
		"https://": false, "harbor.example": false,
	} {
		emu, url := newServer(t)
		emu.AddFault(emulator.Fault{Match: func(r *http.Request) bool { return strings.HasSuffix(r.URL.Path, "/image/registries") },
			Body: `{"total_num":1,"data_list":[{"id":"` + emulator.HarborRegistryID + `","registry_name":"` + emulator.HarborRegistry +
				`","registry_type":"Harbor","registry_addr":` + strconv.Quote(addr) + `}]}`})
		got := resolveAll(t, newClient(t, url, aksk()), ref)[0]
		if bound := got.Failure == nil && got.Image.ImageID == emulator.HarborAppImageID; bound != binds ||
			(!binds && got.Failure.Kind != resolve.FailureUnknownHost) {
			t.Errorf("registry_addr %q: %+v", addr, got)
		}
	}
	emu, url := newServer(t)
	emu.AddFault(emulator.Fault{Match: func(r *http.Request) bool { return r.URL.Query().Get("image_name") == "app" },
		Body: `{"total_num":1,"data_list":[{"id":7,"image_id":"spoof","namespace":"team","image_name":"app","image_version":"1.4.2","image_type":"harbor",` +
			`"registry_name":"` + emulator.HarborRegistry + `","registry_id":"someone-elses","image_digest":"` + emulator.HarborAppDigest + `"}]}`})
	if got := resolveAll(t, newClient(t, url, aksk()), ref)[0]; got.Failure == nil || got.Failure.Kind != resolve.FailureNotFound {
		t.Errorf("another registry's ID bound: %+v", got)
	}
	// The instance_url of an SWR Enterprise image is held to the same rules.
	emu, url = newServer(t)
	emu.AddFault(emulator.Fault{Match: func(r *http.Request) bool { return r.URL.Query().Get("image_name") == "api" },
		Body: `{"total_num":1,"data_list":[{"id":7,"image_id":"spoof","namespace":"team","image_name":"api","image_version":"2.0.0","image_type":"instance_image",` +
			`"instance_url":"https://user@` + emulator.EnterpriseHost + `","image_digest":"` + emulator.EnterpriseDigest + `"}]}`})
	if got := resolveAll(t, newClient(t, url, aksk()), emulator.EnterpriseHost+"/team/api:2.0.0")[0]; got.Failure == nil || got.Image.ImageID == "spoof" {
		t.Errorf("an instance_url with user information bound: %+v", got)
	}
}

// A failure lists at most ten registries, candidates or digests, each bounded and escaped,
// however many a hostile answer holds.
func TestResolveFailuresAreBounded(t *testing.T) {
	emu, url := newServer(t)
	var regs, imgs []string
	for i := range 25 {
		regs = append(regs, fmt.Sprintf(`{"id":"r%d","registry_name":"reg-%d\u001b[31m%s","registry_addr":"h%d.example"}`, i, i, strings.Repeat("x", 1000), i))
		imgs = append(imgs, fmt.Sprintf(`{"id":%d,"image_id":"i%d","namespace":"team","image_name":"many","image_version":"1","image_type":"private_image","image_digest":"sha256:%064d"}`, i, i, i))
	}
	emu.AddFault(emulator.Fault{Match: func(r *http.Request) bool { return strings.HasSuffix(r.URL.Path, "/image/registries") },
		Body: `{"total_num":25,"data_list":[` + strings.Join(regs, ",") + `]}`})
	emu.AddFault(emulator.Fault{Match: func(r *http.Request) bool { return r.URL.Query().Get("image_name") == "many" },
		Body: `{"total_num":25,"data_list":[` + strings.Join(imgs, ",") + `]}`})
	var children []string
	for i := range 25 {
		children = append(children, fmt.Sprintf(`{"image_id":"c%d","image_digest":"sha256:%064d"}`, i, i))
	}
	emu.AddFault(emulator.Fault{Match: func(r *http.Request) bool { return r.URL.Query().Get("image_name") == "wide" },
		Body: `{"total_num":1,"data_list":[{"id":1,"image_id":"w","namespace":"team","image_name":"wide","image_version":"1","image_type":"private_image",` +
			`"is_multiple_arch":true,"image_digest":"sha256:` + strings.Repeat("f", 64) + `","association_images":[` + strings.Join(children, ",") + `]}]}`})
	got := resolveAll(t, newClient(t, url, aksk()), "evil.example.com/team/x:1", swr+"/team/many:1", swr+"/team/wide:1@sha256:"+strings.Repeat("e", 64),
		swr+"/team/wide:1@sha256:"+fmt.Sprintf("%064d", 24))
	unknown, ambiguous, mismatch := got[0].Failure, got[1].Failure, got[2].Failure
	if mismatch == nil || mismatch.Kind != resolve.FailureDigestMismatch || len(mismatch.Candidates) != 1 ||
		strings.Count(mismatch.Candidates[0], "sha256:") != 11 || !strings.HasSuffix(mismatch.Candidates[0], "and 15 more)") {
		t.Errorf("digest mismatch: %+v", mismatch)
	}
	if got[3].Failure != nil || got[3].Child == nil || got[3].Child.ImageID != "c24" {
		t.Errorf("the 25th platform image: %+v", got[3])
	}
	if unknown == nil || len(unknown.Registries) != 12 || unknown.Registries[11] != "and 15 more" || len(unknown.Message) > 5000 ||
		strings.Contains(unknown.Message, "\x1b") || !strings.Contains(unknown.Message, `reg-0\x1b[31m`) {
		t.Errorf("unknown host: %d registries, %d bytes: %+v", len(unknown.Registries), len(unknown.Message), unknown)
	}
	if ambiguous == nil || ambiguous.Kind != resolve.FailureAmbiguous || len(ambiguous.Candidates) != 11 || ambiguous.Candidates[10] != "and 15 more" ||
		!strings.Contains(ambiguous.Message, "matches 25 images") {
		t.Errorf("ambiguous: %+v", ambiguous)
	}
}

// The registry list is read once per call, even by references that need it long after the
// first did and with no result cache to keep it.
func TestResolveReadsTheRegistryListOncePerCall(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := newBubble(t, noCache)
		p.emu.AddFault(emulator.Fault{Latency: time.Second, Match: func(r *http.Request) bool { return r.URL.Query().Get("image_name") == "tool" }})
		got := resolveAll(t, p.c, emulator.HarborHost+"/team/app:1.4.2", emulator.JfrogHost+"/docker-local/tool:3.0", "evil.example.com/team/x:1")
		if got[0].Failure != nil || got[1].Failure != nil || got[2].Failure == nil {
			t.Fatalf("%+v", got)
		}
		if _, registries := requests(p.emu); registries != 1 {
			t.Fatalf("%d registry reads", registries)
		}
	})
}

// The service's failures are errors of the whole call, never refusals of a reference: the
// gate must not decide on half an answer.
func TestResolveAPIErrorsFailTheCall(t *testing.T) {
	for name, f := range map[string]emulator.Fault{
		"403 on one reference": {Status: 403, Code: "HSS.0013", Message: "no permission",
			Match: func(r *http.Request) bool { return r.URL.Query().Get("image_name") == "api" }},
		"HSS down":         {Status: 500, Code: "HSS.0500", Message: "down"},
		"malformed answer": {Body: `{"total_num":1,"data_list":"nope"}`},
		"total_num that does not add up": {Body: `{"total_num":3,"data_list":[]}`,
			Match: func(r *http.Request) bool { return strings.HasSuffix(r.URL.Path, "/images") }},
		"registry total_num that does not add up": {Body: `{"total_num":3,"data_list":[]}`,
			Match: func(r *http.Request) bool { return strings.HasSuffix(r.URL.Path, "/image/registries") }},
		"a digest that is not one": {Body: `{"total_num":1,"data_list":[{"id":1,"image_id":"x","namespace":"team","image_name":"app","image_version":"1.4.2",` +
			`"image_type":"private_image","image_digest":"sha256:zz\u001b[2J"}]}`},
		"registry list refused": {Status: 403, Code: "HSS.0013", Message: "no permission",
			Match: func(r *http.Request) bool { return strings.HasSuffix(r.URL.Path, "/image/registries") }},
	} {
		t.Run(name, func(t *testing.T) {
			emu, url := newServer(t)
			emu.AddFault(f)
			c := newClient(t, url, aksk(), fastRetries(0))
			refs := []string{swr + "/team/app:1.4.2", emulator.EnterpriseHost + "/team/api:2.0.0", emulator.HarborHost + "/team/app:1.4.2"}
			out, err := resolve.Resolve(context.Background(), c, resolve.Query{References: refs})
			var ae *transport.APIError
			var de *transport.DecodeError
			typed := err != nil && (errors.As(err, &ae) || errors.As(err, &de) || errors.Is(err, resolve.ErrMalformedEntry) || strings.Contains(err.Error(), "total_num"))
			if !typed || out != nil || !strings.Contains(err.Error(), "resolving ") {
				t.Fatalf("%v, %+v", err, out)
			}
			if strings.Contains(err.Error(), "\x1b") {
				t.Fatalf("unsafe text: %q", err)
			}
		})
	}
}

// A call checks its region, enterprise project and size before any request.
func TestResolveQueryIsChecked(t *testing.T) {
	emu, url := newServer(t)
	c := newClient(t, url, aksk())
	for name, q := range map[string]resolve.Query{
		"region":             {Region: "cn-north-4.evil.example", References: []string{swr + "/team/app:1.4.2"}},
		"enterprise project": {EnterpriseProjectID: "../x", References: []string{swr + "/team/app:1.4.2"}},
		"too many":           {References: make([]string, resolve.MaxReferences+1)},
	} {
		if _, err := resolve.Resolve(context.Background(), c, q); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if out, err := resolve.Resolve(context.Background(), c, resolve.Query{References: make([]string, resolve.MaxReferences)}); err != nil ||
		out[0].Failure.Kind != resolve.FailureInvalidReference {
		t.Errorf("the most references: %v", err)
	}
	if out, err := resolve.Resolve(context.Background(), c, resolve.Query{}); err != nil || len(out) != 0 {
		t.Errorf("no references: %v %v", out, err)
	}
	if len(emu.Requests()) != 0 {
		t.Errorf("requests %d", len(emu.Requests()))
	}
}

// The region and enterprise project of the read: another region's SWR resolves there, and an
// enterprise project goes with every request.
func TestResolveInARegionAndEnterpriseProject(t *testing.T) {
	emu, url := newServer(t)
	c := newClient(t, url, aksk())
	out, err := resolve.Resolve(context.Background(), c, resolve.Query{Region: emulator.OtherRegion, EnterpriseProjectID: hss.AllGrantedEPs,
		References: []string{"swr.ap-southeast-1.myhuaweicloud.com/team/app:1.4.2", swr + "/team/app:1.4.2", emulator.HarborHost + "/team/app:1.4.2"}})
	if err != nil {
		t.Fatal(err)
	}
	if out[0].Failure != nil || out[0].Image.ImageID != emulator.OtherRegionAppImageID || out[0].Pinned != "swr.ap-southeast-1.myhuaweicloud.com/team/app@"+emulator.OtherRegionAppDigest {
		t.Errorf("other region: %+v", out[0])
	}
	if out[1].Failure == nil || out[1].Failure.Kind != resolve.FailureRegionMismatch || out[1].Failure.Region != emulator.Region {
		t.Errorf("this region's SWR, read in another: %+v", out[1])
	}
	if out[2].Failure == nil || out[2].Failure.Kind != resolve.FailureUnknownHost {
		t.Errorf("a registry of another region: %+v", out[2])
	}
	for _, r := range emu.Requests() {
		if r.Kind == emulator.KindHSS && (r.Query.Get("enterprise_project_id") != hss.AllGrantedEPs || !strings.Contains(r.Path, emulator.OtherProject)) {
			t.Errorf("request %s %v", r.Path, r.Query)
		}
	}
}

// Cost: 1,000 references send one registry image read per distinct organization, name and
// tag, and one registry list per region and enterprise project, only when a host is not
// SWR's; the same references again send nothing.
func TestResolveRequestCounts(t *testing.T) {
	emu, url := newServer(t)
	c := newClient(t, url, aksk())
	refs, distinct := thousandReferences()
	emu.Reset()
	out := resolveAll(t, c, refs...)
	images, registries := requests(emu)
	if images != distinct || registries != 1 {
		t.Fatalf("%d image reads for %d distinct references, %d registry reads", images, distinct, registries)
	}
	bound := 0
	for _, r := range out {
		if r.Failure == nil {
			bound++
		}
	}
	if bound != 600 {
		t.Errorf("%d bound", bound)
	}
	emu.Reset()
	resolveAll(t, c, refs...)
	if images, registries := requests(emu); images != 0 || registries != 0 {
		t.Errorf("again: %d image reads, %d registry reads", images, registries)
	}
	// Another enterprise project is another read of the registry list, once.
	emu.Reset()
	for range 2 {
		if _, err := resolve.Resolve(context.Background(), c, resolve.Query{EnterpriseProjectID: hss.AllGrantedEPs, References: refs}); err != nil {
			t.Fatal(err)
		}
	}
	if images, registries := requests(emu); images != distinct || registries != 1 {
		t.Errorf("another enterprise project: %d image reads, %d registry reads", images, registries)
	}
	// Once per call, whatever the result cache keeps.
	emu.Reset()
	resolveAll(t, newClient(t, url, aksk(), noCache), refs...)
	if _, registries := requests(emu); registries != 1 {
		t.Errorf("without a result cache: %d registry reads", registries)
	}
	// SWR references alone never read the registry list.
	emu.Reset()
	c = newClient(t, url, aksk())
	resolveAll(t, c, swr+"/team/app:1.4.2", swr+"/team/nothing:1", "swr.ap-southeast-1.myhuaweicloud.com/team/app:1.4.2", "not a reference")
	if images, registries := requests(emu); images != 2 || registries != 0 {
		t.Errorf("SWR only: %d image reads, %d registry reads", images, registries)
	}
}

// Many references are resolved at once, but never more than ResolveConcurrency: on virtual
// time, with 20 ms a response, 1,000 references keep exactly that many reads in flight.
func TestResolveConcurrencyIsBounded(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := newBubble(t)
		refs, distinct := thousandReferences()
		start := time.Now()
		resolveAll(t, p.c, refs...)
		waves := (distinct + resolve.Concurrency - 1) / resolve.Concurrency
		if got := p.emu.MaxInFlight(); got != resolve.Concurrency {
			t.Fatalf("%d reads in flight at most, want %d", got, resolve.Concurrency)
		}
		if d := time.Since(start); d > time.Duration(waves+2)*20*time.Millisecond {
			t.Fatalf("%d reads took %s, more than %d round trips", distinct, d, waves+2)
		}
	})
}

// thousandReferences are 1,000 references: 600 that resolve in five registries (the same few
// repeated, some with a digest), and 400 of distinct repositories HSS does not have. distinct
// is how many registry image reads they need.
func thousandReferences() (refs []string, distinct int) {
	bound := []string{swr + "/team/app:1.4.2", swr + "/team/app@" + emulator.AppDigest, emulator.HarborHost + "/team/app:1.4.2",
		emulator.HarborDRHost + "/team/app:1.4.2@" + emulator.HarborAppDigest, emulator.EnterpriseHost + "/team/api:2.0.0",
		swr + "/team/multi:1.0@" + emulator.MultiArchARM64Digest}
	for i := range 1000 {
		if i < 600 {
			refs = append(refs, bound[i%len(bound)])
		} else {
			refs = append(refs, fmt.Sprintf("%s/team/svc-%d:1.0", swr, i))
		}
	}
	// team/app:1.4.2 (three hosts share it), team/app by digest, team/api:2.0.0,
	// team/multi:1.0, and the 400.
	return refs, 4 + 400
}

// BenchmarkResolve resolves 1,000 references through the client against the emulator, as the
// gate does, with a client of its own each time so every read is sent: without latency (the
// client's own cost) and with 20 ms a response.
func BenchmarkResolve(b *testing.B) {
	for _, latency := range []time.Duration{0, 20 * time.Millisecond} {
		b.Run("latency="+latency.String(), func(b *testing.B) {
			emu, url := newServer(b)
			emu.SetLatency(latency)
			refs, _ := thousandReferences()
			b.ReportAllocs()
			for b.Loop() {
				b.StopTimer()
				c, err := hss.New(hss.Config{Region: emulator.Region, ProjectID: emulator.ProjectID, Endpoints: endpoints.Set{HSS: url, IAM: url},
					Credentials: aksk()})
				if err != nil {
					b.Fatal(err)
				}
				emu.Reset()
				b.StartTimer()
				if _, err := resolve.Resolve(context.Background(), c, resolve.Query{References: refs}); err != nil {
					b.Fatal(err)
				}
			}
			images, registries := requests(emu)
			b.ReportMetric(float64(images), "image-reads/op")
			b.ReportMetric(float64(registries), "registry-reads/op")
			b.ReportMetric(float64(emu.MaxInFlight()), "max-in-flight")
		})
	}
}
