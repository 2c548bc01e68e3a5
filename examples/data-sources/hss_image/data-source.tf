# The image a deployment pulls, bound to the one HSS scanned at that registry.
data "hss_image" "app" {
  reference = "swr.cn-north-4.myhuaweicloud.com/team/app:1.4.2"

  lifecycle {
    postcondition {
      condition     = self.scan_status == "success"
      error_message = "HSS has not scanned ${self.reference} successfully (scan_status ${self.scan_status}, ${self.scan_failed_code})."
    }
  }
}

# Deploy exactly what HSS scanned, whatever the tag points to later.
output "image_to_deploy" {
  value = data.hss_image.app.pinned_reference
}
