# A docs snippet: use it in a configuration whose terraform block declares the provider with
# source = "hsslabs/hss", as on the provider's page.

# The image a deployment pulls, found by its reference, and refused unless HSS scanned it.
locals {
  image = provider::hss::parse_image_reference("swr.cn-north-4.myhuaweicloud.com/scc_hss_container/proxy-agent:24.5.0-x86_64")
}

data "hss_images" "release" {
  image_type    = "private_image"
  namespace     = local.image.namespace
  image_name    = local.image.name
  image_version = local.image.tag

  lifecycle {
    postcondition {
      condition     = length(self.data_list) == 1 && alltrue([for i in self.data_list : i.scan_status == "success"])
      error_message = "HSS has not scanned ${local.image.name}:${local.image.tag} successfully (${jsonencode([for i in self.data_list : i.scan_status])}): refusing it."
    }
  }
}

# Its base OS, read with the image_id HSS gave it.
data "hss_image_basic_image" "release" {
  image_id      = data.hss_images.release.data_list[0].image_id
  image_type    = "private_image"
  namespace     = local.image.namespace
  image_name    = local.image.name
  image_version = local.image.tag
}
