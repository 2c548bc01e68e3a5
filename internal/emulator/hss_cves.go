package emulator

import "math"

// vulnerabilityCVEs serves GET /v5/{project_id}/image/vulnerability/{vul_id}/cve: the CVEs of
// a vulnerability found in any image of the project the caller may read, each once.
func (e *Emulator) vulnerabilityCVEs(l *imageList, pf PageFault) (int, any) {
	vulID := l.imageID // the route's second path parameter
	e.mu.Lock()
	seen := map[string]bool{}
	var found []map[string]any
	for _, img := range e.fixture.Images {
		if img.ProjectID != l.projectID || (l.granted != nil && !l.granted[img.EnterpriseProject]) {
			continue
		}
		for _, v := range img.Vulnerabilities {
			if v.VulID != vulID {
				continue
			}
			for _, c := range v.CVEs {
				if seen[c.ID] {
					continue
				}
				seen[c.ID] = true
				entry := map[string]any{"cve_id": c.ID, "publish_time": 1719792000000, "description": c.ID + " as NVD describes it."}
				if c.Score != nil && !math.IsNaN(float64(*c.Score)) {
					entry["cvss_score"] = *c.Score
				}
				found = append(found, entry)
			}
		}
	}
	e.mu.Unlock()
	return page(found, l.offset, l.limit, pf, nil, nil)
}
