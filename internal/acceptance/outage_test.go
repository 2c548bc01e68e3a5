package acceptance

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/hsslabs/terraform-provider-hss/internal/emulator"
	"github.com/hsslabs/terraform-provider-hss/internal/hss"
)

// A plan of 200 reads against a service that answers every request with 500 sends at most
// 400 requests, and every read's error names the status and why it was not retried. Back-off
// waits are shortened; the request count is what the default settings send.
func TestAccOutageIsNotMultiplied(t *testing.T) {
	e := newEmu(t)
	e.AddFault(emulator.Fault{Status: http.StatusInternalServerError, Code: "HSS.0500", Message: "Internal error."})
	fast := func(c *hss.Config) { c.RetryWaitMin, c.RetryWaitMax = time.Millisecond, 4*time.Millisecond }
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: tunedFactories(nil, fast),
		Steps: []resource.TestStep{{
			Config: e.Provider(authAKSK, fmt.Sprintf("project_id = %q", emulator.ProjectID)) + `
data "hss_image_basic_image" "all" {
  for_each   = toset([for i in range(1, 201) : tostring(i)])
  image_id   = "synthetic-${each.key}"
  image_type = "cicd"
}`,
			ExpectError: errRe(`HTTP status 500.*error_code: HSS.0500.*Not retried: retries are paused because the service kept failing`),
		}},
	})
	n := e.Count(emulator.KindHSS)
	if n < 200 || n > 400 {
		t.Fatalf("%d HSS requests for 200 reads of a failing service, want 200 to 400", n)
	}
	t.Logf("%d HSS requests", n)
}
