# The base OS of several images, and a warning for any built on an end-of-life OS release.
# `make demo` runs `terraform plan` here against the local HSS emulator. Against Huawei Cloud,
# export HW_REGION_NAME with credentials (e.g. HW_ACCESS_KEY and HW_SECRET_KEY) and list your
# own images.

terraform {
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
    builder   = { id = "multi-os-0001", type = "cicd", reference = null }
    agent = {
      id        = "5f7c3b2a19e04d8c"
      type      = "private_image"
      reference = "swr.cn-north-4.myhuaweicloud.com/scc_hss_container/proxy-agent:24.5.0-x86_64"
    }
  }

  end_of_life = toset(["CentOS 6", "CentOS 7", "Debian 8", "Debian 9", "Ubuntu 14.04", "Ubuntu 16.04", "Ubuntu 18.04"])

  base_os = {
    for name, d in data.hss_image_basic_image.image :
    name => distinct([for b in d.data_list : "${b.os_name} ${b.os_version}"])
  }
  on_end_of_life = {
    for name, releases in local.base_os : name => setintersection(local.end_of_life, releases)
    if length(setintersection(local.end_of_life, releases)) > 0
  }
  # An image HSS knows no base image for fails the check too: an empty answer is no pass.
  unknown = [for name, releases in local.base_os : name if length(releases) == 0]
}

data "hss_image_basic_image" "image" {
  for_each = local.images

  image_id        = each.value.id
  image_type      = each.value.type
  image_reference = each.value.reference
}

check "no_end_of_life_base" {
  assert {
    condition     = length(local.on_end_of_life) == 0 && length(local.unknown) == 0
    error_message = "Built on an end-of-life OS: ${jsonencode(local.on_end_of_life)}. No base image known for: ${jsonencode(local.unknown)}."
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
