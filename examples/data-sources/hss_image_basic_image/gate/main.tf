# Provider functions need Terraform 1.8 or later (on OpenTofu 1.7, write ">= 1.7").
terraform {
  required_version = ">= 1.8"
}

data "hss_image_basic_image" "release" {
  image_id   = "111"
  image_type = "cicd"

  lifecycle {
    postcondition {
      condition = length(self.data_list) > 0 && alltrue([
        for b in self.data_list : provider::hss::os_lifecycle(b.os_name, b.os_version, plantimestamp()).supported
      ])
      error_message = length(self.data_list) == 0 ? "HSS knows no base image for ${self.image_id}: not scanned yet, or a wrong ID or type." : join("; ", [
        for b in self.data_list : "${self.image_id} is built on ${b.os_name} ${b.os_version}, which is ${provider::hss::os_lifecycle(b.os_name, b.os_version, plantimestamp()).known ? "past its end of life" : "not in the provider's lifecycle table"}"
        if !provider::hss::os_lifecycle(b.os_name, b.os_version, plantimestamp()).supported
      ])
    }
  }
}
