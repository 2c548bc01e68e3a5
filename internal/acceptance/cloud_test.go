package acceptance

import (
	"os"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/hsslabs/terraform-provider-hss/internal/provider"
)

func TestAccCloud_wrongSecret(t *testing.T) {
	cloudPreCheck(t, provider.EnvAccessKey)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: map[string]func() (tfprotov6.ProviderServer, error){
			"hss": providerserver.NewProtocol6WithError(provider.NewWith("test", map[string]string{
				provider.EnvRegion: os.Getenv(provider.EnvRegion), provider.EnvAccessKey: os.Getenv(provider.EnvAccessKey), provider.EnvSecretKey: "not-the-secret-key",
			}, nil)()),
		},
		Steps: []resource.TestStep{{
			Config: `
provider "hss" {}

data "hss_image_basic_image" "test" {
  image_id   = "111"
  image_type = "cicd"
}`,
			ExpectError: errRe(`HTTP status 401.*request ID`),
		}},
	})
}
