package acceptance

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// Terraform itself shows a validation error with the attribute and what is allowed, at
// `terraform validate`, before any request.
func TestAccValidationThroughTerraform(t *testing.T) {
	e := newEmu(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(nil),
		Steps: []resource.TestStep{{
			Config: e.Provider(authAKSK) + `
data "hss_image_basic_image" "test" {
  image_id   = "111"
  image_type = "cicd"
  region     = "attacker.example/x"
}`,
			ExpectError: errRe(`Invalid region.*data.hss_image_basic_image.test.*region = "attacker.example/x".*"attacker.example/x" is not a region name`),
		}},
	})
	if n := len(e.Requests()); n != 0 {
		t.Fatalf("an invalid configuration reached the API %d times", n)
	}
}
