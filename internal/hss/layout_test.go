package hss_test

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
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
	files := []string{"list.go", "declare.go", "client.go", "config.go", "../datasources/skeleton.go", "../datasources/list.go", "../explain/explain.go"}
	for _, dir := range []string{"../coalesce", "../transport"} {
		files = append(files, sources(t, dir)...)
	}
	for _, f := range files {
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

// sources are the Go files of dir that are not tests, subdirectories included.
func sources(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".go") && !strings.HasSuffix(p, "_test.go") && !strings.Contains(p, "testdata") {
			out = append(out, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}
