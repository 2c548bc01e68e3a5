# The base OS of every image a team ships, collected into one output.

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
  enterprise_project_id = "all_granted_eps"
  endpoints = var.hss_endpoint == null ? null : {
    hss = var.hss_endpoint
    iam = var.hss_endpoint
  }
}

locals {
  # Image name => what identifies it to HSS.
  images = {
    ci-runner = { id = "111", type = "cicd", reference = null }
    builder   = { id = "multi-os-0001", type = "cicd", reference = null }
    agent = {
      id        = "5f7c3b2a19e04d8c"
      type      = "private_image"
      reference = "swr.cn-north-4.myhuaweicloud.com/scc_hss_container/proxy-agent:24.5.0-x86_64"
    }
  }
}

data "hss_image_basic_image" "image" {
  for_each = local.images

  image_id        = each.value.id
  image_type      = each.value.type
  image_reference = each.value.reference
}

output "base_os" {
  description = "Base OS releases of each image."
  value = {
    for name, d in data.hss_image_basic_image.image :
    name => distinct([for b in d.data_list : "${b.os_name} ${b.os_version}"])
  }
}
