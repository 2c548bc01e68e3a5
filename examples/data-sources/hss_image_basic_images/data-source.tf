# The base OS of every image a team ships, in one data source, and a refusal naming each image
# whose base is not supported today, or unknown.

# Provider functions need Terraform 1.8 or later (on OpenTofu 1.7, write ">= 1.7").
terraform {
  required_version = ">= 1.8"
}

locals {
  images = {
    ci-runner = { image_id = "111", image_type = "cicd" }
    app       = { image_id = "222", image_type = "cicd" }
    agent = {
      image_id        = "5f7c3b2a19e04d8c"
      image_type      = "private_image"
      image_reference = "swr.cn-north-4.myhuaweicloud.com/scc_hss_container/proxy-agent:24.5.0-x86_64"
    }
  }
}

data "hss_image_basic_images" "team" {
  images = local.images

  lifecycle {
    postcondition {
      condition = alltrue([for name, r in self.results :
        length(r.data_list) > 0 && alltrue([for b in r.data_list : provider::hss::os_lifecycle(b.os_name, b.os_version, plantimestamp()).supported])
      ])
      error_message = "Not on a supported base: ${join(", ", [for name, r in self.results : name if length(r.data_list) == 0 || anytrue([for b in r.data_list : !provider::hss::os_lifecycle(b.os_name, b.os_version, plantimestamp()).supported])])}."
    }
  }
}
