package datasources_test

import (
	"fmt"
	"runtime/debug"
	"sort"
	"strings"
	"testing"

	"github.com/hsslabs/terraform-provider-hss/internal/emulator"
)

// Query values with reserved characters survive the round trip, signature included.
func TestReadEncoding(t *testing.T) {
	e := newEmu(t)
	attrs := configured(t, e, akskArgs).MustRead(map[string]any{
		"image_id": "harbor-0001", "image_type": "harbor", "namespace": "team a&b/x+y", "image_name": "web app", "image_version": "1.2 beta"})
	wantEntries(t, attrs, emulator.BasicImage{OSName: "Alpine", OSVersion: "3.19", LayerDigest: "sha256:1111111111111111111111111111111111111111111111111111111111111111"})
	if str(t, attrs, "namespace") != "team a&b/x+y" || str(t, attrs, "enterprise_project_id") != "0" {
		t.Fatalf("namespace %q, enterprise project %q", str(t, attrs, "namespace"), str(t, attrs, "enterprise_project_id"))
	}
}

// A result of 450 entries arrives whole, in order, in exactly ceil(450/200) = 3 requests: the
// first page first, the other two together.
func TestReadMultiPage(t *testing.T) {
	e := newEmu(t)
	attrs := configured(t, e, merged(akskArgs, map[string]any{"project_id": emulator.ProjectID})).MustRead(
		map[string]any{"image_id": emulator.ManyImageID, "image_type": "cicd"})
	want := make([]emulator.BasicImage, emulator.ManyEntries)
	for i := range want {
		want[i] = emulator.ManyEntry(i)
	}
	wantEntries(t, attrs, want...)
	var offsets []string
	for _, r := range e.Requests() {
		offsets = append(offsets, r.Query.Get("offset"))
	}
	sort.Strings(offsets[1:])
	if fmt.Sprint(offsets) != "[0 200 400]" || e.Count(emulator.KindIAMProjects) != 0 {
		t.Fatalf("offsets %v, %d project lookups", offsets, e.Count(emulator.KindIAMProjects))
	}
}

// os_name filters; no match is an empty list, never null; one provider process resolves the
// project once, however many reads.
func TestReadOSNameAndEmpty(t *testing.T) {
	e := newEmu(t)
	p := configured(t, e, akskArgs)
	wantEntries(t, p.MustRead(map[string]any{"image_id": "multi-os-0001", "image_type": "cicd", "os_name": "Ubuntu"}),
		emulator.BasicImage{OSName: "Ubuntu", OSVersion: "22.04", LayerDigest: "sha256:2222222222222222222222222222222222222222222222222222222222222222"},
		emulator.BasicImage{OSName: "Ubuntu", OSVersion: "20.04", LayerDigest: "sha256:4444444444444444444444444444444444444444444444444444444444444444"})
	none := p.MustRead(map[string]any{"image_id": "multi-os-0001", "image_type": "cicd", "os_name": "Windows"})
	if !none["data_list"].IsKnown() || none["data_list"].IsNull() || len(entries(t, none)) != 0 {
		t.Fatalf("data_list %v, want an empty list", none["data_list"])
	}
	if n := e.Count(emulator.KindIAMProjects); n != 1 {
		t.Fatalf("%d project lookups for two reads of one provider process, want 1", n)
	}
}

// A user granted one enterprise project sees it by ID and through all_granted_eps; naming one
// it is not granted is the API's error with its details and what to do.
func TestReadEnterpriseProjects(t *testing.T) {
	e := newEmu(t)
	p := configured(t, e, map[string]any{"access_key": emulator.LimitedAK, "secret_key": emulator.LimitedSK})
	granted := emulator.BasicImage{OSName: "CentOS", OSVersion: "7", LayerDigest: "sha256:5555555555555555555555555555555555555555555555555555555555555555"}
	byID := p.MustRead(map[string]any{"image_id": "ep-granted-0001", "image_type": "cicd", "enterprise_project_id": emulator.GrantedEP})
	wantEntries(t, byID, granted)
	if str(t, byID, "enterprise_project_id") != emulator.GrantedEP {
		t.Fatalf("enterprise project %q", str(t, byID, "enterprise_project_id"))
	}
	wantEntries(t, p.MustRead(map[string]any{"image_id": "ep-granted-0001", "image_type": "cicd", "enterprise_project_id": "all_granted_eps"}), granted)
	wantEntries(t, p.MustRead(map[string]any{"image_id": "ep-refused-0001", "image_type": "cicd", "enterprise_project_id": "all_granted_eps"}))
	_, d := p.Read(map[string]any{"image_id": "ep-refused-0001", "image_type": "cicd", "enterprise_project_id": emulator.RefusedEP})
	if !errRe(`Unable to read HSS basic image information.*HTTP status 400.*error_code: HSS\.0013.*Insufficient permission.*request ID: [0-9a-f]{32}.*grant an HSS read policy`).MatchString(d.String()) {
		t.Fatalf("%s", d)
	}
}

// An image reference as users have it fills organization, name and tag, visible in state.
func TestReadImageReference(t *testing.T) {
	e := newEmu(t)
	attrs := configured(t, e, akskArgs).MustRead(map[string]any{"image_id": "5f7c3b2a19e04d8c", "image_type": "private_image",
		"image_reference": "swr.cn-north-4.myhuaweicloud.com/scc_hss_container/proxy-agent:24.5.0-x86_64"})
	wantEntries(t, attrs, emulator.ProxyAgentBase)
	if str(t, attrs, "namespace") != "scc_hss_container" || str(t, attrs, "image_name") != "proxy-agent" || str(t, attrs, "image_version") != "24.5.0-x86_64" {
		t.Fatalf("%v", attrs)
	}
	for _, r := range e.Requests() {
		if r.Kind == emulator.KindHSS && (r.Query.Get("namespace") != "scc_hss_container" || r.Query.Get("image_name") != "proxy-agent" || r.Query.Get("image_version") != "24.5.0-x86_64") {
			t.Fatalf("query %v", r.Query)
		}
	}
}

// One memory budget for every read of the provider: a read past it fails, naming the size it
// reached and the argument that raises it, and the same read fits under a larger one.
func TestReadMemoryBudget(t *testing.T) {
	e := newEmu(t)
	big := map[string]any{"image_id": emulator.SyntheticPrefix + "100000", "image_type": "cicd"}
	_, d := configured(t, e, merged(akskArgs, map[string]any{"max_memory_mb": 16})).Read(big)
	if d.Errors() != 1 || !strings.Contains(d.String(), "raise the provider's max_memory_mb") {
		t.Fatalf("%s", d)
	}
	if _, d := configured(t, e, merged(akskArgs, map[string]any{"max_memory_mb": 1024})).Read(big); d.Errors() != 0 {
		t.Fatalf("%s", d)
	}
}

// A read's state counts against the budget only until it is handed over: the same read,
// repeated, fits under a budget too small for four of its states at once.
func TestReadReleasesItsState(t *testing.T) {
	// The budget counts twice what is live at the default GOGC of 100.
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	e := newEmu(t)
	p := configured(t, e, merged(akskArgs, map[string]any{"max_memory_mb": 256}))
	read := map[string]any{"image_id": emulator.SyntheticPrefix + "20000", "image_type": "cicd"}
	for i := range 4 {
		if _, d := p.Read(read); d.Errors() != 0 {
			t.Fatalf("read %d: %s", i+1, d)
		}
	}
}
