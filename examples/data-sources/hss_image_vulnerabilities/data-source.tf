# Stops the plan while the image has an unhandled vulnerability that needs immediate repair.
# An image HSS has not scanned has no vulnerabilities: check its scan_status with hss_images
# first (see that data source's page), or an unscanned image passes.
data "hss_image_vulnerabilities" "release" {
  image_id         = "5f7c3b2a19e04d8c"
  image_type       = "private_image"
  image_reference  = "swr.cn-north-4.myhuaweicloud.com/scc_hss_container/proxy-agent:24.5.0-x86_64"
  repair_necessity = "immediate_repair"
  handle_status    = "unhandled"

  lifecycle {
    postcondition {
      condition     = length(self.data_list) == 0
      error_message = "Fix first: ${join(", ", [for v in self.data_list : "${v.vul_id} in ${v.app_name} ${v.version}"])}."
    }
  }
}
