# May this image be deployed? Only when HSS scanned it successfully, its base OS is supported
# today with min_days_left to spare, and no vulnerability that needs immediate repair is left
# unhandled. Every answer that is not a clear yes refuses, with the reasons: an image HSS does not
# know, one not scanned (or whose scan failed), an empty base-image answer, an OS release the
# lifecycle table does not know. `terraform plan` stops on a refusal.

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

variable "image" {
  description = "The image to deploy, as you pull it."
  type        = string
  default     = "swr.cn-north-4.myhuaweicloud.com/team/app:1.4.2"
}

variable "image_type" {
  description = "Where HSS has the image: private_image, shared_image or instance_image."
  type        = string
  default     = "private_image"
}

variable "min_days_left" {
  description = "Refuse a base OS whose support ends sooner than this."
  type        = number
  default     = 90
}

provider "hss" {
  # region and credentials come from HW_REGION_NAME, HW_ACCESS_KEY and HW_SECRET_KEY.
  endpoints = var.hss_endpoint == null ? null : {
    hss = var.hss_endpoint
    iam = var.hss_endpoint
  }
}

locals {
  ref = provider::hss::parse_image_reference(var.image)
}

# 1. Find the image, and whether it was scanned.
data "hss_images" "image" {
  image_type    = var.image_type
  namespace     = local.ref.namespace
  image_name    = local.ref.name
  image_version = local.ref.tag
}

locals {
  found   = one(data.hss_images.image.data_list)
  scanned = local.found != null && try(local.found.scan_status, "") == "success"
  # Reads about the image go on with a placeholder ID when it was not found, so that the plan
  # reaches the refusal below and says why.
  image_id = local.found != null ? local.found.image_id : "not-found"
}

# 2. Its base OS, and 3. its unhandled vulnerabilities that need immediate repair.
data "hss_image_basic_image" "base" {
  image_id        = local.image_id
  image_type      = var.image_type
  image_reference = var.image
}

data "hss_image_vulnerabilities" "urgent" {
  image_id         = local.image_id
  image_type       = var.image_type
  image_reference  = var.image
  repair_necessity = "immediate_repair"
  handle_status    = "unhandled"
}

locals {
  lifecycle = [for b in data.hss_image_basic_image.base.data_list :
  merge(provider::hss::os_lifecycle(b.os_name, b.os_version, plantimestamp()), { os = "${b.os_name} ${b.os_version}" })]

  refused = concat(
    local.found == null ? ["HSS knows no ${var.image_type} ${var.image}"] : [],
    local.found != null && !local.scanned ? ["HSS has not scanned it successfully (scan_status ${local.found.scan_status})"] : [],
    local.scanned && length(local.lifecycle) == 0 ? ["HSS knows no base image for it"] : [],
    [for b in local.lifecycle : "its base ${b.os} is not in the lifecycle table" if !b.known],
    [for b in local.lifecycle : "its base ${b.os} is past its end of life (${b.eol_date})" if b.end_of_life],
    [for b in local.lifecycle : "its base ${b.os} has ${b.days_left} days of support left" if b.supported && coalesce(b.days_left, 0) < var.min_days_left],
    local.scanned ? [for v in data.hss_image_vulnerabilities.urgent.data_list : "${v.vul_id} in ${v.app_name} ${v.version} needs immediate repair"] : [],
  )
}

resource "terraform_data" "deployment" {
  input = { image = var.image, image_id = local.image_id }

  lifecycle {
    precondition {
      condition     = length(local.refused) == 0
      error_message = "Refusing to deploy ${var.image}: ${join("; ", local.refused)}."
    }
  }
}

output "refused" {
  value = local.refused
}
