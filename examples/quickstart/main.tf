# Reads the base image of two images and uses the result in an output, a resource and a
# check. `make demo` runs `terraform plan` here against the local HSS emulator; against
# Huawei Cloud, export HW_REGION_NAME, HW_ACCESS_KEY and HW_SECRET_KEY and use your own
# image IDs.

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
  endpoints = var.hss_endpoint == null ? null : {
    hss = var.hss_endpoint
    iam = var.hss_endpoint
  }
}

data "hss_image_basic_image" "ci" {
  image_id              = "111"
  image_type            = "cicd"
  enterprise_project_id = "all_granted_eps"
}

data "hss_image_basic_image" "proxy_agent" {
  image_id              = "5f7c3b2a19e04d8c"
  image_type            = "private_image"
  namespace             = "scc_hss_container"
  image_name            = "proxy-agent"
  image_version         = "24.5.0-x86_64"
  enterprise_project_id = "all_granted_eps"
}

locals {
  end_of_life = ["CentOS 6", "CentOS 7", "Debian 8", "Debian 9", "Ubuntu 16.04"]
}

# Records the base image a deployment was planned against.
resource "terraform_data" "ci_base_image" {
  input = data.hss_image_basic_image.ci.data_list
}

check "ci_base_image_supported" {
  assert {
    condition = alltrue([
      for b in data.hss_image_basic_image.ci.data_list : !contains(local.end_of_life, "${b.os_name} ${b.os_version}")
    ])
    error_message = "The CI image is built on an end-of-life OS release."
  }
}

output "ci_base_image" {
  description = "Base image of CI/CD image 111."
  value       = data.hss_image_basic_image.ci.data_list
}

output "proxy_agent_base_os" {
  value = [for b in data.hss_image_basic_image.proxy_agent.data_list : "${b.os_name} ${b.os_version}"]
}
