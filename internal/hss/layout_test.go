package hss_test

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

// The engine serves every list API; an endpoint's name in it means the design has leaked.
// The declarations (basic_images.go and the like) are where endpoints live.
func TestEngineFilesNameNoEndpoint(t *testing.T) {
	// Any HSS API path, any SDK model package, or the name of one API.
	rules := map[string]*regexp.Regexp{
		"an API path":            regexp.MustCompile(`/v[0-9]+/\{project_id\}|/v[0-9]+/[a-z-]+/`),
		"an SDK model package":   regexp.MustCompile(`huaweicloud-sdk-go-v3/services/[a-z0-9]+/v[0-9]+/model`),
		"one API's name":         regexp.MustCompile(`(?i)basic.?image|swr.?repository|vulnerabilit`),
		"one API's request type": regexp.MustCompile(`model\.[A-Z][A-Za-z]+Request\b`),
	}
	for _, f := range []string{
		"list.go", "declare.go", "coalesce.go", "errors.go", "request.go", "budget.go", "reach.go", "config.go",
		"../provider/list_data_source.go", "../provider/diagnostics.go",
	} {
		src, err := os.ReadFile(filepath.FromSlash(f))
		if err != nil {
			t.Fatal(err)
		}
		for what, re := range rules {
			if m := re.Find(src); m != nil {
				t.Errorf("%s holds %s (%q): move it into the endpoint's declaration", f, what, m)
			}
		}
	}
}
