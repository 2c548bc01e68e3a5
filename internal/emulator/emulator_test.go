package emulator

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hsslabs/terraform-provider-hss/internal/sdkmodel"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/def"
	hssmodel "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/hss/v5/model"
)

func TestAcceptsSDKSignature(t *testing.T) {
	e, url := start(t)
	r := do(t, url, okCall())
	if r.status != http.StatusOK || r.body["total_num"] != float64(1) || len(r.rid) != 32 {
		t.Fatalf("%d %v %q", r.status, r.body, r.rid)
	}
	c := okCall()
	c.query["namespace"] = "team a&b/x+y"
	c.query["os_name"] = "Deb ian?"
	if r := do(t, url, c); r.status != http.StatusOK {
		t.Fatalf("reserved characters: %d %v", r.status, r.body)
	}
	if n := e.Count(KindHSS); n != 2 {
		t.Fatalf("count = %d", n)
	}
}

func TestRejects(t *testing.T) {
	e, url := start(t)
	expired := e.IssueToken(UserName, ProjectID, time.Millisecond)
	valid := e.IssueToken(UserName, ProjectID, time.Hour)
	otherScope := e.IssueToken(UserName, OtherProject, time.Hour)
	e.SetClock(func() time.Time { return time.Now().Add(time.Second) })

	cases := map[string]struct {
		edit   func(*call)
		status int
		code   string
		msg    string
	}{
		"wrong secret":       {func(c *call) { c.sk = "nope" }, 401, "APIGW.0301", "signature mismatch"},
		"unknown access key": {func(c *call) { c.ak = "AKUNKNOWN" }, 401, "APIGW.0301", "does not exist"},
		"no credentials":     {func(c *call) { c.ak = "" }, 401, "APIGW.0301", "no Authorization"},
		"query changed after signing": {func(c *call) {
			c.tamper = func(r *http.Request) { r.URL.RawQuery = strings.Replace(r.URL.RawQuery, "limit=200", "limit=199", 1) }
		}, 401, "APIGW.0301", "signature mismatch"},
		"path changed after signing": {func(c *call) {
			c.tamper = func(r *http.Request) { r.URL.Path = basicPath(ProjectID, "112") }
		}, 401, "APIGW.0301", "signature mismatch"},
		"stale date": {func(c *call) {
			c.headers["X-Sdk-Date"] = time.Now().Add(-20 * time.Minute).UTC().Format(sigDateLayout)
		}, 401, "APIGW.0301", "away from the server clock"},
		"temporary key without security token": {func(c *call) { c.ak, c.sk = TempAccessKeyID, TempSecretKey }, 401, "APIGW.0301", "security token"},
		"wrong security token": {func(c *call) {
			c.ak, c.sk = TempAccessKeyID, TempSecretKey
			c.headers["X-Security-Token"] = "other"
		}, 401, "APIGW.0301", "security token"},
		"unknown token":             {func(c *call) { c.token = "MIIunknown" }, 401, "APIGW.0307", "invalid"},
		"expired token":             {func(c *call) { c.token = expired }, 401, "APIGW.0307", "expired"},
		"token for another project": {func(c *call) { c.token = otherScope }, 400, "HSS.0010", "scope"},
		"missing region header":     {func(c *call) { delete(c.headers, "region") }, 400, "HSS.0001", "region header is required"},
		"wrong region header":       {func(c *call) { c.headers["region"] = OtherRegion }, 400, "HSS.0001", "does not match"},
		"project of another account": {func(c *call) {
			c.path = basicPath(ForeignProjID, CICDImageID)
			c.headers["X-Project-Id"] = ForeignProjID
		}, 400, "HSS.0010", "does not belong"},
		"unknown image_type": {func(c *call) { c.query["image_type"] = "docker" }, 400, "HSS.0001", "image_type"},
		"limit 0":            {func(c *call) { c.query["limit"] = "0" }, 400, "HSS.0001", "limit"},
		"limit 201":          {func(c *call) { c.query["limit"] = "201" }, 400, "HSS.0001", "limit"},
		"offset -1":          {func(c *call) { c.query["offset"] = "-1" }, 400, "HSS.0001", "offset"},
		"refused enterprise project": {func(c *call) {
			c.ak, c.sk = LimitedAK, LimitedSK
			c.query["enterprise_project_id"] = RefusedEP
		}, 400, "HSS.0013", "Insufficient permission"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			c := okCall()
			tc.edit(&c)
			r := do(t, url, c)
			if r.status != tc.status || r.body["error_code"] != tc.code || !strings.Contains(r.body["error_msg"].(string), tc.msg) || r.rid == "" {
				t.Fatalf("got %d %v, want %d %s containing %q", r.status, r.body, tc.status, tc.code, tc.msg)
			}
		})
	}
	t.Run("valid token", func(t *testing.T) {
		c := okCall()
		c.token = valid
		if r := do(t, url, c); r.status != http.StatusOK {
			t.Fatalf("%d %v", r.status, r.body)
		}
	})
}

func TestPaging(t *testing.T) {
	_, url := start(t)
	c := okCall()
	c.path = basicPath(ProjectID, ManyImageID)
	c.query["offset"] = "400"
	r := do(t, url, c)
	list, _ := r.body["data_list"].([]any)
	if r.body["total_num"] != float64(ManyEntries) || len(list) != 50 {
		t.Fatalf("total %v, %d entries", r.body["total_num"], len(list))
	}
	first := list[0].(map[string]any)
	if first["layer_digest"] != ManyEntry(400).LayerDigest {
		t.Fatalf("entry 400 = %v", first)
	}
	c.query["offset"] = "450"
	if r := do(t, url, c); len(r.body["data_list"].([]any)) != 0 {
		t.Fatal("past the end must be empty")
	}
}

func TestFaultsApplyInOrderAndExpire(t *testing.T) {
	e, url := start(t)
	e.AddFault(Fault{Times: 1, Status: http.StatusTooManyRequests, RetryAfter: "1"})
	if r := do(t, url, okCall()); r.status != 429 || r.body["error_code"] != "APIGW.0308" {
		t.Fatalf("%d %v", r.status, r.body)
	}
	if r := do(t, url, okCall()); r.status != 200 {
		t.Fatalf("fault did not expire: %d", r.status)
	}
}

func postJSON(t *testing.T, url, body string) (int, http.Header, map[string]any) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, url+"/v3/auth/tokens", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, resp.Header, out
}

func TestIAMTokens(t *testing.T) {
	e, url := start(t)
	body := func(user, password, scope string) string {
		return `{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"` + user + `","password":"` + password +
			`","domain":{"name":"` + DomainName + `"}}}},"scope":{"project":` + scope + `}}}`
	}
	status, h, out := postJSON(t, url, body(UserName, UserPassword, `{"name":"`+Region+`"}`))
	tok := h.Get("X-Subject-Token")
	project, _ := out["token"].(map[string]any)["project"].(map[string]any)
	if status != http.StatusCreated || tok == "" || project["id"] != ProjectID {
		t.Fatalf("%d %v %v", status, h, out)
	}
	// The issued token reads HSS in its project and nowhere else.
	c := okCall()
	c.token = tok
	if r := do(t, url, c); r.status != http.StatusOK {
		t.Fatalf("%d %v", r.status, r.body)
	}
	c.path, c.headers["region"], c.headers["X-Project-Id"] = basicPath(OtherProject, CICDImageID), OtherRegion, OtherProject
	if r := do(t, url, c); r.status != http.StatusBadRequest {
		t.Fatalf("token used outside its scope: %d", r.status)
	}

	if status, _, out := postJSON(t, url, body(UserName, "wrong", `{"name":"`+Region+`"}`)); status != http.StatusUnauthorized || out["error_code"] != "IAM.0004" {
		t.Fatalf("wrong password: %d %v", status, out)
	}
	if status, _, _ := postJSON(t, url, body(UserName, UserPassword, `{"id":"`+ForeignProjID+`"}`)); status != http.StatusBadRequest {
		t.Fatalf("scope outside the account: %d", status)
	}
	if status, _, _ := postJSON(t, url, `{"auth":`); status != http.StatusBadRequest {
		t.Fatalf("malformed body: %d", status)
	}
	if e.Count(KindIAMToken) != 4 {
		t.Fatalf("token requests counted %d", e.Count(KindIAMToken))
	}
}

func TestIAMProjectsNeedAuthentication(t *testing.T) {
	_, url := start(t)
	c := call{path: "/v3/projects", query: map[string]string{"name": Region}, headers: map[string]string{}, ak: AccessKeyID, sk: SecretAccessKey}
	r := do(t, url, c)
	projects, _ := r.body["projects"].([]any)
	if r.status != http.StatusOK || len(projects) != 1 || projects[0].(map[string]any)["id"] != ProjectID {
		t.Fatalf("%d %v", r.status, r.body)
	}
	c.ak = ""
	if r := do(t, url, c); r.status != http.StatusUnauthorized {
		t.Fatalf("unauthenticated listing: %d", r.status)
	}
	// Another account sees its own project of that region, not this one.
	c.ak, c.sk = ForeignAK, ForeignSK
	if r := do(t, url, c); len(r.body["projects"].([]any)) != 1 || r.body["projects"].([]any)[0].(map[string]any)["id"] != ForeignProjID {
		t.Fatalf("another account sees %v", r.body)
	}
}

// A server can go down, refusing connections, and come back on the same address; the
// in-process transport refuses the same way; Every spreads a fault over every n-th request.
func TestOutages(t *testing.T) {
	e := New(nil)
	s, err := Serve(e, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	if r := do(t, s.URL, okCall()); r.status != http.StatusOK {
		t.Fatalf("status %d", r.status)
	}
	s.Refuse()
	if _, err := http.Get(s.URL + "/"); err == nil || !strings.Contains(err.Error(), "connection refused") { //nolint:noctx // a test
		t.Fatalf("err %v", err)
	}
	if err := s.Accept(); err != nil {
		t.Fatal(err)
	}
	if r := do(t, s.URL, okCall()); r.status != http.StatusOK {
		t.Fatalf("status %d", r.status)
	}

	tr := NewTransport(e)
	tr.Refuse()
	if _, err := (&http.Client{Transport: tr}).Get("https://hss.test/"); err == nil || !strings.Contains(err.Error(), "connection refused") { //nolint:noctx // a test
		t.Fatalf("err %v", err)
	}
	if tr.Attempts() != 1 || tr.Refused() != 1 {
		t.Fatalf("%d attempts, %d refused", tr.Attempts(), tr.Refused())
	}

	e.AddFault(Fault{Every: 3, Status: http.StatusInternalServerError})
	var statuses []int
	for range 6 {
		statuses = append(statuses, do(t, s.URL, okCall()).status)
	}
	if fmt.Sprint(statuses) != "[200 200 500 200 200 500]" {
		t.Fatalf("statuses %v", statuses)
	}
}

// Global IAM APIs signed with AK/SK want the keys' account in X-Domain-Id, as the SDK's global
// credentials send it; GET /v3/auth/domains, which finds it, and HSS do not.
func TestGlobalIAMCallsNeedTheDomain(t *testing.T) {
	_, url := start(t)
	assume := call{method: http.MethodPost, path: "/v3.0/OS-CREDENTIAL/securitytokens", headers: map[string]string{"Content-Type": "application/json"},
		body: `{"auth":{"identity":{"methods":["assume_role"],"assume_role":{"agency_name":"` + AgencyName + `","domain_name":"` + DomainName + `"}}}}`,
		ak:   ForeignAK, sk: ForeignSK}
	if r := do(t, url, assume); r.status != http.StatusUnauthorized || !strings.Contains(r.body["error_msg"].(string), "X-Domain-Id") {
		t.Fatalf("without X-Domain-Id: %d %v", r.status, r.body)
	}
	assume.headers["X-Domain-Id"] = DomainID
	if r := do(t, url, assume); r.status != http.StatusUnauthorized {
		t.Fatalf("another account's X-Domain-Id: %d %v", r.status, r.body)
	}
	assume.headers["X-Domain-Id"] = ForeignDomainID
	if r := do(t, url, assume); r.status != http.StatusCreated {
		t.Fatalf("with X-Domain-Id: %d %v", r.status, r.body)
	}
	domains := do(t, url, call{path: "/v3/auth/domains", headers: map[string]string{}, ak: ForeignAK, sk: ForeignSK})
	if list, _ := domains.body["domains"].([]any); domains.status != http.StatusOK || len(list) != 1 || list[0].(map[string]any)["id"] != ForeignDomainID {
		t.Fatalf("domains: %d %v", domains.status, domains.body)
	}
	if r := do(t, url, okCall()); r.status != http.StatusOK {
		t.Fatalf("HSS without X-Domain-Id: %d", r.status)
	}
}

// Each list route is the SDK's request definition: its path template, method and whether a
// region header goes with it.
func TestListRoutesAreTheSDKs(t *testing.T) {
	want := map[string]bool{
		"/v5/{project_id}/image/{image_id}/basic-image":     true,
		"/v5/{project_id}/image/{image_id}/vulnerabilities": false,
		"/v5/{project_id}/image/vulnerability/{vul_id}/cve": true,
		"/v5/{project_id}/image/registries/images":          false,
		"/v5/{project_id}/image/registries":                 false,
	}
	for _, rt := range hssRoutes {
		header, ok := want[rt.reqDef.Path]
		if !ok || rt.regionHeader != header || rt.reqDef.Method != http.MethodGet {
			t.Errorf("%s %s: region header %v", rt.reqDef.Method, rt.reqDef.Path, rt.regionHeader)
		}
		sample := strings.NewReplacer("{project_id}", "p1", "{image_id}", "i1", "{vul_id}", "i1").Replace(rt.reqDef.Path)
		if r, m := routeOf(sample); m == nil || r.reqDef != rt.reqDef || m[1] != "p1" {
			t.Errorf("%s does not route to itself: %v", sample, m)
		}
		delete(want, rt.reqDef.Path)
		checkRouteAgainstModel(t, rt)
	}
	if len(want) > 0 {
		t.Errorf("no route for %v", want)
	}
}

// requestTypes are the request models of the routes, for whether image_type is optional.
var requestTypes = map[string]any{
	"ListImageBasicImageRequest":      hssmodel.ListImageBasicImageRequest{},
	"ListImageVulnerabilitiesRequest": hssmodel.ListImageVulnerabilitiesRequest{}, "ListRegistryImagesRequest": hssmodel.ListRegistryImagesRequest{},
	"ListRegistryRequest": hssmodel.ListRegistryRequest{}, "ListVulnerabilityCveRequest": hssmodel.ListVulnerabilityCveRequest{},
}

// checkRouteAgainstModel holds a route to what the SDK's request model documents: its image
// types, and whether one is required; its limit range (1 to 200 where the model documents
// none); and every other enumerated query parameter, with its values and whether it takes
// several, comma-separated.
func checkRouteAgainstModel(t *testing.T, rt hssRoute) {
	t.Helper()
	model := strings.TrimSuffix(reflect.TypeOf(rt.reqDef.Response).Elem().Name(), "Response") + "Request"
	fields, err := sdkmodel.Request("hss/v5", model)
	if err != nil {
		t.Fatal(err)
	}
	if types := fields["image_type"].Values; !slices.Equal(slices.Sorted(maps.Keys(rt.imageTypes)), slices.Sorted(slices.Values(types))) ||
		(rt.imageTypes == nil) != (fields["image_type"].Doc == "" && types == nil) {
		t.Errorf("%s: the route takes image types %v, the SDK's model %v", model, slices.Sorted(maps.Keys(rt.imageTypes)), types)
	}
	req, ok := requestTypes[model]
	if !ok {
		t.Fatalf("%s: no request type to check", model)
	}
	optional := true
	for f := range reflect.TypeOf(req).Fields() {
		if strings.Split(f.Tag.Get("json"), ",")[0] == "image_type" {
			optional = f.Type.Kind() == reflect.Pointer
		}
	}
	if rt.imageTypeOptional != optional {
		t.Errorf("%s: image_type optional %v, the SDK's model %v", model, rt.imageTypeOptional, optional)
	}
	lo, hi := 1, 200
	if l := fields["limit"]; l.HasRange {
		lo, hi = l.Min, l.Max
	}
	if max(1, rt.minLimit) != lo || maxLimit != hi {
		t.Errorf("%s: the route's limits are %d to %d, the SDK's model documents %d to %d", model, max(1, rt.minLimit), maxLimit, lo, hi)
	}
	query := map[string]bool{}
	for _, f := range rt.reqDef.RequestFields {
		if f.LocationType == def.Query {
			query[f.JsonTag] = true
		}
	}
	for name, f := range fields {
		if name == "image_type" || f.Values == nil || !query[name] {
			continue
		}
		p, ok := rt.params[name]
		switch {
		case !ok:
			t.Errorf("%s: the route does not check %s, which the SDK's model enumerates: %v", model, name, f.Values)
		case !slices.Equal(slices.Sorted(maps.Keys(p.values)), slices.Sorted(slices.Values(f.Values))):
			t.Errorf("%s: the route takes %s %v, the SDK's model %v", model, name, slices.Sorted(maps.Keys(p.values)), f.Values)
		case p.list != strings.Contains(f.Doc, "逗号分隔"):
			t.Errorf("%s: %s takes several values: %v, the SDK's model: %q", model, name, p.list, f.Doc)
		}
	}
	for name := range rt.params {
		if fields[name].Values == nil || !query[name] {
			t.Errorf("%s: the route checks %s, which the SDK's model does not enumerate", model, name)
		}
	}
}

// The page faults that make an answer not add up, or match loosely, apply to every route.
func TestPageFaultSwitches(t *testing.T) {
	swr := func(query map[string]string) call {
		c := okCall()
		c.path = "/v5/" + ProjectID + "/image/registries/images"
		c.query = map[string]string{"image_type": "private_image", "limit": "200", "offset": "0"}
		maps.Copy(c.query, query)
		return c
	}
	many := okCall()
	many.path = basicPath(ProjectID, ManyImageID)
	cases := []struct {
		name  string
		fault PageFault
		call  call
		check func(body map[string]any) string
	}{
		{"page cap", PageFault{PageCap: 100}, many, func(b map[string]any) string {
			return fmt.Sprintf("%v %d", b["total_num"], len(b["data_list"].([]any)))
		}},
		{"no cap", PageFault{}, many, func(b map[string]any) string {
			return fmt.Sprintf("%v %d", b["total_num"], len(b["data_list"].([]any)))
		}},
		{"data_list missing", PageFault{OmitDataList: true}, okCall(), func(b map[string]any) string {
			_, ok := b["data_list"]
			return fmt.Sprintf("%v %v", b["total_num"], ok)
		}},
		{"data_list null", PageFault{NullDataList: true}, okCall(), func(b map[string]any) string {
			v, ok := b["data_list"]
			return fmt.Sprintf("%v %v %v", b["total_num"], ok, v)
		}},
		{"rewrite", PageFault{Rewrite: map[string]any{"os_name": "Rewritten", "severity_level": "Extreme"}}, okCall(), func(b map[string]any) string {
			e := b["data_list"].([]any)[0].(map[string]any)
			return fmt.Sprintf("%v %v %v", e["os_name"], e["severity_level"], e["os_version"])
		}},
		{"rewrite on another route", PageFault{Rewrite: map[string]any{"scan_status": "paused"}}, swr(map[string]string{"namespace": "team", "image_name": "app"}),
			func(b map[string]any) string {
				e := b["data_list"].([]any)[0].(map[string]any)
				return fmt.Sprintf("%v %v %v", b["total_num"], e["scan_status"], e["vul_num"])
			}},
		{"exact", PageFault{}, swr(map[string]string{"namespace": "Team", "image_version": "1.4"}), func(b map[string]any) string {
			return fmt.Sprint(b["total_num"])
		}},
		{"fold", PageFault{Matching: MatchFold}, swr(map[string]string{"namespace": "Team", "image_name": "APP"}), func(b map[string]any) string {
			return fmt.Sprint(b["total_num"])
		}},
		{"prefix", PageFault{Matching: MatchPrefix}, swr(map[string]string{"namespace": "team", "image_name": "app", "image_version": "1.4"}), func(b map[string]any) string {
			return fmt.Sprint(b["total_num"], " ", b["data_list"].([]any)[0].(map[string]any)["image_version"])
		}},
		{"substring", PageFault{Matching: MatchSubstring}, swr(map[string]string{"image_name": "PP"}), func(b map[string]any) string {
			return fmt.Sprint(b["total_num"])
		}},
		{"matching cannot come from the wire", PageFault{}, swr(map[string]string{matchingKey: string(MatchPrefix), "namespace": "te"}), func(b map[string]any) string {
			return fmt.Sprint(b["total_num"])
		}},
	}
	want := map[string]string{
		"page cap": "450 100", "no cap": "450 200", "data_list missing": "1 false", "data_list null": "1 true <nil>",
		"rewrite": "Rewritten Extreme 9", "rewrite on another route": "1 paused 1",
		"exact": "0", "fold": "1", "prefix": "1 1.4.2", "substring": "1", "matching cannot come from the wire": "0",
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e, url := start(t)
			e.AddFault(Fault{Page: tc.fault})
			r := do(t, url, tc.call)
			if r.status != http.StatusOK {
				t.Fatalf("%d %v", r.status, r.body)
			}
			if got := tc.check(r.body); got != want[tc.name] {
				t.Fatalf("got %q, want %q", got, want[tc.name])
			}
		})
	}
}
