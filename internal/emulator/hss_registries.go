package emulator

import (
	"cmp"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strconv"
	"strings"

	hssv5 "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/hss/v5"
)

// maxLimit is the largest limit of every HSS list API, as the SDK's request models document it.
const maxLimit = 200

// param is an enumerated query parameter: the values the SDK's request model lists, one of
// them, or several comma-separated when list is set.
type param struct {
	values map[string]bool
	list   bool
}

func oneOf(values ...string) param {
	p := param{values: map[string]bool{}}
	for _, v := range values {
		p.values[v] = true
	}
	return p
}

// boolean is a true/false parameter, which the SDK's models document as an enumeration.
var boolean = oneOf("true", "false")

// taking is rt with the enumerated parameters it checks.
func (rt hssRoute) taking(params map[string]param) hssRoute {
	rt.params = params
	return rt
}

// checkParams says what is wrong with an enumerated parameter of q, "" when nothing is.
func (rt hssRoute) checkParams(q url.Values) string {
	for _, name := range slices.Sorted(maps.Keys(rt.params)) {
		vs, sent := q[name]
		if !sent {
			continue
		}
		p := rt.params[name]
		for _, v := range vs {
			values := []string{v}
			if p.list {
				values = strings.Split(v, ",")
			}
			for _, one := range values {
				if !p.values[one] {
					return fmt.Sprintf("Invalid parameter %s: %s.", name, strconv.Quote(v))
				}
			}
		}
	}
	return ""
}

// The scan states of the request models' scan_status filters.
var scanStatusFilters = []string{"unscan", "success", "scanning", "failed", "waiting_for_scan"}

// registryImagesRoute is GET /v5/{project_id}/image/registries/images: image_type optional,
// limit 1 to 200, and every enumeration its request model documents.
var registryImagesRoute = func() hssRoute {
	rt := listRoute(hssv5.GenReqDefForListRegistryImages(),
		map[string]bool{"private_image": true, "shared_image": true, "instance_image": true, "harbor": true, "jfrog": true}, 0,
		(*Emulator).registryImages).
		taking(map[string]param{
			"scan_status": oneOf(scanStatusFilters...), "severity_level": oneOf("Security", "Low", "Medium", "High"),
			"sort_key": oneOf("latest_scan_time"), "sort_dir": oneOf("asc", "desc"),
			"latest_version": boolean, "is_multarch": boolean, "has_vul": boolean, "has_malicious_file": boolean,
			"has_unsafe_setting": boolean, "risky": boolean,
		})
	rt.imageTypeOptional = true
	return rt
}()

// registriesRoute is GET /v5/{project_id}/image/registries: no image type, limit 10 to 200.
var registriesRoute = func() hssRoute {
	rt := listRoute(hssv5.GenReqDefForListRegistry(), nil, 10, (*Emulator).registries).
		taking(map[string]param{
			"status":        oneOf("success", "fail", "accessing"),
			"registry_type": {values: oneOf("Harbor", "Jfrog", "SwrPrivate", "SwrShared", "SwrEnterprise", "Other").values, list: true},
		})
	rt.imageTypeOptional = true
	return rt
}()

// registryOf is the registry an image was synchronised from; nil when the fixture names none.
func (e *Emulator) registryOf(img Image) *Registry {
	for i := range e.fixture.Registries {
		if r := &e.fixture.Registries[i]; r.ID == img.RegistryID && r.ProjectID == img.ProjectID {
			return r
		}
	}
	return nil
}

// registryImages serves GET /v5/{project_id}/image/registries/images: the images of every
// registry, filtered exactly by what the request names.
func (e *Emulator) registryImages(l *imageList, pf PageFault) (int, any) {
	q := l.query
	e.mu.Lock()
	var found []map[string]any
	for i, img := range e.fixture.Images {
		reg := e.registryOf(img)
		if img.ProjectID != l.projectID || reg == nil || (l.granted != nil && !l.granted[img.EnterpriseProject]) {
			continue
		}
		entry := registryEntry(i, img, reg)
		if !matchesEntry(q, entry) {
			continue
		}
		found = append(found, entry)
	}
	if entry, ok := e.benchRegistryEntry(l); ok {
		found = append(found, entry)
	}
	e.mu.Unlock()
	return page(found, l.offset, l.limit, pf, nil, nil)
}

// matchesEntry applies the filters of q that an entry answers.
func matchesEntry(q url.Values, entry map[string]any) bool {
	for _, name := range []string{"namespace", "image_name", "image_version", "registry_name", "instance_id", "instance_name", "image_type",
		"scan_status", "severity_level"} {
		if v, _ := entry[name].(string); !matches(q, name, v) {
			return false
		}
	}
	if q.Get("latest_version") == "true" && entry["latest_version"] != true {
		return false
	}
	if m := q.Get("is_multarch"); m != "" && m != strconv.FormatBool(entry["is_multiple_arch"] == true) {
		return false
	}
	for name, count := range map[string]string{"has_vul": "vul_num", "has_malicious_file": "malicious_file_num", "has_unsafe_setting": "unsafe_setting_num"} {
		if n, _ := entry[count].(int); q.Get(name) != "" && q.Get(name) != strconv.FormatBool(n > 0) {
			return false
		}
	}
	return true
}

// registryTypes are the registry types of the image types.
var registryTypes = map[string]string{"private_image": "SwrPrivate", "shared_image": "SwrShared", "instance_image": "SwrEnterprise",
	"harbor": "Harbor", "jfrog": "Jfrog"}

// registryEntry is img, the i-th image of the fixture, as the registry image list reports it.
func registryEntry(i int, img Image, reg *Registry) map[string]any {
	entry := swrEntry(img)
	entry["id"] = 1000 + i
	entry["registry_id"], entry["registry_name"] = reg.ID, reg.Name
	entry["registry_type"] = cmp.Or(registryTypes[img.Type], "Other")
	entry["latest_version"] = !img.NotLatest
	entry["is_multiple_arch"] = len(img.Children) > 0
	entry["scannable"] = true
	for k, v := range map[string]string{"instance_id": img.InstanceID, "instance_name": img.InstanceName, "instance_url": img.InstanceURL,
		"domain_name": img.DomainName, "scan_failed_code": img.ScanFailedCode, "severity_level": img.SeverityLevel, "shared_status": img.SharedStatus} {
		if v != "" {
			entry[k] = v
		}
	}
	if len(img.Children) > 0 {
		children := make([]map[string]any, len(img.Children))
		for j, ch := range img.Children {
			children[j] = map[string]any{"id": 100000 + 10*i + j, "image_id": ch.ID, "image_type": img.Type, "namespace": img.Namespace,
				"image_name": img.Name, "image_version": img.Version, "image_digest": ch.Digest, "scan_status": cmp.Or(ch.ScanStatus, "success"),
				"vul_num": ch.VulNum, "unsafe_setting_num": ch.UnsafeSettingNum, "malicious_file_num": ch.MaliciousFileNum}
		}
		entry["association_images"] = children
	}
	return entry
}

// registries serves GET /v5/{project_id}/image/registries: the registries connected to HSS.
func (e *Emulator) registries(l *imageList, pf PageFault) (int, any) {
	q := l.query
	e.mu.Lock()
	var found []map[string]any
	for _, r := range e.fixture.Registries {
		if r.ProjectID != l.projectID || (l.granted != nil && !l.granted[r.EnterpriseProject]) {
			continue
		}
		if !matches(q, "registry_name", r.Name) || !matches(q, "registry_id", r.ID) || !matches(q, "registry_addr", r.Addr) ||
			!matches(q, "status", cmp.Or(r.Status, "success")) {
			continue
		}
		if t := q.Get("registry_type"); t != "" && !slices.Contains(strings.Split(t, ","), r.Type) {
			continue
		}
		found = append(found, map[string]any{"id": r.ID, "registry_name": r.Name, "registry_type": r.Type, "registry_addr": r.Addr,
			"protocol": cmp.Or(r.Protocol, "https"), "api_version": "V2", "status": cmp.Or(r.Status, "success"), "images_num": e.imagesIn(r),
			"latest_sync_time": ScannedAt})
	}
	e.mu.Unlock()
	return page(found, l.offset, l.limit, pf, nil, nil)
}

// imagesIn counts the fixture's images of r; e.mu is held.
func (e *Emulator) imagesIn(r Registry) int {
	n := 0
	for _, img := range e.fixture.Images {
		if img.RegistryID == r.ID && img.ProjectID == r.ProjectID {
			n++
		}
	}
	return n
}
