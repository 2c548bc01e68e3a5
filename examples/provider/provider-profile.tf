# A profile of the Huawei Cloud CLI (hcloud configure): AKSK, SSO and ecsAgency profiles.
# HW_SHARED_CONFIG_FILE and HW_PROFILE work too.
provider "hss" {
  alias              = "profile"
  shared_config_file = "~/.hcloud/config.json"
  profile            = "security-team"
}
