package hss_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hsslabs/terraform-provider-hss/internal/credentials"
	"github.com/hsslabs/terraform-provider-hss/internal/emulator"
	"github.com/hsslabs/terraform-provider-hss/internal/endpoints"
	"github.com/hsslabs/terraform-provider-hss/internal/hss"
	"github.com/hsslabs/terraform-provider-hss/internal/resolve"
)

// pageServer answers the i-th request with the i-th body (the last one repeats), with no
// network in between, so the fuzzer spends its time in decoding and paging.
type pageServer struct {
	status int
	bodies [][]byte
	// calls is counted by concurrent page fetches.
	calls atomic.Int32
}

func (s *pageServer) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		_ = req.Body.Close()
	}
	n := int(s.calls.Add(1)) - 1
	body := s.bodies[min(n, len(s.bodies)-1)]
	return &http.Response{
		StatusCode: s.status,
		Header:     http.Header{"X-Request-Id": {"00000000000000000000000000000001"}, "Content-Type": {"application/json"}},
		Body:       io.NopCloser(bytes.NewReader(body)),
		Request:    req,
	}, nil
}

// FuzzListBasicImages feeds arbitrary responses, one page per "\n---\n"-separated part, to the
// decoding and paging loop: it must never panic, never loop, never over-request, and never
// return entries that do not add up to total_num.
func FuzzListBasicImages(f *testing.F) {
	f.Add(uint8(0), []byte(`{"total_num":1,"data_list":[{"os_name":"Debian","os_version":"9","layer_digest":"sha256:27"}]}`))
	f.Add(uint8(0), []byte(`{"total_num":3,"data_list":[]}`))
	f.Add(uint8(1), []byte(`{"error_code":"HSS.0001","error_msg":"bad"}`))
	// A server quoting the secret back.
	f.Add(uint8(1), []byte(`{"error_code":"HSS.0001","error_msg":"key fuzz-secret-key-0001 refused"}`))
	// Three full pages, the last two fetched at once.
	f.Add(uint8(0), threePages())
	f.Fuzz(func(t *testing.T, statusPick uint8, raw []byte) {
		statuses := []int{200, 400, 401, 403, 404, 429, 500, 502, 503}
		srv := &pageServer{status: statuses[int(statusPick)%len(statuses)], bodies: bytes.Split(raw, []byte("\n---\n"))}
		const maxPages = 50
		const secret = "fuzz-secret-key-0001"
		c, err := hss.New(hss.Config{
			Region: emulator.Region, ProjectID: emulator.ProjectID,
			Endpoints: endpoints.Set{HSS: "http://hss.invalid"}, Transport: srv, MaxPages: maxPages,
			Credentials: credentials.Config{Method: credentials.AuthAKSK, AccessKey: "FUZZAK", SecretKey: secret},
		})
		if err != nil {
			t.Fatal(err)
		}
		res, err := c.ListBasicImages(context.Background(), hss.BasicImageQuery{ImageID: "i", ImageType: "cicd"})
		calls := int(srv.calls.Load())
		if calls > maxPages*hss.DefaultListAttempts {
			t.Fatalf("%d requests for a cap of %d pages a pass", calls, maxPages)
		}
		if err != nil {
			// The bodies may quote anything; the configured secret must never come back.
			if strings.Contains(err.Error(), secret) {
				t.Fatalf("error mentions the secret: %v", err)
			}
			return
		}
		// A result adds up to total_num, whatever the pages said.
		if res.Items == nil || res.Requests != calls || len(res.Items)+res.Dropped != res.TotalNum || len(res.Warnings) != 0 {
			t.Fatalf("result %d items (%d dropped), %d requests (server saw %d), total_num %d", len(res.Items), res.Dropped, res.Requests, calls, res.TotalNum)
		}
	})
}

func threePages() []byte {
	pages := make([]string, 3)
	for p := range pages {
		entries := make([]string, hss.BasicImagePageSize)
		for i := range entries {
			entries[i] = fmt.Sprintf(`{"os_name":"Debian","os_version":"9","layer_digest":"sha256:%d"}`, p*hss.BasicImagePageSize+i)
		}
		pages[p] = fmt.Sprintf(`{"total_num":%d,"data_list":[%s]}`, 3*hss.BasicImagePageSize, strings.Join(entries, ","))
	}
	return []byte(strings.Join(pages, "\n---\n"))
}

// FuzzValidators checks what each validator promises: an accepted region or cloud yields
// exactly the expected host, an accepted endpoint carries no user, query or fragment, and an
// accepted image ID reaches the server as exactly one path segment, unchanged by cleaning.
func FuzzValidators(f *testing.F) {
	for _, s := range []string{"cn-north-4", "cn-north-4@attacker.example:443/", "..", "{project_id}", "a/b", "https://u:p@h/",
		"https://iam.example.com/v3", "harbor.example.com/team/app:1.2", "x%2F..", "ap-southeast-1", "example.com", "é", "a\\b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if endpoints.ValidateRegion(s) == nil {
			checkHost(t, "https://hss."+s+"."+endpoints.DefaultCloud, "hss."+s+"."+endpoints.DefaultCloud)
		}
		if endpoints.ValidateCloud(s) == nil {
			checkHost(t, "https://hss.cn-north-4."+s, "hss.cn-north-4."+s)
		}
		if endpoints.ValidateEndpoint(s) == nil {
			u, err := url.Parse(strings.TrimRight(s, "/") + "/v5/p/image/i/basic-image")
			if err != nil || u.User != nil || u.RawQuery != "" || u.Fragment != "" || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
				t.Fatalf("endpoint %q accepted but builds %v (%v)", s, u, err)
			}
		}
		if hss.ValidateImageID(s) == nil {
			p := "/v5/p/image/" + s + "/basic-image"
			wire := (&url.URL{Path: p}).EscapedPath()
			got, err := url.PathUnescape(wire)
			segs := strings.Split(got, "/")
			if err != nil || len(segs) != 6 || segs[4] != s || path.Clean(got) != got {
				t.Fatalf("image ID %q accepted but reaches the server as %q", s, wire)
			}
		}
		if ref, err := resolve.ParseImageReference(s); err == nil && (ref.Namespace == "" || ref.Name == "" || ref.Version == "") {
			t.Fatalf("reference %q accepted with an empty part: %+v", s, ref)
		}
	})
}

func checkHost(t *testing.T, raw, want string) {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil || u.Host != want || u.User != nil || u.Path != "" || u.Port() != "" {
		t.Fatalf("%q parses to host %q, want %q (%v)", raw, u.Host, want, err)
	}
}
