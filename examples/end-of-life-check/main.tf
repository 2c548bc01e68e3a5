# Gate deployments on the base OS's lifecycle, with the provider's own lifecycle table
# (provider::hss::os_lifecycle, Terraform 1.8 or later) instead of a hand-written list.
#
# - The check block only WARNS: it reports every image that would be refused, and never stops
#   a plan (terraform plan -detailed-exitcode still exits 0 or 2).
# - The precondition STOPS the plan of a deployment whose image is on an end-of-life release,
#   on a release the table does not know, or on no base image HSS knows: it fails closed.
#
# Against the local emulator (see the README), the defaults show both: the check warns that
# "legacy" is built on Debian 9, and the deployment of "release" (AlmaLinux 9.4) passes its
# precondition. Deploying the legacy image too fails the plan:
#
#   terraform plan -var 'deploy=["release", "legacy"]'

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

variable "images" {
  description = "Images to check, by name: the HSS image ID and type, and for repository images the reference."
  type = map(object({
    id        = string
    type      = string
    reference = optional(string)
  }))
  default = {
    release = { id = "222", type = "cicd" }
    legacy  = { id = "111", type = "cicd" }
  }
}

variable "deploy" {
  description = "Names of the images to deploy; each must be built on a supported OS release."
  type        = set(string)
  default     = ["release"]
}

provider "hss" {
  endpoints = var.hss_endpoint == null ? null : {
    hss = var.hss_endpoint
    iam = var.hss_endpoint
  }
}

data "hss_image_basic_image" "image" {
  for_each        = var.images
  image_id        = each.value.id
  image_type      = each.value.type
  image_reference = each.value.reference
}

locals {
  # Each base-image entry with its lifecycle: known, supported, eol_date, days_left, ...
  bases = {
    for name, d in data.hss_image_basic_image.image : name => [
      for b in d.data_list : merge(b, provider::hss::os_lifecycle(b.os_name, b.os_version, plantimestamp()))
    ]
  }
  # Why each image may not be deployed: empty when it may.
  refused = {
    for name, bases in local.bases : name => length(bases) == 0 ? ["HSS knows no base image for it (not scanned yet, or a wrong ID or type)"] : [
      for b in bases : b.known ? "${b.os_name} ${b.os_version} reached its end of life on ${b.eol_date}" : "${b.os_name} ${b.os_version} is not in the provider's lifecycle table"
      if !b.supported
    ]
  }
  refused_images = { for name, reasons in local.refused : name => reasons if length(reasons) > 0 }
}

# Warns, never blocks: a report on every image, deployed or not.
check "supported_base_os" {
  assert {
    condition     = length(local.refused_images) == 0
    error_message = "Images on an unsupported base: ${jsonencode(local.refused_images)}."
  }
}

# Stands for whatever deploys an image; its plan fails on an unsupported base.
resource "terraform_data" "deployment" {
  for_each = var.deploy
  input    = data.hss_image_basic_image.image[each.key].id

  lifecycle {
    precondition {
      condition     = length(local.refused[each.key]) == 0
      error_message = "Refusing to deploy ${each.key}: ${join("; ", local.refused[each.key])}."
    }
  }
}

output "base_os" {
  value = { for name, d in data.hss_image_basic_image.image : name => [for b in d.data_list : "${b.os_name} ${b.os_version}"] }
}
