# The quickstart: the base image of the API page's example image, and the gate's verdict on three
# images, reasons included. The gate only warns here (enforce = false); examples/gate stops the
# plan. `make demo` runs `terraform plan` here against the local HSS emulator. Against Huawei
# Cloud, export HW_REGION_NAME with credentials (e.g. HW_ACCESS_KEY and HW_SECRET_KEY) and list
# your own images.

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

# The API page's example: the base image of CI/CD image 111.
data "hss_image_basic_image" "ci_runner" {
  image_id              = "111"
  image_type            = "cicd"
  enterprise_project_id = "all_granted_eps"
}

# May these be deployed?
data "hss_image_gate" "release" {
  images = {
    app   = "swr.cn-north-4.myhuaweicloud.com/team/app:1.4.2"
    agent = "swr.cn-north-4.myhuaweicloud.com/scc_hss_container/proxy-agent:24.5.0-x86_64"
    api   = "prod-a3c1e5f7.swr-ee.cn-north-4.myhuaweicloud.com/team/api:2.0.0"
  }
  enforce = false
}

output "ci_runner_base_image" {
  description = "Base image of CI/CD image 111, as the API reports it."
  value       = data.hss_image_basic_image.ci_runner.data_list
}

output "verdicts" {
  description = "What to deploy, or why not."
  value = {
    for k, r in data.hss_image_gate.release.results :
    k => r.allowed ? "deploy ${r.pinned_reference}" : join("; ", r.refusals)
  }
}
