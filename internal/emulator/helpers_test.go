package emulator

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/signer"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/request"
)

// call is one request to the emulator, signed by the SDK's own signer unless token is set.
type call struct {
	method  string // GET when empty
	body    string
	path    string
	query   map[string]string
	headers map[string]string
	ak, sk  string
	token   string
	// tamper edits the signed request before it is sent.
	tamper func(*http.Request)
}

type reply struct {
	status int
	body   map[string]any
	rid    string
}

func basicPath(project, image string) string {
	return "/v5/" + project + "/image/" + image + "/basic-image"
}

func okCall() call {
	return call{
		path:    basicPath(ProjectID, CICDImageID),
		query:   map[string]string{"image_type": "cicd", "limit": "200", "offset": "0"},
		headers: map[string]string{"region": Region, "X-Project-Id": ProjectID},
		ak:      AccessKeyID, sk: SecretAccessKey,
	}
}

func do(t *testing.T, url string, c call) reply {
	t.Helper()
	method := c.method
	if method == "" {
		method = http.MethodGet
	}
	b := request.NewHttpRequestBuilder().WithEndpoint(url).WithMethod(method).WithPath(c.path)
	if c.body != "" {
		b.WithBody("", c.body)
	}
	for k, v := range c.query {
		b.AddQueryParam(k, reflect.ValueOf(v))
	}
	for k, v := range c.headers {
		b.AddHeaderParam(k, v)
	}
	if c.token != "" {
		b.AddHeaderParam("X-Auth-Token", c.token)
	}
	req := b.Build()
	if c.token == "" && c.ak != "" {
		h, err := signer.Sign(req, c.ak, c.sk)
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range h {
			req.AddHeaderParam(k, v)
		}
	}
	hr, err := req.ConvertRequest()
	if err != nil {
		t.Fatal(err)
	}
	if c.tamper != nil {
		c.tamper(hr)
	}
	resp, err := http.DefaultClient.Do(hr)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	r := reply{status: resp.StatusCode, rid: resp.Header.Get("X-Request-Id")}
	if err := json.Unmarshal(raw, &r.body); err != nil {
		t.Fatalf("body %q: %v", raw, err)
	}
	return r
}

func start(t *testing.T) (*Emulator, string) {
	t.Helper()
	e := New(nil)
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)
	return e, srv.URL
}

func entries(t *testing.T, r reply) []map[string]any {
	t.Helper()
	if r.status != http.StatusOK {
		t.Fatalf("%d %v", r.status, r.body)
	}
	list, _ := r.body["data_list"].([]any)
	out := make([]map[string]any, len(list))
	for i, e := range list {
		out[i] = e.(map[string]any)
	}
	if int(r.body["total_num"].(float64)) < len(out) {
		t.Fatalf("total_num %v for %d entries", r.body["total_num"], len(out))
	}
	return out
}
