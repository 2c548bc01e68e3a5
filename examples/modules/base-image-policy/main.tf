# A policy module: the base OS of each image, and a plan that fails when one is built on an
# end-of-life OS release. Its tests (tests/*.tftest.hcl) run without a cloud account: they mock
# the hss provider and override the data source's answer.

terraform {
  required_version = ">= 1.7"
  required_providers {
    hss = {
      source = "hsslabs/hss"
    }
  }
}

variable "images" {
  description = "Images to check, by name: the HSS image ID and type, and for repository images the reference."
  type = map(object({
    id        = string
    type      = string
    reference = optional(string)
  }))
}

variable "end_of_life" {
  description = "OS releases no image may be built on, as \"<os_name> <os_version>\"."
  type        = set(string)
  default     = ["CentOS 6", "CentOS 7", "Debian 8", "Debian 9", "Ubuntu 14.04", "Ubuntu 16.04", "Ubuntu 18.04"]
}

data "hss_image_basic_image" "image" {
  for_each        = var.images
  image_id        = each.value.id
  image_type      = each.value.type
  image_reference = each.value.reference
}

locals {
  base_os = {
    for name, d in data.hss_image_basic_image.image : name => [for b in d.data_list : "${b.os_name} ${b.os_version}"]
  }
  end_of_life_images = {
    for name, os in local.base_os : name => setintersection(var.end_of_life, os) if length(setintersection(var.end_of_life, os)) > 0
  }
}

output "base_os" {
  description = "The base OS releases of each image, as \"<os_name> <os_version>\"."
  value       = local.base_os

  # Fails closed: an image HSS knows no base image for fails the policy too.
  precondition {
    condition     = alltrue([for os in values(local.base_os) : length(os) > 0])
    error_message = "No base image known for: ${jsonencode([for name, os in local.base_os : name if length(os) == 0])} (not scanned yet, or a wrong ID or type)."
  }

  precondition {
    condition     = length(local.end_of_life_images) == 0
    error_message = "Built on an end-of-life OS: ${jsonencode(local.end_of_life_images)}."
  }
}
