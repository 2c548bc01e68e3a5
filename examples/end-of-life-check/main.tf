# Stop on images built on an end-of-life OS release: a check block warns on every plan, and a
# precondition fails the plan of the resource that would ship the image.

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
  endpoints = var.hss_endpoint == null ? null : {
    hss = var.hss_endpoint
    iam = var.hss_endpoint
  }
}

locals {
  end_of_life = toset(["CentOS 6", "CentOS 7", "Debian 8", "Debian 9", "Ubuntu 14.04", "Ubuntu 16.04", "Ubuntu 18.04"])
}

data "hss_image_basic_image" "release" {
  image_id        = "5f7c3b2a19e04d8c"
  image_type      = "private_image"
  image_reference = "swr.cn-north-4.myhuaweicloud.com/scc_hss_container/proxy-agent:24.5.0-x86_64"
}

locals {
  release_base_os = [for b in data.hss_image_basic_image.release.data_list : "${b.os_name} ${b.os_version}"]
}

check "release_base_supported" {
  assert {
    condition     = length(setintersection(local.end_of_life, local.release_base_os)) == 0
    error_message = "The release image is built on an end-of-life OS: ${join(", ", setintersection(local.end_of_life, local.release_base_os))}."
  }
}

# Stands for whatever deploys the image; its plan fails on an end-of-life base.
resource "terraform_data" "deployment" {
  input = data.hss_image_basic_image.release.image_reference

  lifecycle {
    precondition {
      condition     = length(setintersection(local.end_of_life, local.release_base_os)) == 0
      error_message = "Refusing to deploy an image built on an end-of-life OS: ${join(", ", local.release_base_os)}."
    }
  }
}
