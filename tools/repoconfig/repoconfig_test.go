// Package repoconfig checks the repository's hosted configuration, which cannot run offline:
// dependency updates and the vulnerability scan.
package repoconfig

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

const root = "../.."

func load(t *testing.T, name string, v any) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, name))
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

// Every go.mod of the repository, and the workflows' actions, get update pull requests.
func TestDependabotCoversEveryModule(t *testing.T) {
	var cfg struct {
		Version int `yaml:"version"`
		Updates []struct {
			Ecosystem string `yaml:"package-ecosystem"`
			Directory string `yaml:"directory"`
			Schedule  struct {
				Interval string `yaml:"interval"`
			} `yaml:"schedule"`
		} `yaml:"updates"`
	}
	load(t, ".github/dependabot.yml", &cfg)
	if cfg.Version != 2 {
		t.Fatalf("version %d, want 2", cfg.Version)
	}
	covered := map[string]bool{}
	for _, u := range cfg.Updates {
		if u.Schedule.Interval == "" {
			t.Errorf("%s %s has no schedule", u.Ecosystem, u.Directory)
		}
		covered[u.Ecosystem+" "+u.Directory] = true
	}
	var modules []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "bin" || d.Name() == "dist" || d.Name() == ".git" || d.Name() == ".terraform") {
			return filepath.SkipDir
		}
		if d.Name() == "go.mod" {
			rel, _ := filepath.Rel(root, filepath.Dir(p))
			modules = append(modules, "/"+strings.TrimPrefix(filepath.ToSlash(rel), "."))
		}
		return nil
	})
	if err != nil || len(modules) < 3 {
		t.Fatalf("found modules %v: %v", modules, err)
	}
	for _, m := range modules {
		if !covered["gomod "+strings.TrimSuffix(m, "/")] && !covered["gomod "+m] {
			t.Errorf("go.mod in %s has no dependabot entry", m)
		}
	}
	if !covered["github-actions /"] {
		t.Error("the workflows' actions have no dependabot entry")
	}
}

// The hosted tests run govulncheck, pinned, over every package.
func TestWorkflowRunsGovulncheck(t *testing.T) {
	var wf struct {
		Jobs map[string]struct {
			Steps []struct {
				Run  string `yaml:"run"`
				Uses string `yaml:"uses"`
			} `yaml:"steps"`
		} `yaml:"jobs"`
	}
	load(t, ".github/workflows/test.yml", &wf)
	pinned := regexp.MustCompile(`^go run golang\.org/x/vuln/cmd/govulncheck@v\d+\.\d+\.\d+ \./\.\.\.$`)
	var runs []string
	for _, j := range wf.Jobs {
		for _, s := range j.Steps {
			runs = append(runs, s.Run)
		}
	}
	if !slices.ContainsFunc(runs, pinned.MatchString) {
		t.Fatalf("no pinned govulncheck over ./... among %q", runs)
	}
	if !slices.Contains(runs, "make test") {
		t.Fatal("the workflow no longer runs make test")
	}
}
