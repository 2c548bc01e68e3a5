package architecture

import (
	"bufio"
	"bytes"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// layers are the internal packages from the bottom up, as DESIGN.md's layer table shows them:
// a package imports only packages of layers below its own, so imports run one way.
func layers(t *testing.T) map[string]int {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "DESIGN.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, section, _ := strings.Cut(string(b), "\n## Layers\n")
	section, _, _ = strings.Cut(section, "\n## ")
	row := regexp.MustCompile(`(?m)^\| ([0-9]+) \| (.*) \|$`)
	name := regexp.MustCompile("`([a-z]+)[`/]")
	out := map[string]int{}
	for _, m := range row.FindAllStringSubmatch(section, -1) {
		n, _ := strconv.Atoi(m[1])
		for _, p := range name.FindAllStringSubmatch(m[2], -1) {
			out[p[1]] = n
		}
	}
	if len(out) == 0 {
		t.Fatal("DESIGN.md has no layer table under ## Layers")
	}
	return out
}

func TestImportsRunOneWay(t *testing.T) {
	layer := layers(t)
	entries, err := os.ReadDir("..")
	if err != nil {
		t.Fatal(err)
	}
	const prefix = "github.com/hsslabs/terraform-provider-hss/internal/"
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		pkg := e.Name()
		own, known := layer[pkg]
		if !known {
			t.Errorf("internal/%s is in no layer: add it to the table in DESIGN.md", pkg)
			continue
		}
		for _, f := range sources(t, filepath.Join("..", pkg)) {
			parsed, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ImportsOnly)
			if err != nil {
				t.Fatal(err)
			}
			for _, imp := range parsed.Imports {
				path, _ := strconv.Unquote(imp.Path.Value)
				dep, ok := strings.CutPrefix(path, prefix)
				if !ok {
					continue
				}
				dep, _, _ = strings.Cut(dep, "/")
				if dep == pkg {
					continue // a command of the package's own
				}
				if l, ok := layer[dep]; !ok || l >= own {
					t.Errorf("%s imports internal/%s, which is not below it", f, dep)
				}
			}
		}
	}
}

// maxPackageLines bounds a package's non-test Go lines (blank and comment lines included): a
// package that outgrows it has more than one job. The emulator, a stand-in for several
// services, is the exception.
const maxPackageLines = 2000

func TestPackagesStaySmall(t *testing.T) {
	entries, err := os.ReadDir("..")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !e.IsDir() || e.Name() == "emulator" {
			continue
		}
		n := 0
		for _, f := range sources(t, filepath.Join("..", e.Name())) {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			n += lines(b)
		}
		if n > maxPackageLines {
			t.Errorf("internal/%s holds %d lines of non-test Go, more than %d: split it by role", e.Name(), n, maxPackageLines)
		}
	}
}

func lines(b []byte) int {
	n := 0
	for s := bufio.NewScanner(bytes.NewReader(b)); s.Scan(); {
		n++
	}
	return n
}

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
	files := []string{"../hss/list.go", "../hss/declare.go", "../hss/client.go", "../hss/config.go", "../datasources/skeleton.go", "../datasources/list.go", "../explain/explain.go"}
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
