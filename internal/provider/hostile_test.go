package provider

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/hsslabs/terraform-provider-hss/internal/emulator"
)

// A server that answers with something other than a result never produces a list that looks
// right: each case is a plan error that says what happened.
func TestAccHostileServer(t *testing.T) {
	emptyList := `{"total_num":0,"data_list":[]}`
	many := fmt.Sprintf(`
data "hss_image_basic_image" "test" {
  image_id   = %q
  image_type = "cicd"
}`, emulator.ManyImageID)
	cases := map[string]struct {
		fault emulator.Fault
		data  string
		want  string
	}{
		"redirect_to_login": {
			fault: emulator.Fault{Status: http.StatusFound, Location: "https://login.attacker.example/sso?next=hss", Body: emptyList},
			want:  `unexpected HTTP 302 \(only 200 is a result\); the answer redirects to host "login.attacker.example", which is not followed.*A proxy, gateway or a wrong endpoint answered`,
		},
		"non_authoritative_empty_list": {
			fault: emulator.Fault{Status: http.StatusNonAuthoritativeInfo, Body: emptyList},
			want:  `unexpected HTTP 203 \(only 200 is a result\)`,
		},
		"list_never_settles": {
			fault: emulator.Fault{Page: emulator.PageFault{Churn: true}},
			data:  many,
			want:  `the list changed while it was being read: total_num was \d+ on page 1 and \d+ on page 2; read 3 times from the start`,
		},
		"echoed_credentials": {
			fault: emulator.Fault{Echo: true},
			want:  `error_msg: Bad request. Received headers \[Authorization: SDK-HMAC-SHA256 Access=HSSEMULATORAK000001, SignedHeaders=\S+, Signature=\*\*\*\]`,
		},
	}
	t.Run("cases", func(t *testing.T) {
		for name, c := range cases {
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				e := newEmu(t)
				e.AddFault(c.fault)
				data := c.data
				if data == "" {
					data = dataCICD111
				}
				resource.Test(t, resource.TestCase{
					ProtoV6ProviderFactories: factories(nil),
					Steps: []resource.TestStep{{
						Config:      e.provider(authAKSK, fmt.Sprintf("project_id = %q", emulator.ProjectID), "max_retries = 1", "page_concurrency = 1") + data,
						ExpectError: errRe(c.want),
					}},
				})
			})
		}
	})
}

// Invalid UTF-8 from the API reaches state as U+FFFD, the same on every read, so a resource
// that references the answer shows no change after apply.
func TestAccInvalidUTF8IsStable(t *testing.T) {
	e := newEmu(t)
	e.AddFault(emulator.Fault{Body: "{\"total_num\":1,\"data_list\":[{\"os_name\":\"Deb\xffian\",\"os_version\":\"9\xc3\",\"layer_digest\":\"sha256:\xed\xa0\x80\"}]}"})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(nil),
		Steps: []resource.TestStep{{
			Config: e.provider(authAKSK, fmt.Sprintf("project_id = %q", emulator.ProjectID)) + dataCICD111 + `
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
