package acceptance

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hsslabs/terraform-provider-hss/internal/emulator"
)

// A dynamic assume_role block whose for_each is not known at plan time is not a conversion
// error: a read deferred to apply (depends_on a resource being created) works there, with the
// provider configured again once the values are known.
func TestAccUnknownProviderBlockDefersToApply(t *testing.T) {
	plugins := buildProvider(t)
	e := newEmu(t)
	dir := t.TempDir()
	config := requiredProviders + `
resource "terraform_data" "agency" {
  input = "none"
}

provider "hss" {
  region    = "` + emulator.Region + `"
  endpoints = { hss = "` + e.URL + `", iam = "` + e.URL + `", sts = "` + e.URL + `" }
  ` + authAKSK + `

  dynamic "assume_role" {
    for_each = [for a in [terraform_data.agency.output] : a if a != "none"]
    content {
      agency_name = assume_role.value
      domain_name = "` + emulator.DomainName + `"
    }
  }
}

data "hss_image_basic_image" "test" {
  image_id   = "111"
  image_type = "cicd"
  depends_on = [terraform_data.agency]
}

output "os" {
  value = data.hss_image_basic_image.test.data_list[0].os_name
}
`
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	out := terraformRun(t, dir, plugins, nil, "apply", "-auto-approve", "-input=false", "-lock=false", "-no-color")
	if !strings.Contains(out, `os = "Debian"`) {
		t.Fatalf("apply:\n%s", out)
	}
}
