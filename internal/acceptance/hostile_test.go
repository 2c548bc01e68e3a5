package acceptance

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/hsslabs/terraform-provider-hss/internal/emulator"
)

// Invalid UTF-8 from the API reaches state as U+FFFD, the same on every read, so a resource
// that references the answer shows no change after apply.
func TestAccInvalidUTF8IsStable(t *testing.T) {
	e := newEmu(t)
	e.AddFault(emulator.Fault{Body: "{\"total_num\":1,\"data_list\":[{\"os_name\":\"Deb\xffian\",\"os_version\":\"9\xc3\",\"layer_digest\":\"sha256:\xed\xa0\x80\"}]}"})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(nil),
		Steps: []resource.TestStep{{
			Config: e.Provider(authAKSK, fmt.Sprintf("project_id = %q", emulator.ProjectID)) + dataCICD111 + `
resource "terraform_data" "base" {
  input = data.hss_image_basic_image.test.data_list
}`,
			// After the apply the framework plans again and fails on any change.
			ConfigStateChecks: []statecheck.StateCheck{
				dsAttr("data_list", knownvalue.ListExact([]knownvalue.Check{knownvalue.ObjectExact(map[string]knownvalue.Check{
					"os_name":      knownvalue.StringExact("Deb\uFFFDian"),
					"os_version":   knownvalue.StringExact("9\uFFFD"),
					"layer_digest": knownvalue.StringExact("sha256:\uFFFD"),
				})})),
			},
		}},
	})
}
