data "hss_image_basic_image" "proxy_agent" {
  image_id              = "5f7c3b2a19e04d8c"
  image_type            = "private_image"
  namespace             = "scc_hss_container"
  image_name            = "proxy-agent"
  image_version         = "24.5.0-x86_64"
  enterprise_project_id = "all_granted_eps"
}

# Base image of the CI/CD image whose ID is 111.
data "hss_image_basic_image" "ci" {
  image_id              = "111"
  image_type            = "cicd"
  enterprise_project_id = "all_granted_eps"
}

output "ci_base_os" {
  value = [for b in data.hss_image_basic_image.ci.data_list : "${b.os_name} ${b.os_version}"]
}
