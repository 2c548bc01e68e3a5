package datasources_test

import (
	"strings"
	"testing"

	"github.com/hsslabs/terraform-provider-hss/internal/emulator"
)

// A reference binds the one image HSS scanned at that registry, and pins it by digest: SWR by
// its regional host, an SWR Enterprise instance by its instance_url, Harbor by its
// registry_addr, a multi-arch image's platform image by the digest that names it.
func TestReadImage(t *testing.T) {
	e := newEmu(t)
	p := configured(t, e, akskArgs)
	swr := emulator.SWRHost + "/team/app"
	for ref, want := range map[string]map[string]string{
		swr + ":1.4.2": {"image_id": emulator.AppImageID, "registry_type": "SwrPrivate", "image_type": "private_image",
			"pinned_reference": swr + "@" + emulator.AppDigest, "scan_status": "success", "latest_scan_time": "2025-11-30T08:00:00Z",
			"namespace": "team", "image_name": "app", "image_version": "1.4.2", "image_digest": emulator.AppDigest},
		swr + ":1.4.2@" + emulator.AppDigest:                      {"image_id": emulator.AppImageID},
		swr + "@" + emulator.AppDigest:                            {"image_id": emulator.AppImageID, "image_version": "1.4.2"},
		strings.ToUpper(emulator.SWRHost) + ":443/team/app:1.4.2": {"pinned_reference": swr + "@" + emulator.AppDigest},
		emulator.HarborHost + "/team/app:1.4.2": {"image_id": emulator.HarborAppImageID, "registry_name": emulator.HarborRegistry,
			"pinned_reference": emulator.HarborHost + "/team/app@" + emulator.HarborAppDigest},
		emulator.HarborDRHost + "/team/app:1.4.2":   {"image_id": emulator.HarborDRAppImageID, "registry_name": emulator.HarborDRRegistry},
		emulator.EnterpriseHost + "/team/api:2.0.0": {"image_id": emulator.EnterpriseImageID, "registry_type": "SwrEnterprise", "vul_num": `tftypes.Number<"2">`},
		emulator.SWRHost + "/team/multi:1.0@" + emulator.MultiArchAMD64Digest: {"image_id": emulator.MultiArchAMD64ID,
			"image_digest": emulator.MultiArchAMD64Digest, "pinned_reference": emulator.SWRHost + "/team/multi@" + emulator.MultiArchAMD64Digest,
			"unsafe_setting_num": `tftypes.Number<"1">`, "malicious_file_num": `tftypes.Number<"2">`},
		// The platform image's scan applies, not the index's.
		emulator.SWRHost + "/team/multi:1.0@" + emulator.MultiArchARM64Digest: {"image_id": emulator.MultiArchARM64ID, "scan_status": "failed"},
		// Found but not scanned is an answer, not an error: the gate decides.
		emulator.SWRHost + "/scc_hss_container/proxy-agent:24.6.0-x86_64": {"image_id": emulator.UnscannedImageID, "scan_status": "unscan", "latest_scan_time": ""},
	} {
		attrs, d := p.ReadData("hss_image", map[string]any{"reference": ref})
		if d.Errors() > 0 {
			t.Errorf("%s: %s", ref, d)
			continue
		}
		for k, v := range want {
			got := ""
			if strings.HasSuffix(k, "_num") {
				got = attrs[k].String()
			} else {
				got = str(t, attrs, k)
			}
			if got != v {
				t.Errorf("%s: %s = %q, want %q", ref, k, got, v)
			}
		}
		if str(t, attrs, "region") != emulator.Region || str(t, attrs, "enterprise_project_id") != "0" || str(t, attrs, "id") == "" {
			t.Errorf("%s: %v", ref, attrs)
		}
	}
}

// The same reference read in another enterprise project is another query, with another ID.
func TestImageIDNamesTheEnterpriseProject(t *testing.T) {
	e := newEmu(t)
	p := configured(t, e, akskArgs)
	ids := map[string]bool{}
	for _, ep := range []string{"0", "all_granted_eps", "0"} {
		attrs, d := p.ReadData("hss_image", map[string]any{"reference": swrApp, "enterprise_project_id": ep})
		if d.Errors() > 0 {
			t.Fatalf("%s: %s", ep, d)
		}
		ids[str(t, attrs, "id")] = true
	}
	if len(ids) != 2 {
		t.Fatalf("ids %v", ids)
	}
}

// Nothing binds but the exact image at the exact registry: a look-alike host, a host HSS has no
// registry for, a digest one character off, SWR of another region, a tag in two registries.
func TestImageRefusesLookAlikes(t *testing.T) {
	e := newEmu(t)
	p := configured(t, e, akskArgs)
	offByOne := emulator.AppDigest[:len(emulator.AppDigest)-1] + "f"
	for ref, want := range map[string]string{
		"evil.example.com/team/app:1.4.2":                 `"evil.example.com" and no registry connected to HSS is there`,
		emulator.SWRHost + ".evil.example/team/app:1.4.2": "no registry connected to HSS is there",
		emulator.SWRHost + ":8443/team/app:1.4.2":         "no registry connected to HSS is there",
		"team/app:1.4.2": "Docker Hub",
		emulator.SWRHost + "/team/app:1.4.2@" + offByOne:                    "names digest " + offByOne + ", but the image HSS scanned",
		"swr." + emulator.OtherRegion + ".myhuaweicloud.com/team/app:1.4.2": `read it in region "` + emulator.OtherRegion + `"`,
		emulator.SWRHost + "/team/dup:1.0":                                  "matches 2 images",
		emulator.SWRHost + "/team/app:1.4.20":                               "HSS has no image",
		emulator.SWRHost + "/team/ap:1.4.2":                                 "HSS has no image",
	} {
		_, d := p.ReadData("hss_image", map[string]any{"reference": ref})
		if d.Errors() != 1 || !strings.Contains(d.String(), "reference: Reference not resolved") || !strings.Contains(d.String(), want) {
			t.Errorf("%s: %s", ref, d)
		}
	}
	// The registries HSS has are named, so a typo is easy to see.
	_, d := p.ReadData("hss_image", map[string]any{"reference": "harbour.example.com/team/app:1.4.2"})
	if !strings.Contains(d.String(), emulator.HarborRegistry) {
		t.Errorf("%s", d)
	}
	for _, bad := range []string{"", "team/app", "Team/App:1", "user:pass@harbor.example.com/team/app:1"} {
		if _, d := p.ReadData("hss_image", map[string]any{"reference": bad}); d.Errors() != 1 || !strings.Contains(d.String(), "Invalid image reference") {
			t.Errorf("%q: %s", bad, d)
		}
	}
}

// One registry image read per organization, name and tag, whatever the registry; the registry
// list only for a host that is not SWR's, once per run.
func TestImageCost(t *testing.T) {
	e := newEmu(t)
	p := configured(t, e, akskArgs)
	e.Reset()
	if _, d := p.ReadData("hss_image", map[string]any{"reference": emulator.SWRHost + "/team/app:1.4.2"}); d.Errors() > 0 {
		t.Fatal(d)
	}
	paths := func() map[string]int {
		n := map[string]int{}
		for _, r := range e.Requests() {
			if r.Kind == emulator.KindHSS {
				_, rest, _ := strings.Cut(r.Path, "/image/")
				n[rest]++
			}
		}
		return n
	}
	if got := paths(); got["registries/images"] != 1 || len(got) != 1 {
		t.Fatalf("%v", got)
	}
	e.Reset()
	if _, d := p.ReadData("hss_image", map[string]any{"reference": emulator.HarborHost + "/team/app:1.4.2"}); d.Errors() > 0 {
		t.Fatal(d)
	}
	// The same organization, name and tag were read already: only the registry list is new.
	if got := paths(); got["registries/images"] != 0 || got["registries"] != 1 {
		t.Fatalf("%v", got)
	}
	e.Reset()
	if _, d := p.ReadData("hss_image", map[string]any{"reference": emulator.HarborDRHost + "/team/api:2.0.0"}); d.Errors() == 0 {
		t.Fatal("team/api is not in harbor-dr")
	}
	if got := paths(); got["registries/images"] != 1 || got["registries"] != 0 {
		t.Fatalf("%v", got)
	}
}
