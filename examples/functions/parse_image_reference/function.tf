terraform {
  required_version = ">= 1.8"
  required_providers {
    hss = {
      source = "hsslabs/hss"
    }
  }
}

# registry, namespace, name, tag and digest of a repository image, as HSS identifies it.
output "proxy_agent" {
  value = provider::hss::parse_image_reference("swr.cn-north-4.myhuaweicloud.com/scc_hss_container/proxy-agent:24.5.0-x86_64")
}

# Only images of the organization's own registry pass.
variable "image" {
  type    = string
  default = "swr.cn-north-4.myhuaweicloud.com/team/app:1.4.2"

  validation {
    condition     = provider::hss::parse_image_reference(var.image).registry == "swr.cn-north-4.myhuaweicloud.com"
    error_message = "Images come from swr.cn-north-4.myhuaweicloud.com only."
  }
}
