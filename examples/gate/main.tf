# May these images be deployed? hss_image_gate judges every image at once: the plan stops on a
# refusal and lists every reason; on a pass, the deployment gets exactly the images HSS judged.

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
  description = "The images to deploy, by name, as a deployment pulls them."
  type        = map(string)
  default = {
    app = "swr.cn-north-4.myhuaweicloud.com/team/app:1.4.2"
  }
}

provider "hss" {
  # region and credentials come from HW_REGION_NAME, HW_ACCESS_KEY and HW_SECRET_KEY.
  endpoints = var.hss_endpoint == null ? null : {
    hss = var.hss_endpoint
    iam = var.hss_endpoint
  }
}

data "hss_image_gate" "release" {
  images = var.images
  policy = {
    os_min_days_left = 90
    exceptions = [
      { vul_id = "CVE-2024-6387", reason = "no sshd runs in the image", expires = "2027-01-31" },
    ]
  }
}

# The deployment pulls the pinned references: the digests HSS scanned, whatever the tags point
# to later. Its precondition holds the line when the gate only warns (enforce = false), and is
# what the configuration's own tests check (tests/gate.tftest.hcl).
resource "terraform_data" "deployment" {
  for_each = data.hss_image_gate.release.results
  input    = each.value.pinned_reference

  lifecycle {
    precondition {
      condition     = each.value.allowed
      error_message = "HSS refused ${each.key}: ${join("; ", each.value.refusals)}."
    }
  }
}

output "deploy" {
  description = "The pinned reference of each image, as the deployment pulls it."
  value       = { for k, r in data.hss_image_gate.release.results : k => r.pinned_reference }
}
