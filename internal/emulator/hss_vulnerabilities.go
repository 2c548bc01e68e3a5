package emulator

import (
	"net/url"
	"strings"
)

// vulnerabilities serves GET /v5/{project_id}/image/{image_id}/vulnerabilities: the image's
// vulnerabilities, filtered as the API filters them (vul_id matches in part), the tag as tag_name.
func (e *Emulator) vulnerabilities(l *imageList, pf PageFault) (int, any) {
	q := l.query
	tagged := url.Values{}
	for k, v := range q {
		tagged[k] = v
	}
	if v, ok := q["tag_name"]; ok {
		tagged["image_version"] = v
	}
	found := []Vulnerability{}
	for _, img := range e.images(&imageList{projectID: l.projectID, imageID: l.imageID, query: tagged, granted: l.granted}) {
		for _, v := range img.Vulnerabilities {
			if !matches(q, "repair_necessity", v.RepairNecessity) || !matches(q, "app_name", v.AppName) || !matches(q, "type", v.Type) ||
				!matches(q, "handle_status", v.HandleStatus) || !strings.Contains(v.VulID, q.Get("vul_id")) {
				continue
			}
			found = append(found, v)
		}
	}
	entries := make([]map[string]string, len(found))
	for i, v := range found {
		entries[i] = map[string]string{"vul_id": v.VulID, "repair_necessity": v.RepairNecessity, "description": v.Description,
			"position": v.Position, "app_name": v.AppName, "app_path": v.AppPath, "version": v.Version, "solution": v.Solution, "url": v.URL}
	}
	return page(entries, l.offset, l.limit, pf, nil, nil)
}
