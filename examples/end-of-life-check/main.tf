# Stop on images built on an end-of-life OS release: a check block warns on every plan that
# reads one, and a precondition fails the plan of a deployment that would ship one.
#
# Against the local emulator (see the README), the defaults show both outcomes without failing:
# the check warns that "legacy" is built on Debian 9, and the deployment of "release" (Huawei
# Cloud EulerOS 2.0) passes its precondition. Deploying the legacy image too fails the plan:
#
#   terraform plan -var 'deploy=["release", "legacy"]'

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

variable "images" {
  description = "Images to check, by name: the HSS image ID and type, and for repository images the reference."
  type = map(object({
    id        = string
    type      = string
    reference = optional(string)
  }))
  default = {
    release = {
      id        = "5f7c3b2a19e04d8c"
      type      = "private_image"
      reference = "swr.cn-north-4.myhuaweicloud.com/scc_hss_container/proxy-agent:24.5.0-x86_64"
    }
    legacy = { id = "111", type = "cicd" }
  }
}

variable "deploy" {
  description = "Names of the images to deploy; each must not be built on an end-of-life OS."
  type        = set(string)
  default     = ["release"]
}

provider "hss" {
  endpoints = var.hss_endpoint == null ? null : {
    hss = var.hss_endpoint
    iam = var.hss_endpoint
  }
}

locals {
  end_of_life = toset(["CentOS 6", "CentOS 7", "Debian 8", "Debian 9", "Ubuntu 14.04", "Ubuntu 16.04", "Ubuntu 18.04"])
  base_os = {
    for name, d in data.hss_image_basic_image.image : name => [for b in d.data_list : "${b.os_name} ${b.os_version}"]
  }
  end_of_life_images = {
    for name, os in local.base_os : name => setintersection(local.end_of_life, os) if length(setintersection(local.end_of_life, os)) > 0
  }
}

data "hss_image_basic_image" "image" {
  for_each        = var.images
  image_id        = each.value.id
  image_type      = each.value.type
  image_reference = each.value.reference
}

check "no_end_of_life_base" {
  assert {
    condition     = length(local.end_of_life_images) == 0 && alltrue([for os in values(local.base_os) : length(os) > 0])
    error_message = "Built on an end-of-life OS: ${jsonencode(local.end_of_life_images)}, or on a base HSS does not know: ${jsonencode(local.base_os)}."
  }
}

# Stands for whatever deploys an image; its plan fails on an end-of-life base.
resource "terraform_data" "deployment" {
  for_each = var.deploy
  input    = data.hss_image_basic_image.image[each.key].id

  lifecycle {
    # Fails closed: an image HSS knows no base image for is not deployed either.
    precondition {
      condition     = length(local.base_os[each.key]) > 0
      error_message = "Refusing to deploy ${each.key}: HSS knows no base image for it (not scanned yet, or a wrong ID or type)."
    }
    precondition {
      condition     = !contains(keys(local.end_of_life_images), each.key)
      error_message = "Refusing to deploy ${each.key}: it is built on ${join(", ", local.base_os[each.key])}, an end-of-life OS."
    }
  }
}

output "base_os" {
  value = local.base_os
}
