# The policy module examples/modules/base-image-policy as it stood when hss_image_gate came:
# the same gate written in HCL, kept verbatim below as planbench's baseline (-gate).

# A policy module: the base OS of each image, and a plan that fails when one is built on a
# release that is not supported, by the provider's OS lifecycle table
# (provider::hss::os_lifecycle), when a repository image was not scanned successfully, or when an
# image has an unhandled vulnerability of a severity it refuses. It fails closed: an image HSS
# knows no base image for, one it never scanned, and a release the table does not know, fail too
# unless allow_unknown names it. Its tests
# (tests/*.tftest.hcl) run without a cloud account: they mock the hss provider and override the
# data source's answer, while the lifecycle function runs for real.

terraform {
  # Provider functions came with Terraform 1.8 (OpenTofu 1.7); test mocks with 1.7.
  required_version = ">= 1.8"
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

variable "at" {
  description = "The moment the policy is evaluated for, as an RFC 3339 timestamp. Defaults to the plan's timestamp (plantimestamp())."
  type        = string
  default     = null
}

variable "min_days_left" {
  description = "Refuse a release whose standard support ends within this many days of `at`, as well as one that has ended."
  type        = number
  default     = 0

  validation {
    condition     = var.min_days_left >= 0
    error_message = "min_days_left must be 0 or more."
  }
}

variable "allow_unknown" {
  description = "Releases, as \"<os_name> <os_version>\", accepted although the lifecycle table does not know them (for example \"Huawei Cloud EulerOS 2.0\"). Known releases are always judged by the table."
  type        = set(string)
  default     = []
}

variable "require_scan" {
  description = "Refuse a repository image (private_image, shared_image, instance_image, local_image with a reference) that HSS has not scanned successfully, as hss_images reports it. CI/CD images are scanned in their pipeline and not listed there."
  type        = bool
  default     = true
}

variable "refuse_vulnerabilities" {
  description = "Refuse an image with an unhandled vulnerability of these severities (immediate_repair, delay_repair, not_needed_repair); empty reads none."
  type        = set(string)
  default     = ["immediate_repair"]
}

variable "enforce" {
  description = "Fail the plan when an image is refused. With false the module only reports, through the refused output."
  type        = bool
  default     = true
}

data "hss_image_basic_image" "image" {
  for_each        = var.images
  image_id        = each.value.id
  image_type      = each.value.type
  image_reference = each.value.reference
}

locals {
  # Repository images hss_images can find by their reference.
  listed = {
    for name, i in var.images : name => provider::hss::parse_image_reference(i.reference)
    if var.require_scan && i.reference != null && contains(["private_image", "shared_image", "instance_image", "local_image"], i.type)
  }
}

data "hss_images" "image" {
  for_each      = local.listed
  image_type    = var.images[each.key].type
  namespace     = each.value.namespace
  image_name    = each.value.name
  image_version = each.value.tag
}

data "hss_image_vulnerabilities" "image" {
  for_each        = length(var.refuse_vulnerabilities) > 0 ? var.images : {}
  image_id        = each.value.id
  image_type      = each.value.type
  image_reference = each.value.reference
  handle_status   = "unhandled"
}

locals {
  at = coalesce(var.at, plantimestamp())
  # Why a repository image's scan refuses it.
  unscanned = {
    for name, d in data.hss_images.image : name => (
      length(d.data_list) == 0 ? ["HSS lists no such image, so it was never scanned"] :
      [for i in d.data_list : "HSS has not scanned it successfully (scan_status ${i.scan_status})" if i.scan_status != "success"]
    )
  }
  vulnerable = {
    for name, d in data.hss_image_vulnerabilities.image : name => [
      for v in d.data_list : "${v.vul_id} (${v.repair_necessity}) in ${v.app_name} ${v.version} is unhandled" if contains(var.refuse_vulnerabilities, v.repair_necessity)
    ]
  }
  # Each base-image entry with its lifecycle: known, supported, eol_date, days_left, ...
  bases = {
    for name, d in data.hss_image_basic_image.image : name => [
      for b in d.data_list : merge(b, provider::hss::os_lifecycle(b.os_name, b.os_version, local.at), { release_name = "${b.os_name} ${b.os_version}" })
    ]
  }
  # Why each image is refused: empty when it passes.
  refused = {
    for name, bases in local.bases : name => length(bases) == 0 ? ["HSS knows no base image for it (not scanned yet, or a wrong ID or type)"] : concat(
      [for b in bases : "${b.release_name} is not in the provider's lifecycle table" if !b.known && !contains(var.allow_unknown, b.release_name)],
      [for b in bases : "${b.release_name} reached its end of life on ${b.eol_date}" if b.known && b.end_of_life],
      [for b in bases : "${b.release_name} ends standard support on ${b.eol_date}, in ${b.days_left} days (fewer than ${var.min_days_left})"
      if b.known && !b.end_of_life && coalesce(b.days_left, var.min_days_left) < var.min_days_left],
      lookup(local.unscanned, name, []),
      lookup(local.vulnerable, name, []),
    )
  }
}

output "base_os" {
  description = "The base OS releases of each image, as \"<os_name> <os_version>\"."
  value       = { for name, bases in local.bases : name => [for b in bases : b.release_name] }

  precondition {
    condition     = !var.enforce || alltrue([for reasons in values(local.refused) : length(reasons) == 0])
    error_message = "Refused: ${jsonencode({ for name, reasons in local.refused : name => reasons if length(reasons) > 0 })}."
  }
}

output "refused" {
  description = "Why each image is refused, by name; an image that passes has an empty list."
  value       = { for name, reasons in local.refused : name => tolist(reasons) }
}
