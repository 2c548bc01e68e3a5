package acceptance

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hsslabs/terraform-provider-hss/internal/emulator"
)

func TestAccEmptyResults(t *testing.T) {
	plugins := buildProvider(t)
	e := newEmu(t)
	dir := t.TempDir()
	config := requiredProviders + e.Provider(authAKSK, fmt.Sprintf("project_id = %q", emulator.ProjectID)) + `
data "hss_image_basic_image" "typo" {
  for_each   = toset([for i in range(200) : tostring(i)])
  image_id   = "does-not-exist-${each.key}"
  image_type = "cicd"
}
`
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	out := terraformRun(t, dir, plugins, nil, "plan", "-input=false", "-lock=false", "-no-color")
	if n := strings.Count(out, "Warning: HSS knows no base image for this query"); n != 1 || !strings.Contains(out, "(and 199 more similar warnings elsewhere)") {
		t.Fatalf("%d warning blocks:\n%s", n, out)
	}
	gate := requiredProviders + e.Provider(authAKSK, fmt.Sprintf("project_id = %q", emulator.ProjectID)) + `
data "hss_image_basic_image" "typo" {
  image_id   = "does-not-exist"
  image_type = "cicd"

  lifecycle {
    postcondition {
      condition     = length(self.data_list) > 0
      error_message = "HSS knows no base image for ${self.image_id}."
    }
  }
}
`
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(gate), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := terraformExec(t, dir, plugins, nil, "plan", "-input=false", "-lock=false", "-no-color")
	if err == nil || !strings.Contains(out, "Resource postcondition failed") || !strings.Contains(out, "HSS knows no base image for does-not-exist.") {
		t.Fatalf("err %v\n%s", err, out)
	}
}
