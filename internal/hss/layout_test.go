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
	endpoint := regexp.MustCompile(`(?i)basic.?image`)
	for _, f := range []string{
		"list.go", "coalesce.go", "errors.go", "request.go", "budget.go", "reach.go", "config.go",
		"../provider/list_data_source.go", "../provider/diagnostics.go",
	} {
		src, err := os.ReadFile(filepath.FromSlash(f))
		if err != nil {
			t.Fatal(err)
		}
		if m := endpoint.Find(src); m != nil {
			t.Errorf("%s mentions %q: move it into the endpoint's declaration", f, m)
		}
	}
}
