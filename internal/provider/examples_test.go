package provider

import (
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"
)

// Every example validates with the provider built from this tree (terraform fmt is checked
// by `make test` as well), so the docs never show configuration that does not work.
func TestAccExamplesValidate(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	_, file, _, _ := runtime.Caller(0)
	root := filepath.Join(filepath.Dir(file), "..", "..", "examples")
	dirs := map[string]bool{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".tf") {
			dirs[filepath.Dir(p)] = true
		}
		return err
	})
	if err != nil || len(dirs) < 5 {
		t.Fatalf("found %d example directories: %v", len(dirs), err)
	}
	names := make([]string, 0, len(dirs))
	for d := range dirs {
		names = append(names, d)
	}
	sort.Strings(names)
	plugins := buildProvider(t)
	for _, dir := range names {
		rel, _ := filepath.Rel(root, dir)
		t.Run(rel, func(t *testing.T) {
			work := t.TempDir()
			entries, err := os.ReadDir(dir)
			if err != nil {
				t.Fatal(err)
			}
			declares := false
			for _, e := range entries {
				if !strings.HasSuffix(e.Name(), ".tf") {
					continue
				}
				b, err := os.ReadFile(filepath.Join(dir, e.Name()))
				if err != nil {
					t.Fatal(err)
				}
				declares = declares || strings.Contains(string(b), "required_providers")
				if err := os.WriteFile(filepath.Join(work, e.Name()), b, 0o600); err != nil {
					t.Fatal(err)
				}
			}
			if !declares {
				// Snippets shown in the docs leave out the terraform block.
				if err := os.WriteFile(filepath.Join(work, "versions.tf"), []byte(requiredProviders), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			out := terraformRun(t, work, plugins, nil, "validate", "-no-color")
			if !strings.Contains(out, "Success! The configuration is valid") {
				t.Fatalf("terraform validate:\n%s", out)
			}
		})
	}
}
