# The deployment gate a pipeline runs before it deploys: gate.sh plans this configuration and
# reads its outputs. The gate does not stop the plan (enforce = false): the script decides, so it
# can list every refusal in the job summary and hand the pinned references on.

terraform {
  required_version = ">= 1.5"
  required_providers {
    hss = {
      source  = "hsslabs/hss"
      version = "~> 0.1"
    }
  }
}

variable "images" {
  description = "The images the deployment pulls, under keys of your choosing, e.g. {\"app\":\"swr.cn-north-4.myhuaweicloud.com/team/app:1.4.2\"} in TF_VAR_images."
  type        = map(string)
}

variable "at" {
  description = "The moment to judge for (RFC 3339). Leave unset for the time of the plan."
  type        = string
  default     = null
}

variable "hss_endpoint" {
  description = "Endpoint of HSS and IAM, e.g. the local emulator. Leave unset for Huawei Cloud."
  type        = string
  default     = null
}

provider "hss" {
  # region and credentials come from the job's environment: HW_REGION_NAME, and HW_ACCESS_KEY
  # and HW_SECRET_KEY or an OIDC ID token (see the authentication guide).
  endpoints = var.hss_endpoint == null ? null : {
    hss = var.hss_endpoint
    iam = var.hss_endpoint
  }
}

data "hss_image_gate" "deploy" {
  images  = var.images
  at      = var.at
  enforce = false

  # The defaults are strict; tune them here, e.g.
  # policy = { os_min_days_left = 30, os_allow = ["Huawei Cloud EulerOS 2.0"] }
}

output "allowed" {
  value = data.hss_image_gate.deploy.allowed
}

# Each image as given, its verdict, every reason it is refused, and the reference to deploy.
output "results" {
  value = {
    for k, r in data.hss_image_gate.deploy.results : k => {
      reference        = r.reference
      allowed          = r.allowed
      refusals         = r.refusals
      pinned_reference = r.pinned_reference
    }
  }
}
