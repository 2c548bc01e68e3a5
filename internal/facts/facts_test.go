package facts_test

import (
	"context"
	"net/http"
	"path"
	"strings"
	"testing"
	"time"

	"github.com/hsslabs/terraform-provider-hss/internal/emulator"
)

// What each kind of image tells the gate: the scan of the image bound (a platform image's for
// a multi-arch digest), its base OS as the table sees it on the day judged, its unhandled
// vulnerabilities with their scores, and nothing read for an image HSS has not scanned.
func TestFacts(t *testing.T) {
	r, emu := reader(t)
	refs := []string{emulator.SWRHost + "/team/app:1.4.2", emulator.EnterpriseHost + "/team/api:2.0.0", emulator.SWRHost + "/team/web:2.0",
		emulator.SWRHost + "/team/multi:1.0@" + emulator.MultiArchARM64Digest, "evil.example.com/team/app:1.4.2", emulator.HarborHost + "/team/app:1.4.2",
		emulator.SWRHost + "/scc_hss_container/proxy-agent:24.5.0-x86_64"}
	keys := []string{"app", "api", "web", "arm", "evil", "harbor", "agent"}
	imgs := gather(t, r, emu, keys, refs)
	app, api, web, arm, evil, harbor, agent := imgs[0].Facts, imgs[1].Facts, imgs[2].Facts, imgs[3].Facts, imgs[4].Facts, imgs[5].Facts, imgs[6].Facts
	if !app.Resolved || app.Key != "app" || app.Digested || app.ScanStatus != "success" || !app.LatestScan.Equal(time.Date(2025, 11, 30, 8, 0, 0, 0, time.UTC)) || len(app.BaseOS) != 1 ||
		!app.BaseOS[0].Known || app.BaseOS[0].Standard.End.Format(time.DateOnly) != "2032-05-31" || len(app.Vulnerabilities) != 1 ||
		app.Vulnerabilities[0].CVSS != nil || *app.MaliciousFiles != 0 {
		t.Errorf("app %+v", app)
	}
	if *api.MaliciousFiles != 1 || len(api.Vulnerabilities) != 2 || api.Vulnerabilities[0].CVSS == nil || *api.Vulnerabilities[0].CVSS != 7.8 ||
		api.BaseOS[0].Extended == nil {
		t.Errorf("api %+v", api)
	}
	if web.ScanStatus != "failed" || web.ScanFailedCode != "download_failed" || web.BaseOS != nil || web.Vulnerabilities != nil {
		t.Errorf("web %+v", web)
	}
	if !arm.Digested || arm.ScanStatus != "failed" || imgs[3].ImageID() != emulator.MultiArchARM64ID {
		t.Errorf("arm %+v %s", arm, imgs[3].ImageID())
	}
	if evil.Resolved || evil.ResolveError == "" || evil.MaliciousFiles != nil {
		t.Errorf("evil %+v", evil)
	}
	if len(harbor.BaseOS) != 1 || harbor.BaseOS[0].Standard.Supported || harbor.BaseOS[0].Extended == nil || !harbor.BaseOS[0].Extended.Supported {
		t.Errorf("harbor %+v", harbor.BaseOS)
	}
	if len(agent.BaseOS) != 1 || agent.BaseOS[0].Known || agent.BaseOS[0].Note == "" {
		t.Errorf("agent %+v", agent.BaseOS)
	}
	// The base image and vulnerabilities of the 4 images HSS scanned, and nothing of the others;
	// the CVEs once per distinct unhandled vulnerability (CVE-2024-45490, CVE-2023-4911,
	// CVE-2024-2961, CVE-2024-6387, CVE-2023-44487).
	counts := map[string]int{}
	for _, q := range emu.Requests() {
		counts[path.Base(q.Path)]++
	}
	if counts["basic-image"] != 4 || counts["vulnerabilities"] != 4 || counts["cve"] != 5 || len(counts) != 3 {
		t.Errorf("%v", counts)
	}
}

// What the reads ask HSS: only unhandled vulnerabilities, an SWR Enterprise image's by its
// instance, no base image of a JFrog image, and no enterprise project when none is configured.
func TestReadQueries(t *testing.T) {
	r, emu := reader(t)
	imgs := gather(t, r, emu, []string{"api", "app", "tool"}, []string{emulator.EnterpriseHost + "/team/api:2.0.0", emulator.SWRHost + "/team/app:1.4.2",
		emulator.JfrogHost + "/docker-local/tool:3.0"})
	seen := map[string]int{}
	for _, q := range emu.Requests() {
		if q.Kind != emulator.KindHSS {
			continue
		}
		kind := path.Base(q.Path)
		seen[kind]++
		if q.Query.Has("enterprise_project_id") {
			t.Errorf("%s: enterprise project %q", q.Path, q.Query.Get("enterprise_project_id"))
		}
		if kind == "vulnerabilities" && (q.Query.Get("handle_status") != "unhandled" ||
			(strings.Contains(q.Path, emulator.EnterpriseImageID) != (q.Query.Get("instance_id") != ""))) {
			t.Errorf("%s: %v", q.Path, q.Query)
		}
	}
	// A JFrog image has no base-image answer: the API does not take its type.
	if seen["vulnerabilities"] != 3 || seen["basic-image"] != 2 || imgs[2].Facts.BaseOS != nil || imgs[2].Facts.ScanStatus != "success" {
		t.Fatalf("%v", seen)
	}
}

// A score HSS cannot give fails the whole read, naming the vulnerability: a policy on scores
// never judges without them.
func TestScoreFailure(t *testing.T) {
	r, emu := reader(t)
	ctx := context.Background()
	imgs, err := r.Resolve(ctx, []string{"api"}, []string{emulator.EnterpriseHost + "/team/api:2.0.0"})
	if err != nil || r.Read(ctx, &imgs[0]) != nil {
		t.Fatal(err)
	}
	emu.AddFault(emulator.Fault{Status: http.StatusForbidden, Code: "HSS.1041", Message: "no permission",
		Match: func(q *http.Request) bool { return strings.HasSuffix(q.URL.Path, "/cve") }})
	err = r.Score(ctx, imgs)
	if err == nil || !strings.Contains(err.Error(), "the CVEs of CVE-") || !strings.Contains(err.Error(), "HSS.1041") {
		t.Fatalf("%v", err)
	}
}

// A platform image of a multi-arch index is judged on its own counts, not the index's.
func TestPlatformImageCounts(t *testing.T) {
	r, _ := reader(t)
	imgs, err := r.Resolve(context.Background(), []string{"amd"}, []string{emulator.SWRHost + "/team/multi:1.0@" + emulator.MultiArchAMD64Digest})
	if err != nil {
		t.Fatal(err)
	}
	f := imgs[0].Facts
	if f.UnsafeSettings == nil || *f.UnsafeSettings != 1 || f.MaliciousFiles == nil || *f.MaliciousFiles != 2 || f.ScanStatus != "success" {
		t.Fatalf("%+v", f)
	}
}
