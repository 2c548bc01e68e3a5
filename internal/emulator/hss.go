package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	hssv5 "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/hss/v5"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/def"
	"golang.org/x/time/rate"
)

// SetRateLimit throttles HSS requests to rps per caller (a token bucket of size burst), answering
// 429 APIGW.0308 beyond it as the API gateway does; rps <= 0 turns throttling off.
func (e *Emulator) SetRateLimit(rps float64, burst int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.limit, e.burst, e.buckets = rate.Limit(rps), max(1, burst), map[string]*rate.Limiter{}
	if rps <= 0 {
		e.limit = 0
	}
}

// SetRateLimitRetryAfter makes throttling answers carry Retry-After: v; empty sends none,
// as the real API gateway may.
func (e *Emulator) SetRateLimitRetryAfter(v string) {
	e.mu.Lock()
	e.limitRetryAfter = v
	e.mu.Unlock()
}

// allow takes a token from caller's bucket.
func (e *Emulator) allow(caller string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.limit == 0 {
		return true
	}
	b, ok := e.buckets[caller]
	if !ok {
		b = rate.NewLimiter(e.limit, e.burst)
		e.buckets[caller] = b
	}
	return b.AllowN(e.now(), 1)
}

// hssRoute is one HSS image list API. Its method, path and header rule are the SDK's request
// definition's, so the emulator checks what the SDK sends rather than what this project
// believes it sends.
type hssRoute struct {
	reqDef *def.HttpRequestDef
	path   *regexp.Regexp
	// regionHeader is set when the definition sends a region header, which is then required
	// and must name the project's region.
	regionHeader bool
	// imageTypes are the image_type values the API accepts (nil for an API without image_type),
	// and minLimit the smallest limit (1 when zero), as the SDK's request model comments list them.
	imageTypes map[string]bool
	minLimit   int
	list       func(e *Emulator, l *imageList, pf PageFault) (total int, page any)
	// params are the route's other enumerated query parameters and their values, and
	// imageTypeOptional says image_type may be left out (see hss_registries.go).
	params            map[string]param
	imageTypeOptional bool
}

// listRoute is the route of the API d defines; its path captures the project and any other
// path parameter, in order.
func listRoute(d *def.HttpRequestDef, imageTypes map[string]bool, minLimit int, list func(*Emulator, *imageList, PageFault) (int, any)) hssRoute {
	var pattern strings.Builder
	pattern.WriteString("^")
	for _, part := range strings.Split(strings.TrimPrefix(d.Path, "/"), "/") {
		pattern.WriteString("/")
		if strings.HasPrefix(part, "{") && strings.HasSuffix(part, "}") {
			pattern.WriteString("([^/]+)")
		} else {
			pattern.WriteString(regexp.QuoteMeta(part))
		}
	}
	pattern.WriteString("$")
	// An API without image types has no image_type to require.
	rt := hssRoute{reqDef: d, path: regexp.MustCompile(pattern.String()), imageTypes: imageTypes, minLimit: minLimit, list: list,
		imageTypeOptional: imageTypes == nil}
	for _, f := range d.RequestFields {
		if f.LocationType == def.Header && strings.EqualFold(f.JsonTag, "region") {
			rt.regionHeader = true
		}
	}
	return rt
}

var hssRoutes = []hssRoute{
	listRoute(hssv5.GenReqDefForListImageBasicImage(), imageTypes, 0, (*Emulator).basicImages),
	listRoute(hssv5.GenReqDefForListImageVulnerabilities(),
		map[string]bool{"private_image": true, "shared_image": true, "instance_image": true, "cicd": true, "harbor": true, "jfrog": true}, 10,
		(*Emulator).vulnerabilities).
		taking(map[string]param{"repair_necessity": oneOf(RepairNecessities...), "type": oneOf("linux_vul", "app_vul"),
			"handle_status": oneOf("unhandled", "handled")}),
	listRoute(hssv5.GenReqDefForListVulnerabilityCve(), nil, 0, (*Emulator).vulnerabilityCVEs),
	registryImagesRoute,
	registriesRoute,
}

func isImageList(path string) bool {
	_, m := routeOf(path)
	return m != nil
}

func routeOf(path string) (hssRoute, []string) {
	for _, rt := range hssRoutes {
		if m := rt.path.FindStringSubmatch(path); m != nil {
			return rt, m
		}
	}
	return hssRoute{}, nil
}

var imageTypes = map[string]bool{"private_image": true, "shared_image": true, "instance_image": true, "cicd": true, "harbor": true}

// imageList is an authorised request to an HSS image list API.
type imageList struct {
	projectID, imageID string
	query              url.Values
	// granted are the enterprise projects the request may read, nil meaning every one.
	granted       map[string]bool
	offset, limit int
}

// serveImageList checks what every HSS image list API checks, then answers through its route.
func (e *Emulator) serveImageList(w http.ResponseWriter, r *http.Request, body []byte, pf PageFault) {
	route, m := routeOf(r.URL.Path)
	if r.Method != route.reqDef.Method {
		writeError(w, http.StatusMethodNotAllowed, "APIGW.0101", "The API does not exist or has not been published in the environment.")
		return
	}
	p, aerr := e.authenticate(r, body)
	if aerr != nil {
		aerr.write(w)
		return
	}
	if !e.allow(p.domain.Name + "/" + p.user.Name) {
		e.mu.Lock()
		if e.limitRetryAfter != "" {
			w.Header().Set("Retry-After", e.limitRetryAfter)
		}
		e.mu.Unlock()
		writeError(w, http.StatusTooManyRequests, "APIGW.0308", "The throttling threshold has been reached: policy user over ratelimit.")
		return
	}
	l := &imageList{projectID: m[1], query: r.URL.Query(), limit: 10}
	l.query.Del(matchingKey)
	if pf.Matching != MatchExact {
		l.query.Set(matchingKey, string(pf.Matching))
	}
	if len(m) > 2 {
		l.imageID = m[2]
	}

	region, owned := "", false
	for reg, pid := range p.domain.Projects {
		if pid == l.projectID {
			region, owned = reg, true
		}
	}
	if !owned || (p.scope != "" && p.scope != l.projectID) || (p.federated && p.scope == "" && r.Header.Get("X-Auth-Token") != "") {
		writeError(w, http.StatusBadRequest, "HSS.0010", "Access denied: the project "+l.projectID+" does not belong to the caller or is outside the token's scope.")
		return
	}
	if hp := r.Header.Get("X-Project-Id"); hp != "" && hp != l.projectID {
		writeError(w, http.StatusBadRequest, "HSS.0010", "Access denied: X-Project-Id does not match the project in the path.")
		return
	}
	switch rh := r.Header.Get("region"); {
	case !route.regionHeader:
	case rh == "":
		writeError(w, http.StatusBadRequest, "HSS.0001", "The region header is required.")
		return
	case rh != region:
		writeError(w, http.StatusBadRequest, "HSS.0001", "The region header "+rh+" does not match the project's region "+region+".")
		return
	}

	if _, sent := l.query["image_type"]; (sent || !route.imageTypeOptional) && !route.imageTypes[l.query.Get("image_type")] {
		writeError(w, http.StatusBadRequest, "HSS.0001", "Invalid parameter image_type: "+strconv.Quote(l.query.Get("image_type"))+".")
		return
	}
	if msg := route.checkParams(l.query); msg != "" {
		writeError(w, http.StatusBadRequest, "HSS.0001", msg)
		return
	}
	if s := l.query.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if lo := max(1, route.minLimit); err != nil || n < lo || n > maxLimit {
			writeError(w, http.StatusBadRequest, "HSS.0001", fmt.Sprintf("Invalid parameter limit: must be an integer from %d to %d.", lo, maxLimit))
			return
		}
		l.limit = n
	}
	if s := l.query.Get("offset"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			writeError(w, http.StatusBadRequest, "HSS.0001", "Invalid parameter offset: must be a non-negative integer.")
			return
		}
		l.offset = n
	}
	var gerr *apiError
	if l.granted, gerr = grantedEPs(p.user, l.query.Get("enterprise_project_id")); gerr != nil {
		gerr.write(w)
		return
	}
	total, data := route.list(e, l, pf)
	answer := map[string]any{"total_num": total, "data_list": data}
	switch {
	case pf.OmitDataList:
		delete(answer, "data_list")
	case pf.NullDataList:
		answer["data_list"] = nil
	case len(pf.Rewrite) > 0:
		answer["data_list"] = rewrite(data, pf.Rewrite)
	}
	writeJSON(w, http.StatusOK, answer)
}

// rewrite is entries, as any route encodes them, with fields set on every entry.
func rewrite(entries any, fields map[string]any) []map[string]any {
	raw, _ := json.Marshal(entries)
	var out []map[string]any
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	if d.Decode(&out) != nil || out == nil {
		out = []map[string]any{}
	}
	for _, e := range out {
		maps.Copy(e, fields)
	}
	return out
}
