package hss_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/hss/v5/model"

	"github.com/hsslabs/terraform-provider-hss/internal/credentials"
	"github.com/hsslabs/terraform-provider-hss/internal/emulator"
	"github.com/hsslabs/terraform-provider-hss/internal/endpoints"
	"github.com/hsslabs/terraform-provider-hss/internal/hss"
	"github.com/hsslabs/terraform-provider-hss/internal/redact"
	"github.com/hsslabs/terraform-provider-hss/internal/transport"
)

// hostRecorder is a transport that records the host of every request and answers nothing.
type hostRecorder struct{ hosts []string }

func (h *hostRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	h.hosts = append(h.hosts, req.URL.Host)
	return nil, errors.New("recorded")
}

// A region or cloud that is not a plain name never becomes part of a host: the client refuses
// it before any request, from the configuration and from a data source's own region alike.
func TestRegionCannotSteerTheHost(t *testing.T) {
	hostile := []string{
		"cn-north-4@attacker.example:443/", "cn-north-4.attacker.example", "attacker.example/x", "cn-north-4:8443",
		"cn-north-4#", "cn-north-4?x=", "CN-NORTH-4", "cn_north_4", "-cn", "cn--north", "cn-north-4\n", " cn-north-4",
		"", "cn-north-4/../..", "ап-юг-1",
	}
	for _, region := range hostile {
		t.Run(fmt.Sprintf("%q", region), func(t *testing.T) {
			rec := &hostRecorder{}
			_, err := hss.New(hss.Config{Region: region, Credentials: aksk(), Transport: rec})
			if err == nil || !strings.Contains(err.Error(), "region") {
				t.Fatalf("New accepted region %q: %v", region, err)
			}
			c, err := hss.New(hss.Config{Region: emulator.Region, ProjectID: emulator.ProjectID, Credentials: aksk(), Transport: rec})
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.ListBasicImages(context.Background(), hss.BasicImageQuery{Region: region, ImageID: "111", ImageType: "cicd"})
			if region == "" {
				// An empty region is the client's own.
				if len(rec.hosts) != 1 || rec.hosts[0] != "hss.cn-north-4.myhuaweicloud.com" {
					t.Fatalf("hosts %v", rec.hosts)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), "not a region name") || len(rec.hosts) != 0 {
				t.Fatalf("err %v, requests to %v", err, rec.hosts)
			}
		})
	}
	for _, cloud := range []string{"attacker.example/", "a@b.com", "example.com:443", "localhost", "example..com", "exa mple.com", "-x.com", "example.com."} {
		if _, err := hss.New(hss.Config{Region: emulator.Region, Endpoints: endpoints.Set{Cloud: cloud}, Credentials: aksk()}); err == nil || !strings.Contains(err.Error(), "cloud") {
			t.Errorf("cloud %q accepted: %v", cloud, err)
		}
	}
	for _, pid := range []string{"../x", "p/q", "{project_id}", "a b", "p%2F"} {
		if _, err := hss.New(hss.Config{Region: emulator.Region, ProjectID: pid, Credentials: aksk()}); err == nil || !strings.Contains(err.Error(), "project_id") {
			t.Errorf("project ID %q accepted: %v", pid, err)
		}
	}
}

// The host a request goes to is exactly the configured endpoint's or hss.<region>.<cloud>.
func TestEndpointHosts(t *testing.T) {
	cases := []struct {
		name   string
		cfg    hss.Config
		region string
		want   string
	}{
		{"default", hss.Config{Region: "cn-north-4"}, "", "hss.cn-north-4.myhuaweicloud.com"},
		{"cloud", hss.Config{Region: "ap-southeast-1", Endpoints: endpoints.Set{Cloud: "example.internal"}}, "", "hss.ap-southeast-1.example.internal"},
		{"data source region", hss.Config{Region: "cn-north-4"}, "af-south-1", "hss.af-south-1.myhuaweicloud.com"},
		{"endpoint", hss.Config{Region: "cn-north-4", Endpoints: endpoints.Set{HSS: "https://hss.private.example:8443/"}}, "", "hss.private.example:8443"},
		{"Europe", hss.Config{Region: "eu-west-101"}, "", "hss.eu-west-101.myhuaweicloud.eu"},
		{"a second Europe region", hss.Config{Region: "eu-west-101"}, "eu-west-102", "hss.eu-west-102.myhuaweicloud.eu"},
		{"Paris is not the Europe cloud", hss.Config{Region: "eu-west-101"}, "eu-west-0", "hss.eu-west-0.myhuaweicloud.com"},
		{"cloud set beats Europe", hss.Config{Region: "eu-west-101", Endpoints: endpoints.Set{Cloud: "example.internal"}}, "", "hss.eu-west-101.example.internal"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec := &hostRecorder{}
			cfg := tc.cfg
			cfg.ProjectID, cfg.Credentials, cfg.Transport = emulator.ProjectID, aksk(), rec
			c, err := hss.New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			// Another region's project comes from IAM, whose host is checked the same way.
			_, _ = c.ListBasicImages(context.Background(), hss.BasicImageQuery{Region: tc.region, ImageID: "111", ImageType: "cicd"})
			if len(rec.hosts) == 0 {
				t.Fatal("no request")
			}
			got := rec.hosts[len(rec.hosts)-1]
			if tc.region != "" {
				got = rec.hosts[0]
				tc.want = "iam." + strings.TrimPrefix(tc.want, "hss.")
			}
			if got != tc.want {
				t.Fatalf("request went to %q, want %q", got, tc.want)
			}
		})
	}
}

// Odd image IDs reach the server as exactly one path segment holding exactly that ID, signed
// correctly; IDs that would address another path are refused before any request.
func TestImageIDOnTheWire(t *testing.T) {
	emu, url := newServer(t)
	c := newClient(t, url, aksk(), func(c *hss.Config) { c.ProjectID = emulator.ProjectID })
	sent := []string{
		"plain-0123", "with space", "question?mark", "hash#tag", "percent%2Fslash", "percent%", "semi;colon", "amp&eq=1",
		"plus+sign", "at@sign", "colon:x", "quote\"s", "tilde~", "unicode-镜像", "emoji-🐳", "...x", "x..", ".hidden",
		"tab-free-\u00a0nbsp", "comma,", "star*", "dollar$", "caret^", "pipe|", "lt<gt>", "back`tick", "[bracket]",
	}
	for _, id := range sent {
		emu.Reset()
		res, err := c.ListBasicImages(context.Background(), hss.BasicImageQuery{ImageID: id, ImageType: "cicd"})
		if err != nil {
			t.Errorf("%q: %v", id, err)
			continue
		}
		reqs := emu.Requests()
		if len(reqs) != 1 || reqs[0].Kind != emulator.KindHSS || res.TotalNum != 0 {
			t.Errorf("%q: %d requests, kind %v, total %d", id, len(reqs), reqs[0].Kind, res.TotalNum)
			continue
		}
		if want := "/v5/" + emulator.ProjectID + "/image/" + id + "/basic-image"; reqs[0].Path != want {
			t.Errorf("%q reached the server as path %q", id, reqs[0].Path)
		}
	}
	refused := []string{".", "..", "...", "a/b", "../../v3/projects", "a\\b", "{project_id}", "x{project_id}", "}", "new\nline", "nul\x00", "del\x7f", ""}
	emu.Reset()
	for _, id := range refused {
		_, err := c.ListBasicImages(context.Background(), hss.BasicImageQuery{ImageID: id, ImageType: "cicd"})
		if err == nil || !strings.Contains(err.Error(), "image_id") {
			t.Errorf("%q accepted: %v", id, err)
		}
	}
	if n := len(emu.Requests()); n != 0 {
		t.Fatalf("refused image IDs made %d requests", n)
	}
}

// Only 200 is a result: a redirect (never followed) or another 2xx with a plausible body is an
// error naming the status and, for a redirect, where it pointed.
func TestOnlyOKIsAResult(t *testing.T) {
	var followed atomic.Int32
	elsewhere := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		followed.Add(1)
		_, _ = w.Write([]byte(`{"total_num":0,"data_list":[]}`))
	}))
	t.Cleanup(elsewhere.Close)
	target, _ := url.Parse(elsewhere.URL)
	emptyList := `{"total_num":0,"data_list":[]}`
	for _, status := range []int{301, 302, 303, 307, 308, 202, 203, 204, 206} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			emu, u := newServer(t)
			f := emulator.Fault{Status: status, Body: emptyList}
			if status < 300 {
				f.Body = emptyList
			} else {
				f.Location = elsewhere.URL + "/login?next=hss"
			}
			if status == 204 {
				f.Body = ""
			}
			emu.AddFault(f)
			c := newClient(t, u, aksk(), fastRetries(3))
			res, err := c.ListBasicImages(context.Background(), cicd111)
			var se *transport.StatusError
			if !errors.As(err, &se) || se.StatusCode != status || se.Want != 200 {
				t.Fatalf("result %+v, err %v", res, err)
			}
			if status >= 300 && (se.LocationHost != target.Host || !strings.Contains(err.Error(), target.Host)) {
				t.Fatalf("error does not name the redirect's host: %v", err)
			}
			if emu.Count(emulator.KindHSS) != 1 || followed.Load() != 0 {
				t.Fatalf("%d requests, %d followed", emu.Count(emulator.KindHSS), followed.Load())
			}
		})
	}
	t.Run("IAM", func(t *testing.T) {
		emu, u := newServer(t)
		emu.AddFault(emulator.Fault{Kind: emulator.KindIAMToken, Status: 302, Location: elsewhere.URL})
		c := newClient(t, u, credentials.Config{Method: credentials.AuthPassword, UserName: emulator.UserName, Password: emulator.UserPassword, DomainName: emulator.DomainName})
		_, err := c.ListBasicImages(context.Background(), cicd111)
		var se *transport.StatusError
		if !errors.As(err, &se) || se.StatusCode != 302 || se.Want != 201 || se.Operation != "POST /v3/auth/tokens" {
			t.Fatalf("err %v", err)
		}
		emu.ClearFaults()
		// A 201 without a token reports the status IAM really sent.
		emu.AddFault(emulator.Fault{Kind: emulator.KindIAMToken, Status: 200, Body: `{"token":{}}`})
		_, err = c.ListBasicImages(context.Background(), cicd111)
		if !errors.As(err, &se) || se.StatusCode != 200 {
			t.Fatalf("err %v", err)
		}
	})
}

// A server that quotes the request's credentials back never gets them to the user: not the
// signature, security token, token, or password, for any credential method.
func TestEchoedSecretsAreRedacted(t *testing.T) {
	emu, u := newServer(t)
	tok := emu.IssueToken(emulator.UserName, emulator.ProjectID, time.Hour)
	cases := map[string]struct {
		cr   credentials.Config
		kind emulator.Kind
	}{
		"aksk":      {aksk(), emulator.KindHSS},
		"temporary": {credentials.Config{Method: credentials.AuthAKSK, AccessKey: emulator.TempAccessKeyID, SecretKey: emulator.TempSecretKey, SecurityToken: emulator.TempSecurityTok}, emulator.KindHSS},
		"token":     {credentials.Config{Method: credentials.AuthToken, Token: tok}, emulator.KindHSS},
		"password":  {credentials.Config{Method: credentials.AuthPassword, UserName: emulator.UserName, Password: emulator.UserPassword, DomainName: emulator.DomainName}, emulator.KindHSS},
		"password body": {credentials.Config{Method: credentials.AuthPassword, UserName: emulator.UserName, Password: emulator.UserPassword, DomainName: emulator.DomainName},
			emulator.KindIAMToken},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			emu.Reset()
			emu.ClearFaults()
			emu.AddFault(emulator.Fault{Kind: tc.kind, Echo: true})
			c := newClient(t, u, tc.cr)
			_, err := c.ListBasicImages(context.Background(), cicd111)
			if err == nil {
				t.Fatal("no error")
			}
			var ae *transport.APIError
			if !errors.As(err, &ae) || !strings.Contains(ae.ErrorMsg, redact.Redacted) {
				t.Fatalf("err %v", err)
			}
			secrets := []string{tc.cr.SecretKey, tc.cr.SecurityToken, tc.cr.Token, tc.cr.Password}
			for _, r := range emu.Requests() {
				secrets = append(secrets, r.Secrets...)
			}
			for _, s := range secrets {
				if s == "" {
					continue
				}
				for where, text := range map[string]string{"error": err.Error(), "error_msg": ae.ErrorMsg, "Redact": c.Redact(ae.ErrorMsg)} {
					if strings.Contains(text, s) {
						t.Errorf("%s holds secret %.12q…: %s", where, s, text)
					}
				}
			}
			// A signature alone, without its header name, is still recognised.
			for _, r := range emu.Requests() {
				for _, s := range r.Secrets {
					if strings.HasPrefix(s, "SDK-HMAC-SHA256") {
						sig := s[strings.LastIndex(s, "=")+1:]
						if got := c.Redact("quoted: " + sig); strings.Contains(got, sig) {
							t.Errorf("signature survives: %s", got)
						}
					}
				}
			}
		})
	}
}

// A list that changes while its pages are read is read again from the start; one that never
// settles is an error. The result never holds an entry twice because of paging.
func TestListChangedBetweenPages(t *testing.T) {
	laterPages := func(r *http.Request) bool { return r.URL.Query().Get("offset") != "0" }
	for _, workers := range []int{1, 4} {
		t.Run(fmt.Sprintf("pages=%d/grows then settles", workers), func(t *testing.T) {
			emu, u := newServer(t)
			// The second page sees one more entry than the first: total_num differs.
			emu.AddFault(emulator.Fault{Times: 1, Match: laterPages, Page: emulator.PageFault{Insert: 1}})
			res := readMany(t, u, workers)
			if res.Requests != 6 || emu.Count(emulator.KindHSS) != 6 {
				t.Fatalf("%d requests (emulator %d), want two passes of 3", res.Requests, emu.Count(emulator.KindHSS))
			}
		})
		t.Run(fmt.Sprintf("pages=%d/shifts with the same total", workers), func(t *testing.T) {
			emu, u := newServer(t)
			// One entry in, one out: total_num stays, page 2 starts with page 1's last entry.
			emu.AddFault(emulator.Fault{Times: 1, Match: func(r *http.Request) bool { return r.URL.Query().Get("offset") == "200" },
				Page: emulator.PageFault{Insert: 1, Drop: 1}})
			readMany(t, u, workers)
		})
		t.Run(fmt.Sprintf("pages=%d/never settles", workers), func(t *testing.T) {
			emu, u := newServer(t)
			emu.AddFault(emulator.Fault{Page: emulator.PageFault{Churn: true}})
			c := newClient(t, u, aksk(), fastRetries(0), func(c *hss.Config) { c.PageConcurrency = workers })
			_, err := c.ListBasicImages(context.Background(), hss.BasicImageQuery{ImageID: emulator.ManyImageID, ImageType: "cicd"})
			if !errors.Is(err, hss.ErrListChanged) || !strings.Contains(err.Error(), "read 3 times") {
				t.Fatalf("err %v", err)
			}
			if n := emu.Count(emulator.KindHSS); n != 9 {
				t.Fatalf("%d requests, want 3 passes of 3", n)
			}
		})
	}
	t.Run("entries that really repeat", func(t *testing.T) {
		// Two identical passes are the list as it is, even when an entry is on both pages.
		_, u := newServer(t)
		body := func(offset int) string {
			n := 200
			if offset > 0 {
				n = 1
			}
			return fmt.Sprintf(`{"total_num":201,"data_list":[%s]}`, strings.TrimSuffix(strings.Repeat(`{"os_name":"Same","os_version":"1","layer_digest":"sha256:1"},`, n), ","))
		}
		srv := &offsetServer{body: body}
		c, err := hss.New(hss.Config{Region: emulator.Region, ProjectID: emulator.ProjectID, Endpoints: endpoints.Set{HSS: u}, Transport: srv, Credentials: aksk()})
		if err != nil {
			t.Fatal(err)
		}
		res, err := c.ListBasicImages(context.Background(), cicd111)
		if err != nil || len(res.Items) != 201 || res.Requests != 4 {
			t.Fatalf("err %v, result %+v", err, res)
		}
	})
}

// readMany reads the 450-entry image and checks every entry, in order, once.
func readMany(t *testing.T, u string, workers int) *hss.Result[hss.BasicImage] {
	t.Helper()
	c := newClient(t, u, aksk(), fastRetries(0), func(c *hss.Config) { c.PageConcurrency = workers })
	res, err := c.ListBasicImages(context.Background(), hss.BasicImageQuery{ImageID: emulator.ManyImageID, ImageType: "cicd"})
	if err != nil {
		t.Fatal(err)
	}
	want := make([]hss.BasicImage, emulator.ManyEntries)
	for i := range want {
		e := emulator.ManyEntry(i)
		want[i] = hss.BasicImage{OSName: e.OSName, OSVersion: e.OSVersion, LayerDigest: e.LayerDigest}
	}
	if !slices.Equal(res.Items, want) || res.TotalNum != emulator.ManyEntries || len(res.Warnings) != 0 {
		t.Fatalf("%d items, total %d, warnings %v", len(res.Items), res.TotalNum, res.Warnings)
	}
	// What the passes read before is returned: the result holds its own entries only.
	if now, _ := hss.MemoryInUse(c); now != int64(math.Ceil(float64(res.Bytes)*hss.HeapFactor(c))) {
		t.Fatalf("%d bytes held for a result of %d", now, res.Bytes)
	}
	return res
}

// A client-side limit on one exchange is reported as such, not as the caller's deadline.
func TestAttemptTimeoutIsNotTheReadTimeout(t *testing.T) {
	emu, u := newServer(t)
	emu.AddFault(emulator.Fault{Latency: 5 * time.Second})
	c := newClient(t, u, aksk(), fastRetries(1), func(c *hss.Config) { c.AttemptTimeout = 50 * time.Millisecond })
	_, err := c.ListBasicImages(context.Background(), cicd111)
	var te *transport.AttemptTimeoutError
	var re *transport.RetryError
	if !errors.As(err, &te) || !errors.As(err, &re) || re.Attempts != 2 || errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err %v", err)
	}
	if !strings.Contains(err.Error(), "page 1 (offset 0) got no complete answer within 50ms") {
		t.Fatalf("err %v", err)
	}
}

// A wait for the rate limiter that would pass the deadline is not an attempt in flight.
func TestRateLimitWaitPastTheDeadline(t *testing.T) {
	emu, u := newServer(t)
	c := newClient(t, u, aksk(), fastRetries(0), func(c *hss.Config) { c.RateLimit = 0.5 })
	if _, err := c.ListBasicImages(context.Background(), cicd111); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, err := c.ListBasicImages(ctx, hss.BasicImageQuery{ImageID: "multi-os-0001", ImageType: "cicd"})
	var ie *transport.InterruptedError
	if !errors.As(err, &ie) || ie.Waiting != transport.WaitingRateLimit || ie.Attempts != 0 || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err %v", err)
	}
	if emu.Count(emulator.KindHSS) != 1 {
		t.Fatalf("%d requests", emu.Count(emulator.KindHSS))
	}
}

// Text a server sends reaches diagnostics printable: no terminal control sequence, no line
// that could pass for Terraform's own, no bidirectional override, and bounded, request IDs
// on decode errors included.
func TestServerTextIsSafeToPrint(t *testing.T) {
	hostile := "bad\n\nError: all checks passed\x1b[32m ok\x1b]0;pwned\x07 \u009b2J \u202etxt.exe\x7f\xff"
	// Header values cannot hold C0 controls on the wire, but C1 and bidirectional ones pass.
	huge := strings.Repeat("rid-\u009b\u202e", 6000)
	emu, u := newServer(t)
	emu.AddFault(emulator.Fault{Times: 1, Status: 400, Code: "HSS.\x1b[31m0001", Message: hostile, Headers: map[string]string{"X-Request-Id": huge}})
	emu.AddFault(emulator.Fault{Times: 1, Status: 200, Body: `{"total_num":`, Headers: map[string]string{"X-Request-Id": huge}})
	c := newClient(t, u, aksk(), fastRetries(0))
	check := func(what, s string) {
		t.Helper()
		for _, bad := range []string{"\x1b", "\n", "\x07", "\x7f", "\u009b", "\u202e", "\xff"} {
			if strings.Contains(s, bad) {
				t.Errorf("%s holds %q: %.300q", what, bad, s)
			}
		}
	}
	_, err := c.ListBasicImages(context.Background(), cicd111)
	var ae *transport.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("err %.300v", err)
	}
	check("error_code", ae.ErrorCode)
	check("error_msg", ae.ErrorMsg)
	check("request ID", ae.RequestID)
	check("error", err.Error())
	if !strings.Contains(ae.ErrorMsg, `bad\x0a\x0aError: all checks passed\x1b[32m ok\x1b]0;pwned\x07 \u009b2J \u202etxt.exe\x7f`+"\uFFFD") || len(ae.RequestID) > 128+len("…") {
		t.Fatalf("error_msg %.300q, request ID of %d bytes", ae.ErrorMsg, len(ae.RequestID))
	}
	_, err = c.ListBasicImages(context.Background(), cicd111)
	var de *transport.DecodeError
	if !errors.As(err, &de) || len(de.RequestID) > 128+len("…") {
		t.Fatalf("err %.300v", err)
	}
	check("decode error", err.Error())
}

// A service that matches a name filter loosely (a prefix, another case, a substring) returns
// a neighbour's entries; each is dropped, counted in Dropped and logged at debug by the field
// that differs, never by its content. TotalNum stays what the API reported.
func TestLooseMatchesAreDropped(t *testing.T) {
	s := func(v string) *string { return &v }
	swr := func(ns, name, version string) model.ListRegistryImagesRequest {
		r := model.ListRegistryImagesRequest{ImageType: s("private_image"), Namespace: s(ns), ImageName: s(name)}
		if version != "" {
			r.ImageVersion = s(version)
		}
		return r
	}
	vulns := func(edit func(*model.ListImageVulnerabilitiesRequest)) model.ListImageVulnerabilitiesRequest {
		r := model.ListImageVulnerabilitiesRequest{ImageType: "cicd", ImageId: emulator.ManyVulnsImageID}
		edit(&r)
		return r
	}
	cases := []struct {
		name     string
		matching emulator.Matching
		rewrite  map[string]any
		read     func(c *hss.Client, ctx context.Context) (dropCounts, error)
		want     dropCounts
		// field is the one the drops name.
		field string
	}{
		{"a version prefix", emulator.MatchPrefix, nil, readSWR(swr("team", "app", "1.4")), dropCounts{0, 1, 1}, "image_version"},
		{"a release candidate for a release", emulator.MatchPrefix, map[string]any{"image_version": "1.4.2-rc1"}, readSWR(swr("team", "app", "1.4.2")), dropCounts{0, 1, 1}, "image_version"},
		{"another case", emulator.MatchFold, nil, readSWR(swr("TEAM", "app", "1.4.2")), dropCounts{0, 1, 1}, "namespace"},
		{"a substring of the name", emulator.MatchSubstring, nil, readSWR(swr("team", "pp", "")), dropCounts{0, 1, 1}, "image_name"},
		{"the exact names, loosely matched", emulator.MatchSubstring, nil, readSWR(swr("team", "app", "1.4.2")), dropCounts{1, 1, 0}, ""},
		{"the scan status", emulator.MatchExact, map[string]any{"scan_status": "unscan"}, readSWR(model.ListRegistryImagesRequest{
			ImageType: s("private_image"), Namespace: s("team"), ImageName: s("app"), ScanStatus: s("success")}), dropCounts{0, 1, 1}, "scan_status"},
		{"a repair necessity in another case", emulator.MatchExact, map[string]any{"repair_necessity": "DELAY_REPAIR"},
			readVulns(vulns(func(r *model.ListImageVulnerabilitiesRequest) { r.RepairNecessity = s("delay_repair") })), dropCounts{0, 83, 83}, "repair_necessity"},
		{"an application in another case", emulator.MatchFold, nil, readVulns(vulns(func(r *model.ListImageVulnerabilitiesRequest) { r.AppName = s("APP-1") })),
			dropCounts{0, 36, 36}, "app_name"},
		{"vul_id is a partial match, in any case", emulator.MatchExact, map[string]any{"vul_id": "cve-2025-00001-backport"},
			readVulns(vulns(func(r *model.ListImageVulnerabilitiesRequest) { r.VulId = s("CVE-2025-0000") })), dropCounts{10, 10, 0}, ""},
		{"vul_id that the entry does not hold", emulator.MatchExact, map[string]any{"vul_id": "GHSA-0000"},
			readVulns(vulns(func(r *model.ListImageVulnerabilitiesRequest) { r.VulId = s("CVE-2025-0000") })), dropCounts{0, 10, 10}, "vul_id"},
		{"os_name matches in part, in any case", emulator.MatchExact, nil, readBasic(hss.BasicImageQuery{ImageID: emulator.ManyImageID, ImageType: "cicd", OSName: "ubun"}),
			dropCounts{150, 150, 0}, ""},
		{"os_name the entry does not hold", emulator.MatchExact, map[string]any{"os_name": "Debian"},
			readBasic(hss.BasicImageQuery{ImageID: emulator.ManyImageID, ImageType: "cicd", OSName: "Ubuntu"}), dropCounts{0, 150, 150}, "os_name"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			emu, u := newServer(t)
			emu.AddFault(emulator.Fault{Page: emulator.PageFault{Matching: tc.matching, Rewrite: tc.rewrite}})
			c := newClient(t, u, aksk(), fastRetries(0), func(c *hss.Config) { c.ProjectID = emulator.ProjectID })
			var logs bytes.Buffer
			got, err := tc.read(c, tflogtest.RootLogger(context.Background(), &logs))
			if err != nil || got != tc.want {
				t.Fatalf("got %+v, want %+v: %v", got, tc.want, err)
			}
			lines := strings.Count(logs.String(), "does not match the query exactly; dropped")
			if want := min(tc.want.dropped, 100); lines != want || (want > 0 && !strings.Contains(logs.String(), `"field":"`+tc.field+`"`)) {
				t.Fatalf("%d drop lines, want %d naming %s:\n%.2000s", lines, want, tc.field, logs.String())
			}
			for _, line := range strings.Split(logs.String(), "\n") {
				for _, content := range []string{"sha256:", "CVE-2025", "cve-2025", "Ubuntu", "Debian", "GHSA", "app-", "team", "1.4.2", "unscan", "delay_repair"} {
					if strings.Contains(line, "dropped") && strings.Contains(line, content) {
						t.Fatalf("a drop line quotes an entry or the query (%s): %s", content, line)
					}
				}
			}
			if tc.want.dropped > 100 && !strings.Contains(logs.String(), fmt.Sprintf(`"dropped":%d`, tc.want.dropped)) {
				t.Fatalf("no summary of the drops:\n%.2000s", logs.String())
			}
		})
	}
}

// dropCounts are a result's entries, its total_num and the entries dropped.
type dropCounts struct{ items, total, dropped int }

func readSWR(r model.ListRegistryImagesRequest) func(*hss.Client, context.Context) (dropCounts, error) {
	return func(c *hss.Client, ctx context.Context) (dropCounts, error) {
		res, err := hss.List(ctx, c, hss.RegistryImages, "", r)
		if err != nil {
			return dropCounts{}, err
		}
		for _, it := range res.Items {
			if it.Namespace != *r.Namespace {
				return dropCounts{}, fmt.Errorf("kept %+v", it)
			}
		}
		return dropCounts{len(res.Items), res.TotalNum, res.Dropped}, nil
	}
}

func readVulns(r model.ListImageVulnerabilitiesRequest) func(*hss.Client, context.Context) (dropCounts, error) {
	return func(c *hss.Client, ctx context.Context) (dropCounts, error) {
		res, err := hss.List(ctx, c, hss.ImageVulnerabilities, "", r)
		if err != nil {
			return dropCounts{}, err
		}
		return dropCounts{len(res.Items), res.TotalNum, res.Dropped}, nil
	}
}

func readBasic(q hss.BasicImageQuery) func(*hss.Client, context.Context) (dropCounts, error) {
	return func(c *hss.Client, ctx context.Context) (dropCounts, error) {
		res, err := c.ListBasicImages(ctx, q)
		if err != nil {
			return dropCounts{}, err
		}
		return dropCounts{len(res.Items), res.TotalNum, res.Dropped}, nil
	}
}

// A value outside the SDK's documented set is kept as received, never mapped to a default: a
// policy sees "Critical", "" or "paused", not the mildest value.
func TestUnknownEnumValuesAreKept(t *testing.T) {
	for _, v := range []string{"Critical", "", "IMMEDIATE_REPAIR", "paused", "Extreme", "immediate_repair\u200b"} {
		t.Run(fmt.Sprintf("%q", v), func(t *testing.T) {
			emu, u := newServer(t)
			emu.AddFault(emulator.Fault{Page: emulator.PageFault{Rewrite: map[string]any{"repair_necessity": v, "scan_status": v}}})
			c := newClient(t, u, aksk(), fastRetries(0), func(c *hss.Config) { c.ProjectID = emulator.ProjectID })
			vulns, err := hss.List(context.Background(), c, hss.ImageVulnerabilities, "",
				model.ListImageVulnerabilitiesRequest{ImageType: "cicd", ImageId: emulator.ManyVulnsImageID})
			if err != nil || len(vulns.Items) != emulator.ManyVulns {
				t.Fatalf("err %v", err)
			}
			for _, it := range vulns.Items {
				if it.RepairNecessity != v {
					t.Fatalf("repair_necessity %q read as %q", v, it.RepairNecessity)
				}
			}
			images, err := hss.List(context.Background(), c, hss.RegistryImages, "", model.ListRegistryImagesRequest{})
			if err != nil || len(images.Items) == 0 {
				t.Fatalf("err %v", err)
			}
			for _, it := range images.Items {
				if it.ScanStatus != v {
					t.Fatalf("scan_status %q read as %q", v, it.ScanStatus)
				}
			}
		})
	}
}
