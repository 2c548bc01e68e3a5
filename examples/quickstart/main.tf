# The base OS of several images, and a warning for any built on a release that is not
# supported today, by the provider's OS lifecycle table (provider::hss::os_lifecycle). The check
# block only warns; examples/end-of-life-check shows the precondition that stops a plan.
# `make demo` runs `terraform plan` here against the local HSS emulator. Against Huawei Cloud,
# export HW_REGION_NAME with credentials (e.g. HW_ACCESS_KEY and HW_SECRET_KEY) and list your
# own images.

terraform {
  required_version = ">= 1.8"
  required_providers {
    hss = {
      source = "hsslabs/hss"
    }
  }
}

variable "hss_endpoint" {
  description = "Endpoint of HSS and IAM, e.g. the local emulator. Leave unset for Huawei Cloud."
  type        = string
  default     = null
}

provider "hss" {
  # region and credentials come from HW_REGION_NAME, HW_ACCESS_KEY and HW_SECRET_KEY.
  enterprise_project_id = "all_granted_eps"
  endpoints = var.hss_endpoint == null ? null : {
    hss = var.hss_endpoint
    iam = var.hss_endpoint
  }
}

locals {
  images = {
    ci-runner = { id = "111", type = "cicd", reference = null }
    app       = { id = "222", type = "cicd", reference = null }
    agent = {
      id        = "5f7c3b2a19e04d8c"
      type      = "private_image"
      reference = "swr.cn-north-4.myhuaweicloud.com/scc_hss_container/proxy-agent:24.5.0-x86_64"
    }
  }

  base_os = {
    for name, d in data.hss_image_basic_image.image :
    name => distinct([for b in d.data_list : "${b.os_name} ${b.os_version}"])
  }
  # Every release not supported today: at its end of life, or unknown to the lifecycle table.
  unsupported = {
    for name, d in data.hss_image_basic_image.image : name => [
      for b in d.data_list : "${b.os_name} ${b.os_version}"
      if !provider::hss::os_lifecycle(b.os_name, b.os_version, plantimestamp()).supported
    ]
  }
  on_unsupported = { for name, releases in local.unsupported : name => releases if length(releases) > 0 }
  # An image HSS knows no base image for fails the check too: an empty answer is no pass.
  unknown = [for name, releases in local.base_os : name if length(releases) == 0]
}

data "hss_image_basic_image" "image" {
  for_each = local.images

  image_id        = each.value.id
  image_type      = each.value.type
  image_reference = each.value.reference
}

# Warns on every plan; it never stops one.
check "supported_base_os" {
  assert {
    condition     = length(local.on_unsupported) == 0 && length(local.unknown) == 0
    error_message = "Built on a release not supported today: ${jsonencode(local.on_unsupported)}. No base image known for: ${jsonencode(local.unknown)}."
  }
}

# Records the base images a release was planned against.
resource "terraform_data" "release_base_images" {
  input = local.base_os
}

output "base_os" {
  description = "Base OS releases of each image."
  value       = local.base_os
}

output "ci_runner_base_image" {
  description = "Base image of CI/CD image 111, as the API reports it."
  value       = data.hss_image_basic_image.image["ci-runner"].data_list
}
